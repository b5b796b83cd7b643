//! Rewards: pro-rata split by bond at commit time, rounding dust, conservation of funds.

use super::*;
use frame_support::traits::fungible::Inspect;

#[test]
fn split_the_reward_pro_rata_to_bond_at_commit_time_and_keep_dust_in_the_pool() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let index = submit(id, 1);
		let bonds = [5_000u128, 7_000, 11_000];
		let proofs: Vec<_> = (0..3u8)
			.map(|n| {
				bond(&miner(n), bonds[n as usize]);
				proof_for(id, index, &miner(n))
			})
			.collect();
		run_to_block(10);
		for n in 0..3u8 {
			commit(&miner(n), id, index, &proofs[n as usize]);
		}
		// Bonding more after committing does not change the share.
		bond(&miner(0), 100_000);
		run_to_block(10 + T1);
		for n in 0..3u8 {
			reveal(&miner(n), id, index, &proofs[n as usize]);
		}
		let issuance = Balances::total_issuance();
		run_to_block(10 + T1 + T2);

		// 1000 · 5/23 = 217.39, 1000 · 7/23 = 304.34, 1000 · 11/23 = 478.26: 999 paid, 1 dust.
		let shares = [217u128, 304, 478];
		for n in 0..3u8 {
			let m = miner(n);
			let extra = if n == 0 { 100_000 } else { 0 };
			assert_eq!(free(&m), INITIAL - bonds[n as usize] - extra + shares[n as usize]);
			assert_eq!(MinerHistory::<Test>::get(&m).rewards, shares[n as usize]);
			assert!(zkpow_events().contains(&Event::MinerRewarded {
				miner: m,
				rollup_id: id,
				sequence_index: index,
				amount: shares[n as usize],
			}));
		}
		let r = rollup(id);
		assert_eq!(r.pool, POOL - REWARD + 1);
		assert_eq!(r.escrowed, 0);
		assert_eq!(r.stats.rewards_paid, 999);
		assert_eq!(Balances::total_issuance(), issuance);
		match last_event() {
			Event::SequenceFinalized { provers, prover, .. } => {
				assert_eq!(prover, miner(0));
				assert_eq!(provers.to_vec(), vec![miner(0), miner(1), miner(2)]);
			},
			other => panic!("unexpected {other:?}"),
		}
	});
}

#[test]
fn give_the_whole_reward_to_a_single_valid_revealer() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		run_to_block(s.b + T1);
		reveal(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		run_to_block(s.b + T1 + T2);
		assert_eq!(free(&miner(1)), INITIAL - MIN_BOND * 2 + REWARD);
		assert_eq!(free(&miner(0)), INITIAL - MIN_BOND * 2);
		assert_eq!(rollup(s.rollup_id).pool, POOL - REWARD);
		assert_eq!(free(&TreasuryAccount::get()), ED + NO_PROOF_PENALTY);
	});
}

#[test]
fn neither_create_nor_lose_funds() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		let s = open_window(3);
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		commit(&miner(2), s.rollup_id, s.index, &s.proofs[2]);
		run_to_block(s.b + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		reveal(&miner(1), s.rollup_id, s.index, &s.proofs[0]);
		run_to_block(s.b + T1 + T2);
		let accounts = [
			owner(),
			sequencer(),
			miner(0),
			miner(1),
			miner(2),
			Zkpow::pot_account(),
			TreasuryAccount::get(),
		];
		let total: Balance = accounts.iter().map(Balances::total_balance).sum();
		let untouched: Balance = [account(3), miner(3), miner(4), miner(5)]
			.iter()
			.map(Balances::total_balance)
			.sum();
		assert_eq!(total + untouched, issuance);
		assert_eq!(Balances::total_issuance(), issuance);
	});
}
