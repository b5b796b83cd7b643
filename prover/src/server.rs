//! The HTTP service and its workers.
//!
//! | method and path | answer |
//! |-----------------|--------|
//! | `POST /tasks[?start_batch=N]` (token) | `202` + job status (new job), `200` + status (same task already known), `400` malformed JSON, `429` queue full (with `Retry-After`; answered before the task is validated), `422` invalid task, `413` body too large, `503` shutting down |
//! | `GET /tasks/{id}` | `200` + job status, `404` unknown |
//! | `GET /tasks/{id}/result` | `200` + output, `409` + status while queued/running or after failure/cancellation, `404` unknown |
//! | `DELETE /tasks/{id}` (token) | `200` + status after cancelling, `404` unknown |
//! | `GET /health` | `200` + backend, configuration, workers, the package kinds it proves, the key hashes it has commands for, queue load |
//! | `GET /metrics` | Prometheus text exposition |
//!
//! With an [`AuthToken`] configured, the routes marked (token) need the header
//! `Authorization: Bearer <token>` and answer `401` (with `WWW-Authenticate: Bearer`)
//! without it, before reading the body; reading tasks, results, `/health` and `/metrics`
//! stays open. Every error body is `{"error": "..."}`. Waiting jobs are served final proofs first,
//! then circom and command (single-proof) tasks, then aggregator proofs, then batch proofs, lower start
//! batch first (see [`crate::jobs`]).
//!
//! Every request is bounded (`tower` layers): at most
//! [`ServiceConfig::max_concurrent_requests`] are handled at once (more get `503` at once
//! instead of waiting, so clients that hang cannot queue up the host), each must be
//! answered within [`ServiceConfig::request_timeout`] (`408` otherwise: a client that
//! trickles its body loses its request), and bodies are capped at
//! [`ServiceConfig::max_body_bytes`] (`413`).

use crate::{
	api::{ErrorBody, Health, JobStatus, SubmitParams, Task},
	backend::{Backend, ProveError},
	jobs::{Fetched, JobStore, Refused, Submitted},
	metrics::Gauges,
};
use axum::{
	body::Bytes,
	error_handling::HandleErrorLayer,
	extract::{DefaultBodyLimit, Path, Query, Request, State},
	handler::Handler,
	http::{header, HeaderValue, StatusCode},
	middleware::{self, Next},
	response::{IntoResponse, Response},
	routing::{get, post},
	Json, Router,
};
use std::{
	net::SocketAddr,
	panic::AssertUnwindSafe,
	sync::Arc,
	time::{Duration, Instant},
};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use tower::{BoxError, ServiceBuilder};

/// Service settings.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
	/// Jobs proven at the same time.
	pub workers: usize,
	/// Most jobs waiting for a worker.
	pub queue_capacity: usize,
	/// Finished jobs kept for fetching.
	pub retention: usize,
	/// Largest accepted request body.
	pub max_body_bytes: usize,
	/// Token that submitting and cancelling tasks need; `None` accepts anyone.
	pub auth_token: Option<AuthToken>,
	/// Most requests handled at once; more are refused with `503`.
	pub max_concurrent_requests: usize,
	/// Longest a request may take, body included; longer ones get `408`.
	pub request_timeout: Duration,
	/// Threads each worker proves with (reported by `/health`; 0 when not set).
	pub threads_per_worker: usize,
}

impl Default for ServiceConfig {
	fn default() -> Self {
		Self {
			workers: 1,
			queue_capacity: 64,
			retention: 1024,
			max_body_bytes: 16 << 20,
			auth_token: None,
			max_concurrent_requests: 256,
			request_timeout: Duration::from_secs(30),
			threads_per_worker: 0,
		}
	}
}

/// The bearer token of a prover host: a secret, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthToken(Arc<str>);

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
	/// Shorter than [`AuthToken::MIN_LEN`] characters.
	#[error("the auth token must have at least {} characters", AuthToken::MIN_LEN)]
	TooShort,
	/// A character a `Bearer` header cannot carry (outside visible ASCII).
	#[error("the auth token must be visible ASCII (no spaces or control characters)")]
	NotVisibleAscii,
}

impl AuthToken {
	/// Fewest characters of a token (`openssl rand -hex 32` makes 64).
	pub const MIN_LEN: usize = 16;

	/// The token's text.
	pub fn expose(&self) -> &str {
		&self.0
	}

	/// Whether `given` is this token, in time that does not depend on where they differ.
	fn matches(&self, given: &[u8]) -> bool {
		let expected = self.0.as_bytes();
		given.len() == expected.len()
			&& given.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
	}
}

impl std::str::FromStr for AuthToken {
	type Err = TokenError;

	fn from_str(s: &str) -> Result<Self, TokenError> {
		if s.len() < Self::MIN_LEN {
			return Err(TokenError::TooShort);
		}
		if !s.bytes().all(|b| b.is_ascii_graphic()) {
			return Err(TokenError::NotVisibleAscii);
		}
		Ok(Self(s.into()))
	}
}

impl std::fmt::Debug for AuthToken {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("AuthToken(..)")
	}
}

struct AppState {
	store: Arc<JobStore>,
	backend: Arc<dyn Backend>,
	config: ServiceConfig,
}

type Shared = Arc<AppState>;

fn error(status: StatusCode, message: impl Into<String>) -> Response {
	(status, Json(ErrorBody { error: message.into() })).into_response()
}

fn unknown(id: &str) -> Response {
	error(StatusCode::NOT_FOUND, format!("no task with id {id}"))
}

/// The router over a store and a backend (workers are started by [`start`]).
fn router(state: Shared) -> Router {
	let limit = state.config.max_body_bytes;
	let auth = middleware::from_fn_with_state(state.clone(), require_token);
	let store = state.store.clone();
	let timeout = state.config.request_timeout;
	let bounds = ServiceBuilder::new()
		.layer(HandleErrorLayer::new(move |e: BoxError| {
			let store = store.clone();
			async move { overloaded(&store, timeout, e) }
		}))
		.load_shed()
		.layer(tower::limit::GlobalConcurrencyLimitLayer::new(
			state.config.max_concurrent_requests.max(1),
		))
		.timeout(timeout);
	Router::new()
		.route("/tasks", post(submit.layer(auth.clone())))
		.route("/tasks/{id}", get(status).delete(cancel.layer(auth)))
		.route("/tasks/{id}/result", get(result))
		.route("/health", get(health))
		.route("/metrics", get(metrics))
		.layer(DefaultBodyLimit::max(limit))
		.layer(bounds)
		.with_state(state)
}

/// The answer when a request hit one of the bounds.
fn overloaded(store: &JobStore, timeout: Duration, e: BoxError) -> Response {
	if e.is::<tower::load_shed::error::Overloaded>() {
		store.metrics.rejected("overloaded");
		error(StatusCode::SERVICE_UNAVAILABLE, "too many requests at once; retry later")
	} else if e.is::<tower::timeout::error::Elapsed>() {
		store.metrics.rejected("timeout");
		error(
			StatusCode::REQUEST_TIMEOUT,
			format!("the request was not done within {} s", timeout.as_secs_f64()),
		)
	} else {
		error(StatusCode::INTERNAL_SERVER_ERROR, format!("request failed: {e}"))
	}
}

/// Lets a request through when no token is configured or it carries the token.
async fn require_token(State(app): State<Shared>, request: Request, next: Next) -> Response {
	let Some(token) = &app.config.auth_token else {
		return next.run(request).await;
	};
	let given = request
		.headers()
		.get(header::AUTHORIZATION)
		.and_then(|v| v.as_bytes().strip_prefix(b"Bearer "));
	if given.is_some_and(|g| token.matches(g)) {
		return next.run(request).await;
	}
	app.store.metrics.rejected("unauthorized");
	let message = if given.is_some() {
		"wrong token"
	} else {
		"this prover host needs `Authorization: Bearer <token>` to submit or cancel tasks"
	};
	let mut response = error(StatusCode::UNAUTHORIZED, message);
	response
		.headers_mut()
		.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
	response
}

async fn submit(
	State(app): State<Shared>,
	Query(params): Query<SubmitParams>,
	body: Bytes,
) -> Response {
	let task = match Task::parse(&body) {
		Ok(task) => task,
		Err(e) => {
			app.store.metrics.rejected("invalid");
			return error(StatusCode::BAD_REQUEST, format!("malformed task: {e}"));
		},
	};
	let id = task.id();
	if let Some(existing) = app.store.existing(&id) {
		app.store.metrics.deduplicated();
		return (StatusCode::OK, Json(existing)).into_response();
	}
	// Validation replays a batch natively: a prover that cannot take the task anyway
	// answers before spending anything on it, and validation stays off the async threads.
	if let Err(refused) = app.store.room() {
		return refusal(refused);
	}
	let backend = app.backend.clone();
	let checked = tokio::task::spawn_blocking(move || backend.validate(&task).map(|()| task)).await;
	let task = match checked {
		Ok(Ok(task)) => task,
		Ok(Err(message)) => {
			app.store.metrics.rejected("invalid");
			return error(StatusCode::UNPROCESSABLE_ENTITY, format!("invalid task: {message}"));
		},
		Err(e) => {
			return error(StatusCode::INTERNAL_SERVER_ERROR, format!("validation crashed: {e}"))
		},
	};
	match app.store.submit(id, task, params) {
		Ok(Submitted::Created(status)) => (StatusCode::ACCEPTED, Json(status)).into_response(),
		Ok(Submitted::Existing(status)) => (StatusCode::OK, Json(status)).into_response(),
		Err(refused) => refusal(refused),
	}
}

/// `429` with `Retry-After` for a full queue, `503` while shutting down.
fn refusal(refused: Refused) -> Response {
	match refused {
		Refused::QueueFull { capacity } => {
			let mut response = error(
				StatusCode::TOO_MANY_REQUESTS,
				format!("queue full: {capacity} tasks are waiting; retry later"),
			);
			response
				.headers_mut()
				.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
			response
		},
		Refused::ShuttingDown => error(
			StatusCode::SERVICE_UNAVAILABLE,
			"the prover is shutting down and accepts no new tasks",
		),
	}
}

async fn status(State(app): State<Shared>, Path(id): Path<String>) -> Response {
	match app.store.status(&id) {
		Some(status) => Json(status).into_response(),
		None => unknown(&id),
	}
}

async fn result(State(app): State<Shared>, Path(id): Path<String>) -> Response {
	match app.store.fetch(&id) {
		Some(Fetched::Done(output)) => Json(output.as_ref().clone()).into_response(),
		Some(Fetched::NotReady(status)) => not_ready(status),
		None => unknown(&id),
	}
}

fn not_ready(status: JobStatus) -> Response {
	let reason = match &status.error {
		Some(e) => format!("task {} failed: {e}", status.id),
		None => {
			format!("task {} has no result: it is {:?}", status.id, status.state).to_lowercase()
		},
	};
	error(StatusCode::CONFLICT, reason)
}

async fn cancel(State(app): State<Shared>, Path(id): Path<String>) -> Response {
	match app.store.cancel(&id) {
		Some(status) => Json(status).into_response(),
		None => unknown(&id),
	}
}

async fn health(State(app): State<Shared>) -> Response {
	let (queued, running) = app.store.load();
	Json(Health {
		status: "ok".into(),
		backend: app.backend.name().into(),
		config: app.backend.config().name.into(),
		workers: app.config.workers,
		threads_per_worker: app.config.threads_per_worker,
		proves: app.backend.proves(),
		commands: app.backend.commands(),
		queued,
		running,
		queue_capacity: app.store.queue_capacity(),
		auth: app.config.auth_token.is_some(),
	})
	.into_response()
}

async fn metrics(State(app): State<Shared>) -> Response {
	let (queued, running) = app.store.load();
	let text = app.store.metrics.render(&Gauges {
		queued,
		running,
		queue_capacity: app.store.queue_capacity(),
		workers: app.config.workers,
		backend: app.backend.name(),
		config: app.backend.config().name,
	});
	([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

/// The message of a panic payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
	payload
		.downcast_ref::<&str>()
		.map(|s| s.to_string())
		.or_else(|| payload.downcast_ref::<String>().cloned())
		.unwrap_or_else(|| "unknown panic".into())
}

/// One worker: takes jobs and proves them on the blocking pool. A panicking or
/// aborted proof is recorded as a failed job; the worker carries on.
async fn worker(store: Arc<JobStore>, backend: Arc<dyn Backend>) {
	loop {
		let (id, task) = store.next_job().await;
		let started = Instant::now();
		let backend = backend.clone();
		let joined = tokio::task::spawn_blocking(move || {
			std::panic::catch_unwind(AssertUnwindSafe(|| backend.prove(&task)))
		})
		.await;
		let outcome = match joined {
			Ok(Ok(outcome)) => outcome,
			Ok(Err(panic)) => Err(ProveError::Crashed(panic_message(panic.as_ref()))),
			Err(e) => Err(ProveError::Aborted(e.to_string())),
		};
		store.complete(&id, outcome, started.elapsed().as_millis() as u64);
	}
}

/// A running service.
pub struct Service {
	/// The address it listens on.
	pub addr: SocketAddr,
	/// The job store (for in-process inspection).
	pub store: Arc<JobStore>,
	shutdown: Option<oneshot::Sender<()>>,
	server: JoinHandle<()>,
	workers: Vec<JoinHandle<()>>,
}

/// Binds `addr` and starts the HTTP server and `config.workers` workers on the
/// current tokio runtime.
pub async fn start(
	addr: SocketAddr,
	backend: Arc<dyn Backend>,
	config: ServiceConfig,
) -> std::io::Result<Service> {
	let listener = TcpListener::bind(addr).await?;
	let addr = listener.local_addr()?;
	let store = Arc::new(JobStore::new(config.queue_capacity, config.retention));
	let workers = (0..config.workers.max(1))
		.map(|_| tokio::spawn(worker(store.clone(), backend.clone())))
		.collect();
	let app = router(Arc::new(AppState { store: store.clone(), backend, config }));
	let (tx, rx) = oneshot::channel::<()>();
	let server = tokio::spawn(async move {
		let shutdown = async {
			let _ = rx.await;
		};
		if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
			eprintln!("zkpow-prover: HTTP server stopped: {e}");
		}
	});
	Ok(Service { addr, store, shutdown: Some(tx), server, workers })
}

impl Service {
	/// Stops accepting tasks, stops the HTTP server and the workers. Running proofs
	/// finish on the blocking pool but their results are not kept.
	pub async fn stop(mut self) {
		self.store.close();
		if let Some(tx) = self.shutdown.take() {
			let _ = tx.send(());
		}
		let _ = (&mut self.server).await;
		for w in &self.workers {
			w.abort();
		}
	}
}
