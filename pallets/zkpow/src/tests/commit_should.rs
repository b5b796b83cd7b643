//! Step 1: committing proof hashes, opening windows, commit-window edges, bond coverage.

use super::*;
use frame_support::{assert_noop, assert_ok};

fn try_commit(who: &AccountId, id: RollupId, index: SequenceIndex) -> sp_runtime::DispatchResult {
	Zkpow::commit_proof_hash(RuntimeOrigin::signed(who.clone()), id, index, [9; 32])
		.map(|_| ())
		.map_err(|e| e.error)
}

#[test]
fn open_the_window_at_the_first_commit() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		let w = window(s.rollup_id, s.index);
		assert_eq!(w.opened_at, s.b);
		assert_eq!(w.commit_ends_at, s.b + T1);
		assert_eq!(w.reveal_ends_at, s.b + T1 + T2);
		assert_eq!(w.committers.len(), 1);
		assert_eq!(w.committers[0].weight, MIN_BOND * 2);
		assert_eq!(w.committers[0].proof_hash, hash_of(&s.proofs[0], &miner(0)));
		assert_eq!(Agenda::<Test>::get(s.b + T1 + T2).to_vec(), vec![(s.rollup_id, s.index)]);
		let events = zkpow_events();
		assert!(events.contains(&Event::WindowOpened {
			rollup_id: s.rollup_id,
			sequence_index: s.index,
			attempt: 0,
			commit_ends_at: s.b + T1,
			reveal_ends_at: s.b + T1 + T2,
		}));
		assert_eq!(
			last_event(),
			Event::ProofHashCommitted {
				rollup_id: s.rollup_id,
				sequence_index: s.index,
				miner: miner(0),
				proof_hash: hash_of(&s.proofs[0], &miner(0)),
				weight: MIN_BOND * 2,
			}
		);
		let l = Miners::<Test>::get(miner(0)).unwrap();
		assert_eq!(
			l.open_commitments.to_vec(),
			vec![OpenCommitment {
				rollup_id: s.rollup_id,
				sequence_index: s.index,
				exposure: NO_PROOF_PENALTY + INVALID_PROOF_PENALTY,
			}]
		);
	});
}

#[test]
fn accept_commits_until_the_last_commit_block() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		run_to_block(s.b + T1 - 1);
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		assert_eq!(window(s.rollup_id, s.index).committers.len(), 2);
		// Joining does not open another window or agenda entry.
		assert_eq!(Agenda::<Test>::get(s.b + T1 + T2).len(), 1);
		assert_eq!(Agenda::<Test>::get(s.b + T1 - 1 + T1 + T2).len(), 0);
	});
}

#[test]
fn reject_after_commit_window() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		run_to_block(s.b + T1);
		assert_noop!(
			try_commit(&miner(1), s.rollup_id, s.index),
			Error::<Test>::CommitWindowClosed
		);
		run_to_block(s.b + T1 + T2 - 1);
		assert_noop!(
			try_commit(&miner(1), s.rollup_id, s.index),
			Error::<Test>::CommitWindowClosed
		);
	});
}

#[test]
fn reject_a_second_commit_of_the_same_miner() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		assert_noop!(try_commit(&miner(0), s.rollup_id, s.index), Error::<Test>::AlreadyCommitted);
	});
}

#[test]
fn reject_committers_beyond_the_maximum() {
	new_test_ext().execute_with(|| {
		let s = open_window(MAX_COMMITTERS as u8 + 1);
		for n in 1..MAX_COMMITTERS as u8 {
			commit(&miner(n), s.rollup_id, s.index, &s.proofs[n as usize]);
		}
		let last = miner(MAX_COMMITTERS as u8);
		assert_noop!(try_commit(&last, s.rollup_id, s.index), Error::<Test>::TooManyCommitters);
	});
}

#[test]
fn require_a_bond_covering_the_minimum_and_open_exposure() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let a = submit(id, 1);
		let b = submit(id, 1);
		assert_noop!(try_commit(&miner(0), id, a), Error::<Test>::NotBonded);
		bond(&miner(0), MIN_BOND - 1);
		assert_noop!(try_commit(&miner(0), id, a), Error::<Test>::InsufficientBond);
		bond(&miner(0), 1);
		assert_ok!(try_commit(&miner(0), id, a));
		// One open commitment: the next needs its worst case on top of the minimum.
		let exposure = NO_PROOF_PENALTY + INVALID_PROOF_PENALTY;
		assert_noop!(try_commit(&miner(0), id, b), Error::<Test>::InsufficientBond);
		bond(&miner(0), exposure - 1);
		assert_noop!(try_commit(&miner(0), id, b), Error::<Test>::InsufficientBond);
		bond(&miner(0), 1);
		assert_ok!(try_commit(&miner(0), id, b));
		// Unbonding funds do not count for commits.
		let c = submit(id, 1);
		bond(&miner(0), exposure);
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 1));
		assert_noop!(try_commit(&miner(0), id, c), Error::<Test>::InsufficientBond);
	});
}

#[test]
fn reject_open_commitments_beyond_the_maximum() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		bond(&miner(0), MIN_BOND * 10);
		for _ in 0..3 {
			let index = submit(id, 1);
			assert_ok!(try_commit(&miner(0), id, index));
		}
		let index = submit(id, 1);
		assert_noop!(try_commit(&miner(0), id, index), Error::<Test>::TooManyOpenCommitments);
	});
}

#[test]
fn schedule_a_window_at_the_next_block_with_room_and_refuse_past_the_lookahead() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let indices: Vec<_> = (0..=MAX_SETTLEMENTS).map(|_| submit(id, 1)).collect();
		for n in 0..MAX_SETTLEMENTS as u8 {
			bond(&miner(n), MIN_BOND);
			assert_ok!(try_commit(&miner(n), id, indices[n as usize]));
		}
		let deadline = 1 + T1 + T2;
		assert_eq!(Agenda::<Test>::get(deadline).len() as u32, MAX_SETTLEMENTS);
		// The deadline is full: the next window is due one block later, its reveal phase
		// one block longer.
		bond(&miner(5), MIN_BOND);
		let last = indices[MAX_SETTLEMENTS as usize];
		assert_ok!(try_commit(&miner(5), id, last));
		let w = window(id, last);
		assert_eq!((w.commit_ends_at, w.reveal_ends_at), (1 + T1, deadline + 1));
		assert_eq!(Agenda::<Test>::get(deadline + 1).to_vec(), vec![(id, last)]);
		run_to_block(deadline + 1);
		assert!(Agenda::<Test>::iter().next().is_none(), "every window settled on time");
	});
}

#[test]
fn reject_a_window_when_every_block_of_the_lookahead_is_full() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let index = submit(id, 1);
		bond(&miner(0), MIN_BOND);
		let deadline = 1 + T1 + T2;
		for block in deadline..deadline + LOOKAHEAD as u64 {
			for i in 0..MAX_SETTLEMENTS {
				Agenda::<Test>::try_append(block, (99, i as u64)).unwrap();
			}
		}
		assert_noop!(try_commit(&miner(0), id, index), Error::<Test>::AgendaFull);
		// One free place at the last block looked at is enough.
		let last = deadline + LOOKAHEAD as u64 - 1;
		Agenda::<Test>::mutate(last, |a| a.pop());
		assert_ok!(try_commit(&miner(0), id, index));
		assert_eq!(window(id, index).reveal_ends_at, last);
	});
}

#[test]
fn reject_unknown_and_finalized_sequences() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		bond(&miner(4), MIN_BOND);
		assert_noop!(try_commit(&miner(4), s.rollup_id, 99), Error::<Test>::SequenceNotFound);
		assert_noop!(try_commit(&miner(4), 42, 0), Error::<Test>::SequenceNotFound);
		run_to_block(s.b + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		run_to_block(s.b + T1 + T2);
		assert_noop!(try_commit(&miner(4), s.rollup_id, s.index), Error::<Test>::AlreadyFinalized);
	});
}

#[test]
fn keep_the_window_minimum_bond_and_penalties_after_the_owner_lowered_them() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		let lower = RollupParams {
			min_miner_bond: 1_000,
			no_proof_penalty: Some(20),
			invalid_proof_penalty: Some(200),
			..params()
		};
		assert_ok!(Zkpow::update_rollup(
			RuntimeOrigin::signed(owner()),
			s.rollup_id,
			None,
			Some(lower)
		));
		// The open window keeps its minimum bond and penalties: 1,000 is not enough to join.
		bond(&miner(1), 1_000);
		assert_noop!(try_commit(&miner(1), s.rollup_id, s.index), Error::<Test>::InsufficientBond);
		bond(&miner(1), MIN_BOND - 1_000);
		assert_ok!(try_commit(&miner(1), s.rollup_id, s.index));
		assert_eq!(window(s.rollup_id, s.index).no_proof_penalty, NO_PROOF_PENALTY);
	});
}

#[test]
fn open_a_fresh_window_at_the_deadline_of_a_failed_one() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		run_to_block(s.b + T1 + T2);
		// Settled without a proof in this block's on_initialize: a commit in the same block
		// opens the next window.
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		let w = window(s.rollup_id, s.index);
		assert_eq!(w.opened_at, s.b + T1 + T2);
		assert_eq!(w.reveal_ends_at, s.b + 2 * (T1 + T2));
		assert_eq!(Sequences::<Test>::get(s.rollup_id, s.index).unwrap().attempt, 1);
	});
}
