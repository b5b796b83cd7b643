//! What the relayer takes from a block's events: the batch headers of submitted sequences
//! and the finalized sequences, complete with the batch headers `SequenceFinalized`
//! carries (so no old state is needed to deliver them).

use crate::appchain::EventRecords;
use pallet_zkpow::Event as ZkpowEvent;
use zkpow_contracts::SequenceDelivery;
use zkpow_primitives::{BatchHeader, RollupId, SequenceIndex};
use zkpow_runtime::RuntimeEvent;

/// The pallet-zkpow events of one block that matter to the relayer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
	/// `SequenceSubmitted`: rollup, index and batch headers.
	pub submitted: Vec<(RollupId, SequenceIndex, Vec<BatchHeader>)>,
	/// `SequenceFinalized`, as deliveries, with the batch count the event announces.
	pub finalized: Vec<(SequenceDelivery, u32)>,
}

/// Picks the submitted and finalized sequences out of a block's events, in event order.
pub fn extract(events: &EventRecords) -> Extracted {
	let mut out = Extracted::default();
	for record in events {
		match &record.event {
			RuntimeEvent::Zkpow(ZkpowEvent::SequenceSubmitted {
				rollup_id,
				sequence_index,
				batches,
				..
			}) => out.submitted.push((*rollup_id, *sequence_index, batches.to_vec())),
			RuntimeEvent::Zkpow(ZkpowEvent::SequenceFinalized {
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
				batches,
			}) => out.finalized.push((
				SequenceDelivery {
					rollup_id: *rollup_id,
					sequence_index: *sequence_index,
					start_batch: *start_batch,
					prev_state_root: *prev_state_root,
					new_state_root: *new_state_root,
					data_commitment: *data_commitment,
					proof: proof.to_vec(),
					prover: *AsRef::<[u8; 32]>::as_ref(prover),
					provers: provers.iter().map(|p| *AsRef::<[u8; 32]>::as_ref(p)).collect(),
					batches: batches.to_vec(),
				},
				*batch_count,
			)),
			_ => {},
		}
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_system::{EventRecord, Phase};
	use sp_core::H256;
	use zkpow_runtime::AccountId;

	fn record(event: ZkpowEvent<zkpow_runtime::Runtime>) -> EventRecord<RuntimeEvent, H256> {
		EventRecord {
			phase: Phase::Initialization,
			event: RuntimeEvent::Zkpow(event),
			topics: vec![],
		}
	}

	#[test]
	fn submitted_and_finalized_sequences_are_picked_in_order() {
		let header = BatchHeader { state_root: [2; 32], data_hash: [3; 32] };
		let miner = AccountId::from([9u8; 32]);
		let other = AccountId::from([8u8; 32]);
		let events = vec![
			record(ZkpowEvent::RollupPaused { rollup_id: 1 }),
			record(ZkpowEvent::SequenceSubmitted {
				rollup_id: 1,
				sequence_index: 4,
				start_batch: 10,
				prev_state_root: [1; 32],
				new_state_root: [2; 32],
				data_commitment: [5; 32],
				reward: 7,
				deposit: 3,
				batches: vec![header.clone()].try_into().unwrap(),
			}),
			record(ZkpowEvent::SequenceFinalized {
				rollup_id: 1,
				sequence_index: 3,
				start_batch: 8,
				batch_count: 2,
				prev_state_root: [0; 32],
				new_state_root: [1; 32],
				data_commitment: [6; 32],
				proof: vec![1, 2, 3].try_into().unwrap(),
				prover: miner.clone(),
				provers: vec![miner, other].try_into().unwrap(),
				batches: vec![header.clone(), header.clone()].try_into().unwrap(),
			}),
		];
		let extracted = extract(&events);
		assert_eq!(extracted.submitted, vec![(1, 4, vec![header.clone()])]);
		let (delivery, count) = &extracted.finalized[0];
		assert_eq!(*count, 2);
		assert_eq!((delivery.rollup_id, delivery.sequence_index, delivery.start_batch), (1, 3, 8));
		assert_eq!(delivery.proof, vec![1, 2, 3]);
		assert_eq!(delivery.prover, [9; 32]);
		assert_eq!(delivery.provers, vec![[9; 32], [8; 32]]);
		assert_eq!(delivery.batches, vec![header.clone(), header]);
	}
}
