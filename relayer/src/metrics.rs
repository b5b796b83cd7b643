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
//! | `zkpow_relayer_balance_wei` | `chain_id` | the relayer account's balance (wei, as a float; read every pass) |
//! | `zkpow_relayer_funds_needed_wei` | `chain_id` | what the delivery waiting for funds needs (wei; 0 when none waits): alert when above 0 |
//! | `zkpow_relayer_fee_bumps_total` | `chain_id` | replacement transactions signed (same nonce, higher fees) |
//! | `zkpow_relayer_fee_capped_total` | `chain_id` | deliveries whose next replacement would exceed `max_fee_per_gas` (bumping stopped) |
//! | `zkpow_relayer_reorged_total` | `chain_id` | deliveries whose including block a base-chain reorg dropped (sent again) |
//! | `zkpow_relayer_in_flight` | `chain_id` | deliveries signed but not final yet: unmined, or mined in a block not final (as of the last pass) |
//! | `zkpow_relayer_inbox_refused_total` | `chain_id` | passes that sent nothing to a rollup: not served, or its inbox's code hash differs |

use std::net::SocketAddr;
use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, GaugeVec, Opts, PrometheusError, Registry, F64, U64,
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
	/// The relayer account's balance in wei, per chain.
	pub balance_wei: GaugeVec<F64>,
	/// What the delivery waiting for funds needs, in wei (0: none waits), per chain.
	pub funds_needed_wei: GaugeVec<F64>,
	/// Replacement transactions signed, per chain.
	pub fee_bumps: CounterVec<U64>,
	/// Deliveries whose bumping stopped at the fee cap, per chain.
	pub fee_capped: CounterVec<U64>,
	/// Deliveries dropped by a reorg, per chain.
	pub reorged: CounterVec<U64>,
	/// Deliveries signed but not final, per chain.
	pub in_flight: GaugeVec<U64>,
	/// Rollups refused in a pass (not served, or the inbox's code differs), per chain.
	pub inbox_refused: CounterVec<U64>,
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
		let per_chain_gauge = |name: &str, help: &str| {
			register(GaugeVec::new(Opts::new(name, help), &["chain_id"])?, &registry)
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
			balance_wei: per_chain_gauge(
				"zkpow_relayer_balance_wei",
				"Balance of the relayer's account on the base chain, in wei",
			)?,
			funds_needed_wei: per_chain_gauge(
				"zkpow_relayer_funds_needed_wei",
				"Cost in wei of the delivery waiting for the account to be funded (0: none waits)",
			)?,
			fee_bumps: per_chain(
				"zkpow_relayer_fee_bumps_total",
				"Replacement transactions signed at the same nonce with higher fees",
			)?,
			fee_capped: per_chain(
				"zkpow_relayer_fee_capped_total",
				"Deliveries whose next fee bump would exceed max_fee_per_gas",
			)?,
			reorged: per_chain(
				"zkpow_relayer_reorged_total",
				"Deliveries whose including block was dropped by a base-chain reorg",
			)?,
			in_flight: register(
				GaugeVec::new(
					Opts::new(
						"zkpow_relayer_in_flight",
						"Deliveries signed but not final on the base chain yet",
					),
					&["chain_id"],
				)?,
				&registry,
			)?,
			inbox_refused: per_chain(
				"zkpow_relayer_inbox_refused_total",
				"Passes that sent nothing to a rollup not served or whose inbox code hash differs",
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
