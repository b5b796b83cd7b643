//! Proof Sender: the two-step submission of final proofs.
//!
//! At every new best block the sequences with a final proof are taken in priority order
//! (lowest start batch first) and sorted into three queues by their state on chain:
//!
//! 1. proofs to commit: the sequence is pending or its commit window still has room for
//!    an extrinsic included in the next block, and the miner has not committed;
//! 2. commits waiting for the reveal window: nothing to send;
//! 3. reveals to send: the reveal window is open and the miner's commitment is not
//!    revealed.
//!
//! Each extrinsic is recorded (encoded, with its nonce) before it goes to the pool. If it
//! does not show on chain after a few blocks, the same bytes are submitted again, which
//! cannot make it land twice; a new one is signed only when the recorded one can never
//! land: its nonce was used, its lifetime (extrinsics are mortal, [`MORTAL_PERIOD`]
//! blocks) is over, or the pool refuses it for good while its nonce is unused (a runtime
//! upgrade changed `spec_version`, so its signature no longer checks).
//!
//! [`MORTAL_PERIOD`]: super::chain::MORTAL_PERIOD

use super::{chain::Best, chain::SubmitError, job::Job, job::Sent, Miner, LOG_TARGET};
use pallet_zkpow::RevealOutcome;
use pallet_zkpow_runtime_api::WindowPhase;
use sp_core::{offchain::OffchainStorage, sr25519};
use sp_runtime::AccountId32;
use zkpow_runtime::Runtime;

/// Blocks an extrinsic may take to show on chain before it is submitted again.
const RESEND_AFTER: u32 = 4;

/// Which step an extrinsic is.
#[derive(Clone, Copy)]
enum Step {
	Commit,
	Reveal,
}

impl Step {
	fn name(self) -> &'static str {
		match self {
			Step::Commit => "commit",
			Step::Reveal => "reveal",
		}
	}
}

/// One sending round at the best block.
pub async fn run<S: OffchainStorage>(m: &mut Miner<S>, best: Best, account: sr25519::Public) {
	let me = AccountId32::from(account);
	let mut order: Vec<_> = m.jobs.values().map(|j| (j.start_batch, j.key())).collect();
	order.sort();
	for (_, key) in order {
		let Some(mut job) = m.jobs.get(&key).cloned() else { continue };
		let status = match m.chain.sequence_status(best.hash, key.0, key.1) {
			Ok(Some(status)) => status,
			Ok(None) => {
				log::info!(target: LOG_TARGET, "{}: no longer on chain; dropped", job.name());
				m.drop_job(key);
				continue;
			},
			Err(e) => {
				log::warn!(target: LOG_TARGET, "{}: cannot read the sequence: {e}", job.name());
				continue;
			},
		};
		if let WindowPhase::Finalized { finalized_at } = status.phase {
			let whose = match &status.prover {
				Some(p) if *p == me => "this miner's proof".to_string(),
				Some(p) => format!("the proof of {p}"),
				None => "an unknown proof".into(),
			};
			log::info!(
				target: LOG_TARGET,
				"{}: finalized at block {finalized_at} with {whose}",
				job.name()
			);
			m.drop_job(key);
			continue;
		}
		if status.attempt != job.attempt {
			if job.commit.is_some() {
				log::warn!(
					target: LOG_TARGET,
					"{}: window closed without a valid proof; re-queued for attempt {}",
					job.name(),
					status.attempt
				);
				if let Some(metrics) = &m.metrics {
					metrics.resends.inc();
				}
			}
			job.attempt = status.attempt;
			job.commit = None;
			job.reveal = None;
		}
		if let Some(proof) = job.proof().cloned() {
			let mine = status.committers.iter().find(|c| c.miner == me);
			match (&status.phase, mine) {
				(WindowPhase::Pending, None) => {
					commit(m, &mut job, best, account, proof.proof_hash).await;
				},
				(WindowPhase::Commit { commit_ends_at, .. }, None)
					if best.number + 1 < *commit_ends_at =>
				{
					commit(m, &mut job, best, account, proof.proof_hash).await;
				},
				(WindowPhase::Commit { commit_ends_at, .. }, Some(_)) => {
					m.say_once(format!("{}-committed-{}", job.name(), job.attempt), || {
						format!(
							"{}: commit included; reveal window opens at block {commit_ends_at}",
							job.name()
						)
					});
				},
				(WindowPhase::Reveal { reveal_ends_at }, Some(c))
					if c.outcome == RevealOutcome::NotRevealed
						&& best.number + 1 < *reveal_ends_at =>
				{
					// Checked before the commit; a proof kept from an older miner may
					// still be too long: revealing it cut or empty would be slashed as
					// invalid, so it is not revealed at all.
					let Ok(artifact) = proof.artifact.clone().try_into() else {
						m.say_once(format!("{}-too-long-{}", job.name(), job.attempt), || {
							format!(
								"{}: the artifact ({} bytes) is longer than a reveal carries; \
								 not revealing it",
								job.name(),
								proof.artifact.len()
							)
						});
						m.put(job);
						continue;
					};
					let call = pallet_zkpow::Call::<Runtime>::reveal_proof {
						rollup_id: job.rollup_id,
						sequence_index: job.sequence_index,
						proof: artifact,
					};
					send(m, &mut job, best, account, Step::Reveal, call).await;
				},
				(WindowPhase::Reveal { .. } | WindowPhase::Settling { .. }, Some(c))
					if c.outcome != RevealOutcome::NotRevealed =>
				{
					m.say_once(format!("{}-revealed-{}", job.name(), job.attempt), || {
						format!("{}: reveal included ({:?})", job.name(), c.outcome)
					});
				},
				_ => {},
			}
		}
		m.put(job);
	}
}

/// Commits the proof hash if the miner's bond allows it.
async fn commit<S: OffchainStorage>(
	m: &mut Miner<S>,
	job: &mut Job,
	best: Best,
	account: sr25519::Public,
	proof_hash: [u8; 32],
) {
	if job.commit.is_none() {
		let rollup = m.chain.rollup_info(best.hash, job.rollup_id).ok().flatten();
		let info = m.chain.miner_info(best.hash, account).ok().flatten();
		let (Some(rollup), Some(info)) = (rollup, info) else {
			m.say_once(format!("{}-unbonded", job.name()), || {
				format!("{}: proof ready but the miner has no bond (call `zkpow.bond`)", job.name())
			});
			return;
		};
		let terms = &rollup.terms;
		let own = terms.no_proof_penalty.saturating_add(terms.invalid_proof_penalty);
		let required = terms.min_miner_bond.max(own).saturating_add(info.exposure);
		if info.bonded < required {
			m.say_once(format!("{}-bond-{}", job.name(), info.bonded), || {
				format!(
					"{}: proof ready but the bond {} is below the {required} this commit needs",
					job.name(),
					info.bonded
				)
			});
			return;
		}
	}
	let call = pallet_zkpow::Call::<Runtime>::commit_proof_hash {
		rollup_id: job.rollup_id,
		sequence_index: job.sequence_index,
		proof_hash,
	};
	send(m, job, best, account, Step::Commit, call).await;
}

/// Sends (or re-sends) the extrinsic of `step`, recording it first.
async fn send<S: OffchainStorage>(
	m: &mut Miner<S>,
	job: &mut Job,
	best: Best,
	account: sr25519::Public,
	step: Step,
	call: pallet_zkpow::Call<Runtime>,
) {
	let name = job.name();
	let slot = match step {
		Step::Commit => &mut job.commit,
		Step::Reveal => &mut job.reveal,
	};
	if let Some(sent) = slot {
		if best.number < sent.submitted_at + RESEND_AFTER {
			return;
		}
		match m.chain.submit(best, &sent.extrinsic).await {
			Ok(()) => log::info!(
				target: LOG_TARGET,
				"{name}: {} not on chain after {RESEND_AFTER} blocks; submitted the same extrinsic again",
				step.name()
			),
			Err(SubmitError::AlreadyInPool) => {},
			Err(SubmitError::Stale) => {
				// Its nonce was used (or its lifetime ended) and the chain does not show
				// the step: sign anew.
				*slot = None;
			},
			Err(SubmitError::Refused(e)) => {
				log::warn!(
					target: LOG_TARGET,
					"{name}: the recorded {} is refused for good ({e}); signing it again",
					step.name()
				);
				*slot = None;
			},
			Err(SubmitError::Other(e)) => log::warn!(
				target: LOG_TARGET,
				"{name}: the pool refused the {} again: {e}",
				step.name()
			),
		}
		if let Some(sent) = slot {
			sent.submitted_at = best.number;
			return;
		}
	}
	let (extrinsic, nonce) = match m.chain.sign(best, account, call) {
		Ok(signed) => signed,
		Err(e) => {
			log::warn!(target: LOG_TARGET, "{}: cannot sign the {}: {e}", job.name(), step.name());
			return;
		},
	};
	*slot = Some(Sent { extrinsic: extrinsic.clone(), nonce, submitted_at: best.number });
	// Recorded before it leaves, so a restart never signs a second one for this window.
	m.put(job.clone());
	match m.chain.submit(best, &extrinsic).await {
		Ok(()) | Err(SubmitError::AlreadyInPool) => {
			log::info!(
				target: LOG_TARGET,
				"{}: {} sent at block {} (nonce {nonce}, attempt {})",
				job.name(),
				step.name(),
				best.number,
				job.attempt
			);
			if let Some(metrics) = &m.metrics {
				match step {
					Step::Commit => metrics.commits.inc(),
					Step::Reveal => metrics.reveals.inc(),
				}
			}
		},
		Err(e) => log::warn!(
			target: LOG_TARGET,
			"{}: the pool refused the {} ({e:?}); retrying in {RESEND_AFTER} blocks",
			job.name(),
			step.name()
		),
	}
}
