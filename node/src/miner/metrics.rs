//! Prometheus metrics of the miner (on the node's `--prometheus-port`).

use substrate_prometheus_endpoint::{
	register, Counter, Gauge, PrometheusError, Registry, F64, U64,
};

/// The miner's metrics (clones share the same series).
#[derive(Clone)]
pub struct Metrics {
	/// Prover tasks dispatched and not finished.
	pub tasks_in_flight: Gauge<U64>,
	/// Sequences the miner is working on.
	pub sequences: Gauge<U64>,
	/// Prover tasks dispatched.
	pub tasks_dispatched: Counter<U64>,
	/// Prover tasks that failed.
	pub prover_failures: Counter<U64>,
	/// Final proofs obtained.
	pub proofs_ready: Counter<U64>,
	/// Commit extrinsics sent.
	pub commits: Counter<U64>,
	/// Reveal extrinsics sent.
	pub reveals: Counter<U64>,
	/// Sequences re-queued after a window without a valid proof.
	pub resends: Counter<U64>,
	/// Total rewards received (in the chain's smallest unit).
	pub rewards: Gauge<F64>,
	/// Total penalties slashed (in the chain's smallest unit).
	pub slashes: Gauge<F64>,
	/// Active bond (in the chain's smallest unit).
	pub bonded: Gauge<F64>,
}

impl Metrics {
	/// Registers the metrics.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let gauge = |name: &str, help: &str| register(Gauge::<U64>::new(name, help)?, registry);
		let counter = |name: &str, help: &str| register(Counter::<U64>::new(name, help)?, registry);
		let amount = |name: &str, help: &str| register(Gauge::<F64>::new(name, help)?, registry);
		Ok(Self {
			tasks_in_flight: gauge(
				"zkpow_miner_tasks_in_flight",
				"Prover tasks dispatched and not finished",
			)?,
			sequences: gauge("zkpow_miner_sequences", "Sequences the miner is working on")?,
			tasks_dispatched: counter(
				"zkpow_miner_tasks_dispatched_total",
				"Prover tasks dispatched",
			)?,
			prover_failures: counter(
				"zkpow_miner_prover_failures_total",
				"Prover tasks that failed",
			)?,
			proofs_ready: counter("zkpow_miner_final_proofs_total", "Final proofs obtained")?,
			commits: counter("zkpow_miner_commits_total", "Commit extrinsics sent")?,
			reveals: counter("zkpow_miner_reveals_total", "Reveal extrinsics sent")?,
			resends: counter(
				"zkpow_miner_requeued_total",
				"Sequences re-queued after a window closed without a valid proof",
			)?,
			rewards: amount("zkpow_miner_rewards", "Total rewards received, in the smallest unit")?,
			slashes: amount(
				"zkpow_miner_slashes",
				"Total penalties slashed, in the smallest unit",
			)?,
			bonded: amount("zkpow_miner_bonded", "Active bond, in the smallest unit")?,
		})
	}
}
