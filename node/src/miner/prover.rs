//! The miner's client of its prover hosts (`zkpow-prover serve`): submits tasks, spreads
//! them over the hosts, polls them and fetches results. A host that does not answer is
//! left alone for a while and logged once when it goes and once when it comes back.

use super::{http::json_capped, job::TaskRef, LOG_TARGET};
use serde_json::Value;
use std::{
	sync::Mutex,
	time::{Duration, Instant},
};

/// How long a host that did not answer is skipped.
const BACKOFF: Duration = Duration::from_secs(3);

/// Largest answer read from a prover host (a status, or a result with its artifact).
const MAX_ANSWER_BYTES: usize = 4 << 20;

/// What a host said about a task.
pub enum Poll {
	/// Queued or running.
	Pending,
	/// Finished: the result body.
	Done(Value),
	/// The task failed or was cancelled on the host.
	Failed(String),
	/// The host does not know the task (restarted, or the result expired).
	Unknown,
}

/// Why a request did not get an answer.
#[derive(Debug)]
pub enum HostError {
	/// No answer (connection refused, timeout, 5xx).
	Unreachable(String),
	/// The host is busy (queue full); try another or later.
	Busy,
	/// The host refused the task as invalid: retrying the same task will not help.
	Rejected(String),
}

struct Host {
	url: String,
	down_since: Option<Instant>,
	retry_at: Option<Instant>,
	dispatched: u64,
}

/// The configured prover hosts.
pub struct ProverPool {
	http: reqwest::Client,
	token: Option<String>,
	hosts: Mutex<Vec<Host>>,
}

impl ProverPool {
	/// A pool over `urls` whose hosts take `token`, requesting through `http`.
	pub fn new(urls: Vec<String>, token: Option<String>, http: reqwest::Client) -> Self {
		let hosts = urls
			.into_iter()
			.map(|url| Host { url, down_since: None, retry_at: None, dispatched: 0 })
			.collect();
		Self { http, token, hosts: Mutex::new(hosts) }
	}

	/// Hosts to try for a new task, least used first, skipping those backing off (all of
	/// them if every host is backing off, so a returning host is found).
	fn candidates(&self) -> Vec<String> {
		let hosts = self.hosts.lock().expect("not poisoned");
		let now = Instant::now();
		let mut up: Vec<&Host> =
			hosts.iter().filter(|h| h.retry_at.is_none_or(|t| t <= now)).collect();
		if up.is_empty() {
			up = hosts.iter().collect();
		}
		up.sort_by_key(|h| h.dispatched);
		up.into_iter().map(|h| h.url.clone()).collect()
	}

	fn mark(&self, url: &str, error: Option<&str>) {
		let mut hosts = self.hosts.lock().expect("not poisoned");
		let Some(host) = hosts.iter_mut().find(|h| h.url == url) else { return };
		match error {
			Some(e) => {
				if host.down_since.is_none() {
					log::warn!(target: LOG_TARGET, "prover host {url} unreachable ({e}); retrying");
					host.down_since = Some(Instant::now());
				}
				host.retry_at = Some(Instant::now() + BACKOFF);
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
			},
		}
	}

	/// The configured hosts' URLs, in the configured order.
	pub fn urls(&self) -> Vec<String> {
		self.hosts.lock().expect("not poisoned").iter().map(|h| h.url.clone()).collect()
	}

	/// Submits `task` to the least-used reachable host, or only to `pinned` if given;
	/// returns where it went.
	pub async fn submit(&self, task: &Value, pinned: Option<&str>) -> Result<TaskRef, HostError> {
		let mut last = HostError::Unreachable("no prover host configured".into());
		let candidates = match pinned {
			Some(url) => vec![url.to_owned()],
			None => self.candidates(),
		};
		for url in candidates {
			match self.submit_to(&url, task).await {
				Ok(id) => {
					let mut hosts = self.hosts.lock().expect("not poisoned");
					if let Some(h) = hosts.iter_mut().find(|h| h.url == url) {
						h.dispatched += 1;
					}
					return Ok(TaskRef { host: url, id });
				},
				Err(e @ HostError::Rejected(_)) => return Err(e),
				Err(e) => last = e,
			}
		}
		Err(last)
	}

	async fn submit_to(&self, url: &str, task: &Value) -> Result<String, HostError> {
		let mut request = self.http.post(format!("{url}/tasks")).json(task);
		if let Some(token) = &self.token {
			request = request.bearer_auth(token);
		}
		let reply = self.answered(url, request.send().await)?;
		let status = reply.status().as_u16();
		let body: Value = json_capped(reply, MAX_ANSWER_BYTES).await.unwrap_or(Value::Null);
		match status {
			// The host, not the task: try another host and say what to fix.
			401 => {
				let e = format!(
					"{url} refused the miner's token ({}): set --prover-token / \
					 ZKPOW_PROVER_TOKEN to the host's",
					error_text(&body, status)
				);
				self.mark(url, Some(&e));
				Err(HostError::Unreachable(e))
			},
			200 | 202 => body["id"]
				.as_str()
				.map(str::to_owned)
				.ok_or_else(|| HostError::Unreachable(format!("{url} answered without a task id"))),
			429 | 503 => Err(HostError::Busy),
			400..=499 => Err(HostError::Rejected(error_text(&body, status))),
			_ => Err(HostError::Unreachable(error_text(&body, status))),
		}
	}

	/// Asks the task's host where it is, fetching the result once it is done.
	pub async fn poll(&self, task: &TaskRef) -> Result<Poll, HostError> {
		let known = self.hosts.lock().expect("not poisoned").iter().any(|h| h.url == task.host);
		if !known {
			// The host was removed from the configuration: prove the task elsewhere.
			return Ok(Poll::Unknown);
		}
		let url = &task.host;
		let reply = self.http.get(format!("{url}/tasks/{}", task.id)).send().await;
		let reply = self.answered(url, reply)?;
		if reply.status().as_u16() == 404 {
			return Ok(Poll::Unknown);
		}
		let status: Value = json_capped(reply, MAX_ANSWER_BYTES).await.unwrap_or(Value::Null);
		match status["state"].as_str() {
			Some("queued" | "running") => Ok(Poll::Pending),
			Some("succeeded") => {
				let reply = self.http.get(format!("{url}/tasks/{}/result", task.id)).send().await;
				let reply = self.answered(url, reply)?;
				match reply.status().as_u16() {
					200 => json_capped(reply, MAX_ANSWER_BYTES)
						.await
						.map(Poll::Done)
						.map_err(|e| HostError::Unreachable(format!("unreadable result: {e}"))),
					404 => Ok(Poll::Unknown),
					code => Err(HostError::Unreachable(format!("result answered {code}"))),
				}
			},
			Some(state) => Ok(Poll::Failed(
				status["error"].as_str().map(str::to_owned).unwrap_or_else(|| state.to_owned()),
			)),
			None => Err(HostError::Unreachable(format!("{url} answered an unknown status"))),
		}
	}

	fn answered(
		&self,
		url: &str,
		reply: reqwest::Result<reqwest::Response>,
	) -> Result<reqwest::Response, HostError> {
		match reply {
			Ok(r) if r.status().is_server_error() && r.status().as_u16() != 503 => {
				let e = format!("HTTP {}", r.status());
				self.mark(url, Some(&e));
				Err(HostError::Unreachable(e))
			},
			Ok(r) => {
				self.mark(url, None);
				Ok(r)
			},
			Err(e) => {
				let e = e.without_url().to_string();
				self.mark(url, Some(&e));
				Err(HostError::Unreachable(e))
			},
		}
	}
}

fn error_text(body: &Value, status: u16) -> String {
	body["error"]
		.as_str()
		.map(str::to_owned)
		.unwrap_or_else(|| format!("HTTP {status}"))
}
