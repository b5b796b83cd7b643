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
	chain::{Best, Chain, HowProven, Provable},
	data::DataClient,
	job::{FinalProof, Job, Stage},
	metrics::Metrics,
	prover::{short, HostError, Poll, ProverPool, Task},
	route::{self, Route},
	Miner, LOG_TARGET,
};
use serde_json::Value;
use sp_core::{offchain::OffchainStorage, sr25519};
use std::{
	collections::{BTreeMap, HashSet},
	sync::Mutex,
	time::Duration,
};
use tokio::sync::mpsc;
use zkpow_primitives::BatchHeader;
use zkpow_prover_api::{Header, Hex, SubmitParams, TaskKind, TaskOutput};
use zkpow_runtime::{AccountId, Balance, BlockNumber};

/// A sequence as the chain reports it.
type Status = pallet_zkpow_runtime_api::SequenceStatus<AccountId, Balance, BlockNumber>;

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

fn headers(batches: &[BatchHeader]) -> Vec<Header> {
	batches.iter().map(Header::from).collect()
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

	fn kind(&self) -> TaskKind {
		match self {
			Step::Batch(_) => TaskKind::Batch,
			Step::Aggregator => TaskKind::Aggregator,
			Step::Final => TaskKind::Final,
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
				Polled::Late => {
					job.batches[i] = Stage::Todo;
					late(p, job, out);
				},
				Polled::Done(result) => job.batches[i] = proof_of(p, job, &Step::Batch(i), &result),
			}
		}
	}
	if let Stage::Dispatched(task) = job.aggregator.clone() {
		match poll(p, job, &Step::Aggregator, &task).await {
			Polled::Still => {},
			Polled::Retry => job.aggregator = Stage::Todo,
			Polled::Late => {
				job.aggregator = Stage::Todo;
				late(p, job, out);
			},
			Polled::Failed => start_over(p, job, out),
			Polled::Done(result) => job.aggregator = proof_of(p, job, &Step::Aggregator, &result),
		}
	}
	if let Stage::Dispatched(task) = job.final_proof.clone() {
		match poll(p, job, &Step::Final, &task).await {
			Polled::Still => {},
			Polled::Retry => job.final_proof = Stage::Todo,
			Polled::Late => {
				job.final_proof = Stage::Todo;
				late(p, job, out);
			},
			Polled::Failed => start_over(p, job, out),
			Polled::Done(result) => finish(p, job, out, &task.host, result, best, account),
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
	let provable = match p.chain.provable(best.hash, job.rollup_id) {
		Ok(provable) => provable,
		Err(reason) => {
			p.say_once(format!("{}-{reason}", job.name()), || {
				format!("{}: cannot prove it: {reason}", job.name())
			});
			return;
		},
	};
	// A single-proof rollup's sequence is one proof, dispatched as the final one.
	if let HowProven::SingleProof { .. } = &provable.how {
		if job.final_proof == Stage::Todo {
			dispatch_single(p, job, out, best, account, &provable).await;
		}
		return;
	}

	let Some(status) = sequence_status(p, job, best) else { return };
	let prover: [u8; 32] = account.0;
	let tasks: Vec<(Step, Task)> = match next {
		Step::Batch(_) => {
			let Some(witnesses) = fetch(p, job, &provable.data_url, &status).await else {
				return;
			};
			batches_todo
				.iter()
				.map(|i| {
					let task = Task::Batch { prover, witness: witnesses[*i].clone() };
					(Step::Batch(*i), task)
				})
				.collect()
		},
		Step::Aggregator => {
			let proofs = batch_proofs.expect("checked above");
			let task = Task::Aggregator {
				prover,
				prev_root: status.prev_state_root,
				batches: headers(&status.batches),
				batch_proofs: proofs.into_iter().map(Hex).collect(),
			};
			vec![(Step::Aggregator, task)]
		},
		Step::Final => {
			let proofs = batch_proofs.expect("checked above");
			let task = Task::Final {
				rollup_id: job.rollup_id,
				sequence_index: job.sequence_index,
				prover,
				prev_root: status.prev_state_root,
				batches: headers(&status.batches),
				batch_proofs: proofs.into_iter().map(Hex).collect(),
				aggregator_proof: job.aggregator.done().cloned().map(Hex),
			};
			vec![(Step::Final, task)]
		},
	};
	dispatch(p, job, out, tasks).await;
}

/// The sequence as the chain has it (every dispatch needs it); `None` if it is gone (the
/// sender drops the job), unreadable, or not what the job listed (given up).
fn sequence_status(p: &Proving, job: &mut Job, best: Best) -> Option<Status> {
	let status = match p.chain.sequence_status(best.hash, job.rollup_id, job.sequence_index) {
		Ok(Some(status)) => status,
		Ok(None) => return None,
		Err(e) => {
			log::warn!(target: LOG_TARGET, "{}: cannot read the sequence: {e}", job.name());
			return None;
		},
	};
	if !status.batches.is_empty() && status.batches.len() != job.batches.len() {
		give_up(job, "the chain has another batch count than the task listed".into());
		return None;
	}
	Some(status)
}

/// The sequence's published data, checked against the chain: one witness (or circuit
/// input) per batch; `None` (said once, retried later) if it cannot be had now.
async fn fetch(p: &Proving, job: &Job, url: &str, status: &Status) -> Option<Vec<Value>> {
	match p
		.data
		.fetch(url, job.sequence_index, &status.prev_state_root, &status.batches)
		.await
	{
		Ok(witnesses) => Some(witnesses),
		Err(e) => {
			p.say_once(format!("{}-{e}", job.name()), || format!("{}: {e}; retrying", job.name()));
			None
		},
	}
}

/// Dispatches a single-proof rollup's sequence as one task on the route the hosts offer
/// ([`route`]): the sequence's published input and headers, the statement filled in by
/// the host. A circom circuit takes one input, so a circom sequence has one batch; a
/// native command gets the batch's input, or an array of them for several batches.
async fn dispatch_single(
	p: &Proving,
	job: &mut Job,
	out: &mut StepOut,
	best: Best,
	account: sr25519::Public,
	provable: &Provable,
) {
	let Some(status) = sequence_status(p, job, best) else { return };
	let HowProven::SingleProof { circom } = &provable.how else { return };
	let route = match route::single_proof(&p.provers, circom.as_ref(), status.key_hash) {
		Ok(route) => route,
		Err(why) => {
			p.say_once(format!("{}-{why}", job.name()), || {
				format!("{}: waiting for a prover host: {why}", job.name())
			});
			return;
		},
	};
	let Some(mut inputs) = fetch(p, job, &provable.data_url, &status).await else { return };
	let (rollup_id, sequence_index, prover) = (job.rollup_id, job.sequence_index, account.0);
	let (prev_root, batches) = (status.prev_state_root, headers(&status.batches));
	let task = match route {
		Route::Command(key_hash) => {
			let input = if inputs.len() == 1 { inputs.remove(0) } else { Value::Array(inputs) };
			Task::Command { rollup_id, sequence_index, prover, prev_root, batches, key_hash, input }
		},
		Route::Circom(package) => {
			if inputs.len() != 1 {
				give_up(
					job,
					format!(
						"a circom rollup's sequence is one batch (one circuit input); this one \
						 has {}",
						inputs.len()
					),
				);
				return;
			}
			let input = inputs.remove(0);
			Task::Circom { rollup_id, sequence_index, prover, prev_root, batches, package, input }
		},
	};
	dispatch(p, job, out, vec![(Step::Final, task)]).await;
}

/// Submits each task to a prover host and records where it went.
async fn dispatch(p: &Proving, job: &mut Job, out: &mut StepOut, tasks: Vec<(Step, Task)>) {
	let pinned = out.pinned.clone();
	for (step, task) in tasks {
		let position = match step {
			Step::Batch(i) => i as u64,
			Step::Aggregator | Step::Final => 0,
		};
		let params = SubmitParams::at(job.start_batch.saturating_add(position));
		match p.provers.submit(&task, params, pinned.as_deref()).await {
			Ok(task_ref) => {
				log::info!(
					target: LOG_TARGET,
					"{}: {} dispatched to {} (task {})",
					job.name(),
					step.name(),
					task_ref.host,
					short(&task_ref.id),
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
	/// Past its deadline on its host (cancelled there): prove it elsewhere.
	Late,
	/// The host reported it failed (already counted): dispatch it again, or start over.
	Failed,
	/// Finished with this result.
	Done(TaskOutput),
}

async fn poll(p: &Proving, job: &mut Job, step: &Step, task: &super::job::TaskRef) -> Polled {
	match p.provers.poll(task).await {
		Ok(Poll::Pending) | Err(_) => Polled::Still,
		Ok(Poll::Late) => Polled::Late,
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
fn proof_of(p: &Proving, job: &mut Job, step: &Step, result: &TaskOutput) -> Stage<Vec<u8>> {
	match result {
		TaskOutput::Batch { proof, .. } | TaskOutput::Aggregator { proof }
			if result.kind() == step.kind() =>
		{
			log::info!(target: LOG_TARGET, "{}: {} proven", job.name(), step.name());
			Stage::Done(proof.0.clone())
		},
		other => {
			let reason = format!("the host answered a {} result", other.kind());
			fail(p, job, step, reason);
			Stage::Todo
		},
	}
}

/// Why a final result is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FinalRefusal {
	/// Not a final output.
	#[error("the host answered a {0} result to a final task")]
	NotFinal(TaskKind),
	/// The hash to commit is not the artifact's for this miner.
	#[error("the final proof's hash is not proof_hash(artifact, miner)")]
	WrongHash,
	/// Longer than a reveal can carry: revealing it would need another artifact.
	#[error("the artifact is {len} bytes, a reveal carries at most {max}")]
	TooLong {
		/// Its length.
		len: usize,
		/// The runtime's `MaxProofLen`.
		max: usize,
	},
}

/// The checks a final result passes before the miner commits to it: a final output, the
/// hash bound to this miner, and an artifact a reveal can carry.
pub fn check_final(
	result: TaskOutput,
	account: &[u8; 32],
	max_len: usize,
) -> Result<FinalProof, FinalRefusal> {
	let TaskOutput::Final { artifact, proof_hash } = result else {
		return Err(FinalRefusal::NotFinal(result.kind()));
	};
	let proof = FinalProof { artifact: artifact.0, proof_hash };
	if zkpow_primitives::proof_hash(&proof.artifact, account) != proof.proof_hash {
		return Err(FinalRefusal::WrongHash);
	}
	if proof.artifact.len() > max_len {
		return Err(FinalRefusal::TooLong { len: proof.artifact.len(), max: max_len });
	}
	Ok(proof)
}

/// The longest artifact a reveal carries (the runtime's `MaxProofLen`).
fn max_artifact_len() -> usize {
	<<zkpow_runtime::Runtime as pallet_zkpow::Config>::MaxProofLen as frame_support::traits::Get<
		u32,
	>>::get() as usize
}

/// Takes a final proof after checking that its hash is the one the miner must commit,
/// that a reveal can carry it and that the chain would accept it. An artifact refused
/// (a faulty or hostile prover host) counts as a failure of its host, which is demoted
/// after a few, and the whole sequence is proven again: committing it would cost the
/// invalid-proof penalty.
fn finish(
	p: &Proving,
	job: &mut Job,
	out: &mut StepOut,
	host: &str,
	result: TaskOutput,
	best: Best,
	account: sr25519::Public,
) {
	job.final_proof = Stage::Todo;
	let proof = match check_final(result, &account.0, max_artifact_len()) {
		Ok(proof) => proof,
		Err(refusal) => {
			p.provers.artifact_checked(host, true);
			fail(p, job, &Step::Final, refusal.to_string());
			if matches!(refusal, FinalRefusal::TooLong { .. }) {
				prove_again(p, job, out);
			}
			return;
		},
	};
	match p.chain.check_proof(
		best.hash,
		job.rollup_id,
		job.sequence_index,
		account,
		&proof.artifact,
	) {
		Ok(Some(Err(e))) => {
			p.provers.artifact_checked(host, true);
			fail(p, job, &Step::Final, format!("the chain would reject the artifact: {e:?}"));
			prove_again(p, job, out);
			return;
		},
		// Accepted, or no longer in flight (the sender drops the job).
		Ok(Some(Ok(()))) | Ok(None) => p.provers.artifact_checked(host, false),
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

/// Every stage of the sequence again, on one host alone when there are several.
fn prove_again(p: &Proving, job: &mut Job, out: &mut StepOut) {
	job.batches.iter_mut().for_each(|b| *b = Stage::Todo);
	job.aggregator = Stage::Todo;
	start_over(p, job, out);
}

/// After a task passed its deadline (the pool cancelled it and rests its host, and the
/// caller set its stage back): the stage goes to another host when dispatched again. A
/// sequence pinned to one host moves to the next host, all its stages again.
fn late(p: &Proving, job: &mut Job, out: &mut StepOut) {
	let Some(current) = out.pinned.clone() else { return };
	let urls = p.provers.urls();
	let next = urls.iter().position(|u| *u == current).map_or(0, |i| (i + 1) % urls.len());
	job.batches.iter_mut().for_each(|b| *b = Stage::Todo);
	job.aggregator = Stage::Todo;
	log::info!(target: LOG_TARGET, "{}: proving it all again on {} alone", job.name(), urls[next]);
	out.pinned = Some(urls[next].clone());
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
	// Hosts in good standing in turn; demoted ones only when no other is left.
	let good: Vec<&String> = urls.iter().filter(|u| !p.provers.is_demoted(u)).collect();
	let turn: Vec<&String> = if good.is_empty() { urls.iter().collect() } else { good };
	let url = turn[(job.failures as usize).saturating_sub(1) % turn.len()].clone();
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

	/// Attack: a prover host answers a final result whose artifact is longer than a
	/// reveal carries. Taken, the miner would commit to it and then reveal nothing (or an
	/// empty proof) and be slashed; it is refused before the commit.
	#[test]
	fn refuse_a_final_result_a_reveal_cannot_carry_or_bound_to_another_miner() {
		let me = [7u8; 32];
		let result = |artifact: Vec<u8>, bound_to: &[u8; 32]| TaskOutput::Final {
			proof_hash: zkpow_primitives::proof_hash(&artifact, bound_to),
			artifact: Hex(artifact),
		};
		let proof = check_final(result(vec![1; 100], &me), &me, 100).unwrap();
		assert_eq!(proof.artifact, vec![1; 100]);
		assert_eq!(
			check_final(result(vec![1; 101], &me), &me, 100),
			Err(FinalRefusal::TooLong { len: 101, max: 100 })
		);
		assert_eq!(
			check_final(result(vec![1; 10], &[8; 32]), &me, 100),
			Err(FinalRefusal::WrongHash)
		);
		let batch = TaskOutput::Aggregator { proof: Hex(vec![0; 256]) };
		assert_eq!(check_final(batch, &me, 100), Err(FinalRefusal::NotFinal(TaskKind::Aggregator)));
		assert!(max_artifact_len() >= zkpow_primitives::groth16::PROOF_LEN);
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
