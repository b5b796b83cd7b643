//! `zkpow-prover bench`: circuit sizes, proving and verification time per stage, the
//! batch proof against plain `ark-groth16` on a synthetic circuit of the same size, and
//! the service's throughput for several worker counts. Prints Markdown tables.

use crate::{
	api::{JobState, SubmitParams, Task},
	backend::{Backend, CpuBackend, WorkerPools},
	server::{self, ServiceConfig},
};
use std::{
	path::PathBuf,
	sync::Arc,
	time::{Duration, Instant},
};
use zkpow_circuits::{
	keys::{KeySet, Progress},
	prove::{
		first_unsatisfied, plain_prove, plain_setup, prove, synthesis_time, verify,
		witness_assignment, SyntheticCircuit,
	},
	rollup::{
		generator::{funded_genesis, TransferGenerator},
		witness::BatchWitness,
	},
	stages::{
		aggregator::AggregatorCircuit, batch::BatchCircuit, final_stage::FinalCircuit, Stage,
		StageCircuit,
	},
	AggregatorInput, AggregatorStage, BatchStage, CircuitConfig, FinalInput, FinalStage,
	Groth16Bundle, DEV_SEED,
};
use zkpow_primitives::{artifact::verify_sequence_artifact, BatchHeader, SequenceStatement};
use zkpow_prover_api::ProverClient;

/// What to measure.
#[derive(Clone, Debug)]
pub struct BenchOptions {
	/// Configurations for the per-stage table.
	pub configs: Vec<CircuitConfig>,
	/// Configuration whose batch proof is compared with plain `ark-groth16` (`None`:
	/// no comparison).
	pub baseline_config: Option<CircuitConfig>,
	/// Configuration for the throughput table.
	pub throughput_config: CircuitConfig,
	/// Worker counts for the throughput table.
	pub workers: Vec<usize>,
	/// Threads of each worker's pool in the throughput table (`0`: CPU threads divided by
	/// the worker count).
	pub threads_per_worker: usize,
	/// Batch tasks per throughput run.
	pub tasks: usize,
	/// Proofs per stage measurement (the median is reported).
	pub samples: usize,
	/// Key cache directory.
	pub keys_dir: PathBuf,
}

fn median(mut v: Vec<Duration>) -> Duration {
	v.sort();
	v[v.len() / 2]
}

fn time<R>(f: impl FnOnce() -> R) -> (R, Duration) {
	let start = Instant::now();
	let r = f();
	(r, start.elapsed())
}

fn mean_of(runs: u32, mut f: impl FnMut()) -> Duration {
	let start = Instant::now();
	for _ in 0..runs {
		f();
	}
	start.elapsed() / runs
}

fn witnesses(config: &CircuitConfig, seed: u64, batches: usize) -> Vec<BatchWitness> {
	let mut state = funded_genesis(config.tree_depth, 64, 1 << 40).expect("genesis");
	TransferGenerator::new(seed, (0..128).collect()).expect("accounts").sequence(
		&mut state,
		batches,
		config.batch_size,
	)
}

/// Time of the witness synthesis of `circuit` (the part of a cached-matrix proof that is
/// not FFTs and MSMs).
fn witness_time(circuit: impl StageCircuit) -> Duration {
	time(|| witness_assignment(circuit).expect("synthesizes")).1
}

fn ms(d: Duration) -> String {
	format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
	format!("{:.2}", d.as_secs_f64())
}

/// One row per stage of `config`.
fn stage_rows(
	config: &CircuitConfig,
	keys: Arc<KeySet>,
	samples: usize,
	log: Progress,
) -> Vec<String> {
	let pipeline = Groth16Bundle::new(keys.clone()).expect("valid keys");
	pipeline.prepare().expect("the circuits synthesize");
	let prover = [0x42; 32];
	let n = config.max_batches.clamp(2, 4);
	let ws = witnesses(config, 7, n);
	let mut rows = Vec::new();

	log(&format!("[bench] {}: proving {samples} batch proofs", config.name));
	let mut batch_times = Vec::new();
	let mut proofs = Vec::new();
	for i in 0..samples.max(n) {
		let (proof, t) = time(|| pipeline.prove_batch(&prover, &ws[i % n]).expect("batch proves"));
		batch_times.push(t);
		if i < n {
			proofs.push(proof);
		}
	}
	let batches: Vec<BatchHeader> = proofs.iter().map(|p| p.header.clone()).collect();
	let batch_proofs: Vec<Vec<u8>> = proofs.iter().map(|p| p.proof.clone()).collect();
	let prev_root = ws[0].prev_root;

	log(&format!("[bench] {}: aggregator and final proofs", config.name));
	let agg_input = AggregatorInput {
		prover,
		prev_root,
		batches: batches.clone(),
		batch_proofs: batch_proofs.clone(),
	};
	let mut agg_times = Vec::new();
	let mut agg = Vec::new();
	for _ in 0..samples {
		let (p, t) = time(|| pipeline.prove_aggregator(&agg_input).expect("aggregator proves"));
		agg_times.push(t);
		agg = p;
	}
	let final_input = FinalInput {
		rollup_id: 1,
		sequence_index: 0,
		prover,
		prev_root,
		batches: batches.clone(),
		batch_proofs,
		aggregator_proof: Some(agg.clone()),
	};
	let mut final_times = Vec::new();
	let mut artifact = Vec::new();
	for _ in 0..samples {
		let (a, t) = time(|| pipeline.prove_final(&final_input).expect("final proves"));
		final_times.push(t);
		artifact = a;
	}

	// Single-proof verification with a prepared key (what the chain does per proof).
	let statement = SequenceStatement::new(1, 0, prev_root, &batches, prover);
	let batch_circuit = BatchCircuit::assign(*config, &ws[0], prover).expect("assign");
	let agg_circuit = AggregatorCircuit::new(config.max_batches, &statement, &batches);
	let final_parts = zkpow_primitives::artifact::parse_artifact(&artifact).expect("artifact");
	let verify_batch = mean_of(50, || {
		verify(&keys.batch.pvk, &proofs[0].proof, &batch_circuit.public_inputs()).expect("verifies")
	});
	let verify_agg = mean_of(50, || {
		verify(&keys.aggregator.pvk, &agg, &agg_circuit.public_inputs()).expect("verifies")
	});
	let verify_final = mean_of(50, || {
		verify(
			&keys.final_keys.pvk,
			final_parts.final_proof,
			&FinalCircuit::new(&statement).public_inputs(),
		)
		.expect("verifies")
	});
	// The single-threaded part of proving: the witness synthesis (the matrices are cached).
	let synth_batch = witness_time(batch_circuit.clone());
	let synth_agg = witness_time(agg_circuit.clone());
	let synth_final = witness_time(FinalCircuit::new(&statement));
	for (stage, times, synth, verify_time) in [
		(Stage::Batch, batch_times, synth_batch, verify_batch),
		(Stage::Aggregator, agg_times, synth_agg, verify_agg),
		(Stage::Final, final_times, synth_final, verify_final),
	] {
		let shape = keys.stage(stage).shape;
		rows.push(format!(
			"| {} | {} | {} | {} | {} | {} | {} |",
			config.name,
			stage.name(),
			shape.constraints,
			shape.public_inputs,
			secs(median(times)),
			secs(synth),
			ms(verify_time)
		));
	}
	let whole = mean_of(10, || {
		verify_sequence_artifact(&keys.vk_set, &artifact, &statement, &batches)
			.expect("artifact verifies")
	});
	rows.push(format!(
		"| {} | artifact, n = {n} (batched check from bytes) | — | — | — | — | {} |",
		config.name,
		ms(whole)
	));
	rows
}

/// A batch proof the way the backend proved it before the matrices were cached:
/// [`Groth16Bundle`]'s `prove_batch` with the circuit synthesized with its constraints,
/// inlined and turned into matrices for every proof.
fn prove_batch_uncached(keys: &KeySet, prover: &[u8; 32], witness: &BatchWitness) -> Vec<u8> {
	witness.execute(&keys.config).expect("valid witness");
	let circuit = BatchCircuit::assign(keys.config, witness, *prover).expect("assign");
	let inputs = circuit.public_inputs();
	let proof = prove(&keys.batch.pk, circuit).expect("batch proves");
	verify(&keys.batch.pvk, &proof, &inputs).expect("verifies");
	proof
}

/// The batch circuit of `config` against plain `ark-groth16` on a synthetic circuit of
/// the same size: same constraints, public inputs and witness variables, and as many
/// 0/1 witness values as a real batch witness has (MSMs over bits are cheaper than over
/// full field elements). The three provers take turns, `samples` times each; the table
/// gives medians.
fn baseline_table(
	config: &CircuitConfig,
	keys: Arc<KeySet>,
	samples: usize,
	log: Progress,
) -> String {
	let pipeline = Groth16Bundle::new(keys.clone()).expect("valid keys");
	let (prepared, matrices_time) = time(|| pipeline.prepare());
	prepared.expect("the circuits synthesize");
	let prover = [0x42; 32];
	let n = samples.clamp(1, 4);
	let ws = witnesses(config, 11, n);
	let shape = keys.batch.shape;

	let batch_circuit = BatchCircuit::assign(*config, &ws[0], prover).expect("assign");
	let assignment = witness_assignment(batch_circuit.clone()).expect("synthesizes");
	let booleans = assignment.binary_witnesses();
	let synthetic = |seed| SyntheticCircuit {
		constraints: shape.constraints,
		public_inputs: shape.public_inputs,
		witnesses: shape.witnesses,
		booleans,
		seed,
	};
	log(&format!(
		"[bench] {}: plain ark-groth16 setup of a synthetic circuit of {} constraints",
		config.name, shape.constraints
	));
	let plain_pk = plain_setup(synthetic(0), 0x5eed).expect("synthetic setup");

	let (mut plain, mut cached, mut uncached) = (Vec::new(), Vec::new(), Vec::new());
	for i in 0..samples {
		log(&format!("[bench] {}: baseline sample {}/{samples}", config.name, i + 1));
		plain.push(time(|| plain_prove(&plain_pk, synthetic(i as u64)).expect("proves")).1);
		cached.push(time(|| pipeline.prove_batch(&prover, &ws[i % n]).expect("proves")).1);
		uncached.push(time(|| prove_batch_uncached(&keys, &prover, &ws[i % n])).1);
	}
	// The single-threaded part of each: synthesis (and matrices where they are built).
	let plain_synth = synthesis_time(synthetic(0)).expect("synthesizes");
	let cached_synth = time(|| {
		let a = witness_assignment(batch_circuit.clone()).expect("synthesizes");
		let matrices = keys.matrices(Stage::Batch).expect("cached");
		assert_eq!(first_unsatisfied(matrices, &a.full), None);
	})
	.1;
	let old_synth = synthesis_time(batch_circuit).expect("synthesizes");

	let matrices = keys.matrices(Stage::Batch).expect("cached");
	let non_zero = matrices.a_num_non_zero + matrices.b_num_non_zero + matrices.c_num_non_zero;
	let base = median(plain);
	let mut out = format!(
		"\nBatch proof vs plain ark-groth16: the `{}` batch circuit ({} of its {} witness \
		 values are 0 or 1) against a synthetic circuit of the same size (bits checked by \
		 `b·b = b`, then a multiplication chain of full-size field elements) proved by \
		 `ark_groth16::Groth16::prove` with its own key; median of {samples}, the three \
		 taking turns. The cached matrices ({} non-zero entries) were synthesized once in \
		 {} s.\n\n",
		config.name,
		booleans,
		shape.witnesses,
		non_zero,
		secs(matrices_time)
	);
	out.push_str("| prover | constraints | public inputs | witness variables | prove (s, median) | of which synthesis (s) | vs plain |\n");
	out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
	for (what, times, synth) in [
		("plain `Groth16::prove`, synthetic circuit", vec![base], plain_synth),
		("batch proof, cached matrices (the backend)", cached, cached_synth),
		("batch proof, matrices rebuilt per proof (before)", uncached, old_synth),
	] {
		let t = median(times);
		out.push_str(&format!(
			"| {what} | {} | {} | {} | {} | {} | {:.2}x |\n",
			shape.constraints,
			shape.public_inputs,
			shape.witnesses,
			secs(t),
			secs(synth),
			t.as_secs_f64() / base.as_secs_f64()
		));
	}
	out
}

/// Proofs per minute of the service with `workers` workers on `tasks` batch tasks,
/// submitted over HTTP on loopback.
fn throughput(backend: Arc<dyn Backend>, tasks: &[Task], workers: usize) -> (Duration, Duration) {
	let runtime = tokio::runtime::Builder::new_multi_thread()
		.worker_threads(2)
		.enable_all()
		.build()
		.expect("runtime");
	let config = ServiceConfig {
		workers,
		queue_capacity: tasks.len(),
		threads_per_worker: backend.threads_per_worker().unwrap_or(0),
		..Default::default()
	};
	let service = runtime
		.block_on(server::start("127.0.0.1:0".parse().expect("addr"), backend, config))
		.expect("service starts");
	let client =
		ProverClient::new(reqwest::Client::new(), format!("http://{}", service.addr), None);
	let start = Instant::now();
	let prove_total = runtime.block_on(async {
		let mut ids = Vec::new();
		for task in tasks {
			let submitted = client.submit(task, SubmitParams::default()).await.expect("submit");
			assert!(submitted.created, "{submitted:?}");
			ids.push(submitted.status.id);
		}
		let mut prove_total = Duration::ZERO;
		for id in &ids {
			let status = client.wait_final(id, Duration::from_millis(20)).await.expect("polls");
			let status = status.expect("the job is known");
			assert_eq!(status.state, JobState::Succeeded, "{status:?}");
			prove_total += Duration::from_millis(status.prove_ms.unwrap_or(0));
		}
		prove_total
	});
	let wall = start.elapsed();
	runtime.block_on(service.stop());
	(wall, prove_total)
}

fn load_average() -> String {
	std::fs::read_to_string("/proc/loadavg")
		.ok()
		.and_then(|l| l.split_whitespace().next().map(str::to_string))
		.unwrap_or_else(|| "n/a".into())
}

/// Why the benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
	/// The keys could not be loaded or generated, or the backend not prepared.
	#[error(transparent)]
	Circuit(#[from] zkpow_circuits::Error),
	/// The workers' thread pools could not be started.
	#[error("cannot start the thread pools: {0}")]
	Pools(#[from] rayon::ThreadPoolBuildError),
}

/// Runs the benchmark and returns the Markdown report.
pub fn run(options: &BenchOptions, log: Progress) -> Result<String, BenchError> {
	let mut out = format!(
		"Machine: {} CPU threads, 1-minute load average {} at start.\n\n",
		std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
		load_average()
	);
	out.push_str("| config | stage | constraints | public inputs | prove (s, median) | of which witness synthesis (s) | verify (ms) |\n");
	out.push_str("|---|---|---:|---:|---:|---:|---:|\n");
	for config in &options.configs {
		let keys = Arc::new(KeySet::load_or_generate(&options.keys_dir, *config, DEV_SEED, log)?);
		for row in stage_rows(config, keys, options.samples.max(1), log) {
			out.push_str(&row);
			out.push('\n');
		}
	}

	if let Some(config) = &options.baseline_config {
		let keys = Arc::new(KeySet::load_or_generate(&options.keys_dir, *config, DEV_SEED, log)?);
		out.push_str(&baseline_table(config, keys, options.samples.max(1), log));
	}

	let config = options.throughput_config;
	let keys = Arc::new(KeySet::load_or_generate(&options.keys_dir, config, DEV_SEED, log)?);
	out.push_str(&format!(
		"\nThroughput: {} `{}` batch tasks submitted at once to the HTTP service on loopback; \
		 each worker proves in a rayon pool of its own ({}).\n\n",
		options.tasks,
		config.name,
		match options.threads_per_worker {
			0 => "CPU threads / workers threads, at least 1".to_string(),
			n => format!("{n} threads"),
		}
	));
	out.push_str("| workers | threads per worker | wall (s) | proofs/min | mean time in prover per task (s) | speed-up vs 1 worker |\n");
	out.push_str("|---:|---:|---:|---:|---:|---:|\n");
	let mut base = None;
	for (round, workers) in options.workers.iter().enumerate() {
		let tasks: Vec<Task> = witnesses(&config, 1000 + round as u64, options.tasks)
			.into_iter()
			.map(|witness| Task::Batch { prover: [0x42; 32], witness })
			.collect();
		let pools = WorkerPools::new(*workers, options.threads_per_worker)?;
		let threads = pools.threads_per_worker();
		let cpu = CpuBackend::with_pools(keys.clone(), pools)?;
		cpu.prepare()?;
		let backend: Arc<dyn Backend> = Arc::new(cpu);
		log(&format!("[bench] throughput with {workers} worker(s) of {threads} thread(s)"));
		let (wall, prove_total) = throughput(backend, &tasks, *workers);
		let per_min = options.tasks as f64 * 60.0 / wall.as_secs_f64();
		let base_rate = *base.get_or_insert(per_min);
		out.push_str(&format!(
			"| {workers} | {threads} | {} | {:.1} | {} | {:.2}x |\n",
			secs(wall),
			per_min,
			secs(prove_total / options.tasks as u32),
			per_min / base_rate
		));
	}
	out.push_str(&format!("\n1-minute load average at the end: {}.\n", load_average()));
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use zkpow_circuits::{config::TEST, keys::quiet};

	#[test]
	fn the_baseline_table_compares_the_batch_proof_with_plain_groth16() {
		let keys = Arc::new(KeySet::generate(TEST, DEV_SEED, &quiet).unwrap());
		let table = baseline_table(&TEST, keys.clone(), 1, &quiet);
		let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| ")).collect();
		assert_eq!(rows.len(), 4, "{table}");
		let shape = keys.batch.shape;
		for row in &rows[1..] {
			let cells: Vec<&str> = row.split(" | ").collect();
			assert_eq!(cells[1], shape.constraints.to_string(), "{row}");
			assert_eq!(cells[2], shape.public_inputs.to_string(), "{row}");
			assert_eq!(cells[3], shape.witnesses.to_string(), "{row}");
			assert!(cells[6].ends_with("x |"), "{row}");
		}
		assert!(rows[1].starts_with("| plain `Groth16::prove`"), "{table}");
		assert!(rows[1].ends_with("| 1.00x |"), "{table}");
		assert!(rows[2].contains("cached matrices"), "{table}");
	}
}
