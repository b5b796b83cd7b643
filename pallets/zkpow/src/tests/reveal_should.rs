//! Step 2: revealing proofs, reveal-window edges, hash and proof checks with real Groth16
//! fixtures, the invalid-proof penalty.

use super::*;
use frame_support::{assert_noop, dispatch::Pays};

fn try_reveal(who: &AccountId, s: &Scenario, proof: &[u8]) -> sp_runtime::DispatchResult {
	Zkpow::reveal_proof(RuntimeOrigin::signed(who.clone()), s.rollup_id, s.index, proof_arg(proof))
		.map(|_| ())
		.map_err(|e| e.error)
}

#[test]
fn reject_before_reveal_window() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		run_to_block(s.b + T1 - 1);
		assert_noop!(try_reveal(&miner(0), &s, &s.proofs[0]), Error::<Test>::RevealWindowNotOpen);
	});
}

#[test]
fn accept_a_valid_proof_when_the_reveal_window_opens() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		run_to_block(s.b + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		assert_eq!(
			last_event(),
			Event::ProofRevealed {
				rollup_id: s.rollup_id,
				sequence_index: s.index,
				miner: miner(0),
				first: true
			}
		);
		let w = window(s.rollup_id, s.index);
		assert_eq!(w.committers[0].outcome, RevealOutcome::Valid);
		let accepted = w.accepted.unwrap();
		assert_eq!((accepted.prover, accepted.proof.to_vec()), (miner(0), s.proofs[0].clone()));
		assert_eq!(held_bond(&miner(0)), MIN_BOND * 2);
	});
}

#[test]
fn accept_a_valid_proof_at_the_last_reveal_block() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		run_to_block(s.b + T1 + T2 - 1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		assert_eq!(window(s.rollup_id, s.index).committers[0].outcome, RevealOutcome::Valid);
	});
}

#[test]
fn reject_at_the_deadline_even_if_settlement_is_late() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		run_to_block(s.b + T1 + T2 - 1);
		// Block b+T1+T2 before its settlement ran (as when settlement overflows).
		System::set_block_number(s.b + T1 + T2);
		assert_noop!(try_reveal(&miner(0), &s, &s.proofs[0]), Error::<Test>::RevealWindowClosed);
	});
}

#[test]
fn find_the_window_settled_at_the_deadline() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		run_to_block(s.b + T1 + T2);
		// No valid proof: reopened, so there is no window any more.
		assert_noop!(try_reveal(&miner(0), &s, &s.proofs[0]), Error::<Test>::NoOpenWindow);
	});
}

#[test]
fn reject_reveals_without_commit_or_twice() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		run_to_block(s.b + T1);
		assert_noop!(try_reveal(&miner(1), &s, &s.proofs[1]), Error::<Test>::NotCommitted);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		assert_noop!(try_reveal(&miner(0), &s, &s.proofs[0]), Error::<Test>::AlreadyRevealed);
		let unknown = Scenario { index: 77, ..s };
		assert_noop!(try_reveal(&miner(0), &unknown, &[]), Error::<Test>::SequenceNotFound);
	});
}

#[test]
fn reject_a_reveal_on_a_pending_sequence() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let index = submit(id, 1);
		let s = Scenario { rollup_id: id, index, b: 0, proofs: vec![] };
		assert_noop!(try_reveal(&miner(0), &s, &[1; 256]), Error::<Test>::NoOpenWindow);
	});
}

/// Commits `proof` for `who` in the scenario's window, reveals it in the reveal window, and
/// returns the rejection reason from the events.
fn rejected(s: &Scenario, who: &AccountId, committed: &[u8], revealed: &[u8]) -> RejectReason {
	bond(who, MIN_BOND * 2);
	commit(who, s.rollup_id, s.index, committed);
	run_to_block(s.b + T1);
	let pool = rollup(s.rollup_id).pool;
	let treasury = free(&TreasuryAccount::get());
	let info = Zkpow::reveal_proof(
		RuntimeOrigin::signed(who.clone()),
		s.rollup_id,
		s.index,
		proof_arg(revealed),
	)
	.expect("an invalid reveal still succeeds so that the slash stands");
	assert_eq!(info.pays_fee, Pays::Yes);
	assert_eq!(held_bond(who), MIN_BOND * 2 - INVALID_PROOF_PENALTY);
	assert_eq!(rollup(s.rollup_id).pool, pool, "slashes never go to the rollup");
	assert_eq!(free(&TreasuryAccount::get()), treasury + INVALID_PROOF_PENALTY);
	let w = window(s.rollup_id, s.index);
	let mine = w.committers.iter().find(|c| &c.miner == who).unwrap();
	assert_eq!(mine.outcome, RevealOutcome::Invalid);
	assert!(w.accepted.is_none());
	let events = zkpow_events();
	assert_eq!(
		events.last().unwrap(),
		&Event::MinerSlashed {
			miner: who.clone(),
			rollup_id: s.rollup_id,
			sequence_index: s.index,
			amount: INVALID_PROOF_PENALTY,
			reason: SlashReason::InvalidProof,
		}
	);
	match &events[events.len() - 2] {
		Event::ProofRejected { miner, reason, .. } if miner == who => *reason,
		other => panic!("expected ProofRejected, got {other:?}"),
	}
}

#[test]
fn slash_a_reveal_that_does_not_match_its_hash() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		let other = s.proofs[0].clone();
		let reason = rejected(&s, &miner(1), &other, &proof_for(s.rollup_id, s.index, &miner(1)));
		assert_eq!(reason, RejectReason::HashMismatch);
	});
}

#[test]
fn slash_a_proof_made_for_another_miner() {
	new_test_ext().execute_with(|| {
		// Miner 1 copies miner 0's proof and commits its hash with its own account: the
		// hash matches but the statement binds the proof to miner 0.
		let s = open_window(1);
		let copied = s.proofs[0].clone();
		let reason = rejected(&s, &miner(1), &copied, &copied);
		assert_eq!(
			reason,
			RejectReason::Verification(crate::VerificationError::Groth16(
				zkpow_primitives::groth16::VerifyError::ProofRejected
			))
		);
	});
}

#[test]
fn slash_a_corrupted_proof() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		let mut corrupted = proof_for(s.rollup_id, s.index, &miner(1));
		corrupted[200] ^= 0x01;
		let reason = rejected(&s, &miner(1), &corrupted, &corrupted);
		assert!(matches!(reason, RejectReason::Verification(_)), "{reason:?}");
	});
}

#[test]
fn slash_a_proof_of_the_wrong_length() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		let short = proof_for(s.rollup_id, s.index, &miner(1))[..200].to_vec();
		let reason = rejected(&s, &miner(1), &short, &short);
		assert_eq!(
			reason,
			RejectReason::Verification(crate::VerificationError::Groth16(
				zkpow_primitives::groth16::VerifyError::BadLength
			))
		);
	});
}

#[test]
fn keep_the_first_valid_proof_and_accept_later_ones() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		run_to_block(s.b + T1);
		reveal(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		assert_eq!(
			last_event(),
			Event::ProofRevealed {
				rollup_id: s.rollup_id,
				sequence_index: s.index,
				miner: miner(0),
				first: false
			}
		);
		let w = window(s.rollup_id, s.index);
		assert_eq!(w.accepted.unwrap().prover, miner(1));
		assert!(w.committers.iter().all(|c| c.outcome == RevealOutcome::Valid));
	});
}
