//! Proving backends. The service runs tasks through a [`Backend`]; the CPU backend
//! (multi-threaded arkworks) is always available. A GPU backend (CUDA MSM/NTT) would
//! implement the same trait and be chosen by [`select`] where a GPU is present.

use crate::api::{self, Hex, InvalidTask, Task, TaskOutput};
use std::sync::Arc;
use zkpow_circuits::{
	AggregatorStage, BatchStage, CircuitConfig, FinalStage, Groth16Bundle, KeySet, ProofBackend,
};
use zkpow_primitives::proof_hash;

/// Something that proves tasks. Implementations must be thread safe: workers call
/// [`Backend::prove`] concurrently.
pub trait Backend: Send + Sync + 'static {
	/// Short name for logs, `/health` and metrics.
	fn name(&self) -> &str;
	/// The circuit configuration whose tasks it accepts.
	fn config(&self) -> &CircuitConfig;
	/// Cheap checks before a task is queued; the error is returned to the client.
	fn validate(&self, task: &Task) -> Result<(), InvalidTask> {
		api::validate(task, self.config())
	}
	/// Proves a task. The error is reported as the job's failure reason.
	fn prove(&self, task: &Task) -> Result<TaskOutput, ProveError>;
}

/// Why a task was not proven.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProveError {
	/// The circuits refused the task or proving failed.
	#[error(transparent)]
	Circuit(#[from] zkpow_circuits::Error),
	/// The prover panicked.
	#[error("the prover crashed: {0}")]
	Crashed(String),
	/// The proving thread was aborted.
	#[error("the proving task was aborted: {0}")]
	Aborted(String),
	/// Any other backend's own failure.
	#[error("{0}")]
	Backend(String),
}

/// The CPU backend: the non-recursive Groth16 pipeline of `zkpow-circuits`.
pub struct CpuBackend {
	pipeline: Groth16Bundle,
}

impl CpuBackend {
	/// A CPU backend over `keys`.
	pub fn new(keys: Arc<KeySet>) -> Result<Self, zkpow_circuits::Error> {
		Ok(Self { pipeline: Groth16Bundle::new(keys)? })
	}

	/// The verifying-key set its artifacts verify against.
	pub fn vk_set(&self) -> &[u8] {
		self.pipeline.vk_set()
	}
}

impl Backend for CpuBackend {
	fn name(&self) -> &str {
		"cpu"
	}

	fn config(&self) -> &CircuitConfig {
		self.pipeline.config()
	}

	fn prove(&self, task: &Task) -> Result<TaskOutput, ProveError> {
		let p = &self.pipeline;
		match task {
			Task::Batch { prover, witness } => {
				let out = p.prove_batch(prover, witness)?;
				Ok(TaskOutput::Batch {
					proof: Hex(out.proof),
					prev_root: out.prev_root,
					state_root: out.header.state_root,
					data_hash: out.header.data_hash,
				})
			},
			Task::Aggregator { .. } => {
				let input = api::aggregator_input(task).expect("aggregator task");
				let proof = p.prove_aggregator(&input)?;
				Ok(TaskOutput::Aggregator { proof: Hex(proof) })
			},
			Task::Final { prover, .. } => {
				let input = api::final_input(task).expect("final task");
				let artifact = p.prove_final(&input)?;
				Ok(TaskOutput::Final {
					proof_hash: proof_hash(&artifact, prover),
					artifact: Hex(artifact),
				})
			},
		}
	}
}

/// Which backend to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendKind {
	/// The GPU backend where available, else the CPU backend.
	Auto,
	/// The CPU backend.
	Cpu,
	/// The GPU backend (fails if it is not available).
	Gpu,
}

/// Why no backend was built.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
	/// A GPU backend was asked for and this build has none.
	#[error(
		"this zkpow-prover was built without a GPU backend; run with `--backend cpu` (or `auto`)"
	)]
	NoGpu,
	/// The keys do not make a proving pipeline.
	#[error("the proving keys are unusable: {0}")]
	Keys(#[from] zkpow_circuits::Error),
}

/// Builds the backend of `kind`. This build has no GPU backend: `auto` falls back to
/// the CPU and says so, `gpu` is an error.
pub fn select(
	kind: BackendKind,
	keys: Arc<KeySet>,
	log: &dyn Fn(&str),
) -> Result<Arc<dyn Backend>, SelectError> {
	match kind {
		BackendKind::Gpu => Err(SelectError::NoGpu),
		BackendKind::Auto => {
			log("no GPU backend in this build; using the CPU backend");
			Ok(Arc::new(CpuBackend::new(keys)?))
		},
		BackendKind::Cpu => Ok(Arc::new(CpuBackend::new(keys)?)),
	}
}
