//! Sequence submission: continuity of batch numbers and roots, escrow, statement.

use super::*;
use frame_support::{assert_noop, assert_ok};
use zkpow_primitives::{sequence_commitment, SequenceStatement};

#[test]
fn continue_batch_numbers_and_state_roots() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let first = submit(id, 3);
		let s0 = Sequences::<Test>::get(id, first).unwrap();
		assert_eq!((first, s0.start_batch, s0.batch_count), (0, 1, 3));
		assert_eq!(s0.prev_state_root, [0; 32]);
		assert_eq!(s0.new_state_root, batches(3, 0)[2].state_root);
		assert_eq!(s0.data_commitment, sequence_commitment(&batches(3, 0)));
		assert_eq!(s0.reward, REWARD);
		assert_eq!((s0.attempt, s0.window.is_none()), (0, true));
		assert_eq!(SequenceBatches::<Test>::get(id, first).unwrap(), batches(3, 0));
		assert_eq!(
			last_event(),
			Event::SequenceSubmitted {
				rollup_id: id,
				sequence_index: 0,
				start_batch: 1,
				prev_state_root: [0; 32],
				new_state_root: s0.new_state_root,
				data_commitment: s0.data_commitment,
				reward: REWARD,
				deposit: SEQUENCE_DEPOSIT_BASE + 3 * SEQUENCE_DEPOSIT_PER_BATCH,
				batches: batches(3, 0),
			}
		);

		let second = submit(id, 2);
		let s1 = Sequences::<Test>::get(id, second).unwrap();
		assert_eq!((second, s1.start_batch, s1.batch_count), (1, 4, 2));
		assert_eq!(s1.prev_state_root, s0.new_state_root);

		let r = rollup(id);
		assert_eq!((r.last_batch, r.next_sequence, r.in_flight), (5, 2, 2));
		assert_eq!(r.last_state_root, s1.new_state_root);
		assert_eq!((r.pool, r.escrowed), (POOL - 2 * REWARD, 2 * REWARD));
	});
}

#[test]
fn start_after_the_registered_last_batch() {
	new_test_ext().execute_with(|| {
		assert_ok!(Zkpow::register_rollup(
			RuntimeOrigin::signed(owner()),
			name(),
			base_chain(),
			vk(&keys().vk_bytes),
			sequencer(),
			params(),
			RollupGenesis { state_root: [7; 32], last_batch: 100 },
			None,
		));
		assert_ok!(Zkpow::fund_rollup(RuntimeOrigin::signed(owner()), 0, REWARD));
		submit(0, 1);
		let s = Sequences::<Test>::get(0, 0).unwrap();
		assert_eq!((s.start_batch, s.prev_state_root), (101, [7; 32]));
	});
}

#[test]
fn reject_submissions_that_are_not_the_sequencers() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		assert_noop!(
			Zkpow::submit_sequence(RuntimeOrigin::signed(owner()), id, 1, [0; 32], batches(1, 0)),
			Error::<Test>::NotSequencer
		);
		assert_noop!(
			Zkpow::submit_sequence(
				RuntimeOrigin::signed(sequencer()),
				5,
				1,
				[0; 32],
				batches(1, 0)
			),
			Error::<Test>::RollupNotFound
		);
		assert_noop!(submit_batches(id, BoundedVec::new()), Error::<Test>::EmptySequence);
	});
}

#[test]
fn reject_a_sequence_the_pool_cannot_pay() {
	new_test_ext().execute_with(|| {
		let id = register_with(params());
		assert_noop!(submit_batches(id, batches(1, 0)), Error::<Test>::InsufficientPool);
		assert_ok!(Zkpow::fund_rollup(RuntimeOrigin::signed(owner()), id, REWARD));
		submit(id, 1);
		assert_eq!((rollup(id).pool, rollup(id).escrowed), (0, REWARD));
		assert_noop!(submit_batches(id, batches(1, 0)), Error::<Test>::InsufficientPool);
	});
}

#[test]
fn derive_the_statement_from_stored_data_and_the_prover() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		submit(id, 1);
		let index = submit(id, 4);
		let seq = Sequences::<Test>::get(id, index).unwrap();
		let prev = Sequences::<Test>::get(id, 0).unwrap().new_state_root;
		let expected = SequenceStatement::new(
			id,
			index,
			prev,
			&batches(4, (index as u8).wrapping_mul(16)),
			*miner(3).as_ref(),
		);
		assert_eq!(Zkpow::statement_of(id, index, &seq, &miner(3)), expected);
	});
}
