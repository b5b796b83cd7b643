//! Verifying-key rotation under notice: an owner announces a new key; it verifies the
//! sequences submitted once the notice period is over, while every sequence submitted
//! before keeps the key it was submitted (and proven) under.
//!
//! Timeline of a rotation: `rotate_verifying_key` validates the key, holds its bytes'
//! deposit and stores it in [`PendingKeys`]; the first submission at or after
//! `effective_at` promotes it (into [`Verifiers`], the rollup's kind and batch capacity
//! with it) and moves the old key to [`RetiredKeys`] together with the last sequence
//! submitted under it and how many of those are in flight; each of them finalized or
//! cancelled counts down, and at zero the old key and its bytes' deposit are released.

use crate::{pallet::*, BalanceOf, PendingKey, RetiredKey, RollupInfoOf, VerifierConfigOf};
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, Zero};
use zkpow_primitives::{RollupId, SequenceIndex};

impl<T: Config> Pallet<T> {
	/// The deposit for `len` bytes of key.
	fn key_deposit(len: usize) -> BalanceOf<T> {
		T::RollupDepositPerByte::get().saturating_mul((len as u32).into())
	}

	pub(crate) fn do_announce_key(
		who: T::AccountId,
		rollup_id: RollupId,
		verifier: VerifierConfigOf<T>,
	) -> DispatchResult {
		let mut rollup = Rollups::<T>::get(rollup_id).ok_or(Error::<T>::RollupNotFound)?;
		ensure!(rollup.owner == who, Error::<T>::NotRollupOwner);
		ensure!(
			!PendingKeys::<T>::contains_key(rollup_id)
				&& !RetiredKeys::<T>::contains_key(rollup_id),
			Error::<T>::KeyRotationInProgress
		);
		verifier.kind.validate_key(&verifier.key).map_err(Self::key_error)?;
		let extra = Self::key_deposit(verifier.key.len());
		T::Currency::hold(&HoldReason::RegistrationDeposit.into(), &who, extra)?;
		rollup.deposit = rollup.deposit.saturating_add(extra);
		let effective_at = Self::now().saturating_add(T::TermsNoticePeriod::get());
		let kind = verifier.kind;
		PendingKeys::<T>::insert(rollup_id, PendingKey { verifier, effective_at });
		let deposit = rollup.deposit;
		Rollups::<T>::insert(rollup_id, rollup);
		Self::deposit_event(Event::KeyRotationAnnounced { rollup_id, kind, effective_at, deposit });
		Ok(())
	}

	/// Puts an announced key whose notice is over in force, before a submission at `now`
	/// (in `rollup`, which the caller stores). Sequences up to the rollup's last one stay
	/// with the old key, which is retired while any of them is in flight.
	pub(crate) fn promote_key(
		rollup_id: RollupId,
		rollup: &mut RollupInfoOf<T>,
		now: BlockNumberFor<T>,
	) {
		let Some(pending) = PendingKeys::<T>::get(rollup_id) else { return };
		if pending.effective_at > now {
			return;
		}
		PendingKeys::<T>::remove(rollup_id);
		let kind = pending.verifier.kind;
		rollup.verifier = kind;
		rollup.batch_capacity = Self::capacity_of(&pending.verifier);
		let old = Verifiers::<T>::take(rollup_id);
		Verifiers::<T>::insert(rollup_id, pending.verifier);
		if let Some(old) = old {
			if rollup.in_flight == 0 {
				Self::release_key_deposit(rollup, old.key.len());
			} else {
				RetiredKeys::<T>::insert(
					rollup_id,
					RetiredKey {
						verifier: old,
						last_index: rollup.next_sequence.saturating_sub(1),
						remaining: rollup.in_flight,
					},
				);
			}
		}
		Self::deposit_event(Event::KeyRotated {
			rollup_id,
			kind,
			first_sequence: rollup.next_sequence,
		});
	}

	fn release_key_deposit(rollup: &mut RollupInfoOf<T>, len: usize) {
		let amount = Self::key_deposit(len).min(rollup.deposit);
		if amount.is_zero() {
			return;
		}
		let _ = T::Currency::release(
			&HoldReason::RegistrationDeposit.into(),
			&rollup.owner,
			amount,
			Precision::BestEffort,
		);
		rollup.deposit = rollup.deposit.saturating_sub(amount);
	}

	/// The proof system and key a sequence is verified with: the retired key for the
	/// sequences submitted under it, else the key in force.
	pub fn verifier_for(
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
	) -> Option<VerifierConfigOf<T>> {
		match RetiredKeys::<T>::get(rollup_id) {
			Some(retired) if sequence_index <= retired.last_index => Some(retired.verifier),
			_ => Verifiers::<T>::get(rollup_id),
		}
	}

	/// A sequence left flight (finalized or cancelled): counts down the retired key it may
	/// have been submitted under, dropping the key (and releasing its bytes' deposit in
	/// `rollup`, which the caller stores) when it was the last.
	pub(crate) fn sequence_done(
		rollup_id: RollupId,
		rollup: &mut RollupInfoOf<T>,
		sequence_index: SequenceIndex,
	) {
		let Some(mut retired) = RetiredKeys::<T>::get(rollup_id) else { return };
		if sequence_index > retired.last_index {
			return;
		}
		retired.remaining = retired.remaining.saturating_sub(1);
		if retired.remaining == 0 {
			RetiredKeys::<T>::remove(rollup_id);
			Self::release_key_deposit(rollup, retired.verifier.key.len());
		} else {
			RetiredKeys::<T>::insert(rollup_id, retired);
		}
	}

	/// Sequences from `from_index` on were cancelled: their indices will be given to new
	/// submissions, which belong to the key in force, so a retired key keeps only the
	/// sequences below `from_index`.
	pub(crate) fn rewind_retired_key(rollup_id: RollupId, from_index: SequenceIndex) {
		RetiredKeys::<T>::mutate(rollup_id, |retired| {
			if let Some(retired) = retired {
				retired.last_index = retired.last_index.min(from_index.saturating_sub(1));
			}
		});
	}
}
