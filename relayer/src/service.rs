//! The running relayer: one follower of the appchain and one delivery worker per base
//! chain, each retrying its own failures with backoff so that an unreachable chain holds
//! up neither the appchain nor the other chains.

use crate::{
	appchain::{Appchain, AppchainError},
	config::{Backoff, Config},
	deliver::{ChainWorker, MissingSequences},
	evm::EvmChain,
	follow::{FollowError, Follower},
	keys::load_signer,
	metrics::Metrics,
	store::Store,
};
use std::{collections::BTreeMap, future::Future, sync::Arc, time::Duration};
use tokio::sync::Notify;

/// Why the relayer could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
	/// The configuration is unusable.
	#[error(transparent)]
	Config(#[from] crate::config::ConfigError),
	/// A key could not be loaded (the message names where it was looked for).
	#[error("chain {chain_id}: {error}")]
	Key {
		/// Chain.
		chain_id: u64,
		/// Why.
		error: crate::keys::KeyError,
	},
	/// The database could not be opened.
	#[error(transparent)]
	Store(#[from] crate::store::StoreError),
	/// A chain could not be set up.
	#[error("{0}")]
	Chain(String),
	/// Metrics could not be registered.
	#[error("metrics: {0}")]
	Metrics(String),
}

/// A configured relayer, ready to run.
pub struct Relayer {
	follower: Follower,
	workers: Vec<Arc<ChainWorker>>,
	notify: BTreeMap<u64, Arc<Notify>>,
	metrics: Metrics,
	poll_interval: Duration,
	backoff: Backoff,
	metrics_addr: Option<std::net::SocketAddr>,
}

impl Relayer {
	/// Opens the database, loads the keys and sets up every chain.
	pub fn new(config: &Config) -> Result<Self, StartError> {
		config.validate()?;
		let store = Arc::new(Store::open(&config.db_path)?);
		let metrics = Metrics::new().map_err(|e| StartError::Metrics(e.to_string()))?;
		let missing = MissingSequences::default();
		let appchain = Arc::new(Appchain::new(&config.appchain_url));
		let mut workers = Vec::new();
		let mut notify = BTreeMap::new();
		for chain in &config.chains {
			let signer = load_signer(&chain.key.or(&config.key))
				.map_err(|error| StartError::Key { chain_id: chain.chain_id, error })?;
			let evm =
				EvmChain::with_timeout(chain.chain_id, &chain.rpc, signer, config.rpc_timeout)
					.map_err(StartError::Chain)?;
			tracing::info!(
				"chain {}: delivering from {} via {} ({:?} finality, {} confirmations where the chain has no tag; fees at most {}, gas at most {} per delivery)",
				chain.chain_id,
				evm.sender,
				evm.url(),
				chain.policy.finality,
				chain.policy.confirmations,
				chain.policy.max_fee_per_gas,
				chain.policy.max_gas_per_delivery
			);
			match &chain.policy.rollups {
				Some(ids) => tracing::info!("chain {}: serving rollups {ids:?} only", chain.chain_id),
				None => tracing::warn!(
					"chain {}: serving every rollup routed to it (set `rollups` to serve only the ones you mean to pay for)",
					chain.chain_id
				),
			}
			let worker = ChainWorker::new(
				evm,
				store.clone(),
				metrics.clone(),
				config.receipt_timeout,
				missing.clone(),
			)
			.with_policy(chain.policy.clone());
			workers.push(Arc::new(worker));
			notify.insert(chain.chain_id, Arc::new(Notify::new()));
		}
		let follower = Follower::new(appchain, store, metrics.clone(), config.start_block, missing);
		Ok(Self {
			follower,
			workers,
			notify,
			metrics,
			poll_interval: config.poll_interval,
			backoff: config.backoff,
			metrics_addr: config.metrics_addr,
		})
	}

	/// The metrics (for tests and embedding).
	pub fn metrics(&self) -> &Metrics {
		&self.metrics
	}

	/// Runs until `shutdown` completes.
	pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
		if let Some(addr) = self.metrics_addr {
			self.metrics.serve(addr);
			tracing::info!("metrics at http://{addr}/metrics");
		}
		let mut tasks = tokio::task::JoinSet::new();
		for worker in &self.workers {
			let worker = worker.clone();
			let notify = self.notify[&worker.chain().chain_id].clone();
			let (poll, backoff) = (self.poll_interval, self.backoff);
			tasks.spawn(async move { deliver_loop(worker, notify, poll, backoff).await });
		}
		let follow = async {
			let mut failures = 0u32;
			loop {
				let wait = match self.follower.run_once().await {
					Ok(report) => {
						failures = 0;
						for (rollup, index, chain_id) in &report.finalized {
							match self.notify.get(chain_id) {
								Some(n) => n.notify_one(),
								None => tracing::warn!(
									"rollup {rollup}: sequence {index} is for chain {chain_id}, which this relayer does not serve; it waits in the database"
								),
							}
						}
						self.poll_interval
					},
					Err(e) => {
						failures += 1;
						self.metrics.rpc_errors.with_label_values(&["appchain"]).inc();
						let delay = self.backoff.delay(failures);
						if let FollowError::Appchain(AppchainError::Incompatible(_)) = e {
							// Nothing of the new runtime is read until a matching build runs.
							tracing::error!(
								"following the appchain stopped: {e}; checking again in {delay:?}"
							);
						} else {
							tracing::warn!("following the appchain: {e}; retrying in {delay:?}");
						}
						delay
					},
				};
				tokio::time::sleep(wait).await;
			}
		};
		tokio::select! {
			_ = follow => {},
			_ = shutdown => tracing::info!("shutting down"),
		}
		tasks.abort_all();
	}
}

async fn deliver_loop(
	worker: Arc<ChainWorker>,
	notify: Arc<Notify>,
	poll: Duration,
	backoff: Backoff,
) {
	let chain_id = worker.chain().chain_id;
	match worker.chain().remote_chain_id().await {
		Ok(id) if id != chain_id => tracing::error!(
			"chain {chain_id}: endpoint {} reports chain id {id}; check the configuration",
			worker.chain().url()
		),
		_ => {},
	}
	let mut failures = 0u32;
	loop {
		match worker.run_once().await {
			Ok(_) => {
				failures = 0;
				// Wake up early when the follower records new sequences for this chain.
				let _ = tokio::time::timeout(poll, notify.notified()).await;
			},
			Err(e) => {
				failures += 1;
				let delay = backoff.delay(failures);
				tracing::warn!("chain {chain_id}: {e}; retrying in {delay:?}");
				tokio::time::sleep(delay).await;
			},
		}
	}
}
