//! Storage invariants checked by `try_state` (and after every block in the unit tests).
//!
//! - The pallet account holds at least the existential deposit plus every rollup's pool
//!   and escrow (more only if someone transferred to it directly).
//! - Each rollup's escrow is the sum of its in-flight sequences' rewards and `in_flight`
//!   is their number.
//! - Every miner's `MinerBond` hold equals its active plus unbonding bond, and every
//!   owner's `RegistrationDeposit` hold equals the deposits of its rollups.
//! - Every open window is on the agenda under its deadline, at or after the settlement
//!   cursor, and each of its committers has it among its open commitments.

use crate::{pallet::*, BalanceOf};
use alloc::collections::btree_map::BTreeMap;
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
		let cursor = SettlementCursor::<T>::get();
		for (rollup_id, index, s) in Sequences::<T>::iter() {
			let e = escrow.entry(rollup_id).or_insert((Zero::zero(), 0));
			e.0 = e.0.saturating_add(s.reward);
			e.1 += 1;
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

		for (miner, l) in Miners::<T>::iter() {
			check(
				T::Currency::balance_on_hold(&HoldReason::MinerBond.into(), &miner)
					== l.total_held(),
				"miner bond hold differs from its ledger",
			)?;
			check(!l.is_empty(), "empty miner ledger kept")?;
		}
		Ok(())
	}
}
