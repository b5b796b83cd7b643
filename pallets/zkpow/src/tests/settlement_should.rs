//! Settlement: deadline edges, finalization, resend, the per-block bound and its overflow.

use super::*;
use frame_support::traits::Hooks;

#[test]
fn settle_at_the_deadline_and_not_before() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		run_to_block(s.b + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		run_to_block(s.b + T1 + T2 - 1);
		assert!(Sequences::<Test>::contains_key(s.rollup_id, s.index));
		assert!(!FinalizedSequences::<Test>::contains_key(s.rollup_id, s.index));

		run_to_block(s.b + T1 + T2);
		assert!(!Sequences::<Test>::contains_key(s.rollup_id, s.index));
		assert!(!SequenceBatches::<Test>::contains_key(s.rollup_id, s.index));
		assert!(Agenda::<Test>::get(s.b + T1 + T2).is_empty());
		let f = FinalizedSequences::<Test>::get(s.rollup_id, s.index).unwrap();
		assert_eq!(f.finalized_at, s.b + T1 + T2);
		assert_eq!(
			(f.accepted.prover.clone(), f.accepted.proof.to_vec()),
			(miner(0), s.proofs[0].clone())
		);
		let b = batches(2, 0);
		assert_eq!(
			last_event(),
			Event::SequenceFinalized {
				rollup_id: s.rollup_id,
				sequence_index: s.index,
				start_batch: 1,
				batch_count: 2,
				prev_state_root: [0; 32],
				new_state_root: b[1].state_root,
				data_commitment: zkpow_primitives::sequence_commitment(&b),
				proof: proof_arg(&s.proofs[0]),
				prover: miner(0),
				provers: BoundedVec::truncate_from(vec![miner(0)]),
				batches: b.clone(),
			}
		);
		let r = rollup(s.rollup_id);
		assert_eq!((r.in_flight, r.escrowed, r.pool), (0, 0, POOL - REWARD));
		assert_eq!(r.stats.sequences_finalized, 1);
		assert!(Miners::<Test>::get(miner(0)).unwrap().open_commitments.is_empty());
		assert_eq!(free(&miner(0)), INITIAL - MIN_BOND * 2 + REWARD);
	});
}

#[test]
fn slash_committers_without_a_valid_proof_when_finalizing() {
	new_test_ext().execute_with(|| {
		let s = open_window(3);
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		commit(&miner(2), s.rollup_id, s.index, &s.proofs[2]);
		run_to_block(s.b + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		// Miner 2 reveals garbage: invalid-proof penalty now, no-proof penalty at settlement.
		assert!(Zkpow::reveal_proof(
			RuntimeOrigin::signed(miner(2)),
			s.rollup_id,
			s.index,
			proof_arg(&[0; 256])
		)
		.is_ok());
		run_to_block(s.b + T1 + T2);
		assert!(FinalizedSequences::<Test>::contains_key(s.rollup_id, s.index));
		assert_eq!(held_bond(&miner(0)), MIN_BOND * 2);
		assert_eq!(held_bond(&miner(1)), MIN_BOND * 2 - NO_PROOF_PENALTY);
		assert_eq!(held_bond(&miner(2)), MIN_BOND * 2 - NO_PROOF_PENALTY - INVALID_PROOF_PENALTY);
		assert_eq!(rollup(s.rollup_id).pool, POOL - REWARD);
		assert_eq!(
			free(&TreasuryAccount::get()),
			ED + 2 * NO_PROOF_PENALTY + INVALID_PROOF_PENALTY
		);
		assert!(zkpow_events().contains(&Event::MinerSlashed {
			miner: miner(1),
			rollup_id: s.rollup_id,
			sequence_index: s.index,
			amount: NO_PROOF_PENALTY,
			reason: SlashReason::NoProof,
		}));
	});
}

#[test]
fn reopen_without_a_valid_proof_with_a_fresh_window() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		run_to_block(s.b + T1 + T2);
		let seq = Sequences::<Test>::get(s.rollup_id, s.index).unwrap();
		assert_eq!((seq.attempt, seq.window.is_none()), (1, true));
		assert!(zkpow_events().contains(&Event::SequenceReopened {
			rollup_id: s.rollup_id,
			sequence_index: s.index,
			attempt: 1
		}));
		for n in 0..2 {
			assert_eq!(held_bond(&miner(n)), MIN_BOND * 2 - NO_PROOF_PENALTY);
			assert!(Miners::<Test>::get(miner(n)).unwrap().open_commitments.is_empty());
		}
		let r = rollup(s.rollup_id);
		assert_eq!((r.in_flight, r.escrowed), (1, REWARD));
		assert_eq!(r.pool, POOL - REWARD);
		assert_eq!(free(&TreasuryAccount::get()), ED + 2 * NO_PROOF_PENALTY);
		assert_eq!(r.stats.windows_failed, 1);

		// The resend: the next commit opens a fresh window at its own block.
		let b2 = s.b + T1 + T2 + 5;
		run_to_block(b2);
		commit(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		assert!(zkpow_events().contains(&Event::WindowOpened {
			rollup_id: s.rollup_id,
			sequence_index: s.index,
			attempt: 1,
			commit_ends_at: b2 + T1,
			reveal_ends_at: b2 + T1 + T2,
		}));
		run_to_block(b2 + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		run_to_block(b2 + T1 + T2);
		assert!(FinalizedSequences::<Test>::contains_key(s.rollup_id, s.index));
	});
}

/// Opens `n` windows on fresh sequences at the current block, one miner each (who then
/// reveals a valid proof); returns the sequence indices.
fn windows_now(id: RollupId, n: u8, first_miner: u8) -> Vec<(SequenceIndex, AccountId, Vec<u8>)> {
	(0..n)
		.map(|k| {
			let index = submit(id, 1);
			let m = miner(first_miner + k);
			bond(&m, MIN_BOND);
			let proof = proof_for(id, index, &m);
			commit(&m, id, index, &proof);
			(index, m, proof)
		})
		.collect()
}

#[test]
fn settle_windows_that_spilled_past_a_full_deadline_in_their_own_deadline_block() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		// Four windows want d, which holds three: the fourth is due at d + 1, with the one
		// window opened a block later that wants d + 1 anyway.
		let at_d = windows_now(id, 4, 0);
		run_to_block(2);
		let at_d1 = windows_now(id, 1, 4);
		let d = 1 + T1 + T2;
		assert_eq!(window(id, at_d[3].0).reveal_ends_at, d + 1);
		run_to_block(2 + T1);
		for (index, m, proof) in at_d.iter().chain(at_d1.iter()) {
			reveal(m, id, *index, proof);
		}
		let finalized = |i: SequenceIndex| FinalizedSequences::<Test>::contains_key(id, i);

		run_to_block(d);
		assert!(at_d[..3].iter().all(|(i, ..)| finalized(*i)));
		assert!(!finalized(at_d[3].0) && !finalized(at_d1[0].0));
		assert_eq!(SettlementCursor::<Test>::get(), Some(d + 1));

		run_to_block(d + 1);
		assert!(finalized(at_d[3].0) && finalized(at_d1[0].0));
		assert!(Agenda::<Test>::iter().next().is_none());
		assert_eq!(SettlementCursor::<Test>::get(), Some(d + 2));
		// Everyone proved, everyone got the full reward.
		for (_, m, _) in at_d.iter().chain(at_d1.iter()) {
			assert_eq!(free(m), INITIAL - MIN_BOND + REWARD);
		}
	});
}

#[test]
fn settle_several_sequences_in_one_block_within_the_bound() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let ws = windows_now(id, 2, 0);
		run_to_block(1 + T1);
		reveal(&ws[0].1, id, ws[0].0, &ws[0].2);
		run_to_block(1 + T1 + T2);
		assert!(FinalizedSequences::<Test>::contains_key(id, ws[0].0));
		assert_eq!(Sequences::<Test>::get(id, ws[1].0).unwrap().attempt, 1);
		assert_eq!(SettlementCursor::<Test>::get(), Some(2 + T1 + T2));
	});
}

#[test]
fn not_touch_pending_sequences() {
	new_test_ext().execute_with(|| {
		// 204 pending sequences, `MaxSequencesInFlight` per rollup.
		let rollups: Vec<_> = (0..34)
			.map(|_| {
				let id = register_with(RollupParams { reward_per_sequence: 1, ..params() });
				frame_support::assert_ok!(Zkpow::fund_rollup(
					RuntimeOrigin::signed(owner()),
					id,
					1_000
				));
				for _ in 0..MAX_IN_FLIGHT {
					submit(id, 1);
				}
				id
			})
			.collect();
		let next = System::block_number() + 1;
		System::set_block_number(next);
		let weight = Zkpow::on_initialize(next);
		assert_eq!(
			weight,
			<() as WeightInfo>::on_initialize_idle()
				.saturating_add(Zkpow::pruning_weight(0))
				.saturating_add(Zkpow::block_records_pruning_weight())
		);
		assert!(rollups.iter().all(|id| rollup(*id).in_flight == MAX_IN_FLIGHT));
	});
}

/// Attack: miners commit to a sequence and never reveal while one of them proves it. If
/// finalizing charged only for the payouts, every such window would slash for free, and a
/// block settling many of them would do more work than its weight admits.
#[test]
fn charge_a_finalization_for_the_slashes_it_makes() {
	use crate::weights::WeightInfo;
	new_test_ext().execute_with(|| {
		let s = open_window(3);
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		commit(&miner(2), s.rollup_id, s.index, &s.proofs[2]);
		run_to_block(s.b + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		let deadline = s.b + T1 + T2;
		run_to_block(deadline - 1);
		System::set_block_number(deadline);

		let charged = Zkpow::on_initialize(deadline);

		assert!(FinalizedSequences::<Test>::contains_key(s.rollup_id, s.index));
		assert_eq!(held_bond(&miner(1)), MIN_BOND * 2 - NO_PROOF_PENALTY);
		let slashing = <() as WeightInfo>::settle_finalized_slashing(3);
		assert!(slashing.any_gt(<() as WeightInfo>::settle_finalized(3)));
		assert!(charged.all_gte(slashing), "{charged:?} does not cover {slashing:?}");
		// A finalization where everyone proved is charged for payouts (and the block's
		// record hashes) only.
		assert_eq!(
			Zkpow::finalization_weight(3, 0),
			<() as WeightInfo>::settle_finalized(3)
				.saturating_add(<Test as frame_system::Config>::DbWeight::get().reads_writes(1, 1))
		);
	});
}
