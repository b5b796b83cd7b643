//! Governance's levers for a live market: freezing a rollup (an unsound circuit, a key
//! leak) without robbing the miners caught in its windows.

use super::*;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

fn freeze(id: RollupId) {
	assert_ok!(Zkpow::set_frozen(RuntimeOrigin::root(), id, true));
}

#[test]
fn freeze_a_rollup_against_sequences_commits_and_reveals_until_unfrozen() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		freeze(s.rollup_id);
		assert_eq!(last_event(), Event::RollupFrozen { rollup_id: s.rollup_id });
		assert_eq!(Frozen::<Test>::get(s.rollup_id), Some(10));
		assert_noop!(submit_batches(s.rollup_id, batches(1, 9)), Error::<Test>::RollupFrozen);
		let hash = hash_of(&s.proofs[1], &miner(1));
		assert_noop!(
			Zkpow::commit_proof_hash(RuntimeOrigin::signed(miner(1)), s.rollup_id, s.index, hash),
			Error::<Test>::RollupFrozen
		);
		run_to_block(s.b + T1);
		assert_noop!(
			Zkpow::reveal_proof(
				RuntimeOrigin::signed(miner(0)),
				s.rollup_id,
				s.index,
				proof_arg(&s.proofs[0])
			),
			Error::<Test>::RollupFrozen
		);
		assert_noop!(
			Zkpow::set_frozen(RuntimeOrigin::root(), s.rollup_id, true),
			Error::<Test>::RollupAlreadyFrozen
		);

		assert_ok!(Zkpow::set_frozen(RuntimeOrigin::root(), s.rollup_id, false));
		assert_eq!(last_event(), Event::RollupUnfrozen { rollup_id: s.rollup_id });
		assert!(!Frozen::<Test>::contains_key(s.rollup_id));
		// Unfrozen, the reveal goes through.
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		assert_noop!(
			Zkpow::set_frozen(RuntimeOrigin::root(), s.rollup_id, false),
			Error::<Test>::RollupNotFrozen
		);
		assert_noop!(
			Zkpow::set_frozen(RuntimeOrigin::root(), 99, true),
			Error::<Test>::RollupNotFound
		);
	});
}

/// The attack: an owner (or anyone but governance) freezes or unfreezes a rollup, to stop
/// miners from revealing or to lift governance's freeze.
#[test]
fn only_the_admin_origin_freezes_or_unfreezes() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		for who in [owner(), sequencer(), miner(0)] {
			assert_noop!(
				Zkpow::set_frozen(RuntimeOrigin::signed(who), id, true),
				DispatchError::BadOrigin
			);
		}
		freeze(id);
		assert_noop!(
			Zkpow::set_frozen(RuntimeOrigin::signed(owner()), id, false),
			DispatchError::BadOrigin
		);
	});
}

/// The attack on miners: governance freezes a rollup while their commitments are open, so
/// they cannot reveal; at the deadline they would be slashed for "no proof". Instead the
/// window closes without penalty, nothing is finalized from a suspect verifier (not even
/// a proof revealed before the freeze), their commitments are released, and the sequence
/// goes back to pending with its reward still escrowed.
#[test]
fn a_freeze_mid_window_slashes_nobody_and_finalizes_nothing() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		run_to_block(s.b + T1);
		// Miner 0 reveals before the freeze; miner 1 is frozen out.
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		freeze(s.rollup_id);
		let held = [held_bond(&miner(0)), held_bond(&miner(1))];
		let escrowed = rollup(s.rollup_id).escrowed;

		run_to_block(s.b + T1 + T2);
		assert_eq!([held_bond(&miner(0)), held_bond(&miner(1))], held, "nobody slashed");
		assert!(!FinalizedSequences::<Test>::contains_key(s.rollup_id, s.index));
		let sequence = Sequences::<Test>::get(s.rollup_id, s.index).expect("back to pending");
		assert!(sequence.window.is_none());
		assert_eq!(rollup(s.rollup_id).escrowed, escrowed);
		for n in 0..2u8 {
			assert!(Miners::<Test>::get(miner(n)).unwrap().open_commitments.is_empty());
		}
		assert!(!zkpow_events().iter().any(|e| matches!(e, Event::MinerSlashed { .. })));

		// Unfrozen, the sequence is proven again as usual.
		assert_ok!(Zkpow::set_frozen(RuntimeOrigin::root(), s.rollup_id, false));
		let now = s.b + T1 + T2;
		commit(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		run_to_block(now + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		run_to_block(now + T1 + T2);
		assert!(FinalizedSequences::<Test>::contains_key(s.rollup_id, s.index));
	});
}

/// A frozen rollup's owner is not trapped: pending sequences can be cancelled, and the
/// rollup deregistered (which lifts the freeze record with it).
#[test]
fn a_frozen_rollups_owner_can_still_cancel_and_deregister() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		submit(id, 1);
		freeze(id);
		assert_ok!(Zkpow::cancel_sequences(RuntimeOrigin::signed(owner()), id, 0));
		assert_ok!(Zkpow::deregister_rollup(RuntimeOrigin::signed(owner()), id));
		assert!(!Frozen::<Test>::contains_key(id));
	});
}
