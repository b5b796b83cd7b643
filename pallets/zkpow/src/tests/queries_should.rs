//! Queries behind the runtime API.

use super::*;
use crate::queries::WindowPhase;
use frame_support::assert_ok;

#[test]
fn list_open_tasks_by_priority_with_a_start_batch_filter() {
	new_test_ext().execute_with(|| {
		// Rollup 0 at batches 1.., rollup 1 registered at batch 2 so they interleave.
		let a = setup_rollup();
		assert_ok!(Zkpow::register_rollup(
			RuntimeOrigin::signed(owner()),
			name(),
			base_chain(),
			vk(&keys().vk_bytes),
			sequencer(),
			params(),
			RollupGenesis { state_root: [0; 32], last_batch: 2 },
			None,
		));
		let b = 1;
		assert_ok!(Zkpow::fund_rollup(RuntimeOrigin::signed(owner()), b, POOL));
		submit(a, 2); // a/0: batches 1-2
		submit(a, 2); // a/1: batches 3-4
		submit(b, 1); // b/0: batch 3
		submit(b, 3); // b/1: batches 4-6

		let order: Vec<_> = Zkpow::open_tasks(None, None, 10)
			.iter()
			.map(|t| (t.rollup_id, t.sequence_index, t.start_batch))
			.collect();
		assert_eq!(order, vec![(a, 0, 1), (a, 1, 3), (b, 0, 3), (b, 1, 4)]);

		let from_4: Vec<_> = Zkpow::open_tasks(None, Some(4), 10)
			.iter()
			.map(|t| (t.rollup_id, t.sequence_index))
			.collect();
		assert_eq!(from_4, vec![(b, 1)]);
		assert_eq!(Zkpow::open_tasks(None, None, 2).len(), 2);
		let only_b: Vec<_> =
			Zkpow::open_tasks(Some(b), None, 10).iter().map(|t| t.sequence_index).collect();
		assert_eq!(only_b, vec![0, 1]);
		let t = &Zkpow::open_tasks(Some(a), None, 1)[0];
		assert_eq!((t.batch_count, t.reward, t.attempt, t.committers), (2, REWARD, 0, 0));
		assert_eq!(t.phase, WindowPhase::Pending);
	});
}

#[test]
fn report_each_phase_with_the_blocks_where_it_ends() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		let phase = || Zkpow::sequence_status(s.rollup_id, s.index).unwrap().phase;
		assert_eq!(
			phase(),
			WindowPhase::Commit { commit_ends_at: s.b + T1, reveal_ends_at: s.b + T1 + T2 }
		);
		run_to_block(s.b + T1);
		assert_eq!(phase(), WindowPhase::Reveal { reveal_ends_at: s.b + T1 + T2 });
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		let status = Zkpow::sequence_status(s.rollup_id, s.index).unwrap();
		assert_eq!(status.window_opened_at, Some(s.b));
		assert_eq!(status.committers.len(), 1);
		assert_eq!(status.committers[0].outcome, RevealOutcome::Valid);
		assert_eq!(status.prover, Some(miner(0)));
		assert_eq!(status.batches, batches(2, 0).to_vec());

		run_to_block(s.b + T1 + T2 - 1);
		// The deadline block before its settlement ran.
		System::set_block_number(s.b + T1 + T2);
		assert_eq!(phase(), WindowPhase::Settling { reveal_ends_at: s.b + T1 + T2 });
		System::set_block_number(s.b + T1 + T2 - 1);
		run_to_block(s.b + T1 + T2);
		let status = Zkpow::sequence_status(s.rollup_id, s.index).unwrap();
		assert_eq!(status.phase, WindowPhase::Finalized { finalized_at: s.b + T1 + T2 });
		assert_eq!(status.proof, Some(s.proofs[0].clone()));
		assert_eq!(status.prover, Some(miner(0)));
		assert!(Zkpow::sequence_status(s.rollup_id, 9).is_none());
		assert!(Zkpow::open_tasks(None, None, 10).is_empty());
	});
}

#[test]
fn report_miners_and_rollups() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 10));
		let info = Zkpow::miner_info(&miner(0)).unwrap();
		assert_eq!(info.bonded, MIN_BOND * 2 - 10);
		assert_eq!(info.unbonding.len(), 1);
		assert_eq!(info.open_commitments.len(), 1);
		assert_eq!(info.exposure, NO_PROOF_PENALTY + INVALID_PROOF_PENALTY);
		assert!(Zkpow::miner_info(&nobody()).is_none());

		let r = Zkpow::rollup_info(s.rollup_id).unwrap();
		assert_eq!((r.pool, r.escrowed, r.in_flight), (POOL - REWARD, REWARD, 1));
		assert_eq!(r.name, b"test rollup".to_vec());
		assert_eq!(r.owner, owner());
		assert!(Zkpow::rollup_info(9).is_none());
	});
}

#[test]
fn check_a_proof_as_a_reveal_would_without_changing_state() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let index = submit(id, 2);
		let proof = proof_for(id, index, &miner(0));
		let root = sp_io::storage::root(sp_runtime::StateVersion::V1);

		assert_eq!(Zkpow::check_proof(id, index, &miner(0), &proof), Some(Ok(())));
		// The statement is bound to the prover: the same proof fails for anyone else.
		assert!(matches!(
			Zkpow::check_proof(id, index, &miner(1), &proof),
			Some(Err(VerificationError::Groth16(_)))
		));
		assert!(matches!(
			Zkpow::check_proof(id, index, &miner(0), &proof[..100]),
			Some(Err(VerificationError::Groth16(_)))
		));
		assert_eq!(Zkpow::check_proof(id, index + 1, &miner(0), &proof), None);
		assert_eq!(Zkpow::check_proof(9, index, &miner(0), &proof), None);
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root);
	});
}
