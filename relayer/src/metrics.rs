//! Prometheus metrics (served at `/metrics` on `metrics_addr`).
//!
//! | metric | labels | meaning |
//! |--------|--------|---------|
//! | `zkpow_relayer_appchain_finalized_block` | | last finalized appchain block seen |
//! | `zkpow_relayer_cursor_block` | | last appchain block fully processed |
//! | `zkpow_relayer_sequences_finalized_total` | | finalized sequences recorded for delivery |
//! | `zkpow_relayer_deliveries_total` | `chain_id` | sequences delivered by this relayer's transactions |
//! | `zkpow_relayer_skipped_total` | `chain_id` | sequences the inbox already had (nothing sent) |
//! | `zkpow_relayer_rejections_total` | `chain_id` | sequences the inbox permanently rejects |
//! | `zkpow_relayer_rpc_errors_total` | `chain_id` (`appchain` for the appchain) | transient RPC failures |
//! | `zkpow_relayer_gas_used_total` | `chain_id` | gas of delivering transactions |
//! | `zkpow_relayer_unavailable_total` | | finalized sequences whose batches could not be read |

use std::net::SocketAddr;
use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, U64,
};

/// The relayer's metrics.
#[derive(Clone)]
pub struct Metrics {
	/// The registry they are registered in.
	pub registry: Registry,
	/// Last finalized appchain block seen.
	pub finalized_block: Gauge<U64>,
	/// Last appchain block fully processed.
	pub cursor_block: Gauge<U64>,
	/// Finalized sequences recorded.
	pub sequences_finalized: Counter<U64>,
	/// Deliveries by our transactions, per chain.
	pub deliveries: CounterVec<U64>,
	/// Sequences found on the inbox already, per chain.
	pub skipped: CounterVec<U64>,
	/// Permanent rejections, per chain.
	pub rejections: CounterVec<U64>,
	/// Transient RPC failures, per chain (or `appchain`).
	pub rpc_errors: CounterVec<U64>,
	/// Gas used by delivering transactions, per chain.
	pub gas_used: CounterVec<U64>,
	/// Finalized sequences whose batches could not be read.
	pub unavailable: Counter<U64>,
}

impl Metrics {
	/// Creates and registers every metric.
	pub fn new() -> Result<Self, PrometheusError> {
		let registry = Registry::new();
		let gauge = |name: &str, help: &str| register(Gauge::new(name, help)?, &registry);
		let counter = |name: &str, help: &str| register(Counter::new(name, help)?, &registry);
		let per_chain = |name: &str, help: &str| {
			register(CounterVec::new(Opts::new(name, help), &["chain_id"])?, &registry)
		};
		Ok(Self {
			finalized_block: gauge(
				"zkpow_relayer_appchain_finalized_block",
				"Last finalized appchain block seen",
			)?,
			cursor_block: gauge(
				"zkpow_relayer_cursor_block",
				"Last appchain block fully processed",
			)?,
			sequences_finalized: counter(
				"zkpow_relayer_sequences_finalized_total",
				"Finalized sequences recorded for delivery",
			)?,
			deliveries: per_chain(
				"zkpow_relayer_deliveries_total",
				"Sequences delivered by this relayer's transactions",
			)?,
			skipped: per_chain(
				"zkpow_relayer_skipped_total",
				"Sequences the inbox already had (nothing sent)",
			)?,
			rejections: per_chain(
				"zkpow_relayer_rejections_total",
				"Sequences the inbox permanently rejects",
			)?,
			rpc_errors: per_chain("zkpow_relayer_rpc_errors_total", "Transient RPC failures")?,
			gas_used: per_chain(
				"zkpow_relayer_gas_used_total",
				"Gas used by delivering transactions",
			)?,
			unavailable: counter(
				"zkpow_relayer_unavailable_total",
				"Finalized sequences whose batches could not be read from the appchain",
			)?,
			registry,
		})
	}

	/// Serves the metrics at `addr` until the process ends.
	pub fn serve(&self, addr: SocketAddr) {
		let registry = self.registry.clone();
		tokio::spawn(async move {
			if let Err(e) = substrate_prometheus_endpoint::init_prometheus(addr, registry).await {
				tracing::error!("metrics endpoint {addr}: {e}");
			}
		});
	}

	/// The metrics in the Prometheus text format.
	pub fn render(&self) -> String {
		use substrate_prometheus_endpoint::prometheus::{Encoder, TextEncoder};
		let mut out = Vec::new();
		let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
		String::from_utf8_lossy(&out).into_owned()
	}
}
