//! The typed client of a prover host.

use crate::{
	body::{json_capped, read_capped, BodyError},
	status::{ErrorBody, Health, JobStatus, TaskOutput},
	task::{SubmitParams, Task, TaskId},
};
use reqwest::{header, Response, StatusCode};
use serde::{de::DeserializeOwned, Serialize};

/// Why a request to a prover host did not get the answer asked for. Each variant says
/// whose fault it is, so a caller knows whether another host or a retry can help.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
	/// No answer: connection refused, timeout, or the host failed (`5xx` other than 503).
	#[error("{url} unreachable: {reason}")]
	Unreachable {
		/// The host.
		url: String,
		/// What happened.
		reason: String,
	},
	/// The host refused the token (`401`): the miner's configuration is wrong.
	#[error("{url} refused the token ({message}): set --prover-token / ZKPOW_PROVER_TOKEN to the host's")]
	Unauthorized {
		/// The host.
		url: String,
		/// The host's message.
		message: String,
	},
	/// The host is full or shutting down (`429`, `503`): try another host or later.
	#[error("{url} is busy: {message}")]
	Busy {
		/// The host.
		url: String,
		/// The host's message.
		message: String,
		/// Seconds the host asked to wait (`Retry-After`).
		retry_after: Option<u64>,
	},
	/// The host refused the task as invalid (another `4xx`): no host will take it.
	#[error("{url} refused the task ({status}): {message}")]
	Rejected {
		/// The host.
		url: String,
		/// The status code.
		status: u16,
		/// The host's message.
		message: String,
	},
	/// The answer could not be read (too large, cut off, not the expected JSON).
	#[error("{url} answered unreadably: {source}")]
	Body {
		/// The host.
		url: String,
		/// What was wrong with the body.
		#[source]
		source: BodyError,
	},
}

impl ClientError {
	/// Whether another host (or the same later) may succeed where this one failed.
	pub fn is_host_fault(&self) -> bool {
		!matches!(self, ClientError::Rejected { .. })
	}
}

/// What a submission did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
	/// The job's status.
	pub status: JobStatus,
	/// Whether a new job was queued (`202`), not an existing one returned (`200`).
	pub created: bool,
}

/// The answer to `GET /tasks/{id}/result`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fetched {
	/// The job succeeded.
	Done(TaskOutput),
	/// The job has no result: queued, running, failed or cancelled (`409`; the message
	/// says which).
	NotReady(String),
	/// The host does not know the task (`404`: restarted, or the result expired).
	Unknown,
}

/// A client of one prover host.
#[derive(Clone, Debug)]
pub struct ProverClient {
	http: reqwest::Client,
	base: String,
	token: Option<String>,
	answer_cap: usize,
}

impl ProverClient {
	/// Largest answer read by default (a status, or a result with its artifact).
	pub const DEFAULT_ANSWER_CAP: usize = 4 << 20;

	/// A client of the host at `base` (`http://host:port`), sending `token` with
	/// submissions and cancellations, requesting through `http` (whose timeouts apply).
	pub fn new(http: reqwest::Client, base: impl Into<String>, token: Option<String>) -> Self {
		let base = base.into().trim_end_matches('/').to_owned();
		Self { http, base, token, answer_cap: Self::DEFAULT_ANSWER_CAP }
	}

	/// Reads answers up to `cap` bytes instead of [`Self::DEFAULT_ANSWER_CAP`].
	pub fn with_answer_cap(mut self, cap: usize) -> Self {
		self.answer_cap = cap;
		self
	}

	/// The host's base URL.
	pub fn base(&self) -> &str {
		&self.base
	}

	fn url(&self, path: &str) -> String {
		format!("{}{path}", self.base)
	}

	fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
		match &self.token {
			Some(token) => request.bearer_auth(token),
			None => request,
		}
	}

	async fn send(&self, request: reqwest::RequestBuilder) -> Result<Response, ClientError> {
		let reply = request.send().await.map_err(|e| ClientError::Unreachable {
			url: self.base.clone(),
			reason: e.without_url().to_string(),
		})?;
		let status = reply.status();
		if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
			let message = self.message(reply).await;
			return Err(ClientError::Unreachable {
				url: self.base.clone(),
				reason: format!("HTTP {status}: {message}"),
			});
		}
		Ok(reply)
	}

	/// The error message of a non-success answer.
	async fn message(&self, reply: Response) -> String {
		let status = reply.status();
		match read_capped(reply, 64 << 10).await {
			Ok(body) => serde_json::from_slice::<ErrorBody>(&body)
				.map(|e| e.error)
				.unwrap_or_else(|_| format!("HTTP {status}")),
			Err(e) => format!("HTTP {status} ({e})"),
		}
	}

	async fn json<T: DeserializeOwned>(&self, reply: Response) -> Result<T, ClientError> {
		json_capped(reply, self.answer_cap)
			.await
			.map_err(|source| ClientError::Body { url: self.base.clone(), source })
	}

	/// Turns a refusal into its error.
	async fn refusal(&self, reply: Response) -> ClientError {
		let status = reply.status();
		let retry_after = reply
			.headers()
			.get(header::RETRY_AFTER)
			.and_then(|v| v.to_str().ok())
			.and_then(|v| v.parse().ok());
		let message = self.message(reply).await;
		let url = self.base.clone();
		match status {
			StatusCode::UNAUTHORIZED => ClientError::Unauthorized { url, message },
			StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
				ClientError::Busy { url, message, retry_after }
			},
			_ => ClientError::Rejected { url, status: status.as_u16(), message },
		}
	}

	/// `POST /tasks`: queues `task` (or finds the job already proving it).
	pub async fn submit<W: Serialize>(
		&self,
		task: &Task<W>,
		params: SubmitParams,
	) -> Result<Submission, ClientError> {
		let body = serde_json::to_vec(task).expect("tasks serialize");
		let request = self
			.http
			.post(self.url(&format!("/tasks{}", params.query())))
			.header(header::CONTENT_TYPE, "application/json")
			.body(body);
		let reply = self.send(self.authorized(request)).await?;
		match reply.status() {
			StatusCode::ACCEPTED => {
				Ok(Submission { status: self.json(reply).await?, created: true })
			},
			StatusCode::OK => Ok(Submission { status: self.json(reply).await?, created: false }),
			_ => Err(self.refusal(reply).await),
		}
	}

	/// `GET /tasks/{id}`: the job's status, `None` if the host does not know it.
	pub async fn status(&self, id: &TaskId) -> Result<Option<JobStatus>, ClientError> {
		let reply = self.send(self.http.get(self.url(&format!("/tasks/{id}")))).await?;
		match reply.status() {
			StatusCode::OK => Ok(Some(self.json(reply).await?)),
			StatusCode::NOT_FOUND => Ok(None),
			_ => Err(self.refusal(reply).await),
		}
	}

	/// `GET /tasks/{id}/result`.
	pub async fn result(&self, id: &TaskId) -> Result<Fetched, ClientError> {
		let reply = self.send(self.http.get(self.url(&format!("/tasks/{id}/result")))).await?;
		match reply.status() {
			StatusCode::OK => Ok(Fetched::Done(self.json(reply).await?)),
			StatusCode::CONFLICT => Ok(Fetched::NotReady(self.message(reply).await)),
			StatusCode::NOT_FOUND => Ok(Fetched::Unknown),
			_ => Err(self.refusal(reply).await),
		}
	}

	/// `DELETE /tasks/{id}`: the job's status after cancelling, `None` if unknown.
	pub async fn cancel(&self, id: &TaskId) -> Result<Option<JobStatus>, ClientError> {
		let request = self.http.delete(self.url(&format!("/tasks/{id}")));
		let reply = self.send(self.authorized(request)).await?;
		match reply.status() {
			StatusCode::OK => Ok(Some(self.json(reply).await?)),
			StatusCode::NOT_FOUND => Ok(None),
			_ => Err(self.refusal(reply).await),
		}
	}

	/// Polls `GET /tasks/{id}` every `interval` until the job is final; `None` if the
	/// host does not know it (any more).
	pub async fn wait_final(
		&self,
		id: &TaskId,
		interval: std::time::Duration,
	) -> Result<Option<JobStatus>, ClientError> {
		loop {
			match self.status(id).await? {
				Some(status) if !status.state.is_final() => tokio::time::sleep(interval).await,
				other => return Ok(other),
			}
		}
	}

	/// `GET /health`.
	pub async fn health(&self) -> Result<Health, ClientError> {
		let reply = self.send(self.http.get(self.url("/health"))).await?;
		match reply.status() {
			StatusCode::OK => self.json(reply).await,
			_ => Err(self.refusal(reply).await),
		}
	}
}
