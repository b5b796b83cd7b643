//! The job store: every task the service knows, its queue and the workers' hand-off.
//!
//! - A job is keyed by its task's content id, so the same task submitted twice is one
//!   job. Resubmitting a task whose job failed or was cancelled queues it again.
//! - At most `queue_capacity` jobs wait; a submission beyond that is refused (the HTTP
//!   layer answers 429, and asks [`JobStore::room`] before it spends time validating), and
//!   after [`JobStore::close`] every submission is refused (503).
//! - Waiting jobs are served by priority: final proofs first, then circom tasks, then
//!   command tasks, then aggregator proofs, then batch proofs, so that a sequence whose batches are proven is not held back by
//!   other sequences' batches. Within a kind, the lower start batch
//!   ([`SubmitParams::start_batch`]) goes first, so earlier sequences finish first; then
//!   first come, first served (tasks without a start batch after those with one).
//! - Finished jobs are kept for fetching, with their output only (the task, which can be
//!   megabytes of witness or proofs, is dropped); beyond `retention` of them the oldest
//!   are forgotten, so memory stays bounded.
//! - A queued job is cancelled at once; a running one is marked, proving is not
//!   interrupted (arkworks has no cancellation points), and its result is discarded.

use crate::{
	api::{JobState, JobStatus, SubmitParams, Task, TaskId, TaskKind, TaskOutput},
	backend::ProveError,
	metrics::Metrics,
};
use std::{
	collections::{BTreeMap, HashMap, VecDeque},
	sync::{Arc, Mutex},
};
use tokio::sync::Notify;

struct Job {
	/// The task while it waits or runs; dropped once the job is finished.
	task: Option<Arc<Task>>,
	kind: TaskKind,
	state: JobState,
	error: Option<String>,
	output: Option<Arc<TaskOutput>>,
	prove_ms: Option<u64>,
	cancel_requested: bool,
	/// Bumped each time the job is (re)queued, to tell retention entries apart.
	generation: u64,
}

/// Where a waiting job stands: its kind (final first), its start batch, its arrival.
type QueueKey = (TaskKind, u64, u64);

#[derive(Default)]
struct Inner {
	jobs: HashMap<TaskId, Job>,
	queue: BTreeMap<QueueKey, TaskId>,
	arrivals: u64,
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

	/// Queues `task` under `id`, scheduled by `params`, unless a live job with that id
	/// exists.
	pub fn submit(
		&self,
		id: TaskId,
		task: Task,
		params: SubmitParams,
	) -> Result<Submitted, Refused> {
		let mut inner = self.lock();
		if let Some(job) = inner.jobs.get(&id) {
			if !matches!(job.state, JobState::Failed | JobState::Cancelled) {
				self.metrics.deduplicated();
				return Ok(Submitted::Existing(status_of(&inner, &id, job)));
			}
		}
		self.refusal(&inner)?;
		let generation = inner.jobs.get(&id).map_or(0, |j| j.generation + 1);
		let kind = task.kind();
		self.metrics.submitted(kind.as_str());
		let job = Job {
			task: Some(Arc::new(task)),
			kind,
			state: JobState::Queued,
			error: None,
			output: None,
			prove_ms: None,
			cancel_requested: false,
			generation,
		};
		inner.jobs.insert(id.clone(), job);
		inner.arrivals += 1;
		let key = (kind, params.start_batch.unwrap_or(u64::MAX), inner.arrivals);
		inner.queue.insert(key, id.clone());
		let status = status_of(&inner, &id, &inner.jobs[&id]);
		drop(inner);
		self.work.notify_one();
		Ok(Submitted::Created(status))
	}

	/// Whether a new job would be queued now: `Err` when the queue is full or the store
	/// closed (counted as a refusal). Checked before a task is validated, so that a full
	/// prover spends nothing on tasks it cannot take.
	pub fn room(&self) -> Result<(), Refused> {
		self.refusal(&self.lock())
	}

	fn refusal(&self, inner: &Inner) -> Result<(), Refused> {
		if inner.closed {
			self.metrics.rejected("shutting_down");
			return Err(Refused::ShuttingDown);
		}
		if inner.queue.len() >= self.queue_capacity {
			self.metrics.rejected("queue_full");
			return Err(Refused::QueueFull { capacity: self.queue_capacity });
		}
		Ok(())
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
				inner.queue.retain(|_, q| q != id);
				let kind = self.finish_locked(&mut inner, id, JobState::Cancelled, None);
				self.metrics.finished(kind.as_str(), "cancelled", None);
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
		let (_, id) = inner.queue.pop_first()?;
		inner.running += 1;
		let job = inner.jobs.get_mut(&id).expect("queued jobs exist");
		job.state = JobState::Running;
		let task = job.task.clone().expect("a queued job has its task");
		// More work may be waiting for another idle worker.
		if !inner.queue.is_empty() {
			self.work.notify_one();
		}
		Some((id, task))
	}

	/// Records the end of a running job.
	pub fn complete(&self, id: &TaskId, outcome: Result<TaskOutput, ProveError>, prove_ms: u64) {
		let mut inner = self.lock();
		inner.running = inner.running.saturating_sub(1);
		let Some(job) = inner.jobs.get(id) else { return };
		let seconds = Some(prove_ms as f64 / 1000.0);
		let (state, error, output, label) = match (job.cancel_requested, outcome) {
			(true, _) => (JobState::Cancelled, None, None, "cancelled"),
			(false, Ok(out)) => (JobState::Succeeded, None, Some(Arc::new(out)), "succeeded"),
			(false, Err(e)) => (JobState::Failed, Some(e.to_string()), None, "failed"),
		};
		if let Some(job) = inner.jobs.get_mut(id) {
			job.output = output;
			job.prove_ms = Some(prove_ms);
		}
		let kind = self.finish_locked(&mut inner, id, state, error);
		self.metrics.finished(kind.as_str(), label, seconds);
	}

	fn finish_locked(
		&self,
		inner: &mut Inner,
		id: &TaskId,
		state: JobState,
		error: Option<String>,
	) -> TaskKind {
		let job = inner.jobs.get_mut(id).expect("job exists");
		job.state = state;
		job.error = error;
		// Only the output is fetched from now on.
		job.task = None;
		let (kind, generation) = (job.kind, job.generation);
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
		kind: job.kind,
		state: job.state,
		error: job.error.clone(),
		queue_position: (job.state == JobState::Queued)
			.then(|| inner.queue.values().position(|q| q == id))
			.flatten(),
		prove_ms: job.prove_ms,
		cancel_requested: job.cancel_requested && job.state == JobState::Running,
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::api::{Header, Hex};
	use zkpow_circuits::rollup::witness::BatchWitness;

	fn batch(n: u8) -> Task {
		Task::Batch {
			prover: [1; 32],
			witness: BatchWitness { prev_root: [n; 32], transfers: vec![], accesses: vec![] },
		}
	}

	fn aggregator(n: u8) -> Task {
		let header = Header { state_root: [n; 32], data_hash: [n; 32] };
		Task::Aggregator {
			prover: [1; 32],
			prev_root: [n; 32],
			batches: vec![header.clone(), header],
			batch_proofs: vec![Hex(vec![0; 256]); 2],
		}
	}

	fn final_proof(n: u8) -> Task {
		Task::Final {
			rollup_id: 0,
			sequence_index: n as u64,
			prover: [1; 32],
			prev_root: [n; 32],
			batches: vec![Header { state_root: [n; 32], data_hash: [n; 32] }],
			batch_proofs: vec![Hex(vec![0; 256])],
			aggregator_proof: None,
		}
	}

	fn queue(store: &JobStore, task: Task) -> TaskId {
		queue_at(store, task, SubmitParams::default())
	}

	fn queue_at(store: &JobStore, task: Task, params: SubmitParams) -> TaskId {
		let id = task.id();
		assert!(matches!(store.submit(id.clone(), task, params), Ok(Submitted::Created(_))));
		id
	}

	/// The attack on a miner's deadline: its final proof (the last step before it can
	/// commit) waits behind a long line of other sequences' batch proofs. Final proofs
	/// go first, then aggregator proofs, then batches; arrival order within a kind.
	#[test]
	fn final_and_aggregator_proofs_are_served_before_batches() {
		let store = JobStore::new(16, 16);
		let b1 = queue(&store, batch(1));
		let a1 = queue(&store, aggregator(2));
		let b2 = queue(&store, batch(3));
		let f1 = queue(&store, final_proof(4));
		let a2 = queue(&store, aggregator(5));
		let f2 = queue(&store, final_proof(6));
		assert_eq!(store.status(&f1).unwrap().queue_position, Some(0));
		assert_eq!(store.status(&b2).unwrap().queue_position, Some(5));
		let order: Vec<_> = std::iter::from_fn(|| store.take_next().map(|(id, _)| id)).collect();
		assert_eq!(order, vec![f1, f2, a1, a2, b1, b2]);
	}

	/// The attack on an earlier sequence's deadline: a later sequence's batches, queued
	/// first, hold back the batches of the sequence that must be revealed first. Within a
	/// kind the lower start batch goes first; tasks without one go last, in arrival order.
	#[test]
	fn lower_start_batches_are_served_first_within_a_kind() {
		let store = JobStore::new(16, 16);
		let none = queue(&store, batch(1));
		let late = queue_at(&store, batch(2), SubmitParams::at(70));
		let early_second = queue_at(&store, batch(3), SubmitParams::at(31));
		let early_first = queue_at(&store, batch(4), SubmitParams::at(30));
		let final_late = queue_at(&store, final_proof(5), SubmitParams::at(90));
		let order: Vec<_> = std::iter::from_fn(|| store.take_next().map(|(id, _)| id)).collect();
		assert_eq!(order, vec![final_late, early_first, early_second, late, none]);
	}

	#[test]
	fn finished_jobs_keep_their_output_not_their_task() {
		let store = JobStore::new(4, 4);
		let id = queue(&store, aggregator(1));
		let (_, task) = store.take_next().unwrap();
		let held = Arc::downgrade(&task);
		drop(task);
		let output = TaskOutput::Aggregator { proof: Hex(vec![7; 256]) };
		store.complete(&id, Ok(output.clone()), 5);
		assert!(held.upgrade().is_none(), "the finished job still holds its task");
		assert!(matches!(store.fetch(&id), Some(Fetched::Done(out)) if *out == output));
		assert_eq!(store.status(&id).unwrap().kind, TaskKind::Aggregator);
	}

	#[test]
	fn room_is_refused_when_the_queue_is_full_or_closed() {
		let store = JobStore::new(1, 4);
		assert_eq!(store.room(), Ok(()));
		queue(&store, batch(1));
		assert_eq!(store.room(), Err(Refused::QueueFull { capacity: 1 }));
		let store = JobStore::new(1, 4);
		store.close();
		assert_eq!(store.room(), Err(Refused::ShuttingDown));
	}
}
