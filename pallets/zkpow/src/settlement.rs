//! Settlement of proving windows through the deadline agenda.
//!
//! A window that opens at block `b` is appended to `Agenda[d]`, its deadline: `b + T1 + T2`,
//! or the next block with room when that one already holds `MaxSettlementsPerBlock`
//! windows. Since no block's agenda holds more than one block settles, `on_initialize`
//! settles every window in its deadline block. It walks the agenda from `SettlementCursor`
//! up to the current block (the cursor only lags after a runtime upgrade that shrank the
//! bound) and settles at most `MaxSettlementsPerBlock` windows. Only due entries are
//! touched: the cost of a block does not depend on how many sequences are pending.
//!
//! Finalized records are pruned `FinalizedRetention` blocks after finalization, through a
//! second agenda (`FinalizedExpiry`), as bounded as the first.
//!
//! Each finalization also appends the sequence's record hash to its block's
//! `BlockRecords`, whose root the bridge's BEEFY MMR leaf carries; those are removed two
//! blocks later.

use crate::{
	pallet::*, weights::WeightInfo, AgendaEntry, BalanceOf, FinalizedSequence, RevealOutcome,
	SlashReason,
};
use frame_support::{pallet_prelude::*, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{SaturatedConversion, Saturating, Zero},
	Rounding,
};
use zkpow_primitives::{record::FinalizedRecord, Bytes32};

impl<T: Config> Pallet<T> {
	/// Weight of settling one window with `committers` commitments, whichever the outcome.
	pub fn settlement_weight(committers: u32) -> Weight {
		Self::finalization_weight(committers, committers.saturating_sub(1))
			.max(T::WeightInfo::settle_reopened(committers))
	}

	/// Weight of finalizing a window with `committers` commitments of which `slashed`
	/// revealed no valid proof: the payouts, the record and, for each slash, the penalty.
	pub fn finalization_weight(committers: u32, slashed: u32) -> Weight {
		let paid = T::WeightInfo::settle_finalized(committers);
		let paid = if slashed == 0 {
			paid
		} else {
			paid.max(T::WeightInfo::settle_finalized_slashing(committers))
		};
		// The block's record hashes (`record_finalized`).
		paid.saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}

	/// Upper bound of `on_initialize`: every allowed settlement with the maximum number of
	/// committers, plus one agenda visit per settlement, plus a full block of pruning.
	pub fn worst_case_settlement_weight() -> Weight {
		let n = T::MaxSettlementsPerBlock::get() as u64;
		T::WeightInfo::on_initialize_idle()
			.saturating_add(Self::settlement_weight(T::MaxCommitters::get()).saturating_mul(n))
			.saturating_add(T::DbWeight::get().reads_writes(1, 1).saturating_mul(n))
			.saturating_add(Self::pruning_weight(T::MaxSettlementsPerBlock::get()))
			.saturating_add(Self::block_records_pruning_weight())
	}

	/// Weight of pruning `records` finalized records (one agenda read and write, one
	/// removal each).
	pub fn pruning_weight(records: u32) -> Weight {
		T::DbWeight::get().reads_writes(1, 1 + records as u64)
	}

	/// Removes the finalized records whose retention ends at `now`.
	pub(crate) fn prune_finalized(now: BlockNumberFor<T>) -> Weight {
		let expired = FinalizedExpiry::<T>::take(now);
		for (rollup_id, sequence_index) in expired.iter() {
			FinalizedSequences::<T>::remove(rollup_id, sequence_index);
		}
		Self::pruning_weight(expired.len() as u32)
	}

	/// Removes the record hashes of block `now - 2`: the MMR leaf of block `now - 2` was
	/// made in block `now - 1`.
	pub(crate) fn prune_block_records(now: BlockNumberFor<T>) -> Weight {
		if now >= 2u32.into() {
			BlockRecords::<T>::remove(now - 2u32.into());
		}
		Self::block_records_pruning_weight()
	}

	/// Weight of pruning a block's record hashes (`BlockRecords`): one removal, every block.
	pub fn block_records_pruning_weight() -> Weight {
		T::DbWeight::get().writes(1)
	}

	/// Appends a finalized sequence's record hash to block `now`'s records.
	fn record_finalized(now: BlockNumberFor<T>, record_hash: Bytes32) {
		// At most `MaxSettlementsPerBlock` sequences finalize in a block, so this fits.
		let _ = BlockRecords::<T>::try_append(now, record_hash);
	}

	/// The Merkle root over the records of the sequences finalized in `block`
	/// ([`zkpow_primitives::record::records_root`]; 32 zero bytes when none, or when the
	/// block's records were pruned): the extra data of that block's BEEFY MMR leaf.
	pub fn records_root(block: BlockNumberFor<T>) -> Bytes32 {
		zkpow_primitives::record::records_root(&BlockRecords::<T>::get(block))
	}

	/// Settles the windows due at or before `now`, oldest first, within the per-block bound.
	pub(crate) fn settle_due(now: BlockNumberFor<T>) -> Weight {
		let max = T::MaxSettlementsPerBlock::get();
		let mut weight = T::WeightInfo::on_initialize_idle();
		let mut cursor = SettlementCursor::<T>::get().unwrap_or(now);
		let mut settled = 0u32;
		// One visit per agenda block; visits beyond the first are bounded like settlements.
		let mut visits = 0u32;

		while cursor <= now && settled < max && visits <= max {
			if visits > 0 {
				weight.saturating_accrue(T::DbWeight::get().reads_writes(1, 1));
			}
			visits += 1;
			let due = Agenda::<T>::take(cursor);
			let room = (max - settled) as usize;
			let (now_due, later) = if due.len() > room {
				let mut all = due.into_inner();
				let rest = all.split_off(room);
				(all, Some(rest))
			} else {
				(due.into_inner(), None)
			};
			for (rollup_id, sequence_index) in now_due {
				weight.saturating_accrue(Self::settle(now, rollup_id, sequence_index));
				settled += 1;
			}
			if let Some(rest) = later {
				// Shorter than what was taken out, so it fits the bound.
				let rest: BoundedVec<AgendaEntry, T::MaxSettlementsPerBlock> =
					BoundedVec::truncate_from(rest);
				Agenda::<T>::insert(cursor, rest);
				break;
			}
			cursor.saturating_inc();
		}
		SettlementCursor::<T>::put(cursor);
		weight
	}

	/// Settles one window: finalize with a valid proof, or slash everyone and reopen.
	/// Returns the weight used.
	pub(crate) fn settle(
		now: BlockNumberFor<T>,
		rollup_id: zkpow_primitives::RollupId,
		sequence_index: zkpow_primitives::SequenceIndex,
	) -> Weight {
		let Some(mut sequence) = Sequences::<T>::get(rollup_id, sequence_index) else {
			return T::DbWeight::get().reads(1);
		};
		let Some(window) = sequence.window.take() else {
			return T::DbWeight::get().reads(1);
		};
		let committers = window.committers.len() as u32;
		// A frozen rollup's committers could not reveal: nobody is slashed for that, and
		// nothing is finalized while the rollup's verifier is under suspicion.
		let frozen = Frozen::<T>::contains_key(rollup_id);

		let mut slashed = 0u32;
		for c in window.committers.iter() {
			Self::close_commitment(&c.miner, rollup_id, sequence_index);
			if c.outcome != RevealOutcome::Valid && !frozen {
				slashed.saturating_inc();
				Self::slash_miner(
					&c.miner,
					rollup_id,
					sequence_index,
					window.no_proof_penalty,
					SlashReason::NoProof,
				);
			}
		}

		let Some(accepted) = window.accepted.filter(|_| !frozen) else {
			// Nobody proved it: back to pending, the next commit opens a fresh window.
			sequence.attempt = sequence.attempt.saturating_add(1);
			let attempt = sequence.attempt;
			Sequences::<T>::insert(rollup_id, sequence_index, sequence);
			Rollups::<T>::mutate(rollup_id, |r| {
				if let Some(r) = r {
					r.stats.windows_failed.saturating_inc();
				}
			});
			Self::deposit_event(Event::SequenceReopened { rollup_id, sequence_index, attempt });
			return T::WeightInfo::settle_reopened(committers);
		};

		// Split the escrowed reward pro rata to reward weight; dust stays in the pool.
		let valid: alloc::vec::Vec<_> =
			window.committers.iter().filter(|c| c.outcome == RevealOutcome::Valid).collect();
		let total_bond =
			valid.iter().fold(BalanceOf::<T>::zero(), |acc, c| acc.saturating_add(c.weight));
		let reward = sequence.reward;
		let mut remaining = reward;
		let mut provers = BoundedVec::<T::AccountId, T::MaxCommitters>::new();
		for c in valid.iter() {
			let share = if total_bond.is_zero() {
				reward / (valid.len() as u32).into()
			} else {
				multiply_by_rational_with_rounding(
					reward.saturated_into(),
					c.weight.saturated_into(),
					total_bond.saturated_into(),
					Rounding::Down,
				)
				.unwrap_or_default()
				.saturated_into()
			}
			.min(remaining);
			if Self::pay_miner(&c.miner, share) {
				remaining -= share;
				if !share.is_zero() {
					Self::deposit_event(Event::MinerRewarded {
						miner: c.miner.clone(),
						rollup_id,
						sequence_index,
						amount: share,
					});
				}
			}
			// Same bound as the committers list.
			let _ = provers.try_push(c.miner.clone());
		}

		Rollups::<T>::mutate(rollup_id, |r| {
			if let Some(r) = r {
				r.escrowed = r.escrowed.saturating_sub(reward);
				r.pool = r.pool.saturating_add(remaining);
				r.in_flight = r.in_flight.saturating_sub(1);
				r.stats.sequences_finalized.saturating_inc();
				r.stats.rewards_paid = r.stats.rewards_paid.saturating_add(reward - remaining);
				Self::sequence_done(rollup_id, r, sequence_index);
			}
		});
		Sequences::<T>::remove(rollup_id, sequence_index);
		let batches = SequenceBatches::<T>::take(rollup_id, sequence_index).unwrap_or_default();
		Self::release_sequence_deposit(&sequence.depositor, sequence.deposit);
		// At most `MaxSettlementsPerBlock` sequences finalize in a block, so this fits.
		let _ = FinalizedExpiry::<T>::try_append(
			now.saturating_add(T::FinalizedRetention::get()),
			(rollup_id, sequence_index),
		);
		FinalizedSequences::<T>::insert(
			rollup_id,
			sequence_index,
			FinalizedSequence {
				start_batch: sequence.start_batch,
				batch_count: sequence.batch_count,
				prev_state_root: sequence.prev_state_root,
				new_state_root: sequence.new_state_root,
				data_commitment: sequence.data_commitment,
				finalized_at: now,
				accepted: accepted.clone(),
			},
		);
		let event = Event::SequenceFinalized {
			rollup_id,
			sequence_index,
			start_batch: sequence.start_batch,
			batch_count: sequence.batch_count,
			prev_state_root: sequence.prev_state_root,
			new_state_root: sequence.new_state_root,
			data_commitment: sequence.data_commitment,
			proof: accepted.proof,
			prover: accepted.prover,
			provers,
			batches,
		};
		// The record is the event itself, so what the validators sign is what relayers read.
		if let Some(hash) = event.finalized_record_hash() {
			Self::record_finalized(now, hash);
		}
		Self::deposit_event(event);
		Self::finalization_weight(committers, slashed)
	}
}

impl<T: Config> Event<T> {
	/// The [`FinalizedRecord::hash`] of a `SequenceFinalized` event (`None` for any other
	/// event): the leaf of the block's records tree that the bridge's validators sign, and
	/// what a relayer computes from the events it reads.
	pub fn finalized_record_hash(&self) -> Option<Bytes32> {
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
		} = self
		else {
			return None;
		};
		let provers: alloc::vec::Vec<Bytes32> = provers.iter().map(|p| *p.as_ref()).collect();
		let record = FinalizedRecord {
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
		};
		Some(record.hash())
	}
}
