//! Miner bonds: bonding, unbonding, withdrawal, and the slashing and rewarding of bonds.

use crate::{pallet::*, BalanceOf, MinerLedgerOf, SlashReason, UnbondingChunk};
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Precision, Preservation},
	},
};
use sp_runtime::traits::{Saturating, Zero};
use zkpow_primitives::{RollupId, SequenceIndex};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_bond(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		T::Currency::hold(&HoldReason::MinerBond.into(), &who, amount)?;
		Miners::<T>::mutate(&who, |ledger| {
			let ledger = ledger.get_or_insert_with(MinerLedgerOf::<T>::default);
			ledger.bonded = ledger.bonded.saturating_add(amount);
		});
		Self::deposit_event(Event::Bonded { miner: who, amount });
		Ok(())
	}

	pub(crate) fn do_unbond(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut ledger = Miners::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
		ensure!(ledger.bonded >= amount, Error::<T>::InsufficientBond);
		let unlock_at = Self::now().saturating_add(Limits::<T>::get().unbonding_period);
		ledger.bonded -= amount;
		match ledger.unbonding.iter_mut().find(|c| c.unlock_at == unlock_at) {
			Some(chunk) => chunk.amount = chunk.amount.saturating_add(amount),
			None => ledger
				.unbonding
				.try_push(UnbondingChunk { amount, unlock_at })
				.map_err(|_| Error::<T>::TooManyUnbondingChunks)?,
		}
		Miners::<T>::insert(&who, ledger);
		Self::deposit_event(Event::Unbonded { miner: who, amount, unlock_at });
		Ok(())
	}

	pub(crate) fn do_withdraw_unbonded(who: T::AccountId) -> DispatchResult {
		let mut ledger = Miners::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
		let now = Self::now();
		let (unlocked, locked): (BalanceOf<T>, BalanceOf<T>) =
			ledger.unbonding.iter().fold((Zero::zero(), Zero::zero()), |(u, l), c| {
				if c.unlock_at <= now {
					(u.saturating_add(c.amount), l)
				} else {
					(u, l.saturating_add(c.amount))
				}
			});
		// Whatever the rest of the held funds cannot cover of the open commitments' worst case
		// stays held.
		let keep = ledger.exposure().saturating_sub(ledger.bonded.saturating_add(locked));
		let amount = unlocked.saturating_sub(keep);
		ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);

		T::Currency::release(&HoldReason::MinerBond.into(), &who, amount, Precision::Exact)?;
		ledger.unbonding.retain(|c| c.unlock_at > now);
		let kept = unlocked - amount;
		if !kept.is_zero() {
			// Room is guaranteed: at least one unlocked chunk was just removed.
			let _ = ledger.unbonding.try_insert(0, UnbondingChunk { amount: kept, unlock_at: now });
		}
		if ledger.is_empty() {
			Miners::<T>::remove(&who);
		} else {
			Miners::<T>::insert(&who, ledger);
		}
		Self::deposit_event(Event::Withdrawn { miner: who, amount });
		Ok(())
	}

	/// Slashes up to `amount` from a miner's held bond (active bond first, then unbonding
	/// chunks, latest unlock first) into the treasury; the rollup's stats count it, its pool
	/// never receives it. Capped by what is held. Returns the amount slashed.
	pub(crate) fn slash_miner(
		miner: &T::AccountId,
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		amount: BalanceOf<T>,
		reason: SlashReason,
	) -> BalanceOf<T> {
		let Some(mut ledger) = Miners::<T>::get(miner) else { return Zero::zero() };
		let wanted = amount.min(ledger.total_held());
		let slashed = Self::take_held_bond(miner, wanted);

		let mut rest = slashed;
		let from_bond = rest.min(ledger.bonded);
		ledger.bonded -= from_bond;
		rest -= from_bond;
		for chunk in ledger.unbonding.iter_mut().rev() {
			if rest.is_zero() {
				break;
			}
			let take = rest.min(chunk.amount);
			chunk.amount -= take;
			rest -= take;
		}
		ledger.unbonding.retain(|c| !c.amount.is_zero());
		if !slashed.is_zero() {
			MinerHistory::<T>::mutate(miner, |t| t.slashed = t.slashed.saturating_add(slashed));
		}
		if ledger.is_empty() {
			Miners::<T>::remove(miner);
		} else {
			Miners::<T>::insert(miner, ledger);
		}

		if !slashed.is_zero() {
			Rollups::<T>::mutate(rollup_id, |r| {
				if let Some(r) = r {
					r.stats.miners_slashed = r.stats.miners_slashed.saturating_add(slashed);
				}
			});
		}
		Self::deposit_event(Event::MinerSlashed {
			miner: miner.clone(),
			rollup_id,
			sequence_index,
			amount: slashed,
			reason,
		});
		slashed
	}

	/// Pays `amount` from the pallet account to a miner. Returns whether it was paid (it
	/// cannot fail for a bonded miner; if it did, the caller keeps the amount in the pool).
	pub(crate) fn pay_miner(miner: &T::AccountId, amount: BalanceOf<T>) -> bool {
		if amount.is_zero() {
			return true;
		}
		if T::Currency::transfer(&Self::pot_account(), miner, amount, Preservation::Preserve)
			.is_err()
		{
			return false;
		}
		MinerHistory::<T>::mutate(miner, |t| t.rewards = t.rewards.saturating_add(amount));
		true
	}

	/// Removes the open commitment of `miner` on a sequence (its window settled).
	pub(crate) fn close_commitment(
		miner: &T::AccountId,
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
	) {
		Miners::<T>::mutate_exists(miner, |maybe| {
			if let Some(ledger) = maybe {
				if let Some(pos) = ledger
					.open_commitments
					.iter()
					.position(|c| c.rollup_id == rollup_id && c.sequence_index == sequence_index)
				{
					ledger.open_commitments.swap_remove(pos);
				}
				if ledger.is_empty() {
					*maybe = None;
				}
			}
		});
	}
}
