//! Proof Generator: moves each sequence through its proving stages on the prover hosts.
//!
//! Batch proofs of a sequence are dispatched together (the pool spreads them over the
//! hosts), then the aggregator proof when the sequence has more than one batch, then the
//! final proof bound to the miner account. Sequences are served in priority order (lowest
//! start batch first), at most `--miner-max-sequences` at a time, shared fairly between
//! rollups.
//!
//! Each step of a sequence (polling its tasks, fetching its data, dispatching) runs in its
//! own task, [`STEP_TIMEOUT`] at most, and hands the updated job back to the miner over a
//! channel; the miner's loop, which sends commits and reveals at every block, never waits
//! for one. A rollup whose data URL or prover host hangs, trickles or answers too much
//! holds only its own sequences' steps. A step's result is taken only if the job did not
//! change meanwhile, and persisted before the next step starts, so a proof is never asked
//! for twice (a step that timed out may dispatch again: hosts answer a known task with
//! its job).

use super::{
	chain::{Best, Chain},
	data::DataClient,
	job::{FinalProof, Job, Stage},
	metrics::Metrics,
	prover::{HostError, Poll, ProverPool},
	Miner, LOG_TARGET,
};
use serde_json::{json, Value};
use sp_core::{offchain::OffchainStorage, sr25519};
use std::{
	collections::{BTreeMap, HashSet},
	sync::Mutex,
	time::Duration,
};
use tokio::sync::mpsc;
use zkpow_primitives::BatchHeader;

/// Failed prover tasks after which a sequence is given up.
const MAX_FAILURES: u32 = 3;

/// Longest a proving step of one sequence may take (each request has its own, shorter
/// timeout); a step still running then is abandoned and started again.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(150);

/// What the proving steps share: read-only chain queries, the prover hosts, the data
/// endpoints, the metrics and the messages already logged.
pub struct Proving {
	/// Chain queries (this copy never signs or sends).
	pub chain: Chain,
	/// The prover hosts.
	pub provers: ProverPool,
	/// The rollups' data endpoints.
	pub data: DataClient,
	/// The miner's metrics.
	pub metrics: Option<Metrics>,
	said: Mutex<HashSet<String>>,
}

impl Proving {
	/// The shared parts.
	pub fn new(
		chain: Chain,
		provers: ProverPool,
		data: DataClient,
		metrics: Option<Metrics>,
	) -> Self {
		Self { chain, provers, data, metrics, said: Default::default() }
	}

	/// Logs `message` at info level the first time `key` is seen.
	pub fn say_once(&self, key: String, message: impl FnOnce() -> String) {
		if self.said.lock().expect("not poisoned").insert(key) {
			log::info!(target: LOG_TARGET, "{}", message());
		}
	}
}

/// A finished proving step, sent back to the miner.
pub struct Stepped {
	/// The job as it was when the step started.
	pub before: Job,
	/// The job after the step; `None` when the step timed out.
	pub after: Option<Job>,
	/// The host the sequence is pinned to after the step.
	pub pinned: Option<String>,
}

/// What a step may change besides the job.
struct StepOut {
	/// The host the sequence is proven on alone, if any.
	pinned: Option<String>,
}

/// The sequences to move forward now: those that need proofs, at most `max` of them,
/// taken in turn from each rollup (lowest start batch first within a rollup), so a rollup
/// with many sequences cannot take every slot.
fn proving_set(jobs: &BTreeMap<(u32, u64), Job>, max: usize) -> Vec<(u32, u64)> {
	let mut rank: BTreeMap<u32, usize> = BTreeMap::new();
	let mut proving: Vec<&Job> =
		jobs.values().filter(|j| j.proof().is_none() && j.given_up.is_none()).collect();
	proving.sort_by_key(|j| (j.start_batch, j.key()));
	let mut ranked: Vec<(usize, u64, (u32, u64))> = proving
		.iter()
		.map(|j| {
			let r = rank.entry(j.rollup_id).or_default();
			*r += 1;
			(*r, j.start_batch, j.key())
		})
		.collect();
	ranked.sort();
	ranked.into_iter().take(max).map(|(_, _, key)| key).collect()
}

/// Starts a step for every sequence of the proving set that has none running.
pub fn start<S: OffchainStorage>(
	m: &mut Miner<S>,
	results: &mpsc::UnboundedSender<Stepped>,
	best: Best,
	account: sr25519::Public,
) {
	for key in proving_set(&m.jobs, m.config.max_sequences) {
		if m.stepping.contains(&key) {
			continue;
		}
		let Some(before) = m.jobs.get(&key).cloned() else { continue };
		m.stepping.insert(key);
		let proving = m.proving.clone();
		let results = results.clone();
		let pinned = m.pinned.get(&key).cloned();
		m.spawner.spawn("zkpow-miner-step", Some("zkpow-miner"), async move {
			let mut job = before.clone();
			let mut out = StepOut { pinned };
			let step = advance(&proving, &mut job, &mut out, best, account);
			let after = match tokio::time::timeout(STEP_TIMEOUT, step).await {
				Ok(()) => Some(job),
				Err(_) => {
					log::warn!(
						target: LOG_TARGET,
						"{}: a proving step took over {} s; starting it again",
						before.name(),
						STEP_TIMEOUT.as_secs()
					);
					None
				},
			};
			let _ = results.send(Stepped { before, after, pinned: out.pinned });
		});
	}
}

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn unhex(value: &Value) -> Option<Vec<u8>> {
	hex::decode(value.as_str()?.strip_prefix("0x")?).ok()
}

fn headers(batches: &[BatchHeader]) -> Value {
	batches
		.iter()
		.map(|b| json!({"state_root": hex(&b.state_root), "data_hash": hex(&b.data_hash)}))
		.collect()
}

/// What a proving stage asks the hosts to do.
enum Step {
	Batch(usize),
	Aggregator,
	Final,
}

impl Step {
	fn name(&self) -> String {
		match self {
			Step::Batch(i) => format!("batch proof {i}"),
			Step::Aggregator => "aggregator proof".into(),
			Step::Final => "final proof".into(),
		}
	}
}

async fn advance(
	p: &Proving,
	job: &mut Job,
	out: &mut StepOut,
	best: Best,
	account: sr25519::Public,
) {
	// Collect what finished first, then dispatch what can start.
	for i in 0..job.batches.len() {
		if let Stage::Dispatched(task) = job.batches[i].clone() {
			match poll(p, job, &Step::Batch(i), &task).await {
				Polled::Still => {},
				Polled::Retry | Polled::Failed => job.batches[i] = Stage::Todo,
				Polled::Done(result) => job.batches[i] = proof_of(p, job, &Step::Batch(i), &result),
			}
		}
	}
	if let Stage::Dispatched(task) = job.aggregator.clone() {
		match poll(p, job, &Step::Aggregator, &task).await {
			Polled::Still => {},
			Polled::Retry => job.aggregator = Stage::Todo,
			Polled::Failed => start_over(p, job, out),
			Polled::Done(result) => job.aggregator = proof_of(p, job, &Step::Aggregator, &result),
		}
	}
	if let Stage::Dispatched(task) = job.final_proof.clone() {
		match poll(p, job, &Step::Final, &task).await {
			Polled::Still => {},
			Polled::Retry => job.final_proof = Stage::Todo,
			Polled::Failed => start_over(p, job, out),
			Polled::Done(result) => finish(p, job, out, &result, best, account),
		}
	}
	if job.given_up.is_some() {
		return;
	}

	let batches_todo: Vec<usize> =
		(0..job.batches.len()).filter(|i| job.batches[*i] == Stage::Todo).collect();
	let batch_proofs: Option<Vec<Vec<u8>>> =
		job.batches.iter().map(|b| b.done().cloned()).collect();
	let aggregator_needed = job.batch_count > 1;
	let next = if !batches_todo.is_empty() {
		Some(Step::Batch(batches_todo[0]))
	} else if batch_proofs.is_some() && aggregator_needed && job.aggregator == Stage::Todo {
		Some(Step::Aggregator)
	} else if batch_proofs.is_some()
		&& (!aggregator_needed || job.aggregator.done().is_some())
		&& job.final_proof == Stage::Todo
	{
		Some(Step::Final)
	} else {
		None
	};
	let Some(next) = next else { return };

	// Every dispatch needs the sequence as the chain has it.
	let status = match p.chain.sequence_status(best.hash, job.rollup_id, job.sequence_index) {
		Ok(Some(status)) => status,
		Ok(None) => return, // gone: the sender drops the job
		Err(e) => {
			log::warn!(target: LOG_TARGET, "{}: cannot read the sequence: {e}", job.name());
			return;
		},
	};
	if !status.batches.is_empty() && status.batches.len() != job.batches.len() {
		give_up(job, "the chain has another batch count than the task listed".into());
		return;
	}
	let prover = hex(account.as_ref());
	let tasks: Vec<(Step, Value)> = match next {
		Step::Batch(_) => {
			let url = match p.chain.provable(best.hash, job.rollup_id) {
				Ok(url) => url,
				Err(reason) => {
					p.say_once(format!("{}-{reason}", job.name()), || {
						format!("{}: cannot prove it: {reason}", job.name())
					});
					return;
				},
			};
			let data = match p
				.data
				.fetch(&url, job.sequence_index, &status.prev_state_root, &status.batches)
				.await
			{
				Ok(data) => data,
				Err(e) => {
					p.say_once(format!("{}-{e}", job.name()), || {
						format!("{}: {e}; retrying", job.name())
					});
					return;
				},
			};
			batches_todo
				.iter()
				.map(|i| {
					let task =
						json!({"kind": "batch", "prover": prover, "witness": data.witnesses[*i]});
					(Step::Batch(*i), task)
				})
				.collect()
		},
		Step::Aggregator => {
			let proofs = batch_proofs.expect("checked above");
			let task = json!({
				"kind": "aggregator",
				"prover": prover,
				"prev_root": hex(&status.prev_state_root),
				"batches": headers(&status.batches),
				"batch_proofs": proofs.iter().map(|p| hex(p)).collect::<Vec<_>>(),
			});
			vec![(Step::Aggregator, task)]
		},
		Step::Final => {
			let proofs = batch_proofs.expect("checked above");
			let task = json!({
				"kind": "final",
				"rollup_id": job.rollup_id,
				"sequence_index": job.sequence_index,
				"prover": prover,
				"prev_root": hex(&status.prev_state_root),
				"batches": headers(&status.batches),
				"batch_proofs": proofs.iter().map(|p| hex(p)).collect::<Vec<_>>(),
				"aggregator_proof": job.aggregator.done().map(|p| hex(p)),
			});
			vec![(Step::Final, task)]
		},
	};
	let pinned = out.pinned.clone();
	for (step, task) in tasks {
		match p.provers.submit(&task, pinned.as_deref()).await {
			Ok(task_ref) => {
				log::info!(
					target: LOG_TARGET,
					"{}: {} dispatched to {} (task {})",
					job.name(),
					step.name(),
					task_ref.host,
					&task_ref.id[..task_ref.id.len().min(12)],
				);
				if let Some(metrics) = &p.metrics {
					metrics.tasks_dispatched.inc();
				}
				match step {
					Step::Batch(i) => job.batches[i] = Stage::Dispatched(task_ref),
					Step::Aggregator => job.aggregator = Stage::Dispatched(task_ref),
					Step::Final => job.final_proof = Stage::Dispatched(task_ref),
				}
			},
			Err(HostError::Rejected(reason)) => {
				give_up(job, format!("the prover host refused the {}: {reason}", step.name()));
				return;
			},
			// Tried again at the next tick.
			Err(HostError::Busy) => return,
			Err(HostError::Unreachable(e)) => {
				p.say_once(format!("{}-unreachable", job.name()), || {
					format!("{}: no prover host reachable ({e}); retrying", job.name())
				});
				return;
			},
		}
	}
}

/// What polling a task found.
enum Polled {
	/// Still queued or running (or the host did not answer).
	Still,
	/// Lost (the host no longer knows it): dispatch it again.
	Retry,
	/// The host reported it failed (already counted): dispatch it again, or start over.
	Failed,
	/// Finished with this result.
	Done(Value),
}

async fn poll(p: &Proving, job: &mut Job, step: &Step, task: &super::job::TaskRef) -> Polled {
	match p.provers.poll(task).await {
		Ok(Poll::Pending) | Err(_) => Polled::Still,
		Ok(Poll::Done(result)) => Polled::Done(result),
		Ok(Poll::Failed(reason)) => {
			fail(p, job, step, reason);
			Polled::Failed
		},
		Ok(Poll::Unknown) => {
			log::info!(
				target: LOG_TARGET,
				"{}: {} no longer known to {}; dispatching it again",
				job.name(),
				step.name(),
				task.host
			);
			Polled::Retry
		},
	}
}

/// The proof in a batch or aggregator result.
fn proof_of(p: &Proving, job: &mut Job, step: &Step, result: &Value) -> Stage<Vec<u8>> {
	match unhex(&result["proof"]) {
		Some(proof) => {
			log::info!(target: LOG_TARGET, "{}: {} proven", job.name(), step.name());
			Stage::Done(proof)
		},
		None => {
			fail(p, job, step, "the result has no proof".into());
			Stage::Todo
		},
	}
}

/// Takes a final proof after checking that its hash is the one the miner must commit and
/// that the chain would accept it. An artifact the chain would reject (a faulty prover
/// host) counts as a failure and the whole sequence is proven again: committing it would
/// cost the invalid-proof penalty.
fn finish(
	p: &Proving,
	job: &mut Job,
	out: &mut StepOut,
	result: &Value,
	best: Best,
	account: sr25519::Public,
) {
	job.final_proof = Stage::Todo;
	let artifact = unhex(&result["artifact"]);
	let proof_hash = unhex(&result["proof_hash"]).and_then(|h| <[u8; 32]>::try_from(h).ok());
	let (Some(artifact), Some(proof_hash)) = (artifact, proof_hash) else {
		fail(p, job, &Step::Final, "the result has no artifact or proof hash".into());
		return;
	};
	let proof = FinalProof { artifact, proof_hash };
	let expected = zkpow_primitives::proof_hash(&proof.artifact, account.as_ref());
	if expected != proof.proof_hash {
		fail(
			p,
			job,
			&Step::Final,
			"the final proof's hash is not proof_hash(artifact, miner)".into(),
		);
		return;
	}
	match p.chain.check_proof(
		best.hash,
		job.rollup_id,
		job.sequence_index,
		account,
		&proof.artifact,
	) {
		Ok(Some(Err(e))) => {
			fail(p, job, &Step::Final, format!("the chain would reject the artifact: {e:?}"));
			job.batches.iter_mut().for_each(|b| *b = Stage::Todo);
			job.aggregator = Stage::Todo;
			start_over(p, job, out);
			return;
		},
		// Accepted, or no longer in flight (the sender drops the job).
		Ok(Some(Ok(()))) | Ok(None) => {},
		Err(e) => log::warn!(
			target: LOG_TARGET,
			"{}: cannot check the artifact against the chain ({e}); taking it unchecked",
			job.name()
		),
	}
	log::info!(
		target: LOG_TARGET,
		"{}: final proof ready ({} bytes, proof hash {})",
		job.name(),
		proof.artifact.len(),
		hex(&proof.proof_hash)
	);
	if let Some(metrics) = &p.metrics {
		metrics.proofs_ready.inc();
	}
	out.pinned = None;
	job.final_proof = Stage::Done(proof);
}

/// After the aggregator or final proof failed, or the chain would reject the artifact:
/// with several hosts, proves the whole sequence again on one host alone, the configured
/// hosts in turn. A host whose keys are not the rollup's (or that is faulty) then spoils
/// only its own attempt: the aggregator and final proofs check the batch proofs they are
/// given against their host's keys, so proofs from different hosts may not mix, and a
/// host answers a task it has seen with the same proof, so retrying the same mix would
/// fail again. With one host only the failed step is dispatched again.
fn start_over(p: &Proving, job: &mut Job, out: &mut StepOut) {
	job.aggregator = Stage::Todo;
	job.final_proof = Stage::Todo;
	let urls = p.provers.urls();
	if urls.len() < 2 || job.given_up.is_some() {
		return;
	}
	job.batches.iter_mut().for_each(|b| *b = Stage::Todo);
	let url = urls[(job.failures as usize).saturating_sub(1) % urls.len()].clone();
	log::info!(target: LOG_TARGET, "{}: proving it all again on {url} alone", job.name());
	out.pinned = Some(url);
}

fn fail(p: &Proving, job: &mut Job, step: &Step, reason: String) {
	job.failures += 1;
	if let Some(metrics) = &p.metrics {
		metrics.prover_failures.inc();
	}
	log::warn!(
		target: LOG_TARGET,
		"{}: {} failed ({reason}); {} of {MAX_FAILURES} failures",
		job.name(),
		step.name(),
		job.failures
	);
	if job.failures >= MAX_FAILURES {
		give_up(job, format!("{MAX_FAILURES} prover tasks failed, the last: {reason}"));
	}
}

fn give_up(job: &mut Job, reason: String) {
	log::error!(target: LOG_TARGET, "{}: given up: {reason}", job.name());
	job.given_up = Some(reason);
}

#[cfg(test)]
mod tests {
	use super::*;
	use pallet_zkpow_runtime_api::{TaskInfo, WindowPhase};

	fn job(rollup: u32, index: u64) -> Job {
		Job::new(&TaskInfo::<u128, u32> {
			rollup_id: rollup,
			sequence_index: index,
			start_batch: 1 + index,
			batch_count: 1,
			reward: 5,
			attempt: 0,
			phase: WindowPhase::Pending,
			committers: 0,
		})
	}

	/// Attack: a stranger registers a rollup and posts many sequences (whose data URL
	/// hangs). Taken by start batch alone they would fill every proving slot; taken in
	/// turn per rollup, the other rollups keep their share.
	#[test]
	fn share_the_proving_slots_between_rollups() {
		let mut jobs = BTreeMap::new();
		for index in 0..10 {
			jobs.insert((7, index), job(7, index));
		}
		for index in 5..7 {
			jobs.insert((1, index), job(1, index));
		}
		let set = proving_set(&jobs, 4);
		assert_eq!(set, vec![(7, 0), (1, 5), (7, 1), (1, 6)]);
		// With one rollup only, it gets every slot, lowest start batch first.
		jobs.retain(|k, _| k.0 == 7);
		assert_eq!(proving_set(&jobs, 3), vec![(7, 0), (7, 1), (7, 2)]);
	}

	#[test]
	fn leave_out_sequences_proven_or_given_up() {
		let mut jobs = BTreeMap::new();
		let mut given_up = job(1, 0);
		given_up.given_up = Some("no".into());
		jobs.insert((1, 0), given_up);
		let mut proven = job(1, 1);
		proven.final_proof = Stage::Done(FinalProof { artifact: vec![1], proof_hash: [0; 32] });
		jobs.insert((1, 1), proven);
		jobs.insert((1, 2), job(1, 2));
		assert_eq!(proving_set(&jobs, 8), vec![(1, 2)]);
	}
}
