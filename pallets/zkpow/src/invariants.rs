//! Storage invariants checked by `try_state` (and after every block in the unit tests).
//!
//! - The pallet account holds at least the existential deposit plus every rollup's pool
//!   and escrow (more only if someone transferred to it directly).
//! - Each rollup's escrow is the sum of its in-flight sequences' rewards and `in_flight`
//!   is their number.
//! - Every miner's `MinerBond` hold equals its active plus unbonding bond, and every
//!   owner's `RegistrationDeposit` hold equals the deposits of its rollups.
//! - Every open window is on the agenda under its deadline, at or after the settlement
//!   cursor, and each of its committers has it among its open commitments; every agenda
//!   entry is an open window with that deadline; every open commitment of a ledger is a
//!   commitment in that window.
//! - Every sequencer's `SequenceDeposit` hold equals the deposits of its sequences in
//!   flight.
//! - Every finalized record is on the pruning agenda, and every pruning entry is a record.
//! - Every freeze, announced or retired key and prover package is of a registered rollup;
//!   a retired key counts exactly the sequences in flight that were submitted under it (at
//!   least one).

use crate::{pallet::*, BalanceOf};
use alloc::collections::{btree_map::BTreeMap, btree_set::BTreeSet};
use frame_support::traits::fungible::{Inspect, InspectHold};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};
use zkpow_primitives::RollupId;

fn check(condition: bool, message: &'static str) -> Result<(), TryRuntimeError> {
	if condition {
		Ok(())
	} else {
		Err(TryRuntimeError::Other(message))
	}
}

impl<T: Config> Pallet<T> {
	/// Sum of all pools and escrows: what the pallet account owes to rollups.
	pub fn total_owed() -> BalanceOf<T> {
		Rollups::<T>::iter_values().fold(Zero::zero(), |acc: BalanceOf<T>, r| {
			acc.saturating_add(r.pool).saturating_add(r.escrowed)
		})
	}

	/// Checks every invariant of the pallet's storage.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let pot = T::Currency::balance(&Self::pot_account());
		let owed = Self::total_owed();
		check(
			pot >= owed.saturating_add(T::Currency::minimum_balance()),
			"pallet account holds less than pools + escrows + existential deposit",
		)?;

		let mut escrow: BTreeMap<RollupId, (BalanceOf<T>, u32)> = BTreeMap::new();
		let mut sequence_deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let cursor = SettlementCursor::<T>::get();
		for (rollup_id, index, s) in Sequences::<T>::iter() {
			let e = escrow.entry(rollup_id).or_insert((Zero::zero(), 0));
			e.0 = e.0.saturating_add(s.reward);
			e.1 += 1;
			let d = sequence_deposits.entry(s.depositor.clone()).or_insert(Zero::zero());
			*d = d.saturating_add(s.deposit);
			check(
				SequenceBatches::<T>::contains_key(rollup_id, index),
				"sequence in flight without its batches",
			)?;
			if let Some(w) = s.window {
				check(
					Agenda::<T>::get(w.reveal_ends_at).contains(&(rollup_id, index)),
					"open window not on the agenda under its deadline",
				)?;
				check(
					cursor.is_none_or(|c| c <= w.reveal_ends_at),
					"open window behind the settlement cursor",
				)?;
				for c in w.committers.iter() {
					let open = Miners::<T>::get(&c.miner).is_some_and(|l| {
						l.open_commitments
							.iter()
							.any(|o| o.rollup_id == rollup_id && o.sequence_index == index)
					});
					check(open, "committer without the open commitment")?;
				}
			}
		}

		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (rollup_id, r) in Rollups::<T>::iter() {
			let (sum, count) = escrow.remove(&rollup_id).unwrap_or((Zero::zero(), 0));
			check(r.escrowed == sum, "rollup escrow differs from its sequences' rewards")?;
			check(r.in_flight == count, "rollup in_flight differs from its sequences")?;
			check(Verifiers::<T>::contains_key(rollup_id), "rollup without verifier")?;
			let d = deposits.entry(r.owner).or_insert(Zero::zero());
			*d = d.saturating_add(r.deposit);
		}
		check(escrow.is_empty(), "sequences of an unregistered rollup")?;
		for (owner, sum) in deposits {
			check(
				T::Currency::balance_on_hold(&HoldReason::RegistrationDeposit.into(), &owner)
					== sum,
				"registration deposit hold differs from the owner's rollups",
			)?;
		}

		for (depositor, sum) in sequence_deposits {
			check(
				T::Currency::balance_on_hold(&HoldReason::SequenceDeposit.into(), &depositor)
					== sum,
				"sequence deposit hold differs from the sequences in flight",
			)?;
		}

		for (miner, l) in Miners::<T>::iter() {
			check(
				T::Currency::balance_on_hold(&HoldReason::MinerBond.into(), &miner)
					== l.total_held(),
				"miner bond hold differs from its ledger",
			)?;
			check(!l.is_empty(), "empty miner ledger kept")?;
			for o in l.open_commitments.iter() {
				let committed = Sequences::<T>::get(o.rollup_id, o.sequence_index)
					.and_then(|s| s.window)
					.is_some_and(|w| w.committers.iter().any(|c| c.miner == miner));
				check(committed, "open commitment without its window commitment")?;
			}
		}

		for (deadline, entries) in Agenda::<T>::iter() {
			for (rollup_id, index) in entries {
				let open = Sequences::<T>::get(rollup_id, index)
					.and_then(|s| s.window)
					.is_some_and(|w| w.reveal_ends_at == deadline);
				check(open, "agenda entry without an open window with that deadline")?;
			}
		}

		let mut expiring = BTreeSet::new();
		for (_, entries) in FinalizedExpiry::<T>::iter() {
			for entry in entries {
				check(
					FinalizedSequences::<T>::contains_key(entry.0, entry.1),
					"pruning entry without a finalized record",
				)?;
				expiring.insert(entry);
			}
		}
		for (rollup_id, index, _) in FinalizedSequences::<T>::iter() {
			check(
				expiring.contains(&(rollup_id, index)),
				"finalized record not on the pruning agenda",
			)?;
		}
		for rollup_id in Frozen::<T>::iter_keys()
			.chain(PendingKeys::<T>::iter_keys())
			.chain(ProverPackages::<T>::iter_keys())
		{
			check(
				Rollups::<T>::contains_key(rollup_id),
				"freeze, key or prover package of an unregistered rollup",
			)?;
		}
		for (rollup_id, retired) in RetiredKeys::<T>::iter() {
			let under_it = Sequences::<T>::iter_prefix(rollup_id)
				.filter(|(index, _)| *index <= retired.last_index)
				.count() as u32;
			check(
				retired.remaining > 0 && retired.remaining == under_it,
				"retired key count differs from its sequences in flight",
			)?;
		}
		Ok(())
	}
}
