//! The miner's prover hosts (`zkpow-prover serve`): submits tasks through the typed
//! [`ProverClient`], spreads them over the hosts, polls them and fetches results.
//!
//! - A host that does not answer is left alone for a while, and logged once when it goes
//!   and once when it comes back.
//! - A task not finished within the task deadline is cancelled on its host and proven
//!   elsewhere; the late host gets no new task for a while.
//! - A host whose final artifacts keep being refused (the chain would reject them, or
//!   they are not what was asked for) is demoted: it gets tasks only when no other host
//!   is reachable. Demotions are kept in the off-chain database, so a restart does not
//!   forgive them; an artifact from it that passes clears its record.

use super::{job::TaskRef, LOG_TARGET};
use serde_json::Value;
use std::{
	collections::{BTreeMap, HashMap},
	sync::Mutex,
	time::{Duration, Instant},
};
use zkpow_primitives::Bytes32;
use zkpow_prover_api::{
	ClientError, Fetched, JobState, PackageKind, ProverClient, SubmitParams, TaskOutput,
};

/// The task the miner sends: the rollup's witness passes through as JSON.
pub type Task = zkpow_prover_api::Task<Value>;

/// What a host must be able to do to take a task (from its `/health`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
	/// Prove packages of this kind: the reference circuits, or circom packages.
	Kind(PackageKind),
	/// Run a native command its operator configured for this verifying-key hash.
	Command(Bytes32),
}

impl Need {
	/// What `task` needs.
	pub fn of(task: &Task) -> Need {
		match task {
			Task::Circom { .. } => Need::Kind(PackageKind::Circom),
			Task::Command { key_hash, .. } => Need::Command(*key_hash),
			Task::Batch { .. } | Task::Aggregator { .. } | Task::Final { .. } => {
				Need::Kind(PackageKind::Reference)
			},
		}
	}
}

impl std::fmt::Display for Need {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Need::Kind(PackageKind::Reference) => f.write_str("proves the reference circuits"),
			Need::Kind(PackageKind::Circom) => {
				f.write_str("proves circom packages (`serve --circom-cache`)")
			},
			Need::Kind(kind) => write!(f, "proves {kind:?} packages"),
			Need::Command(hash) => write!(
				f,
				"has a command for verifying-key hash 0x{} (`serve --commands`)",
				hex::encode(hash)
			),
		}
	}
}

/// How long a host that did not answer is skipped; doubled at each failure in a row, up
/// to [`MAX_BACKOFF`].
const BACKOFF: Duration = Duration::from_secs(3);

/// The longest a host that does not answer is skipped before it is tried again.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Longest a request to a prover host may take (its answers are small and quick: a
/// status, or a result of at most [`ProverClient::DEFAULT_ANSWER_CAP`]).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a host that let a task pass its deadline gets no new task.
const LATE_BACKOFF: Duration = Duration::from_secs(60);

/// Refused artifacts after which a host is demoted.
pub const DEMOTE_AFTER: u32 = 2;

/// What a host said about a task.
pub enum Poll {
	/// Queued or running.
	Pending,
	/// Queued or running past the task deadline: cancelled there, to be proven elsewhere.
	Late,
	/// Finished with this output.
	Done(TaskOutput),
	/// The task failed or was cancelled on the host.
	Failed(String),
	/// The host does not know the task (restarted, or the result expired).
	Unknown,
}

/// Why a request did not get an answer.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
	/// No answer (connection refused, timeout, 5xx, wrong token).
	#[error("{0}")]
	Unreachable(String),
	/// The host is busy (queue full); try another or later.
	#[error("every prover host is busy")]
	Busy,
	/// The host refused the task as invalid: retrying the same task will not help.
	#[error("{0}")]
	Rejected(String),
}

struct Host {
	client: ProverClient,
	down_since: Option<Instant>,
	retry_at: Option<Instant>,
	/// Requests in a row that got no answer.
	misses: u32,
	dispatched: u64,
	/// Final artifacts refused in a row.
	refused: u32,
	/// The package kinds it proves, from its `/health` (the reference circuits until it
	/// has answered).
	proves: Vec<PackageKind>,
	/// The verifying-key hashes it has native commands for, from its `/health`.
	commands: Vec<Bytes32>,
}

impl Host {
	fn url(&self) -> &str {
		self.client.base()
	}

	fn can(&self, need: &Need) -> bool {
		match need {
			Need::Kind(kind) => self.proves.contains(kind),
			Need::Command(hash) => self.commands.contains(hash),
		}
	}
}

/// The configured prover hosts.
pub struct ProverPool {
	hosts: Mutex<Vec<Host>>,
	/// When each task in flight was first seen (dispatched, or polled after a restart).
	since: Mutex<HashMap<String, Instant>>,
	deadline: Duration,
	/// The refused-artifact counts changed since they were last taken.
	refusals_changed: std::sync::atomic::AtomicBool,
}

impl ProverPool {
	/// A pool over `urls` whose hosts take `token`, requesting through `http` (give it
	/// [`REQUEST_TIMEOUT`]); tasks
	/// get `deadline` each; `refused` are the counts recorded before.
	pub fn new(
		urls: Vec<String>,
		token: Option<String>,
		http: reqwest::Client,
		deadline: Duration,
		refused: BTreeMap<String, u32>,
	) -> Self {
		let hosts = urls
			.into_iter()
			.map(|url| {
				let refused = refused.get(&url).copied().unwrap_or(0);
				if refused >= DEMOTE_AFTER {
					log::warn!(
						target: LOG_TARGET,
						"prover host {url} stays demoted: {refused} of its artifacts were refused"
					);
				}
				Host {
					client: ProverClient::new(http.clone(), url, token.clone()),
					down_since: None,
					retry_at: None,
					misses: 0,
					dispatched: 0,
					refused,
					proves: vec![PackageKind::Reference],
					commands: Vec::new(),
				}
			})
			.collect();
		Self {
			hosts: Mutex::new(hosts),
			since: Default::default(),
			deadline,
			refusals_changed: Default::default(),
		}
	}

	fn hosts(&self) -> std::sync::MutexGuard<'_, Vec<Host>> {
		self.hosts.lock().unwrap_or_else(|p| p.into_inner())
	}

	/// Runs `f` on the host at `url` (under the lock); `None` if no host has that URL.
	fn with_host<R>(&self, url: &str, f: impl FnOnce(&mut Host) -> R) -> Option<R> {
		self.hosts().iter_mut().find(|h| h.url() == url).map(f)
	}

	fn client(&self, url: &str) -> Option<ProverClient> {
		self.with_host(url, |h| h.client.clone())
	}

	/// Hosts to try for a new task that needs `need`: among those that can, hosts in good
	/// standing before demoted ones, least used first, skipping those backing off (all of
	/// them if every such host is backing off, so a returning host is found).
	fn candidates(&self, need: &Need) -> Vec<ProverClient> {
		let hosts = self.hosts();
		let now = Instant::now();
		let able: Vec<&Host> = hosts.iter().filter(|h| h.can(need)).collect();
		let mut up: Vec<&Host> =
			able.iter().copied().filter(|h| h.retry_at.is_none_or(|t| t <= now)).collect();
		if up.is_empty() {
			up = able;
		}
		up.sort_by_key(|h| (h.refused >= DEMOTE_AFTER, h.dispatched));
		up.into_iter().map(|h| h.client.clone()).collect()
	}

	fn mark(&self, url: &str, error: Option<&str>) {
		self.with_host(url, |host| match error {
			Some(e) => {
				if host.down_since.is_none() {
					log::warn!(target: LOG_TARGET, "prover host {url} unreachable ({e}); retrying");
					host.down_since = Some(Instant::now());
				}
				host.misses = host.misses.saturating_add(1);
				let rest = BACKOFF.saturating_mul(1 << (host.misses - 1).min(16)).min(MAX_BACKOFF);
				host.retry_at = Some(Instant::now() + rest);
			},
			None => {
				if let Some(since) = host.down_since.take() {
					log::info!(
						target: LOG_TARGET,
						"prover host {url} is back after {} s",
						since.elapsed().as_secs()
					);
				}
				host.retry_at = None;
				host.misses = 0;
			},
		});
	}

	/// Records what an error says about its host; returns the error for the caller.
	fn noted(&self, url: &str, e: ClientError) -> HostError {
		match e {
			ClientError::Busy { .. } => HostError::Busy,
			ClientError::Rejected { message, .. } => HostError::Rejected(message),
			e => {
				let text = e.to_string();
				self.mark(url, Some(&text));
				HostError::Unreachable(text)
			},
		}
	}

	/// The configured hosts' URLs, in the configured order.
	pub fn urls(&self) -> Vec<String> {
		self.hosts().iter().map(|h| h.url().to_owned()).collect()
	}

	/// Whether any host is known to be able to take tasks that need `need`.
	pub fn any_can(&self, need: &Need) -> bool {
		self.hosts().iter().any(|h| h.can(need))
	}

	/// Asks every host what it proves (`/health`: package kinds and command key hashes),
	/// keeping what each answers; a host that does not answer keeps what it said before.
	pub async fn refresh_capabilities(&self) {
		let clients: Vec<ProverClient> = self.hosts().iter().map(|h| h.client.clone()).collect();
		for client in clients {
			if let Ok(health) = client.health().await {
				// Hosts that do not say prove the reference circuits.
				let proves = match health.proves {
					kinds if kinds.is_empty() => vec![PackageKind::Reference],
					kinds => kinds,
				};
				let commands = health.commands;
				self.with_host(client.base(), |h| {
					if h.proves != proves || h.commands != commands {
						let keys: Vec<String> =
							commands.iter().map(|k| format!("0x{}", hex::encode(k))).collect();
						log::info!(
							target: LOG_TARGET,
							"prover host {} proves {proves:?} packages, with commands for \
							 verifying-key hashes {keys:?}",
							client.base()
						);
						h.proves = proves;
						h.commands = commands;
					}
				});
			}
		}
	}

	/// Sets what the host at `url` proves, as its `/health` would.
	#[cfg(test)]
	pub fn set_capabilities(&self, url: &str, proves: Vec<PackageKind>, commands: Vec<Bytes32>) {
		self.with_host(url, |h| {
			h.proves = proves;
			h.commands = commands;
		});
	}

	/// Whether the host at `url` is demoted.
	pub fn is_demoted(&self, url: &str) -> bool {
		self.hosts().iter().any(|h| h.url() == url && h.refused >= DEMOTE_AFTER)
	}

	/// Submits `task` to the best reachable host, or only to `pinned` if given; returns
	/// where it went.
	pub async fn submit(
		&self,
		task: &Task,
		params: SubmitParams,
		pinned: Option<&str>,
	) -> Result<TaskRef, HostError> {
		let need = Need::of(task);
		let mut last = HostError::Unreachable(format!("no prover host {need}"));
		let candidates = match pinned {
			Some(url) => self.client(url).into_iter().collect(),
			None => self.candidates(&need),
		};
		for client in candidates {
			let url = client.base().to_owned();
			match client.submit(task, params).await {
				Ok(submission) => {
					self.mark(&url, None);
					self.with_host(&url, |h| h.dispatched += 1);
					let id = submission.status.id;
					self.since.lock().expect("not poisoned").insert(id.clone(), Instant::now());
					return Ok(TaskRef { host: url, id });
				},
				Err(e) => match self.noted(&url, e) {
					e @ HostError::Rejected(_) => return Err(e),
					e => last = e,
				},
			}
		}
		Err(last)
	}

	/// Asks the task's host where it is, fetching the result once it is done.
	pub async fn poll(&self, task: &TaskRef) -> Result<Poll, HostError> {
		let Some(client) = self.client(&task.host) else {
			// The host was removed from the configuration: prove the task elsewhere.
			return Ok(Poll::Unknown);
		};
		let url = &task.host;
		let status = match client.status(&task.id).await {
			Ok(Some(status)) => status,
			Ok(None) => return Ok(Poll::Unknown),
			Err(e) => return Err(self.noted(url, e)),
		};
		self.mark(url, None);
		match status.state {
			JobState::Queued | JobState::Running => Ok(self.pending(&client, task).await),
			JobState::Succeeded => {
				self.forget(&task.id);
				match client.result(&task.id).await {
					Ok(Fetched::Done(output)) => Ok(Poll::Done(output)),
					Ok(Fetched::Unknown) => Ok(Poll::Unknown),
					Ok(Fetched::NotReady(message)) => Ok(Poll::Failed(message)),
					Err(e) => Err(self.noted(url, e)),
				}
			},
			JobState::Failed | JobState::Cancelled => {
				self.forget(&task.id);
				Ok(Poll::Failed(status.error.unwrap_or_else(|| format!("{:?}", status.state))))
			},
		}
	}

	/// A task still queued or running: late once past its deadline, then cancelled on
	/// its host (best effort) and the host rested.
	async fn pending(&self, client: &ProverClient, task: &TaskRef) -> Poll {
		let first_seen = *self
			.since
			.lock()
			.expect("not poisoned")
			.entry(task.id.clone())
			.or_insert_with(Instant::now);
		if first_seen.elapsed() < self.deadline {
			return Poll::Pending;
		}
		self.forget(&task.id);
		log::warn!(
			target: LOG_TARGET,
			"prover host {} did not finish task {} within {} s: proving it elsewhere",
			task.host,
			short(&task.id),
			self.deadline.as_secs()
		);
		self.with_host(&task.host, |h| h.retry_at = Some(Instant::now() + LATE_BACKOFF));
		if let Err(e) = client.cancel(&task.id).await {
			log::debug!(target: LOG_TARGET, "cancelling task {} failed: {e}", short(&task.id));
		}
		Poll::Late
	}

	fn forget(&self, id: &str) {
		self.since.lock().expect("not poisoned").remove(id);
	}

	/// Records that a final artifact of `url` was refused (`refused`) or passed.
	pub fn artifact_checked(&self, url: &str, refused: bool) {
		let Some((before, now)) = self.with_host(url, |host| {
			let before = host.refused;
			host.refused = if refused { before.saturating_add(1) } else { 0 };
			(before, host.refused)
		}) else {
			return;
		};
		if now == before {
			return;
		}
		if now == DEMOTE_AFTER {
			log::warn!(
				target: LOG_TARGET,
				"prover host {url} demoted: {DEMOTE_AFTER} of its artifacts in a row were refused; \
				 it gets tasks only when no other host is reachable"
			);
		} else if before >= DEMOTE_AFTER && !refused {
			log::info!(target: LOG_TARGET, "prover host {url} made a valid artifact: no longer demoted");
		}
		self.refusals_changed.store(true, std::sync::atomic::Ordering::SeqCst);
	}

	/// The refused-artifact counts of the hosts that have any, if they changed since
	/// last taken (the miner writes them to the off-chain database).
	pub fn take_refusals(&self) -> Option<BTreeMap<String, u32>> {
		if !self.refusals_changed.swap(false, std::sync::atomic::Ordering::SeqCst) {
			return None;
		}
		let hosts = self.hosts();
		Some(
			hosts
				.iter()
				.filter(|h| h.refused > 0)
				.map(|h| (h.url().to_owned(), h.refused))
				.collect(),
		)
	}
}

/// The first characters of a task id, for logs.
pub fn short(id: &str) -> &str {
	&id[..id.len().min(12)]
}

#[cfg(test)]
mod tests {
	use super::*;

	fn pool(refused: BTreeMap<String, u32>) -> ProverPool {
		ProverPool::new(
			vec!["http://a".into(), "http://b".into()],
			None,
			reqwest::Client::new(),
			Duration::from_secs(60),
			refused,
		)
	}

	fn order(pool: &ProverPool) -> Vec<String> {
		pool.candidates(&Need::Kind(PackageKind::Reference))
			.iter()
			.map(|c| c.base().to_owned())
			.collect()
	}

	/// Attack: a prover host (misconfigured, or run by someone who wants the miner
	/// slashed) keeps returning artifacts the chain would refuse. After two in a row it is
	/// tried last, its record is written for the next start, and a valid artifact clears it.
	#[test]
	fn a_host_whose_artifacts_keep_being_refused_is_demoted_and_remembered() {
		let pool = pool(BTreeMap::new());
		assert_eq!(order(&pool), ["http://a", "http://b"]);
		assert_eq!(pool.take_refusals(), None, "nothing to write yet");
		pool.artifact_checked("http://a", true);
		assert!(!pool.is_demoted("http://a"), "one refusal is not a pattern");
		pool.artifact_checked("http://a", true);
		assert!(pool.is_demoted("http://a"));
		assert_eq!(order(&pool), ["http://b", "http://a"]);
		let last = pool.take_refusals().expect("changed");
		assert_eq!(last, BTreeMap::from([("http://a".to_string(), 2)]));
		assert_eq!(pool.take_refusals(), None, "taken once");

		// A restart reads the record back: still demoted.
		let restarted = self::pool(last);
		assert!(restarted.is_demoted("http://a"));
		assert_eq!(order(&restarted), ["http://b", "http://a"]);
		restarted.artifact_checked("http://a", false);
		assert!(!restarted.is_demoted("http://a"));
		assert_eq!(order(&restarted), ["http://a", "http://b"]);
		assert_eq!(restarted.take_refusals(), Some(BTreeMap::new()), "cleared for the next start");
	}

	fn circom_task() -> Task {
		Task::Circom {
			rollup_id: 2,
			sequence_index: 0,
			prover: [1; 32],
			prev_root: [0; 32],
			batches: vec![],
			package: zkpow_prover_api::PackageRef { url: "http://pkg".into(), hash: [2; 32] },
			input: serde_json::json!({}),
		}
	}

	/// A stranger's circom rollup is never sent to a host that cannot prove it (it would
	/// refuse the task, or worse, be counted against); only hosts whose `/health` says
	/// `circom` get such tasks, and with none the task waits.
	#[test]
	fn circom_tasks_go_only_to_hosts_that_prove_circom() {
		let pool = pool(BTreeMap::new());
		let circom = Need::Kind(PackageKind::Circom);
		assert!(!pool.any_can(&circom));
		assert!(pool.candidates(&circom).is_empty());
		let refused =
			futures::executor::block_on(pool.submit(&circom_task(), SubmitParams::default(), None));
		assert!(
			matches!(&refused, Err(HostError::Unreachable(m)) if m.contains("circom")),
			"{refused:?}"
		);

		pool.with_host("http://b", |h| {
			h.proves = vec![PackageKind::Reference, PackageKind::Circom]
		});
		assert!(pool.any_can(&circom));
		let able: Vec<String> =
			pool.candidates(&circom).iter().map(|c| c.base().to_owned()).collect();
		assert_eq!(able, ["http://b"]);
		assert_eq!(order(&pool), ["http://a", "http://b"], "both prove the reference circuits");
	}

	fn command_task(key_hash: Bytes32) -> Task {
		Task::Command {
			rollup_id: 3,
			sequence_index: 0,
			prover: [1; 32],
			prev_root: [0; 32],
			batches: vec![],
			key_hash,
			input: serde_json::json!({}),
		}
	}

	/// A command task goes only to a host that lists the task's key hash: a host with a
	/// native prover for another rollup's key (or with circom packages) would refuse it,
	/// and one that ran another key's prover would make a proof the chain refuses.
	#[test]
	fn command_tasks_go_only_to_hosts_with_a_command_for_the_key() {
		let pool = pool(BTreeMap::new());
		pool.with_host("http://a", |h| {
			h.proves = vec![PackageKind::Reference, PackageKind::Circom, PackageKind::Command];
			h.commands = vec![[7; 32]];
		});
		let mine = Need::Command([9; 32]);
		assert_eq!(Need::of(&command_task([9; 32])), mine);
		assert!(!pool.any_can(&mine), "a host with another key's command cannot take it");
		let refused = futures::executor::block_on(pool.submit(
			&command_task([9; 32]),
			SubmitParams::default(),
			None,
		));
		let expected =
			format!("no prover host has a command for verifying-key hash 0x{}", "09".repeat(32));
		assert!(
			matches!(&refused, Err(HostError::Unreachable(m)) if m.starts_with(&expected)),
			"{refused:?}"
		);

		pool.with_host("http://b", |h| {
			h.proves = vec![PackageKind::Reference, PackageKind::Command];
			h.commands = vec![[9; 32]];
		});
		assert!(pool.any_can(&mine));
		let able: Vec<String> =
			pool.candidates(&mine).iter().map(|c| c.base().to_owned()).collect();
		assert_eq!(able, ["http://b"]);
		let other: Vec<String> = pool
			.candidates(&Need::Command([7; 32]))
			.iter()
			.map(|c| c.base().to_owned())
			.collect();
		assert_eq!(other, ["http://a"]);
	}
}
