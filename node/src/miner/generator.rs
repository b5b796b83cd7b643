//! Proof Generator: moves each sequence through its proving stages on the prover hosts.
//!
//! Batch proofs of a sequence are dispatched together (the pool spreads them over the
//! hosts), then the aggregator proof when the sequence has more than one batch, then the
//! final proof bound to the miner account. Sequences are served in priority order (lowest
//! start batch first), at most `--miner-max-sequences` at a time. Every step is persisted
//! before the next tick, so a proof is never asked for twice.

use super::{
	chain::Best,
	job::{FinalProof, Job, Stage},
	prover::{HostError, Poll},
	Miner, LOG_TARGET,
};
use serde_json::{json, Value};
use sp_core::{offchain::OffchainStorage, sr25519};
use zkpow_primitives::BatchHeader;

/// Failed prover tasks after which a sequence is given up.
const MAX_FAILURES: u32 = 3;

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

/// One proving tick over the sequences that need proofs.
pub async fn run<S: OffchainStorage>(m: &mut Miner<S>, best: Best, account: sr25519::Public) {
	let mut proving: Vec<&Job> = m
		.jobs
		.values()
		.filter(|j| j.proof().is_none() && j.given_up.is_none())
		.collect();
	proving.sort_by_key(|j| (j.start_batch, j.key()));
	let keys: Vec<_> = proving.iter().take(m.config.max_sequences).map(|j| j.key()).collect();
	for key in keys {
		let Some(mut job) = m.jobs.get(&key).cloned() else { continue };
		advance(m, &mut job, best, account).await;
		m.put(job);
	}
}

async fn advance<S: OffchainStorage>(
	m: &mut Miner<S>,
	job: &mut Job,
	best: Best,
	account: sr25519::Public,
) {
	// Collect what finished first, then dispatch what can start.
	for i in 0..job.batches.len() {
		if let Stage::Dispatched(task) = job.batches[i].clone() {
			match poll(m, job, &Step::Batch(i), &task).await {
				Polled::Still => {},
				Polled::Retry | Polled::Failed => job.batches[i] = Stage::Todo,
				Polled::Done(result) => job.batches[i] = proof_of(m, job, &Step::Batch(i), &result),
			}
		}
	}
	if let Stage::Dispatched(task) = job.aggregator.clone() {
		match poll(m, job, &Step::Aggregator, &task).await {
			Polled::Still => {},
			Polled::Retry => job.aggregator = Stage::Todo,
			Polled::Failed => start_over(m, job),
			Polled::Done(result) => job.aggregator = proof_of(m, job, &Step::Aggregator, &result),
		}
	}
	if let Stage::Dispatched(task) = job.final_proof.clone() {
		match poll(m, job, &Step::Final, &task).await {
			Polled::Still => {},
			Polled::Retry => job.final_proof = Stage::Todo,
			Polled::Failed => start_over(m, job),
			Polled::Done(result) => finish(m, job, &result, best, account),
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
	let status = match m.chain.sequence_status(best.hash, job.rollup_id, job.sequence_index) {
		Ok(Some(status)) => status,
		Ok(None) => return, // gone: the sender drops the job
		Err(e) => {
			log::warn!(target: LOG_TARGET, "{}: cannot read the sequence: {e}", job.name());
			return;
		},
	};
	if !status.batches.is_empty() && status.batches.len() != job.batches.len() {
		give_up(m, job, "the chain has another batch count than the task listed".into());
		return;
	}
	let prover = hex(account.as_ref());
	let tasks: Vec<(Step, Value)> = match next {
		Step::Batch(_) => {
			let url = match m.chain.provable(best.hash, job.rollup_id) {
				Ok(url) => url,
				Err(reason) => {
					m.say_once(format!("{}-{reason}", job.name()), || {
						format!("{}: cannot prove it: {reason}", job.name())
					});
					return;
				},
			};
			let data = match m
				.data
				.fetch(&url, job.sequence_index, &status.prev_state_root, &status.batches)
				.await
			{
				Ok(data) => data,
				Err(e) => {
					m.say_once(format!("{}-{e}", job.name()), || {
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
	let pinned = m.pinned.get(&job.key()).cloned();
	for (step, task) in tasks {
		match m.provers.submit(&task, pinned.as_deref()).await {
			Ok(task_ref) => {
				log::info!(
					target: LOG_TARGET,
					"{}: {} dispatched to {} (task {})",
					job.name(),
					step.name(),
					task_ref.host,
					&task_ref.id[..task_ref.id.len().min(12)],
				);
				if let Some(metrics) = &m.metrics {
					metrics.tasks_dispatched.inc();
				}
				match step {
					Step::Batch(i) => job.batches[i] = Stage::Dispatched(task_ref),
					Step::Aggregator => job.aggregator = Stage::Dispatched(task_ref),
					Step::Final => job.final_proof = Stage::Dispatched(task_ref),
				}
			},
			Err(HostError::Rejected(reason)) => {
				give_up(m, job, format!("the prover host refused the {}: {reason}", step.name()));
				return;
			},
			// Tried again at the next tick.
			Err(HostError::Busy) => return,
			Err(HostError::Unreachable(e)) => {
				m.say_once(format!("{}-unreachable", job.name()), || {
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

async fn poll<S: OffchainStorage>(
	m: &mut Miner<S>,
	job: &mut Job,
	step: &Step,
	task: &super::job::TaskRef,
) -> Polled {
	match m.provers.poll(task).await {
		Ok(Poll::Pending) | Err(_) => Polled::Still,
		Ok(Poll::Done(result)) => Polled::Done(result),
		Ok(Poll::Failed(reason)) => {
			fail(m, job, step, reason);
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
fn proof_of<S: OffchainStorage>(
	m: &mut Miner<S>,
	job: &mut Job,
	step: &Step,
	result: &Value,
) -> Stage<Vec<u8>> {
	match unhex(&result["proof"]) {
		Some(proof) => {
			log::info!(target: LOG_TARGET, "{}: {} proven", job.name(), step.name());
			Stage::Done(proof)
		},
		None => {
			fail(m, job, step, "the result has no proof".into());
			Stage::Todo
		},
	}
}

/// Takes a final proof after checking that its hash is the one the miner must commit and
/// that the chain would accept it. An artifact the chain would reject (a faulty prover
/// host) counts as a failure and the whole sequence is proven again: committing it would
/// cost the invalid-proof penalty.
fn finish<S: OffchainStorage>(
	m: &mut Miner<S>,
	job: &mut Job,
	result: &Value,
	best: Best,
	account: sr25519::Public,
) {
	job.final_proof = Stage::Todo;
	let artifact = unhex(&result["artifact"]);
	let proof_hash = unhex(&result["proof_hash"]).and_then(|h| <[u8; 32]>::try_from(h).ok());
	let (Some(artifact), Some(proof_hash)) = (artifact, proof_hash) else {
		fail(m, job, &Step::Final, "the result has no artifact or proof hash".into());
		return;
	};
	let proof = FinalProof { artifact, proof_hash };
	let expected = zkpow_primitives::proof_hash(&proof.artifact, account.as_ref());
	if expected != proof.proof_hash {
		fail(
			m,
			job,
			&Step::Final,
			"the final proof's hash is not proof_hash(artifact, miner)".into(),
		);
		return;
	}
	match m.chain.check_proof(
		best.hash,
		job.rollup_id,
		job.sequence_index,
		account,
		&proof.artifact,
	) {
		Ok(Some(Err(e))) => {
			fail(m, job, &Step::Final, format!("the chain would reject the artifact: {e:?}"));
			job.batches.iter_mut().for_each(|b| *b = Stage::Todo);
			job.aggregator = Stage::Todo;
			start_over(m, job);
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
	if let Some(metrics) = &m.metrics {
		metrics.proofs_ready.inc();
	}
	m.pinned.remove(&job.key());
	job.final_proof = Stage::Done(proof);
}

/// After the aggregator or final proof failed, or the chain would reject the artifact:
/// with several hosts, proves the whole sequence again on one host alone, the configured
/// hosts in turn. A host whose keys are not the rollup's (or that is faulty) then spoils
/// only its own attempt: the aggregator and final proofs check the batch proofs they are
/// given against their host's keys, so proofs from different hosts may not mix, and a
/// host answers a task it has seen with the same proof, so retrying the same mix would
/// fail again. With one host only the failed step is dispatched again.
fn start_over<S: OffchainStorage>(m: &mut Miner<S>, job: &mut Job) {
	job.aggregator = Stage::Todo;
	job.final_proof = Stage::Todo;
	let urls = m.provers.urls();
	if urls.len() < 2 || job.given_up.is_some() {
		return;
	}
	job.batches.iter_mut().for_each(|b| *b = Stage::Todo);
	let url = urls[(job.failures as usize).saturating_sub(1) % urls.len()].clone();
	log::info!(target: LOG_TARGET, "{}: proving it all again on {url} alone", job.name());
	m.pinned.insert(job.key(), url);
}

fn fail<S: OffchainStorage>(m: &mut Miner<S>, job: &mut Job, step: &Step, reason: String) {
	job.failures += 1;
	if let Some(metrics) = &m.metrics {
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
		give_up(m, job, format!("{MAX_FAILURES} prover tasks failed, the last: {reason}"));
	}
}

fn give_up<S: OffchainStorage>(_m: &mut Miner<S>, job: &mut Job, reason: String) {
	log::error!(target: LOG_TARGET, "{}: given up: {reason}", job.name());
	job.given_up = Some(reason);
}
