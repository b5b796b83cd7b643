//! Proving backends. The service runs tasks through a [`Backend`]; the CPU backend
//! (multi-threaded arkworks) is always available. A GPU backend (CUDA MSM/NTT) would
//! implement the same trait and be chosen by [`select`] where a GPU is present.

use crate::api::{Hex, Task, TaskOutput};
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
	fn validate(&self, task: &Task) -> Result<(), String> {
		task.validate(self.config())
	}
	/// Proves a task. The error is reported as the job's failure reason.
	fn prove(&self, task: &Task) -> Result<TaskOutput, String>;
}

/// The CPU backend: the non-recursive Groth16 pipeline of `zkpow-circuits`.
pub struct CpuBackend {
	pipeline: Groth16Bundle,
}

impl CpuBackend {
	/// A CPU backend over `keys`.
	pub fn new(keys: Arc<KeySet>) -> Result<Self, String> {
		Ok(Self { pipeline: Groth16Bundle::new(keys).map_err(|e| e.to_string())? })
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

	fn prove(&self, task: &Task) -> Result<TaskOutput, String> {
		let p = &self.pipeline;
		match task {
			Task::Batch { prover, witness } => {
				let out = p.prove_batch(prover, witness).map_err(|e| e.to_string())?;
				Ok(TaskOutput::Batch {
					proof: Hex(out.proof),
					prev_root: out.prev_root,
					state_root: out.header.state_root,
					data_hash: out.header.data_hash,
				})
			},
			Task::Aggregator { .. } => {
				let input = task.aggregator_input().expect("aggregator task");
				let proof = p.prove_aggregator(&input).map_err(|e| e.to_string())?;
				Ok(TaskOutput::Aggregator { proof: Hex(proof) })
			},
			Task::Final { prover, .. } => {
				let input = task.final_input().expect("final task");
				let artifact = p.prove_final(&input).map_err(|e| e.to_string())?;
				Ok(TaskOutput::Final {
					proof_hash: proof_hash(&artifact, prover),
					artifact: Hex(artifact),
				})
			},
		}
	}
}

/// Which backend to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
	/// The GPU backend where available, else the CPU backend.
	Auto,
	/// The CPU backend.
	Cpu,
	/// The GPU backend (fails if it is not available).
	Gpu,
}

impl std::str::FromStr for BackendKind {
	type Err = String;
	fn from_str(s: &str) -> Result<Self, String> {
		match s {
			"auto" => Ok(BackendKind::Auto),
			"cpu" => Ok(BackendKind::Cpu),
			"gpu" => Ok(BackendKind::Gpu),
			other => Err(format!("unknown backend `{other}` (expected auto, cpu or gpu)")),
		}
	}
}

/// Builds the backend of `kind`. This build has no GPU backend: `auto` falls back to
/// the CPU and says so, `gpu` is an error.
pub fn select(
	kind: BackendKind,
	keys: Arc<KeySet>,
	log: &dyn Fn(&str),
) -> Result<Arc<dyn Backend>, String> {
	match kind {
		BackendKind::Gpu => Err("this zkpow-prover was built without a GPU backend; \
			run with `--backend cpu` (or `auto`)"
			.into()),
		BackendKind::Auto => {
			log("no GPU backend in this build; using the CPU backend");
			Ok(Arc::new(CpuBackend::new(keys)?))
		},
		BackendKind::Cpu => Ok(Arc::new(CpuBackend::new(keys)?)),
	}
}
