//! The records of finalized sequences the bridge signs: one per `SequenceFinalized`
//! event, in event order, under the block's `records_root`, pruned once the next block's
//! MMR leaf has taken the root.

use super::*;
use zkpow_primitives::record::{records_root, FinalizedRecord};

/// The record hash of a `SequenceFinalized` event, computed here from the event's fields
/// independently of `Event::finalized_record_hash`.
fn record_hash_of(event: &Event<Test>) -> Bytes32 {
	let Event::SequenceFinalized {
		rollup_id,
		sequence_index,
		start_batch,
		batch_count,
		prev_state_root,
		new_state_root,
		data_commitment,
		proof,
		prover,
		provers,
		..
	} = event
	else {
		panic!("not a SequenceFinalized event: {event:?}");
	};
	let provers: Vec<Bytes32> = provers.iter().map(|p| *p.as_ref()).collect();
	FinalizedRecord {
		rollup_id: *rollup_id,
		sequence_index: *sequence_index,
		start_batch: *start_batch,
		batch_count: *batch_count,
		prev_state_root: *prev_state_root,
		new_state_root: *new_state_root,
		data_commitment: *data_commitment,
		proof,
		prover: *prover.as_ref(),
		provers: &provers,
	}
	.hash()
}

fn finalized_events() -> Vec<Event<Test>> {
	zkpow_events()
		.into_iter()
		.filter(|e| matches!(e, Event::SequenceFinalized { .. }))
		.collect()
}

#[test]
fn record_a_finalized_sequence_in_its_block_as_its_event_states_it() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		run_to_block(s.b + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		reveal(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		let deadline = s.b + T1 + T2;
		run_to_block(deadline - 1);
		assert!(BlockRecords::<Test>::get(deadline).is_empty());
		assert_eq!(Zkpow::records_root(deadline), [0u8; 32]);

		run_to_block(deadline);
		let events = finalized_events();
		assert_eq!(events.len(), 1);
		let hash = record_hash_of(&events[0]);
		assert_eq!(events[0].finalized_record_hash(), Some(hash));
		assert_eq!(BlockRecords::<Test>::get(deadline).into_inner(), vec![hash]);
		assert_eq!(Zkpow::records_root(deadline), records_root(&[hash]));
		// Both provers are in the record: a relayer that drops one cannot prove it.
		let Event::SequenceFinalized { provers, .. } = &events[0] else { unreachable!() };
		assert_eq!(provers.to_vec(), vec![miner(0), miner(1)]);
	});
}

#[test]
fn keep_a_blocks_records_for_the_next_blocks_leaf_then_prune_them() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		run_to_block(s.b + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		let deadline = s.b + T1 + T2;
		run_to_block(deadline);
		let root = Zkpow::records_root(deadline);
		assert_ne!(root, [0u8; 32]);

		// The MMR leaf of `deadline` is made in `deadline + 1`: the root is still there.
		run_to_block(deadline + 1);
		assert_eq!(Zkpow::records_root(deadline), root);
		run_to_block(deadline + 2);
		assert!(!BlockRecords::<Test>::contains_key(deadline));
		assert_eq!(Zkpow::records_root(deadline), [0u8; 32]);
	});
}

#[test]
fn record_sequences_finalized_in_one_block_in_event_order() {
	new_test_ext().execute_with(|| {
		let a = setup_rollup();
		let b = setup_rollup();
		let (ia, ib) = (submit(a, 1), submit(b, 2));
		bond(&miner(0), MIN_BOND * 2);
		bond(&miner(1), MIN_BOND * 2);
		let pa = proof_for(a, ia, &miner(0));
		let pb = proof_for(b, ib, &miner(1));
		run_to_block(10);
		commit(&miner(1), b, ib, &pb);
		commit(&miner(0), a, ia, &pa);
		run_to_block(10 + T1);
		reveal(&miner(0), a, ia, &pa);
		reveal(&miner(1), b, ib, &pb);
		run_to_block(10 + T1 + T2);

		let hashes: Vec<Bytes32> = finalized_events().iter().map(record_hash_of).collect();
		assert_eq!(hashes.len(), 2);
		assert_ne!(hashes[0], hashes[1]);
		assert_eq!(BlockRecords::<Test>::get(10 + T1 + T2).into_inner(), hashes);
		assert_eq!(Zkpow::records_root(10 + T1 + T2), records_root(&hashes));
	});
}

/// A window that closes without a valid proof finalizes nothing, so it records nothing:
/// no root the validators sign can carry a sequence the chain did not finalize.
#[test]
fn record_nothing_for_a_window_that_reopens() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		let deadline = s.b + T1 + T2;
		run_to_block(deadline);
		assert!(matches!(last_event(), Event::SequenceReopened { .. }));
		assert_eq!(last_event().finalized_record_hash(), None);
		assert!(BlockRecords::<Test>::get(deadline).is_empty());
		assert_eq!(Zkpow::records_root(deadline), [0u8; 32]);
	});
}
