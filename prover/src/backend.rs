//! Proving backends. The service runs tasks through a [`Backend`]; the CPU backend
//! (multi-threaded arkworks) is always available. A GPU backend (CUDA MSM/NTT) would
//! implement the same trait and be chosen by [`select`] where a GPU is present.
//!
//! arkworks parallelizes each proof with rayon, on whatever rayon pool the proof runs
//! in. Without [`WorkerPools`] every proof runs on the process-wide pool, so concurrent
//! workers split the same threads between them; with them each running proof gets a pool
//! of its own ([`CpuBackend::with_pools`]), sized so that the workers together use the
//! machine's cores.

use crate::{
	api::{self, Hex, InvalidTask, Task, TaskOutput},
	circom::{
		self,
		host::{CircomTaskError, PackageStore},
	},
	command::{self, CommandSet, CommandTaskError},
};
use std::sync::{
	atomic::{AtomicUsize, Ordering},
	Arc, Mutex,
};
use zkpow_circuits::{
	AggregatorStage, BatchStage, CircuitConfig, FinalStage, Groth16Bundle, KeySet, ProofBackend,
};
use zkpow_primitives::{proof_hash, Bytes32};
use zkpow_prover_api::PackageKind;

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
	/// Threads each proof runs on when proofs have pools of their own; `None` when they
	/// share the process-wide rayon pool.
	fn threads_per_worker(&self) -> Option<usize> {
		None
	}
	/// The kinds of prover package whose tasks it proves (reported by `/health`).
	fn proves(&self) -> Vec<PackageKind> {
		vec![PackageKind::Reference]
	}
	/// The verifying-key hashes it has commands for (reported by `/health`).
	fn commands(&self) -> Vec<Bytes32> {
		Vec::new()
	}
}

/// One rayon thread pool per prover worker: each running proof checks a pool out,
/// proves inside it ([`WorkerPools::install`]) and hands it back, so `workers`
/// concurrent proofs never share threads.
pub struct WorkerPools {
	threads: usize,
	idle: Mutex<Vec<rayon::ThreadPool>>,
	/// Pools built so far (numbers their threads' names).
	built: AtomicUsize,
}

impl WorkerPools {
	/// Threads per worker for `threads_per_worker` (as given on the command line):
	/// itself, or for `0` the machine's CPU threads divided by `workers` (at least one).
	pub fn threads_for(workers: usize, threads_per_worker: usize) -> usize {
		if threads_per_worker > 0 {
			return threads_per_worker;
		}
		let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
		(cores / workers.max(1)).max(1)
	}

	/// `workers` pools of [`WorkerPools::threads_for`]`(workers, threads_per_worker)`
	/// threads each.
	pub fn new(
		workers: usize,
		threads_per_worker: usize,
	) -> Result<Self, rayon::ThreadPoolBuildError> {
		let threads = Self::threads_for(workers, threads_per_worker);
		let pools = Self { threads, idle: Mutex::new(Vec::new()), built: AtomicUsize::new(0) };
		for _ in 0..workers.max(1) {
			let pool = pools.build()?;
			pools.lock().push(pool);
		}
		Ok(pools)
	}

	fn build(&self) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
		let worker = self.built.fetch_add(1, Ordering::Relaxed);
		rayon::ThreadPoolBuilder::new()
			.num_threads(self.threads)
			.thread_name(move |i| format!("zkpow-prove-{worker}.{i}"))
			.build()
	}

	/// Threads of each pool.
	pub fn threads_per_worker(&self) -> usize {
		self.threads
	}

	/// Runs `f` inside an idle pool (rayon work it starts, such as arkworks' MSMs and
	/// FFTs, stays on that pool's threads) and returns the pool afterwards, also when `f`
	/// panics. With more concurrent callers than pools, the extra ones get a pool built
	/// for them (kept afterwards), or, if no thread can be started, run where they are.
	pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
		let taken = self.lock().pop();
		let pool = match taken {
			Some(pool) => pool,
			None => match self.build() {
				Ok(pool) => pool,
				Err(_) => return f(),
			},
		};
		/// Hands the pool back when dropped, unwinding included.
		struct Lease<'a>(&'a WorkerPools, Option<rayon::ThreadPool>);
		impl Drop for Lease<'_> {
			fn drop(&mut self) {
				if let Some(pool) = self.1.take() {
					self.0.lock().push(pool);
				}
			}
		}
		let lease = Lease(self, Some(pool));
		lease.1.as_ref().expect("leased pool").install(f)
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, Vec<rayon::ThreadPool>> {
		self.idle.lock().unwrap_or_else(|p| p.into_inner())
	}
}

/// Why a task was not proven.
#[derive(Debug, thiserror::Error)]
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
	/// A circom task failed: its package (fetch, hash, load), its input or its proof.
	#[error(transparent)]
	Circom(#[from] CircomTaskError),
	/// A circom task reached a host that has no package store.
	#[error("this prover host does not prove circom packages")]
	NoCircom,
	/// A command task failed: no command for its key, the command failed, or its
	/// output is not a proof.
	#[error(transparent)]
	Command(#[from] CommandTaskError),
}

/// The CPU backend: the non-recursive Groth16 pipeline of `zkpow-circuits`, whose
/// constraint matrices are synthesized once per stage (so each proof computes only its
/// witness).
pub struct CpuBackend {
	pipeline: Groth16Bundle,
	pools: Option<WorkerPools>,
	circom: Option<PackageStore>,
	commands: Option<CommandSet>,
}

impl CpuBackend {
	/// A CPU backend over `keys` whose proofs run on the caller's rayon pool (the
	/// process-wide one, unless the caller installed another).
	pub fn new(keys: Arc<KeySet>) -> Result<Self, zkpow_circuits::Error> {
		Ok(Self { pipeline: Groth16Bundle::new(keys)?, pools: None, circom: None, commands: None })
	}

	/// A CPU backend over `keys` whose every proof runs in a pool of its own from
	/// `pools`.
	pub fn with_pools(
		keys: Arc<KeySet>,
		pools: WorkerPools,
	) -> Result<Self, zkpow_circuits::Error> {
		Ok(Self {
			pipeline: Groth16Bundle::new(keys)?,
			pools: Some(pools),
			circom: None,
			commands: None,
		})
	}

	/// Also proves rollups' circom packages, kept in `store`.
	pub fn with_circom(self, store: PackageStore) -> Self {
		Self { circom: Some(store), ..self }
	}

	/// Also proves command tasks of the key hashes `commands` has commands for.
	pub fn with_commands(self, commands: CommandSet) -> Self {
		Self { commands: Some(commands), ..self }
	}

	/// Proves a command task with its key's command (which runs outside the thread
	/// pools: it is a process of its own).
	fn prove_command(&self, task: &Task) -> Result<TaskOutput, ProveError> {
		let request = command::request(task).expect("called for command tasks");
		let set = self.commands.as_ref().ok_or(CommandTaskError::NoCommand(request.key_hash))?;
		Ok(set.prove(&request)?)
	}

	/// Proves a circom task with the package store, in a pool of its own when there are
	/// pools (the package is fetched before, outside the pool).
	fn prove_circom(&self, task: &Task) -> Result<TaskOutput, ProveError> {
		let Task::Circom { rollup_id, sequence_index, prover, prev_root, batches, package, input } =
			task
		else {
			unreachable!("called for circom tasks")
		};
		let store = self.circom.as_ref().ok_or(ProveError::NoCircom)?;
		let statement =
			circom::host::statement(*rollup_id, *sequence_index, *prover, *prev_root, batches);
		Ok(store.prove(&statement, package, input, self.pools.as_ref())?)
	}

	/// Synthesizes every stage's constraint matrices now rather than at the stage's first
	/// proof.
	pub fn prepare(&self) -> Result<(), zkpow_circuits::Error> {
		self.pipeline.prepare()
	}

	/// The verifying-key set its artifacts verify against.
	pub fn vk_set(&self) -> &[u8] {
		self.pipeline.vk_set()
	}

	/// Proves `task` inside `pool`: arkworks' parallel work runs on its threads.
	pub fn prove_in(
		&self,
		pool: &rayon::ThreadPool,
		task: &Task,
	) -> Result<TaskOutput, ProveError> {
		pool.install(|| self.prove_here(task))
	}

	/// Proves `task` on the current rayon pool.
	fn prove_here(&self, task: &Task) -> Result<TaskOutput, ProveError> {
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
			Task::Circom { .. } => self.prove_circom(task),
			Task::Command { .. } => self.prove_command(task),
		}
	}
}

impl Backend for CpuBackend {
	fn name(&self) -> &str {
		"cpu"
	}

	fn config(&self) -> &CircuitConfig {
		self.pipeline.config()
	}

	fn validate(&self, task: &Task) -> Result<(), InvalidTask> {
		match task {
			Task::Circom { .. } if self.circom.is_none() => Err(InvalidTask::NoCircom),
			Task::Command { .. } => api::validate_command(task, self.commands.as_ref()),
			_ => api::validate(task, self.config()),
		}
	}

	fn prove(&self, task: &Task) -> Result<TaskOutput, ProveError> {
		match (task, &self.pools) {
			// Fetches its package first, outside the pool.
			(Task::Circom { .. }, _) => self.prove_circom(task),
			// A process of its own: no thread pool to hold while it runs.
			(Task::Command { .. }, _) => self.prove_command(task),
			(_, Some(pools)) => pools.install(|| self.prove_here(task)),
			(_, None) => self.prove_here(task),
		}
	}

	fn threads_per_worker(&self) -> Option<usize> {
		self.pools.as_ref().map(WorkerPools::threads_per_worker)
	}

	fn proves(&self) -> Vec<PackageKind> {
		let mut kinds = vec![PackageKind::Reference];
		kinds.extend(self.circom.as_ref().map(|_| PackageKind::Circom));
		kinds.extend(self.commands.as_ref().map(|_| PackageKind::Command));
		kinds
	}

	fn commands(&self) -> Vec<Bytes32> {
		self.commands.as_ref().map(CommandSet::key_hashes).unwrap_or_default()
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

/// Builds the backend of `kind`, its proofs on the process-wide rayon pool. This build
/// has no GPU backend: `auto` falls back to the CPU and says so, `gpu` is an error.
pub fn select(
	kind: BackendKind,
	keys: Arc<KeySet>,
	log: &dyn Fn(&str),
) -> Result<Arc<dyn Backend>, SelectError> {
	select_with_pools(kind, keys, None, Extras::default(), log)
}

/// What a backend proves besides the reference rollup's circuits.
#[derive(Default)]
pub struct Extras {
	/// Rollups' circom packages, kept in this store.
	pub circom: Option<PackageStore>,
	/// Operator-configured commands, by verifying-key hash.
	pub commands: Option<CommandSet>,
}

/// [`select`], the CPU backend's proofs in `pools` when given, proving `extras` too, and
/// its constraint matrices synthesized before it is returned (so the first task is not
/// slower).
pub fn select_with_pools(
	kind: BackendKind,
	keys: Arc<KeySet>,
	pools: Option<WorkerPools>,
	extras: Extras,
	log: &dyn Fn(&str),
) -> Result<Arc<dyn Backend>, SelectError> {
	match kind {
		BackendKind::Gpu => return Err(SelectError::NoGpu),
		BackendKind::Auto => log("no GPU backend in this build; using the CPU backend"),
		BackendKind::Cpu => {},
	}
	let backend = match pools {
		Some(pools) => CpuBackend::with_pools(keys, pools)?,
		None => CpuBackend::new(keys)?,
	};
	let backend = match extras.circom {
		Some(store) => backend.with_circom(store),
		None => backend,
	};
	let backend = match extras.commands {
		Some(commands) => backend.with_commands(commands),
		None => backend,
	};
	let started = std::time::Instant::now();
	backend.prepare()?;
	log(&format!(
		"constraint matrices of the `{}` circuits ready in {:.1}s",
		backend.config().name,
		started.elapsed().as_secs_f64()
	));
	Ok(Arc::new(backend))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn each_proof_runs_in_a_pool_of_its_own_that_is_handed_back() {
		assert_eq!(WorkerPools::threads_for(3, 5), 5);
		let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
		assert_eq!(WorkerPools::threads_for(1, 0), cores);
		assert_eq!(WorkerPools::threads_for(cores * 4, 0), 1);

		let pools = WorkerPools::new(2, 3).unwrap();
		assert_eq!(pools.threads_per_worker(), 3);
		let name = || std::thread::current().name().map(str::to_string);
		let (threads, outer) = pools.install(|| {
			// A second proof while the first runs gets the other pool.
			let inner = pools.install(|| (rayon::current_num_threads(), name()));
			assert_eq!(inner.0, 3);
			(rayon::current_num_threads(), (name(), inner.1))
		});
		assert_eq!(threads, 3);
		let (first, second) = outer;
		let pool_of = |n: Option<String>| n.unwrap().split('.').next().unwrap().to_string();
		assert_ne!(pool_of(first), pool_of(second.clone()), "two pools at once");
		assert_eq!(pools.lock().len(), 2, "both handed back");

		// A panicking proof hands its pool back too.
		let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
			pools.install(|| panic!("prover bug"))
		}));
		assert!(crashed.is_err());
		assert_eq!(pools.lock().len(), 2);
		// A third concurrent caller gets a pool built for it.
		pools.install(|| {
			pools.install(|| pools.install(|| assert_eq!(rayon::current_num_threads(), 3)))
		});
		assert_eq!(pools.lock().len(), 3);
	}

	#[test]
	fn a_pooled_cpu_backend_proves_batches_that_verify() {
		use zkpow_circuits::{
			config::TEST,
			keys::quiet,
			rollup::{generator::funded_genesis, transfer::Transfer},
			DEV_SEED,
		};
		use zkpow_primitives::{artifact::batch_public_inputs, groth16, BatchHeader};
		let keys = Arc::new(KeySet::generate(TEST, DEV_SEED, &quiet).unwrap());
		let backend =
			CpuBackend::with_pools(keys.clone(), WorkerPools::new(1, 1).unwrap()).unwrap();
		assert_eq!(backend.threads_per_worker(), Some(1));
		assert_eq!(CpuBackend::new(keys.clone()).unwrap().threads_per_worker(), None);
		let mut state = funded_genesis(TEST.tree_depth, 8, 1_000).unwrap();
		let witness =
			state.apply_batch(&[Transfer { from: 1, to: 5, amount: 7, nonce: 0 }]).unwrap();
		let prover = [7; 32];
		let task = Task::Batch { prover, witness: witness.clone() };
		let Ok(TaskOutput::Batch { proof, state_root, data_hash, .. }) = backend.prove(&task)
		else {
			panic!("a batch output")
		};
		assert_eq!(state_root, state.root_bytes());
		let header = BatchHeader { state_root, data_hash };
		let inputs = batch_public_inputs(&witness.prev_root, &header, &prover);
		assert_eq!(groth16::verify(&keys.batch.vk_bytes, &proof.0, &inputs), Ok(()));
		// The same through an explicit pool.
		let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
		assert!(matches!(backend.prove_in(&pool, &task), Ok(TaskOutput::Batch { .. })));
	}
}
