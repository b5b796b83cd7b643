//! The wire types, from [`zkpow_prover_api`] (one definition for the host and its
//! clients), with this host's batch witness, and the checks that need its circuits.
//!
//! The batch `witness` is what `zkpow-prover sequencer` writes for each batch.

use zkpow_circuits::{rollup::witness::BatchWitness, AggregatorInput, CircuitConfig, FinalInput};
use zkpow_primitives::{groth16::PROOF_LEN, BatchHeader};
pub use zkpow_prover_api::{
	ErrorBody, Header, Health, Hex, JobState, JobStatus, SubmitParams, TaskId, TaskKind, TaskOutput,
};

/// A task of the reference rollup's circuits.
pub type Task = zkpow_prover_api::Task<BatchWitness>;

/// Why a task cannot be proven, found before it is queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTask {
	/// The batch's witness does not replay (the message names the transfer).
	#[error("{0}")]
	Witness(String),
	/// An aggregator task with fewer than two batches.
	#[error("an aggregator task needs at least two batches")]
	TooFewBatches,
	/// No batches.
	#[error("`batches` is empty")]
	NoBatches,
	/// More batches than the circuits take.
	#[error("{given} batches, this prover's `{config}` circuits take at most {max} per sequence")]
	TooManyBatches {
		/// Batches given.
		given: usize,
		/// The configuration's name.
		config: &'static str,
		/// Its limit.
		max: usize,
	},
	/// Not one proof per batch.
	#[error("{batches} batches but {proofs} batch proofs")]
	ProofCount {
		/// Batches given.
		batches: usize,
		/// Proofs given.
		proofs: usize,
	},
	/// A batch proof of the wrong size.
	#[error("batch proof {index} is {len} bytes, a proof is {PROOF_LEN}")]
	BatchProofLength {
		/// Which proof.
		index: usize,
		/// Its length.
		len: usize,
	},
	/// A final task of several batches without the aggregator proof.
	#[error("a sequence of several batches needs `aggregator_proof`")]
	MissingAggregatorProof,
	/// A final task of one batch with an aggregator proof.
	#[error("a single-batch sequence takes no `aggregator_proof`")]
	UnexpectedAggregatorProof,
	/// An aggregator proof of the wrong size.
	#[error("`aggregator_proof` is {0} bytes, a proof is {PROOF_LEN}")]
	AggregatorProofLength(usize),
	/// A circom task for a host without a package store (`serve --circom-cache`).
	#[error("this prover host does not prove circom packages (see its /health `proves`)")]
	NoCircom,
	/// A circom task whose input or package reference is unusable.
	#[error(transparent)]
	Circom(#[from] crate::circom::host::TaskInputError),
	/// A command task whose verifying-key hash this host has no command for (nothing is
	/// run for it).
	#[error(
		"this prover host has no command for verifying-key hash 0x{} (see its /health \
		 `commands`)",
		hex::encode(.0)
	)]
	NoCommand(zkpow_primitives::Bytes32),
}

/// Cheap checks done before a task is queued, so that a malformed task gets a 4xx at
/// once instead of failing later. A batch witness is replayed natively.
pub fn validate(task: &Task, config: &CircuitConfig) -> Result<(), InvalidTask> {
	match task {
		Task::Batch { witness, .. } => witness
			.execute(config)
			.map(|_| ())
			.map_err(|e| InvalidTask::Witness(e.to_string())),
		Task::Aggregator { batches, batch_proofs, .. } => {
			if batches.len() < 2 {
				return Err(InvalidTask::TooFewBatches);
			}
			check_proofs(config, batches, batch_proofs)
		},
		Task::Final { batches, batch_proofs, aggregator_proof, .. } => {
			check_proofs(config, batches, batch_proofs)?;
			match (batches.len() > 1, aggregator_proof) {
				(true, None) => Err(InvalidTask::MissingAggregatorProof),
				(false, Some(_)) => Err(InvalidTask::UnexpectedAggregatorProof),
				(_, Some(p)) if p.0.len() != PROOF_LEN => {
					Err(InvalidTask::AggregatorProofLength(p.0.len()))
				},
				_ => Ok(()),
			}
		},
		Task::Circom { input, batches, package, .. } => {
			Ok(crate::circom::host::validate(input, batches, package)?)
		},
		Task::Command { .. } => validate_command(task, None),
	}
}

/// The checks of a command task: a command is configured for its key hash in `commands`
/// (refused without any), and it has batches. Other kinds pass.
pub fn validate_command(
	task: &Task,
	commands: Option<&crate::command::CommandSet>,
) -> Result<(), InvalidTask> {
	let Task::Command { key_hash, batches, .. } = task else { return Ok(()) };
	if commands.and_then(|set| set.get(key_hash)).is_none() {
		return Err(InvalidTask::NoCommand(*key_hash));
	}
	if batches.is_empty() {
		return Err(InvalidTask::NoBatches);
	}
	Ok(())
}

fn check_proofs(
	config: &CircuitConfig,
	batches: &[Header],
	proofs: &[Hex],
) -> Result<(), InvalidTask> {
	if batches.is_empty() {
		return Err(InvalidTask::NoBatches);
	}
	if batches.len() > config.max_batches {
		return Err(InvalidTask::TooManyBatches {
			given: batches.len(),
			config: config.name,
			max: config.max_batches,
		});
	}
	if proofs.len() != batches.len() {
		return Err(InvalidTask::ProofCount { batches: batches.len(), proofs: proofs.len() });
	}
	if let Some((index, p)) = proofs.iter().enumerate().find(|(_, p)| p.0.len() != PROOF_LEN) {
		return Err(InvalidTask::BatchProofLength { index, len: p.0.len() });
	}
	Ok(())
}

/// The aggregator stage's input (for an aggregator task).
pub fn aggregator_input(task: &Task) -> Option<AggregatorInput> {
	match task {
		Task::Aggregator { prover, prev_root, batches, batch_proofs } => Some(AggregatorInput {
			prover: *prover,
			prev_root: *prev_root,
			batches: batches.iter().map(BatchHeader::from).collect(),
			batch_proofs: batch_proofs.iter().map(|p| p.0.clone()).collect(),
		}),
		_ => None,
	}
}

/// The final stage's input (for a final task).
pub fn final_input(task: &Task) -> Option<FinalInput> {
	match task {
		Task::Final {
			rollup_id,
			sequence_index,
			prover,
			prev_root,
			batches,
			batch_proofs,
			aggregator_proof,
		} => Some(FinalInput {
			rollup_id: *rollup_id,
			sequence_index: *sequence_index,
			prover: *prover,
			prev_root: *prev_root,
			batches: batches.iter().map(BatchHeader::from).collect(),
			batch_proofs: batch_proofs.iter().map(|p| p.0.clone()).collect(),
			aggregator_proof: aggregator_proof.as_ref().map(|p| p.0.clone()),
		}),
		_ => None,
	}
}
