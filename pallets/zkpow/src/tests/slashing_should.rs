//! Slashing: beyond the free bond into unbonding funds, capped at what is held, paid to
//! the treasury (never to the rollup's pool).

use super::*;
use frame_support::assert_ok;

#[test]
fn slash_beyond_the_free_bond_from_unbonding_funds() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		// The miner unbonds almost everything right after committing.
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), MIN_BOND * 2 - 10));
		run_to_block(s.b + T1);
		assert_ok!(Zkpow::reveal_proof(
			RuntimeOrigin::signed(miner(0)),
			s.rollup_id,
			s.index,
			proof_arg(&[3; 256])
		));
		let l = Miners::<Test>::get(miner(0)).unwrap();
		assert_eq!(l.bonded, 0);
		assert_eq!(l.unbonding_total(), MIN_BOND * 2 - INVALID_PROOF_PENALTY);
		assert_eq!(held_bond(&miner(0)), MIN_BOND * 2 - INVALID_PROOF_PENALTY);
		assert_eq!(MinerHistory::<Test>::get(miner(0)).slashed, INVALID_PROOF_PENALTY);

		run_to_block(s.b + T1 + T2);
		assert_eq!(held_bond(&miner(0)), MIN_BOND * 2 - INVALID_PROOF_PENALTY - NO_PROOF_PENALTY);
		let r = rollup(s.rollup_id);
		assert_eq!(r.pool, POOL - REWARD);
		assert_eq!(r.stats.miners_slashed, INVALID_PROOF_PENALTY + NO_PROOF_PENALTY);
		assert_eq!(free(&TreasuryAccount::get()), ED + INVALID_PROOF_PENALTY + NO_PROOF_PENALTY);
	});
}

#[test]
fn take_from_the_latest_unbonding_chunk_first() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 2_000));
		run_to_block(s.b + 1);
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), MIN_BOND * 2 - 2_000 - 50));
		run_to_block(s.b + T1 + T2);
		// No proof: 100 slashed, 50 from the bond, 50 from the chunk unlocking last.
		let l = Miners::<Test>::get(miner(0)).unwrap();
		assert_eq!(l.bonded, 0);
		assert_eq!(l.unbonding[0].amount, 2_000);
		assert_eq!(l.unbonding[1].amount, MIN_BOND * 2 - 2_000 - 50 - 50);
	});
}

#[test]
fn cap_the_slash_at_what_is_held() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		bond(&miner(0), 300);
		let pool = rollup(id).pool;
		let slashed = Zkpow::slash_miner(&miner(0), id, 0, 1_000, SlashReason::NoProof);
		assert_eq!(slashed, 300);
		assert_eq!(held_bond(&miner(0)), 0);
		assert_eq!(free(&miner(0)), INITIAL - 300);
		assert_eq!(rollup(id).pool, pool);
		assert_eq!(free(&TreasuryAccount::get()), ED + 300);
		assert_eq!(
			last_event(),
			Event::MinerSlashed {
				miner: miner(0),
				rollup_id: id,
				sequence_index: 0,
				amount: 300,
				reason: SlashReason::NoProof,
			}
		);
		// Nothing held, nothing open: the ledger is gone.
		assert!(Miners::<Test>::get(miner(0)).is_none());
		check_invariants();
	});
}
