//! The three circuits of the proof pipeline and what they have in common.
//!
//! | stage | proves | public inputs |
//! |-------|--------|---------------|
//! | [`batch::BatchCircuit`] | the batch's transfers move `r(i-1)` to `r(i)` and hash to `d(i)` | `r(i-1), r(i), d(i), prover` (8) |
//! | [`aggregator::AggregatorCircuit`] | the batch statements form one chain `r(0) → … → r(n)`, with `n` batches, ending at the sequence's new root | `n, r(0), r(n), commitment, prover`, then `r(i), d(i)` per slot (9 + 4N) |
//! | [`final_stage::FinalCircuit`] | the sequence statement is well formed and bound to the prover | the statement (10) |
//!
//! The public inputs are exactly those `zkpow_primitives::artifact` derives from chain
//! data; each circuit returns them through [`StageCircuit::public_inputs`].

pub mod aggregator;
pub mod batch;
pub mod final_stage;

use ark_bn254::Fr;
use ark_relations::r1cs::ConstraintSynthesizer;
use zkpow_primitives::{groth16::decode_fr, Bytes32};

/// A stage of the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
	/// One batch's state transition.
	Batch,
	/// Continuity of a sequence's batches.
	Aggregator,
	/// The sequence statement bound to the miner.
	Final,
}

impl Stage {
	/// All stages, in pipeline order.
	pub const ALL: [Stage; 3] = [Stage::Batch, Stage::Aggregator, Stage::Final];

	/// Lowercase name (file names, metrics, the HTTP API).
	pub fn name(&self) -> &'static str {
		match self {
			Stage::Batch => "batch",
			Stage::Aggregator => "aggregator",
			Stage::Final => "final",
		}
	}
}

/// A circuit of one stage.
pub trait StageCircuit: ConstraintSynthesizer<Fr> + Clone {
	/// Its stage.
	const STAGE: Stage;
	/// The public inputs its proof is verified against, in order.
	fn public_inputs(&self) -> Vec<Fr>;
}

/// Decodes public inputs given as 32-byte words (always below `2^128` here).
pub(crate) fn words_to_fr(words: &[Bytes32]) -> Vec<Fr> {
	words
		.iter()
		.map(|w| decode_fr(w).expect("public inputs are below 2^128"))
		.collect()
}
