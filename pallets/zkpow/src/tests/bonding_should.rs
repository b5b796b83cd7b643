//! Miner bonds: bond, unbond, withdraw.

use super::*;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, TokenError};

const PERIOD: u64 = 2_400;

#[test]
fn hold_the_bond() {
	new_test_ext().execute_with(|| {
		bond(&miner(0), 3_000);
		bond(&miner(0), 2_000);
		assert_eq!(held_bond(&miner(0)), 5_000);
		assert_eq!(free(&miner(0)), INITIAL - 5_000);
		assert_eq!(Miners::<Test>::get(miner(0)).unwrap().bonded, 5_000);
		assert_eq!(last_event(), Event::Bonded { miner: miner(0), amount: 2_000 });
		assert_noop!(Zkpow::bond(RuntimeOrigin::signed(miner(0)), 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Zkpow::bond(RuntimeOrigin::signed(nobody()), 10),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
	});
}

#[test]
fn keep_unbonding_funds_held_until_the_period_ends() {
	new_test_ext().execute_with(|| {
		bond(&miner(0), 5_000);
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 2_000));
		assert_eq!(
			last_event(),
			Event::Unbonded { miner: miner(0), amount: 2_000, unlock_at: 1 + PERIOD }
		);
		// Same block: same chunk.
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 1_000));
		let l = Miners::<Test>::get(miner(0)).unwrap();
		assert_eq!(l.bonded, 2_000);
		assert_eq!(
			l.unbonding.to_vec(),
			vec![UnbondingChunk { amount: 3_000, unlock_at: 1 + PERIOD }]
		);
		assert_eq!(held_bond(&miner(0)), 5_000);

		run_to_block(PERIOD);
		assert_noop!(
			Zkpow::withdraw_unbonded(RuntimeOrigin::signed(miner(0))),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(1 + PERIOD);
		assert_ok!(Zkpow::withdraw_unbonded(RuntimeOrigin::signed(miner(0))));
		assert_eq!(last_event(), Event::Withdrawn { miner: miner(0), amount: 3_000 });
		assert_eq!(held_bond(&miner(0)), 2_000);
		assert_eq!(free(&miner(0)), INITIAL - 2_000);
		assert!(Miners::<Test>::get(miner(0)).unwrap().unbonding.is_empty());
	});
}

#[test]
fn remove_the_ledger_once_everything_is_withdrawn() {
	new_test_ext().execute_with(|| {
		bond(&miner(0), 5_000);
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 5_000));
		run_to_block(1 + PERIOD);
		assert_ok!(Zkpow::withdraw_unbonded(RuntimeOrigin::signed(miner(0))));
		assert!(Miners::<Test>::get(miner(0)).is_none());
		assert_eq!(free(&miner(0)), INITIAL);
		assert_noop!(
			Zkpow::withdraw_unbonded(RuntimeOrigin::signed(miner(0))),
			Error::<Test>::NotBonded
		);
	});
}

#[test]
fn reject_bad_unbonds() {
	new_test_ext().execute_with(|| {
		assert_noop!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 1), Error::<Test>::NotBonded);
		bond(&miner(0), 100);
		assert_noop!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 101),
			Error::<Test>::InsufficientBond
		);
		// The mock allows two chunks.
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 1));
		run_to_block(2);
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 1));
		run_to_block(3);
		assert_noop!(
			Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 1),
			Error::<Test>::TooManyUnbondingChunks
		);
	});
}

#[test]
fn keep_back_what_open_commitments_may_still_cost() {
	new_test_ext().execute_with(|| {
		// A rollup with the longest windows, then governance shortens the unbonding period:
		// a commitment can now outlive an unbonding chunk.
		let id = register_with(RollupParams { commit_window: Some(600), ..params() });
		assert_ok!(Zkpow::fund_rollup(RuntimeOrigin::signed(owner()), id, POOL));
		let index = submit(id, 1);
		let short = ProtocolLimits {
			max_commit_window: 20,
			max_reveal_window: 32,
			unbonding_period: 53,
			..Default::default()
		};
		assert_ok!(Zkpow::set_protocol_limits(RuntimeOrigin::root(), short));

		bond(&miner(0), MIN_BOND);
		let proof = proof_for(id, index, &miner(0));
		commit(&miner(0), id, index, &proof);
		let exposure = NO_PROOF_PENALTY + INVALID_PROOF_PENALTY;
		assert_eq!(Miners::<Test>::get(miner(0)).unwrap().exposure(), exposure);

		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), MIN_BOND));
		run_to_block(1 + 53);
		assert_ok!(Zkpow::withdraw_unbonded(RuntimeOrigin::signed(miner(0))));
		assert_eq!(last_event(), Event::Withdrawn { miner: miner(0), amount: MIN_BOND - exposure });
		assert_eq!(held_bond(&miner(0)), exposure);
		assert_noop!(
			Zkpow::withdraw_unbonded(RuntimeOrigin::signed(miner(0))),
			Error::<Test>::NothingToWithdraw
		);

		// The window settles without a proof: the no-proof penalty is covered, the rest can go.
		run_to_block(1 + 600 + T2);
		assert_eq!(held_bond(&miner(0)), exposure - NO_PROOF_PENALTY);
		assert_ok!(Zkpow::withdraw_unbonded(RuntimeOrigin::signed(miner(0))));
		assert_eq!(held_bond(&miner(0)), 0);
		assert!(Miners::<Test>::get(miner(0)).is_none());
	});
}

#[test]
fn keep_rewards_and_slashes_after_the_ledger_is_removed() {
	new_test_ext().execute_with(|| {
		// Miner 0 proves a sequence and is rewarded; miner 1 commits and never reveals.
		let id = setup_rollup();
		let index = submit(id, 1);
		bond(&miner(0), MIN_BOND);
		bond(&miner(1), MIN_BOND);
		let proof = proof_for(id, index, &miner(0));
		commit(&miner(0), id, index, &proof);
		commit(&miner(1), id, index, &proof_for(id, index, &miner(1)));
		run_to_block(1 + T1);
		reveal(&miner(0), id, index, &proof);
		run_to_block(1 + T1 + T2);

		// Both take everything out; their ledgers go, their totals stay.
		for n in 0..2u8 {
			let all = Miners::<Test>::get(miner(n)).unwrap().bonded;
			assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(n)), all));
		}
		run_to_block(2 + T1 + T2 + PERIOD);
		for n in 0..2u8 {
			assert_ok!(Zkpow::withdraw_unbonded(RuntimeOrigin::signed(miner(n))));
			assert!(Miners::<Test>::get(miner(n)).is_none());
		}
		assert_eq!(
			MinerHistory::<Test>::get(miner(0)),
			MinerTotals { rewards: REWARD, slashed: 0 }
		);
		assert_eq!(
			MinerHistory::<Test>::get(miner(1)),
			MinerTotals { rewards: 0, slashed: NO_PROOF_PENALTY }
		);
		let info = Zkpow::miner_info(&miner(0)).expect("the totals outlive the ledger");
		assert_eq!((info.bonded, info.total_rewards, info.total_slashed), (0, REWARD, 0));
		let info = Zkpow::miner_info(&miner(1)).expect("the totals outlive the ledger");
		assert_eq!((info.bonded, info.total_slashed), (0, NO_PROOF_PENALTY));
		// An account that never bonded has nothing to show.
		assert!(Zkpow::miner_info(&miner(2)).is_none());
	});
}
