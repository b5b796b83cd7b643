//! The job store: every task the service knows, its queue and the workers' hand-off.
//!
//! - A job is keyed by its task's content id, so the same task submitted twice is one
//!   job. Resubmitting a task whose job failed or was cancelled queues it again.
//! - At most `queue_capacity` jobs wait; a submission beyond that is refused (the HTTP
//!   layer answers 429), and after [`JobStore::close`] every submission is refused (503).
//! - Finished jobs are kept for fetching; beyond `retention` of them the oldest are
//!   forgotten, so memory stays bounded.
//! - A queued job is cancelled at once; a running one is marked, proving is not
//!   interrupted (arkworks has no cancellation points), and its result is discarded.

use crate::{
	api::{JobState, JobStatus, Task, TaskId, TaskOutput},
	metrics::Metrics,
};
use std::{
	collections::{HashMap, VecDeque},
	sync::{Arc, Mutex},
};
use tokio::sync::Notify;

struct Job {
	task: Arc<Task>,
	state: JobState,
	error: Option<String>,
	output: Option<Arc<TaskOutput>>,
	prove_ms: Option<u64>,
	cancel_requested: bool,
	/// Bumped each time the job is (re)queued, to tell retention entries apart.
	generation: u64,
}

#[derive(Default)]
struct Inner {
	jobs: HashMap<TaskId, Job>,
	queue: VecDeque<TaskId>,
	finished: VecDeque<(TaskId, u64)>,
	running: usize,
	closed: bool,
}

/// Why a submission was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
	/// The queue holds `capacity` jobs already.
	QueueFull {
		/// The queue's capacity.
		capacity: usize,
	},
	/// The service is shutting down.
	ShuttingDown,
}

/// What a submission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
	/// A new job was queued.
	Created(JobStatus),
	/// A job with the same content already exists.
	Existing(JobStatus),
}

/// The result of a job, or why there is none.
pub enum Fetched {
	/// The job succeeded.
	Done(Arc<TaskOutput>),
	/// The job has no result (yet); its status says why.
	NotReady(JobStatus),
}

/// Shared by the HTTP handlers and the workers.
pub struct JobStore {
	inner: Mutex<Inner>,
	work: Notify,
	queue_capacity: usize,
	retention: usize,
	/// The service's metrics.
	pub metrics: Metrics,
}

impl JobStore {
	/// An empty store.
	pub fn new(queue_capacity: usize, retention: usize) -> Self {
		Self {
			inner: Mutex::new(Inner::default()),
			work: Notify::new(),
			queue_capacity,
			retention: retention.max(1),
			metrics: Metrics::default(),
		}
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
		self.inner.lock().unwrap_or_else(|p| p.into_inner())
	}

	/// Queue capacity.
	pub fn queue_capacity(&self) -> usize {
		self.queue_capacity
	}

	/// The status of an existing job that a new submission of the same task would
	/// return (not a failed or cancelled one, which would be requeued).
	pub fn existing(&self, id: &TaskId) -> Option<JobStatus> {
		let inner = self.lock();
		inner
			.jobs
			.get(id)
			.filter(|j| !matches!(j.state, JobState::Failed | JobState::Cancelled))
			.map(|j| status_of(&inner, id, j))
	}

	/// Queues `task` under `id` unless a live job with that id exists.
	pub fn submit(&self, id: TaskId, task: Task) -> Result<Submitted, Refused> {
		let mut inner = self.lock();
		if let Some(job) = inner.jobs.get(&id) {
			if !matches!(job.state, JobState::Failed | JobState::Cancelled) {
				self.metrics.deduplicated();
				return Ok(Submitted::Existing(status_of(&inner, &id, job)));
			}
		}
		if inner.closed {
			self.metrics.rejected("shutting_down");
			return Err(Refused::ShuttingDown);
		}
		if inner.queue.len() >= self.queue_capacity {
			self.metrics.rejected("queue_full");
			return Err(Refused::QueueFull { capacity: self.queue_capacity });
		}
		let generation = inner.jobs.get(&id).map_or(0, |j| j.generation + 1);
		self.metrics.submitted(task.kind());
		let job = Job {
			task: Arc::new(task),
			state: JobState::Queued,
			error: None,
			output: None,
			prove_ms: None,
			cancel_requested: false,
			generation,
		};
		inner.jobs.insert(id.clone(), job);
		inner.queue.push_back(id.clone());
		let status = status_of(&inner, &id, &inner.jobs[&id]);
		drop(inner);
		self.work.notify_one();
		Ok(Submitted::Created(status))
	}

	/// A job's status.
	pub fn status(&self, id: &TaskId) -> Option<JobStatus> {
		let inner = self.lock();
		inner.jobs.get(id).map(|j| status_of(&inner, id, j))
	}

	/// A job's result.
	pub fn fetch(&self, id: &TaskId) -> Option<Fetched> {
		let inner = self.lock();
		let job = inner.jobs.get(id)?;
		Some(match (&job.state, &job.output) {
			(JobState::Succeeded, Some(out)) => Fetched::Done(out.clone()),
			_ => Fetched::NotReady(status_of(&inner, id, job)),
		})
	}

	/// Cancels a job: a queued one at once, a running one when its proof ends. A
	/// finished job is left as it is. Returns the job's status afterwards.
	pub fn cancel(&self, id: &TaskId) -> Option<JobStatus> {
		let mut inner = self.lock();
		let state = inner.jobs.get(id)?.state;
		match state {
			JobState::Queued => {
				inner.queue.retain(|q| q != id);
				let kind = self.finish_locked(&mut inner, id, JobState::Cancelled, None);
				self.metrics.finished(kind, "cancelled", None);
			},
			JobState::Running => inner.jobs.get_mut(id).expect("present").cancel_requested = true,
			_ => {},
		}
		inner.jobs.get(id).map(|j| status_of(&inner, id, j))
	}

	/// Waits for the next queued job and marks it running.
	pub async fn next_job(&self) -> (TaskId, Arc<Task>) {
		loop {
			let notified = self.work.notified();
			if let Some(next) = self.take_next() {
				return next;
			}
			notified.await;
		}
	}

	fn take_next(&self) -> Option<(TaskId, Arc<Task>)> {
		let mut inner = self.lock();
		let id = inner.queue.pop_front()?;
		inner.running += 1;
		let job = inner.jobs.get_mut(&id).expect("queued jobs exist");
		job.state = JobState::Running;
		let task = job.task.clone();
		// More work may be waiting for another idle worker.
		if !inner.queue.is_empty() {
			self.work.notify_one();
		}
		Some((id, task))
	}

	/// Records the end of a running job.
	pub fn complete(&self, id: &TaskId, outcome: Result<TaskOutput, String>, prove_ms: u64) {
		let mut inner = self.lock();
		inner.running = inner.running.saturating_sub(1);
		let Some(job) = inner.jobs.get(id) else { return };
		let seconds = Some(prove_ms as f64 / 1000.0);
		let (state, error, output, label) = match (job.cancel_requested, outcome) {
			(true, _) => (JobState::Cancelled, None, None, "cancelled"),
			(false, Ok(out)) => (JobState::Succeeded, None, Some(Arc::new(out)), "succeeded"),
			(false, Err(e)) => (JobState::Failed, Some(e), None, "failed"),
		};
		if let Some(job) = inner.jobs.get_mut(id) {
			job.output = output;
			job.prove_ms = Some(prove_ms);
		}
		let kind = self.finish_locked(&mut inner, id, state, error);
		self.metrics.finished(kind, label, seconds);
	}

	fn finish_locked(
		&self,
		inner: &mut Inner,
		id: &TaskId,
		state: JobState,
		error: Option<String>,
	) -> &'static str {
		let job = inner.jobs.get_mut(id).expect("job exists");
		job.state = state;
		job.error = error;
		let (kind, generation) = (job.task.kind(), job.generation);
		inner.finished.push_back((id.clone(), generation));
		while inner.finished.len() > self.retention {
			let (old, generation) = inner.finished.pop_front().expect("non-empty");
			let forget = inner
				.jobs
				.get(&old)
				.is_some_and(|j| j.generation == generation && j.state.is_final());
			if forget {
				inner.jobs.remove(&old);
			}
		}
		kind
	}

	/// Refuses new submissions from now on.
	pub fn close(&self) {
		self.lock().closed = true;
	}

	/// `(queued, running)` job counts.
	pub fn load(&self) -> (usize, usize) {
		let inner = self.lock();
		(inner.queue.len(), inner.running)
	}
}

fn status_of(inner: &Inner, id: &TaskId, job: &Job) -> JobStatus {
	JobStatus {
		id: id.clone(),
		kind: job.task.kind().into(),
		state: job.state,
		error: job.error.clone(),
		queue_position: (job.state == JobState::Queued)
			.then(|| inner.queue.iter().position(|q| q == id))
			.flatten(),
		prove_ms: job.prove_ms,
		cancel_requested: job.cancel_requested && job.state == JobState::Running,
	}
}
