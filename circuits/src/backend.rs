//! The stage interfaces of the proof pipeline and the non-recursive Groth16 backend.
//!
//! A miner's pipeline calls [`BatchStage`] once per batch (in parallel), then
//! [`AggregatorStage`] when a sequence has more than one batch, then [`FinalStage`],
//! whose output is the artifact that is committed, revealed and verified. Inputs carry
//! everything a *recursive* backend would need as well (the aggregator gets the batch
//! proofs, the final stage the aggregator proof), so such a backend can implement the
//! same traits with a different artifact version.

use crate::{
	config::CircuitConfig,
	error::{invalid, Error},
	keys::KeySet,
	prove::{prove_with_matrices, verify},
	rollup::witness::BatchWitness,
	stages::{
		aggregator::AggregatorCircuit, batch::BatchCircuit, final_stage::FinalCircuit, words_to_fr,
		Stage, StageCircuit,
	},
};
use std::sync::Arc;
use zkpow_primitives::{
	artifact::{self, batch_public_inputs, encode_artifact, VkSet},
	BatchHeader, Bytes32, RollupId, SequenceIndex, SequenceStatement,
};

/// A proven batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchProof {
	/// The encoded proof (256 bytes).
	pub proof: Vec<u8>,
	/// Root before the batch.
	pub prev_root: Bytes32,
	/// The header the proof is for (new root, data hash), to compare with the chain.
	pub header: BatchHeader,
}

/// Input of the aggregator stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregatorInput {
	/// The miner the proofs are bound to.
	pub prover: Bytes32,
	/// Root before the first batch.
	pub prev_root: Bytes32,
	/// The sequence's batches (at least two).
	pub batches: Vec<BatchHeader>,
	/// The batch proofs, in batch order.
	pub batch_proofs: Vec<Vec<u8>>,
}

/// Input of the final stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalInput {
	/// Rollup.
	pub rollup_id: RollupId,
	/// Sequence index.
	pub sequence_index: SequenceIndex,
	/// The miner the artifact is bound to.
	pub prover: Bytes32,
	/// Root before the first batch.
	pub prev_root: Bytes32,
	/// The sequence's batches.
	pub batches: Vec<BatchHeader>,
	/// The batch proofs, in batch order.
	pub batch_proofs: Vec<Vec<u8>>,
	/// The aggregator proof, exactly when there is more than one batch.
	pub aggregator_proof: Option<Vec<u8>>,
}

impl FinalInput {
	/// The sequence statement this input is about.
	pub fn statement(&self) -> SequenceStatement {
		SequenceStatement::new(
			self.rollup_id,
			self.sequence_index,
			self.prev_root,
			&self.batches,
			self.prover,
		)
	}
}

/// Proves batches.
pub trait BatchStage {
	/// Proves the batch of `witness`, bound to `prover`.
	fn prove_batch(&self, prover: &Bytes32, witness: &BatchWitness) -> Result<BatchProof, Error>;
}

/// Proves the continuity of a sequence's batches.
pub trait AggregatorStage {
	/// Returns the encoded aggregator proof.
	fn prove_aggregator(&self, input: &AggregatorInput) -> Result<Vec<u8>, Error>;
}

/// Proves the sequence statement and packages the artifact.
pub trait FinalStage {
	/// Returns the artifact bytes.
	fn prove_final(&self, input: &FinalInput) -> Result<Vec<u8>, Error>;
}

/// A complete proving backend.
pub trait ProofBackend: BatchStage + AggregatorStage + FinalStage + Send + Sync {
	/// Short name (`groth16-bundle`).
	fn name(&self) -> &'static str;
	/// The circuit configuration served.
	fn config(&self) -> &CircuitConfig;
	/// The verifying-key set its artifacts verify against.
	fn vk_set(&self) -> &[u8];
}

/// Non-recursive Groth16 backend: artifacts bundle every proof (artifact version 1).
///
/// Each stage's constraint matrices are synthesized once and kept with the keys
/// ([`KeySet::matrices`]); every proof then synthesizes only its witness.
pub struct Groth16Bundle {
	keys: Arc<KeySet>,
	verifier: VkSet,
}

impl Groth16Bundle {
	/// A backend over `keys`.
	pub fn new(keys: Arc<KeySet>) -> Result<Self, Error> {
		let verifier = VkSet::decode(&keys.vk_set)?;
		Ok(Self { keys, verifier })
	}

	/// The keys.
	pub fn keys(&self) -> &KeySet {
		&self.keys
	}

	/// Synthesizes the constraint matrices of every stage now rather than at each
	/// stage's first proof.
	pub fn prepare(&self) -> Result<(), Error> {
		for stage in Stage::ALL {
			self.keys.matrices(stage)?;
		}
		Ok(())
	}

	/// Proves `circuit` with the keys and cached matrices of its stage.
	fn prove<C: StageCircuit>(&self, circuit: C) -> Result<Vec<u8>, Error> {
		let keys = self.keys.stage(C::STAGE);
		prove_with_matrices(&keys.pk, self.keys.matrices(C::STAGE)?, circuit)
	}

	/// Checks that every batch proof verifies for its derived inputs.
	fn check_batch_proofs(
		&self,
		prover: &Bytes32,
		prev_root: &Bytes32,
		batches: &[BatchHeader],
		proofs: &[Vec<u8>],
	) -> Result<(), Error> {
		if batches.is_empty() {
			return Err(invalid("a sequence needs at least one batch"));
		}
		if batches.len() > self.keys.config.max_batches {
			return Err(invalid(format!(
				"{} batches, the `{}` circuits take at most {} per sequence",
				batches.len(),
				self.keys.config.name,
				self.keys.config.max_batches
			)));
		}
		if proofs.len() != batches.len() {
			return Err(invalid(format!(
				"{} batches but {} batch proofs",
				batches.len(),
				proofs.len()
			)));
		}
		let mut prev = *prev_root;
		for (i, (batch, proof)) in batches.iter().zip(proofs).enumerate() {
			let inputs = words_to_fr(&batch_public_inputs(&prev, batch, prover));
			verify(&self.keys.batch.pvk, proof, &inputs).map_err(|e| {
				invalid(format!(
					"batch proof {i} does not verify for this prover, previous root and header ({e})"
				))
			})?;
			prev = batch.state_root;
		}
		Ok(())
	}
}

impl BatchStage for Groth16Bundle {
	fn prove_batch(&self, prover: &Bytes32, witness: &BatchWitness) -> Result<BatchProof, Error> {
		let transition = witness.execute(&self.keys.config)?;
		let circuit = BatchCircuit::assign(self.keys.config, witness, *prover)?;
		debug_assert_eq!(circuit.header(), transition.header());
		let inputs = circuit.public_inputs();
		let header = circuit.header();
		let proof = self.prove(circuit)?;
		verify(&self.keys.batch.pvk, &proof, &inputs)?;
		Ok(BatchProof { proof, prev_root: witness.prev_root, header })
	}
}

impl AggregatorStage for Groth16Bundle {
	fn prove_aggregator(&self, input: &AggregatorInput) -> Result<Vec<u8>, Error> {
		if input.batches.len() < 2 {
			return Err(invalid("a single-batch sequence has no aggregator proof"));
		}
		self.check_batch_proofs(
			&input.prover,
			&input.prev_root,
			&input.batches,
			&input.batch_proofs,
		)?;
		// Rollup id and sequence index are not aggregator inputs.
		let statement = SequenceStatement::new(0, 0, input.prev_root, &input.batches, input.prover);
		let circuit =
			AggregatorCircuit::new(self.keys.config.max_batches, &statement, &input.batches);
		let inputs = circuit.public_inputs();
		let proof = self.prove(circuit)?;
		verify(&self.keys.aggregator.pvk, &proof, &inputs)?;
		Ok(proof)
	}
}

impl FinalStage for Groth16Bundle {
	fn prove_final(&self, input: &FinalInput) -> Result<Vec<u8>, Error> {
		self.check_batch_proofs(
			&input.prover,
			&input.prev_root,
			&input.batches,
			&input.batch_proofs,
		)?;
		let statement = input.statement();
		match (&input.aggregator_proof, input.batches.len()) {
			(None, 1) => {},
			(Some(proof), n) if n > 1 => {
				let expected = AggregatorCircuit::new(
					self.keys.config.max_batches,
					&statement,
					&input.batches,
				);
				verify(&self.keys.aggregator.pvk, proof, &expected.public_inputs()).map_err(
					|e| {
						invalid(format!(
							"the aggregator proof does not verify for this sequence ({e})"
						))
					},
				)?;
			},
			(None, _) => {
				return Err(invalid("a sequence of several batches needs the aggregator proof"))
			},
			(Some(_), _) => {
				return Err(invalid("a single-batch sequence takes no aggregator proof"))
			},
		}
		let proof = self.prove(FinalCircuit::new(&statement))?;
		let artifact =
			encode_artifact(&proof, &input.batch_proofs, input.aggregator_proof.as_deref())?;
		artifact::verify_with_keys(&self.verifier, &artifact, &statement, &input.batches)?;
		Ok(artifact)
	}
}

impl ProofBackend for Groth16Bundle {
	fn name(&self) -> &'static str {
		"groth16-bundle"
	}

	fn config(&self) -> &CircuitConfig {
		&self.keys.config
	}

	fn vk_set(&self) -> &[u8] {
		&self.keys.vk_set
	}
}

/// Runs the whole pipeline for one sequence in this process, batch after batch: the
/// reference for what a miner's prover hosts do in parallel. Returns the artifact.
pub fn prove_sequence(
	backend: &dyn ProofBackend,
	rollup_id: RollupId,
	sequence_index: SequenceIndex,
	prover: &Bytes32,
	witnesses: &[BatchWitness],
) -> Result<Vec<u8>, Error> {
	let first = witnesses
		.first()
		.ok_or_else(|| invalid("a sequence needs at least one batch"))?;
	let proofs = witnesses
		.iter()
		.map(|w| backend.prove_batch(prover, w))
		.collect::<Result<Vec<_>, _>>()?;
	let batches: Vec<BatchHeader> = proofs.iter().map(|p| p.header.clone()).collect();
	let batch_proofs: Vec<Vec<u8>> = proofs.into_iter().map(|p| p.proof).collect();
	let aggregator_proof = if batches.len() > 1 {
		Some(backend.prove_aggregator(&AggregatorInput {
			prover: *prover,
			prev_root: first.prev_root,
			batches: batches.clone(),
			batch_proofs: batch_proofs.clone(),
		})?)
	} else {
		None
	};
	backend.prove_final(&FinalInput {
		rollup_id,
		sequence_index,
		prover: *prover,
		prev_root: first.prev_root,
		batches,
		batch_proofs,
		aggregator_proof,
	})
}
