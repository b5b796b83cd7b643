//! The ZKPoW miner: a worker inside the node that proves open sequences on the miner's
//! prover hosts and runs the two-step submission with the miner key from the keystore.
//!
//! It has the three parts of an Opside-style aggregator (Proof Generator, Proof Manager,
//! Proof Sender):
//!
//! - [`generator`] (Proof Generator): for each open sequence, in priority order, fetches
//!   the batch witnesses from the rollup's data URL, dispatches the batch proofs to the
//!   prover hosts in parallel, then the aggregator proof (more than one batch) and the
//!   final proof bound to the miner account; each step of a sequence runs in its own task
//!   with a deadline and reports back over a channel. A single-proof rollup's sequence
//!   is one task ([`route`]: a host's native command for its verifying key, else its
//!   circom package), sent only to hosts whose `/health` says they can prove it;
//! - [`sender`] (Proof Sender): commits a final proof's hash while the commit window
//!   allows, waits for the reveal window, reveals; de-duplicated and ordered by start
//!   batch, and never sends an extrinsic that could land twice;
//! - this module (Proof Manager): resumes everything persisted in the node's off-chain
//!   database at start, feeds sequences from the chain to the generator, hands final
//!   proofs to the sender and re-queues sequences whose window closed without a valid
//!   proof.
//!
//! The manager's loop acts on every new best block (the sender's commits and reveals go
//! to the node's own transaction pool) and never awaits a network call: everything that
//! talks to prover hosts or data endpoints runs in the generator's step tasks, so a
//! stranger's endpoint that hangs cannot make the miner miss another rollup's window.
//!
//! It runs in the node rather than in the runtime's `offchain_worker` hook: proving takes
//! minutes of HTTP round trips to other machines and must survive node restarts and
//! runtime upgrades, while a runtime off-chain worker is a short WASM call per block. It
//! uses the same off-chain database and keystore as the runtime's workers.
//!
//! The miner key has its own key type, `zkpw` (sr25519): `zkpow-node key insert
//! --key-type zkpw --scheme sr25519 --suri ...` or `author_insertKey`. Without one the
//! miner waits, checking again at every block.

mod chain;
mod data;
mod generator;
mod job;
mod metrics;
mod policy;
mod prover;
mod route;
mod sender;

use crate::service::FullClient;
use chain::{Chain, HowProven};
use futures::StreamExt;
use job::{Job, JobStore};
use sc_client_api::BlockchainEvents;
use sp_core::{crypto::KeyTypeId, offchain::OffchainStorage};
use sp_keystore::KeystorePtr;
use std::{
	collections::{BTreeMap, BTreeSet},
	sync::Arc,
	time::Duration,
};
use zkpow_runtime::opaque::Block;

/// Key type of the miner key in the keystore.
pub const MINER_KEY_TYPE: KeyTypeId = KeyTypeId(*b"zkpw");

/// Log target of every miner line.
pub const LOG_TARGET: &str = "zkpow-miner";

/// How often the miner asks its prover hosts what they prove.
const CAPABILITIES_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// The transaction pool the miner submits to.
pub type Pool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;

/// Miner options of `zkpow-node`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct MinerParams {
	/// Run the ZKPoW miner: prove open sequences on the prover hosts given with
	/// `--prover-url` and commit and reveal them with the `zkpw` key of the keystore.
	#[arg(long)]
	pub miner: bool,

	/// URL of a prover host (`zkpow-prover serve`); repeat it or separate URLs with commas
	/// to spread the proving over several hosts.
	#[arg(long = "prover-url", value_name = "URL", value_delimiter = ',')]
	pub prover_urls: Vec<String>,

	/// Skip sequences that start below this batch number (to join without proving
	/// history).
	#[arg(long = "miner-start-batch", value_name = "BATCH", default_value_t = 0)]
	pub start_batch: u64,

	/// Prove only these rollups (comma separated ids); by default every rollup whose
	/// proofs the prover hosts make and that publishes a data URL.
	#[arg(long = "miner-rollup", value_name = "ID", value_delimiter = ',')]
	pub rollups: Vec<u32>,

	/// Most sequences being proven at the same time.
	#[arg(long = "miner-max-sequences", value_name = "N", default_value_t = 8)]
	pub max_sequences: usize,

	/// Take only sequences whose reward is at least this many times the penalties the
	/// miner risks by committing to them (no-proof plus invalid-proof penalty); 0 takes
	/// any reward.
	#[arg(
		long = "miner-min-reward-ratio",
		value_name = "RATIO",
		default_value_t = 0.0,
		value_parser = policy::parse_ratio
	)]
	pub min_reward_ratio: f64,

	/// Bearer token of the prover hosts (their `ZKPOW_PROVER_TOKEN`), sent with every
	/// task submission and cancellation; prefer the environment variable to the flag.
	#[arg(long = "prover-token", env = "ZKPOW_PROVER_TOKEN", hide_env_values = true)]
	pub prover_token: Option<String>,

	/// Seconds a prover task may take on its host, queueing included; a task still
	/// unfinished then is cancelled there and proven on another host.
	#[arg(
		long = "miner-task-deadline",
		value_name = "SECONDS",
		default_value_t = 600,
		value_parser = clap::value_parser!(u64).range(10..=86_400)
	)]
	pub task_deadline: u64,
}

/// Why the miner options were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
	/// Prover hosts without the miner.
	#[error("--prover-url is only used with --miner")]
	UrlsWithoutMiner,
	/// The miner without prover hosts.
	#[error("--miner needs at least one --prover-url (a `zkpow-prover serve` host)")]
	NoProverUrl,
	/// A prover URL that does not parse.
	#[error("--prover-url `{url}` is not a URL: {reason}")]
	BadUrl {
		/// The URL given.
		url: String,
		/// Why it does not parse.
		reason: String,
	},
	/// A prover URL that is not HTTP.
	#[error("--prover-url `{0}` must be an http:// or https:// URL")]
	NotHttp(String),
	/// No sequence may be proven at once.
	#[error("--miner-max-sequences must be at least 1")]
	NoSequences,
}

/// The validated miner configuration.
#[derive(Debug, Clone)]
pub struct MinerConfig {
	/// Prover host base URLs, without a trailing slash.
	pub prover_urls: Vec<String>,
	/// Lowest start batch of sequences to prove.
	pub start_batch: u64,
	/// Which rollups and sequences to take.
	pub policy: policy::Policy,
	/// Most sequences in the proving stages at once.
	pub max_sequences: usize,
	/// How often prover tasks are polled.
	pub poll_interval: Duration,
	/// Bearer token for the prover hosts.
	pub prover_token: Option<String>,
	/// Longest a prover task may take before it is proven elsewhere.
	pub task_deadline: Duration,
}

impl MinerParams {
	/// Checks the options; `None` when the miner is off.
	pub fn config(&self) -> Result<Option<MinerConfig>, ConfigError> {
		if !self.miner {
			if !self.prover_urls.is_empty() {
				return Err(ConfigError::UrlsWithoutMiner);
			}
			return Ok(None);
		}
		if self.prover_urls.is_empty() {
			return Err(ConfigError::NoProverUrl);
		}
		let mut urls = Vec::new();
		for url in &self.prover_urls {
			let parsed = reqwest::Url::parse(url)
				.map_err(|e| ConfigError::BadUrl { url: url.clone(), reason: e.to_string() })?;
			if !matches!(parsed.scheme(), "http" | "https") {
				return Err(ConfigError::NotHttp(url.clone()));
			}
			urls.push(url.trim_end_matches('/').to_string());
		}
		if self.max_sequences == 0 {
			return Err(ConfigError::NoSequences);
		}
		Ok(Some(MinerConfig {
			prover_urls: urls,
			start_batch: self.start_batch,
			policy: policy::Policy {
				rollups: self.rollups.clone(),
				min_reward_ratio: self.min_reward_ratio,
			},
			max_sequences: self.max_sequences,
			poll_interval: Duration::from_millis(500),
			prover_token: self.prover_token.clone(),
			task_deadline: Duration::from_secs(self.task_deadline),
		}))
	}
}

/// What the miner uses of the node.
pub struct NodeParts<S> {
	/// The client (runtime API queries at the best block, block notifications).
	pub client: Arc<FullClient>,
	/// The transaction pool the commits and reveals go to.
	pub pool: Arc<Pool>,
	/// The keystore holding the `zkpw` key.
	pub keystore: KeystorePtr,
	/// The off-chain database the jobs are kept in.
	pub offchain_db: S,
	/// Where the miner's metrics are registered.
	pub registry: Option<substrate_prometheus_endpoint::Registry>,
	/// Spawns the proving steps as named tasks.
	pub spawner: sc_service::SpawnTaskHandle,
	/// Whether the node is in a major sync.
	pub sync: Arc<dyn sp_consensus::SyncOracle + Send + Sync>,
}

/// Runs the miner until the node stops.
pub async fn run<S: OffchainStorage + 'static>(config: MinerConfig, node: NodeParts<S>) {
	let NodeParts { client, pool, keystore, offchain_db, registry, spawner, sync } = node;
	let metrics = registry.as_ref().and_then(|r| match metrics::Metrics::register(r) {
		Ok(m) => Some(m),
		Err(e) => {
			log::warn!(target: LOG_TARGET, "miner metrics not registered: {e}");
			None
		},
	});
	let chain = Chain::new(client.clone(), pool.clone(), keystore.clone());
	// The proving steps' own copy: chain queries only.
	let queries = Chain::new(client.clone(), pool, keystore);
	let mut miner =
		Miner::new(config, chain, queries, JobStore::new(offchain_db), metrics, spawner);
	// Extrinsics recorded before a restart may still land: never reuse their nonces.
	let recorded = miner.jobs.values().flat_map(|j| [&j.commit, &j.reveal]).flatten();
	if let Some(highest) = recorded.map(|sent| sent.nonce).max() {
		miner.chain.reserve_nonces_below(highest + 1);
	}
	// What each prover host proves, asked now and then in a task of its own (the loop
	// below never waits on a host).
	let proving = miner.proving.clone();
	miner.spawner.spawn("zkpow-miner-hosts", Some("zkpow-miner"), async move {
		loop {
			proving.provers.refresh_capabilities().await;
			tokio::time::sleep(CAPABILITIES_EVERY).await;
		}
	});
	let (results, mut stepped) = tokio::sync::mpsc::unbounded_channel();
	let mut blocks = client
		.import_notification_stream()
		.filter(|n| futures::future::ready(n.is_new_best));
	let mut ticker = tokio::time::interval(miner.config.poll_interval);
	ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
	loop {
		tokio::select! {
			block = blocks.next() => {
				if block.is_none() {
					return;
				}
				// A node catching up sees old blocks as best: their windows are long
				// closed, and what it would send now could only be refused or late.
				if sync.is_major_syncing() {
					miner.say_once("major-sync".into(), || {
						"the node is catching up with the chain: the miner waits until it is in sync".into()
					});
					continue;
				}
				miner.on_new_best().await;
				miner.start_steps(&results);
			},
			_ = ticker.tick() => if !sync.is_major_syncing() {
				miner.start_steps(&results)
			},
			Some(step) = stepped.recv() => miner.on_stepped(step).await,
		}
	}
}

/// The miner's state: jobs by (rollup, sequence), persisted on every change.
pub struct Miner<S> {
	config: MinerConfig,
	chain: Chain,
	store: JobStore<S>,
	jobs: BTreeMap<(u32, u64), Job>,
	/// What the proving steps share (prover hosts, data endpoints, chain queries).
	proving: Arc<generator::Proving>,
	/// Sequences with a proving step running.
	stepping: BTreeSet<(u32, u64)>,
	/// Spawns the proving steps as named tasks of the node.
	spawner: sc_service::SpawnTaskHandle,
	metrics: Option<metrics::Metrics>,
	/// The miner account, once a key is in the keystore.
	account: Option<sp_core::sr25519::Public>,
	/// Reward and slash totals last seen, to log changes.
	totals: Option<(zkpow_runtime::Balance, zkpow_runtime::Balance)>,
	/// Sequences whose artifact the chain rejected, proven again on one host alone (not
	/// persisted: after a restart the tasks spread again).
	pinned: BTreeMap<(u32, u64), String>,
}

impl<S: OffchainStorage> Miner<S> {
	fn new(
		config: MinerConfig,
		chain: Chain,
		queries: Chain,
		store: JobStore<S>,
		metrics: Option<metrics::Metrics>,
		spawner: sc_service::SpawnTaskHandle,
	) -> Self {
		let jobs: BTreeMap<_, _> = store.load().into_iter().map(|j| (j.key(), j)).collect();
		// The data endpoints: sequence files can be large.
		let http = reqwest::Client::builder()
			.connect_timeout(Duration::from_secs(5))
			.timeout(Duration::from_secs(60))
			.build()
			.expect("an HTTP client without TLS configuration builds");
		// Prover hosts answer at once: a host that does not is skipped sooner.
		let prover_http = reqwest::Client::builder()
			.connect_timeout(Duration::from_secs(5))
			.timeout(prover::REQUEST_TIMEOUT)
			.build()
			.expect("an HTTP client without TLS configuration builds");
		let provers = prover::ProverPool::new(
			config.prover_urls.clone(),
			config.prover_token.clone(),
			prover_http,
			config.task_deadline,
			store.host_refusals(),
		);
		log::info!(
			target: LOG_TARGET,
			"miner started with {} prover host(s) ({}), from batch {}; {} sequence(s) resumed from the off-chain database",
			config.prover_urls.len(),
			config.prover_urls.join(", "),
			config.start_batch,
			jobs.len(),
		);
		for job in jobs.values() {
			log::info!(target: LOG_TARGET, "{}: resumed ({})", job.name(), job.stage());
		}
		let totals = store.totals();
		let proving =
			generator::Proving::new(queries, provers, data::DataClient::new(http), metrics.clone());
		Self {
			config,
			chain,
			store,
			jobs,
			proving: Arc::new(proving),
			stepping: Default::default(),
			spawner,
			metrics,
			account: None,
			totals,
			pinned: Default::default(),
		}
	}

	/// Logs `message` at info level the first time `key` is seen.
	fn say_once(&self, key: String, message: impl FnOnce() -> String) {
		self.proving.say_once(key, message)
	}

	/// Looks the miner key up (it may be inserted while the node runs).
	fn miner_account(&mut self) -> Option<sp_core::sr25519::Public> {
		if self.account.is_none() {
			self.account = self.chain.miner_key();
			match self.account {
				Some(key) => log::info!(
					target: LOG_TARGET,
					"mining as {}",
					sp_core::crypto::Ss58Codec::to_ss58check(&sp_runtime::AccountId32::from(key))
				),
				None => self.say_once("no-key".into(), || {
					"no `zkpw` key in the keystore: the miner waits (insert one with `key insert --key-type zkpw` or `author_insertKey`)".into()
				}),
			}
		}
		self.account
	}

	/// Keeps `job` and writes it to the off-chain database if it changed.
	fn put(&mut self, job: Job) {
		let key = job.key();
		if self.jobs.get(&key) != Some(&job) {
			self.store.save(&job);
			self.jobs.insert(key, job);
		}
	}

	fn drop_job(&mut self, key: (u32, u64)) {
		if self.jobs.remove(&key).is_some() {
			self.store.remove(key);
		}
	}

	/// At every new best block: pick up new sequences, settle the state of known ones on
	/// chain and send what the windows allow.
	async fn on_new_best(&mut self) {
		let Some(account) = self.miner_account() else { return };
		let best = self.chain.best();
		self.discover(best);
		self.track_totals(best, account);
		sender::run(self, best, account).await;
		self.update_gauges();
	}

	/// Starts a proving step for each sequence that needs one and has none running.
	fn start_steps(&mut self, results: &tokio::sync::mpsc::UnboundedSender<generator::Stepped>) {
		let Some(account) = self.account else { return };
		let best = self.chain.best();
		generator::start(self, results, best, account);
	}

	/// Takes a finished step's job, unless the job changed meanwhile (the sender moved it
	/// on or dropped it): then the step's work is dropped and done again if still needed.
	async fn on_stepped(&mut self, step: generator::Stepped) {
		let key = step.before.key();
		self.stepping.remove(&key);
		// A step may have demoted or cleared a prover host: remembered across restarts.
		if let Some(refusals) = self.proving.provers.take_refusals() {
			self.store.save_host_refusals(&refusals);
		}
		let Some(after) = step.after else { return };
		if self.jobs.get(&key) != Some(&step.before) {
			return;
		}
		match step.pinned {
			Some(url) => self.pinned.insert(key, url),
			None => self.pinned.remove(&key),
		};
		let ready = after.proof().is_some() && step.before.proof().is_none();
		self.put(after);
		if ready {
			// A final proof just came in: commit now rather than at the next block.
			if let Some(account) = self.account {
				let best = self.chain.best();
				sender::run(self, best, account).await;
			}
		}
		self.update_gauges();
	}

	/// Adds open sequences not known yet, in priority order.
	fn discover(&mut self, best: chain::Best) {
		let tasks = match self.chain.open_tasks(best.hash, self.config.start_batch) {
			Ok(tasks) => tasks,
			Err(e) => {
				log::warn!(target: LOG_TARGET, "cannot list open tasks: {e}");
				return;
			},
		};
		for task in tasks {
			let key = (task.rollup_id, task.sequence_index);
			if self.jobs.contains_key(&key) {
				continue;
			}
			if !self.config.policy.mines(task.rollup_id) {
				continue;
			}
			match self.chain.provable(best.hash, task.rollup_id) {
				Err(reason) => {
					self.say_once(format!("skip-{}", task.rollup_id), || {
						format!("rollup {}: not mining it: {reason}", task.rollup_id)
					});
					continue;
				},
				Ok(provable) => {
					let key_hash = match provable.how {
						HowProven::Reference => None,
						HowProven::SingleProof { .. } => self
							.chain
							.sequence_status(best.hash, task.rollup_id, task.sequence_index)
							.ok()
							.flatten()
							.and_then(|s| s.key_hash),
					};
					if let Err(why) = route::check(&self.proving.provers, &provable.how, key_hash) {
						self.say_once(format!("no-host-{}-{why}", task.rollup_id), || {
							format!("rollup {}: not mining it: {why}", task.rollup_id)
						});
						continue;
					}
				},
			}
			let refusal = match self.chain.rollup_info(best.hash, task.rollup_id) {
				Ok(Some(rollup)) => self.config.policy.refusal(&rollup, task.reward),
				Ok(None) => Some("it is not registered".into()),
				Err(e) => Some(format!("its terms are unreadable ({e})")),
			};
			if let Some(reason) = refusal {
				self.say_once(format!("policy-{}-{reason}", task.rollup_id), || {
					format!("rollup {}: not taking its sequences: {reason}", task.rollup_id)
				});
				continue;
			}
			let job = Job::new(&task);
			log::info!(
				target: LOG_TARGET,
				"{}: new task, batches {}..={} ({} batch(es)), reward {}",
				job.name(),
				task.start_batch,
				task.start_batch + u64::from(task.batch_count) - 1,
				task.batch_count,
				task.reward,
			);
			self.store.save(&job);
			self.jobs.insert(key, job);
		}
	}

	fn track_totals(&mut self, best: chain::Best, account: sp_core::sr25519::Public) {
		let Ok(Some(info)) = self.chain.miner_info(best.hash, account) else { return };
		if let Some((rewards, slashes)) = self.totals {
			if info.total_rewards > rewards {
				log::info!(
					target: LOG_TARGET,
					"rewarded {} (total {})",
					info.total_rewards - rewards,
					info.total_rewards
				);
			}
			if info.total_slashed > slashes {
				log::warn!(
					target: LOG_TARGET,
					"slashed {} (total {})",
					info.total_slashed - slashes,
					info.total_slashed
				);
			}
		}
		let totals = (info.total_rewards, info.total_slashed);
		if self.totals != Some(totals) {
			self.totals = Some(totals);
			self.store.save_totals(totals);
		}
		if let Some(m) = &self.metrics {
			m.rewards.set(info.total_rewards as f64);
			m.slashes.set(info.total_slashed as f64);
			m.bonded.set(info.bonded as f64);
		}
	}

	fn update_gauges(&self) {
		if let Some(m) = &self.metrics {
			m.tasks_in_flight
				.set(self.jobs.values().map(Job::tasks_in_flight).sum::<usize>() as u64);
			m.sequences.set(self.jobs.len() as u64);
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::Parser;

	#[derive(Parser)]
	struct Cli {
		#[command(flatten)]
		miner: MinerParams,
	}

	fn parse(args: &[&str]) -> Result<MinerParams, clap::Error> {
		Cli::try_parse_from(std::iter::once("zkpow-node").chain(args.iter().copied()))
			.map(|cli| cli.miner)
	}

	#[test]
	fn parse_miner_options_and_refuse_what_cannot_work() {
		let params = parse(&["--miner", "--prover-url", "http://a:1/,http://b:2"]).unwrap();
		let config = params.config().unwrap().expect("the miner is on");
		assert_eq!(config.prover_urls, ["http://a:1", "http://b:2"]);
		assert_eq!(config.task_deadline, Duration::from_secs(600));

		let params =
			parse(&["--miner", "--prover-url", "http://a", "--miner-task-deadline", "45"]).unwrap();
		assert_eq!(params.config().unwrap().unwrap().task_deadline, Duration::from_secs(45));
		for deadline in ["0", "9", "86401", "soon"] {
			let e = parse(&["--miner-task-deadline", deadline]).expect_err("refused");
			assert!(e.to_string().contains("--miner-task-deadline"), "{e}");
		}

		assert_eq!(parse(&["--miner"]).unwrap().config().err(), Some(ConfigError::NoProverUrl));
		assert_eq!(
			parse(&["--prover-url", "http://a"]).unwrap().config().err(),
			Some(ConfigError::UrlsWithoutMiner)
		);
		assert_eq!(
			parse(&["--miner", "--prover-url", "ftp://a"]).unwrap().config().err(),
			Some(ConfigError::NotHttp("ftp://a".into()))
		);
		assert!(matches!(
			parse(&["--miner", "--prover-url", "not a url"]).unwrap().config(),
			Err(ConfigError::BadUrl { .. })
		));
		assert!(matches!(parse(&[]).unwrap().config(), Ok(None)));
	}
}
