//! Rollup registry: registration, updates, funding, pausing, deregistration and sequence
//! submission.

use crate::{
	pallet::*, BalanceOf, BaseChain, BatchesOf, Bytes32, DataUrlOf, PendingTerms, ProtocolLimitsOf,
	ProverPackage, ProverPackageOf, ProverPackageSpec, RollupGenesis, RollupInfo, RollupInfoOf,
	RollupParamsOf, RollupStats, RollupStatus, RollupTermsOf, SequenceInfo, VerifierConfigOf,
};
use crate::{verifier::VerificationError, weights::WeightInfo};
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::{Fortitude, Precision, Preservation},
	},
	PalletId,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{AccountIdConversion, Saturating, Zero},
	ArithmeticError,
};
use zkpow_primitives::{
	artifact::ArtifactError, groth16::VerifyError, sequence_commitment, BatchNumber, RollupId,
	SequenceIndex,
};

impl<T: Config> Pallet<T> {
	/// The pallet account holding every reward pool and escrow.
	pub fn pot_account() -> T::AccountId {
		<T::PalletId as Get<PalletId>>::get().into_account_truncating()
	}

	/// Makes sure the pallet account and the treasury exist (hold the existential
	/// deposit), so that pool funding and penalties of any size can be paid into them.
	/// Called at genesis and by the migration that introduced the treasury.
	pub fn ensure_pot_exists() {
		let ed = T::Currency::minimum_balance();
		for account in [Self::pot_account(), T::Treasury::get()] {
			let have = T::Currency::balance(&account);
			if have < ed {
				let _ = T::Currency::mint_into(&account, ed - have);
			}
		}
	}

	/// Whether protocol limits are consistent and respect the runtime's floor on T2.
	pub fn limits_acceptable(limits: &ProtocolLimitsOf<T>) -> bool {
		limits.is_consistent() && limits.min_reveal_window >= T::MinRevealWindow::get()
	}

	/// Resolves a rollup's parameters against the protocol limits and defaults.
	pub fn resolve_terms(params: &RollupParamsOf<T>) -> Result<RollupTermsOf<T>, Error<T>> {
		let limits = Limits::<T>::get();
		ensure!(
			params.reward_per_sequence >= limits.min_reward_per_sequence,
			Error::<T>::RewardBelowFloor
		);
		let commit_window = params.commit_window.unwrap_or(limits.default_commit_window);
		ensure!(
			commit_window >= limits.min_commit_window && commit_window <= limits.max_commit_window,
			Error::<T>::CommitWindowOutOfBounds
		);
		let reveal_window = params.reveal_window.unwrap_or(limits.default_reveal_window);
		ensure!(
			reveal_window >= limits.min_reveal_window && reveal_window <= limits.max_reveal_window,
			Error::<T>::RevealWindowOutOfBounds
		);
		let min_miner_bond = params.min_miner_bond;
		ensure!(min_miner_bond >= limits.min_miner_bond, Error::<T>::MinerBondBelowFloor);
		let no_proof_penalty =
			params.no_proof_penalty.unwrap_or_else(|| min_miner_bond / 50u32.into());
		let invalid_proof_penalty =
			params.invalid_proof_penalty.unwrap_or_else(|| min_miner_bond / 5u32.into());
		ensure!(
			!no_proof_penalty.is_zero()
				&& no_proof_penalty >= limits.min_miner_bond / 50u32.into()
				&& !invalid_proof_penalty.is_zero()
				&& no_proof_penalty.saturating_add(invalid_proof_penalty) <= min_miner_bond,
			Error::<T>::InvalidPenalty
		);
		Ok(RollupTermsOf::<T> {
			commit_window,
			reveal_window,
			reward_per_sequence: params.reward_per_sequence,
			min_miner_bond,
			no_proof_penalty,
			invalid_proof_penalty,
		})
	}

	/// The most batches per sequence a verifier's key can prove, within the runtime's
	/// `MaxBatchesPerSequence`.
	pub(crate) fn capacity_of(verifier: &VerifierConfigOf<T>) -> u32 {
		verifier
			.kind
			.batch_capacity(&verifier.key)
			.unwrap_or(u32::MAX)
			.min(T::MaxBatchesPerSequence::get())
	}

	/// The registration deposit for a name and key of these lengths.
	pub fn registration_deposit(name_len: usize, key_len: usize) -> BalanceOf<T> {
		let bytes: BalanceOf<T> = ((name_len + key_len) as u32).into();
		T::RollupDepositBase::get()
			.saturating_add(T::RollupDepositPerByte::get().saturating_mul(bytes))
	}

	/// The deposit for a prover package (per byte of its URL and hash).
	pub fn prover_package_deposit(package: &ProverPackageOf<T>) -> BalanceOf<T> {
		T::RollupDepositPerByte::get().saturating_mul(package.deposit_bytes().into())
	}

	/// Whether a URL is one the pallet stores: `http://` or `https://`, visible ASCII only.
	fn url_well_formed(url: &[u8]) -> bool {
		(url.starts_with(b"http://") || url.starts_with(b"https://"))
			&& url.iter().all(|c| c.is_ascii_graphic())
	}

	/// Bounds and checks a prover package given in a call.
	pub(crate) fn prover_package_of(
		spec: ProverPackageSpec,
	) -> Result<ProverPackageOf<T>, Error<T>> {
		let well_formed = Self::url_well_formed(&spec.url);
		let url = spec.url.try_into().map_err(|_| Error::<T>::PackageUrlTooLong)?;
		ensure!(well_formed, Error::<T>::PackageUrlMalformed);
		Ok(ProverPackage { kind: spec.kind, url, hash: spec.hash })
	}

	pub(crate) fn key_error(e: VerificationError) -> Error<T> {
		let e = match e {
			VerificationError::Groth16(e) => e,
			VerificationError::Artifact(ArtifactError::InvalidKey(e)) => e,
			VerificationError::Artifact(_) => return Error::<T>::KeyMalformed,
		};
		match e {
			VerifyError::InputCountMismatch => Error::<T>::KeyInputCountMismatch,
			VerifyError::PointNotOnCurve | VerifyError::PointNotInSubgroup => {
				Error::<T>::KeyPointInvalid
			},
			VerifyError::DegenerateKey => Error::<T>::KeyDegenerate,
			VerifyError::BadLength
			| VerifyError::NonCanonicalField
			| VerifyError::NonCanonicalInput
			| VerifyError::ProofRejected => Error::<T>::KeyMalformed,
		}
	}

	/// Loads a rollup and checks that `who` owns it.
	fn owned_rollup(
		who: &T::AccountId,
		rollup_id: RollupId,
	) -> Result<crate::RollupInfoOf<T>, DispatchError> {
		let rollup = Rollups::<T>::get(rollup_id).ok_or(Error::<T>::RollupNotFound)?;
		ensure!(&rollup.owner == who, Error::<T>::NotRollupOwner);
		Ok(rollup)
	}

	#[allow(clippy::too_many_arguments, reason = "the arguments of `register_rollup`")]
	pub(crate) fn do_register_rollup(
		owner: T::AccountId,
		name: BoundedVec<u8, T::MaxNameLen>,
		base_chain: BaseChain,
		verifier: VerifierConfigOf<T>,
		sequencer: T::AccountId,
		params: RollupParamsOf<T>,
		genesis: RollupGenesis,
		prover_package: Option<ProverPackageOf<T>>,
	) -> DispatchResult {
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		let terms = Self::resolve_terms(&params)?;
		verifier.kind.validate_key(&verifier.key).map_err(Self::key_error)?;

		let deposit = Self::registration_deposit(name.len(), verifier.key.len()).saturating_add(
			prover_package.as_ref().map_or_else(Zero::zero, Self::prover_package_deposit),
		);
		T::Currency::hold(&HoldReason::RegistrationDeposit.into(), &owner, deposit)?;

		let rollup_id = NextRollupId::<T>::get();
		NextRollupId::<T>::put(rollup_id.checked_add(1).ok_or(ArithmeticError::Overflow)?);

		let kind = verifier.kind;
		let batch_capacity = Self::capacity_of(&verifier);
		Rollups::<T>::insert(
			rollup_id,
			RollupInfo {
				owner: owner.clone(),
				name,
				base_chain,
				verifier: kind,
				batch_capacity,
				sequencer: sequencer.clone(),
				terms: terms.clone(),
				pending_terms: None,
				genesis,
				status: RollupStatus::Active,
				deposit,
				pool: Zero::zero(),
				escrowed: Zero::zero(),
				in_flight: 0,
				last_batch: genesis.last_batch,
				last_state_root: genesis.state_root,
				next_sequence: 0,
				stats: RollupStats::default(),
			},
		);
		Verifiers::<T>::insert(rollup_id, verifier);
		Self::deposit_event(Event::RollupRegistered {
			rollup_id,
			owner,
			sequencer,
			verifier: kind,
			terms,
			deposit,
		});
		if let Some(package) = prover_package {
			ProverPackages::<T>::insert(rollup_id, &package);
			Self::deposit_event(Event::ProverPackageSet { rollup_id, package: Some(package) });
		}
		Ok(())
	}

	/// Makes announced terms whose notice is over the terms in force (in `rollup`; the
	/// caller stores it). Returns whether anything changed.
	pub(crate) fn promote_terms(rollup: &mut RollupInfoOf<T>, now: BlockNumberFor<T>) -> bool {
		match rollup.pending_terms.take() {
			Some(p) if p.effective_at <= now => {
				rollup.terms = p.terms;
				true
			},
			other => {
				rollup.pending_terms = other;
				false
			},
		}
	}

	/// The terms a window opened at `now` gets.
	pub fn terms_at(rollup: &RollupInfoOf<T>, now: BlockNumberFor<T>) -> RollupTermsOf<T> {
		match &rollup.pending_terms {
			Some(p) if p.effective_at <= now => p.terms.clone(),
			_ => rollup.terms.clone(),
		}
	}

	pub(crate) fn do_update_rollup(
		who: T::AccountId,
		rollup_id: RollupId,
		sequencer: Option<T::AccountId>,
		params: Option<RollupParamsOf<T>>,
	) -> DispatchResult {
		ensure!(sequencer.is_some() || params.is_some(), Error::<T>::NothingToUpdate);
		let mut rollup = Self::owned_rollup(&who, rollup_id)?;
		let now = Self::now();
		Self::promote_terms(&mut rollup, now);
		if let Some(params) = params {
			let terms = Self::resolve_terms(&params)?;
			let effective_at = now.saturating_add(T::TermsNoticePeriod::get());
			rollup.pending_terms = Some(PendingTerms { terms, effective_at });
		}
		if let Some(sequencer) = sequencer {
			rollup.sequencer = sequencer;
		}
		Self::deposit_event(Event::RollupUpdated {
			rollup_id,
			sequencer: rollup.sequencer.clone(),
			terms: rollup.terms.clone(),
			pending: rollup.pending_terms.clone(),
		});
		Rollups::<T>::insert(rollup_id, rollup);
		Ok(())
	}

	pub(crate) fn do_fund_rollup(
		who: T::AccountId,
		rollup_id: RollupId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut rollup = Rollups::<T>::get(rollup_id).ok_or(Error::<T>::RollupNotFound)?;
		T::Currency::transfer(&who, &Self::pot_account(), amount, Preservation::Preserve)?;
		rollup.pool = rollup.pool.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		Self::deposit_event(Event::RollupFunded {
			rollup_id,
			from: who,
			amount,
			pool: rollup.pool,
		});
		Rollups::<T>::insert(rollup_id, rollup);
		Ok(())
	}

	pub(crate) fn do_set_paused(
		who: T::AccountId,
		rollup_id: RollupId,
		pause: bool,
	) -> DispatchResult {
		let mut rollup = Self::owned_rollup(&who, rollup_id)?;
		if pause {
			ensure!(rollup.status == RollupStatus::Active, Error::<T>::RollupAlreadyPaused);
			rollup.status = RollupStatus::Paused;
			Self::deposit_event(Event::RollupPaused { rollup_id });
		} else {
			ensure!(rollup.status == RollupStatus::Paused, Error::<T>::RollupNotPaused);
			rollup.status = RollupStatus::Active;
			Self::deposit_event(Event::RollupResumed { rollup_id });
		}
		Rollups::<T>::insert(rollup_id, rollup);
		Ok(())
	}

	pub(crate) fn do_set_frozen(rollup_id: RollupId, frozen: bool) -> DispatchResult {
		ensure!(Rollups::<T>::contains_key(rollup_id), Error::<T>::RollupNotFound);
		let is_frozen = Frozen::<T>::contains_key(rollup_id);
		if frozen {
			ensure!(!is_frozen, Error::<T>::RollupAlreadyFrozen);
			Frozen::<T>::insert(rollup_id, Self::now());
			Self::deposit_event(Event::RollupFrozen { rollup_id });
		} else {
			ensure!(is_frozen, Error::<T>::RollupNotFrozen);
			Frozen::<T>::remove(rollup_id);
			// Their deposits are part of `rollup.deposit`, released above.
			PendingKeys::<T>::remove(rollup_id);
			RetiredKeys::<T>::remove(rollup_id);
			Self::deposit_event(Event::RollupUnfrozen { rollup_id });
		}
		Ok(())
	}

	/// Fails with `RollupFrozen` while the admin origin keeps the rollup frozen.
	pub(crate) fn ensure_not_frozen(rollup_id: RollupId) -> DispatchResult {
		ensure!(!Frozen::<T>::contains_key(rollup_id), Error::<T>::RollupFrozen);
		Ok(())
	}

	pub(crate) fn do_set_data_url(
		who: T::AccountId,
		rollup_id: RollupId,
		url: Option<alloc::vec::Vec<u8>>,
	) -> DispatchResult {
		Self::owned_rollup(&who, rollup_id)?;
		let url = url
			.map(|url| -> Result<DataUrlOf<T>, Error<T>> {
				let well_formed = Self::url_well_formed(&url);
				let url: DataUrlOf<T> = url.try_into().map_err(|_| Error::<T>::DataUrlTooLong)?;
				ensure!(well_formed, Error::<T>::DataUrlMalformed);
				Ok(url)
			})
			.transpose()?;
		match &url {
			Some(url) => DataUrls::<T>::insert(rollup_id, url),
			None => DataUrls::<T>::remove(rollup_id),
		}
		Self::deposit_event(Event::DataUrlSet { rollup_id, url });
		Ok(())
	}

	/// Sets or removes a rollup's prover package, holding or releasing the difference of
	/// its bytes' deposit as part of the owner's registration deposit.
	pub(crate) fn do_set_prover_package(
		who: T::AccountId,
		rollup_id: RollupId,
		package: Option<ProverPackageSpec>,
	) -> DispatchResult {
		let mut rollup = Self::owned_rollup(&who, rollup_id)?;
		let package = package.map(Self::prover_package_of).transpose()?;
		let deposit_of = |p: &Option<ProverPackageOf<T>>| {
			p.as_ref().map_or_else(Zero::zero, Self::prover_package_deposit)
		};
		let old = deposit_of(&ProverPackages::<T>::get(rollup_id));
		let new = deposit_of(&package);
		if new > old {
			let extra = new - old;
			T::Currency::hold(&HoldReason::RegistrationDeposit.into(), &who, extra)?;
			rollup.deposit = rollup.deposit.saturating_add(extra);
		} else if old > new {
			let released = T::Currency::release(
				&HoldReason::RegistrationDeposit.into(),
				&who,
				(old - new).min(rollup.deposit),
				Precision::BestEffort,
			)?;
			rollup.deposit = rollup.deposit.saturating_sub(released);
		}
		match &package {
			Some(package) => ProverPackages::<T>::insert(rollup_id, package),
			None => ProverPackages::<T>::remove(rollup_id),
		}
		if new != old {
			Rollups::<T>::insert(rollup_id, rollup);
		}
		Self::deposit_event(Event::ProverPackageSet { rollup_id, package });
		Ok(())
	}

	pub(crate) fn do_deregister_rollup(who: T::AccountId, rollup_id: RollupId) -> DispatchResult {
		let rollup = Self::owned_rollup(&who, rollup_id)?;
		ensure!(rollup.in_flight == 0, Error::<T>::SequencesInFlight);
		debug_assert!(rollup.escrowed.is_zero());
		let refunded = rollup.pool;
		if !refunded.is_zero() {
			T::Currency::transfer(&Self::pot_account(), &who, refunded, Preservation::Preserve)?;
		}
		T::Currency::release(
			&HoldReason::RegistrationDeposit.into(),
			&who,
			rollup.deposit,
			Precision::BestEffort,
		)?;
		Rollups::<T>::remove(rollup_id);
		Verifiers::<T>::remove(rollup_id);
		DataUrls::<T>::remove(rollup_id);
		ProverPackages::<T>::remove(rollup_id);
		Frozen::<T>::remove(rollup_id);
		Self::deposit_event(Event::RollupDeregistered {
			rollup_id,
			refunded,
			deposit: rollup.deposit,
		});
		Ok(())
	}

	/// The deposit held for a sequence of `batches` batches.
	pub fn sequence_deposit(batches: u32) -> BalanceOf<T> {
		T::SequenceDepositBase::get()
			.saturating_add(T::SequenceDepositPerBatch::get().saturating_mul(batches.into()))
	}

	pub(crate) fn do_submit_sequence(
		who: T::AccountId,
		rollup_id: RollupId,
		start_batch: BatchNumber,
		prev_state_root: Bytes32,
		batches: BatchesOf<T>,
	) -> DispatchResult {
		let mut rollup = Rollups::<T>::get(rollup_id).ok_or(Error::<T>::RollupNotFound)?;
		ensure!(rollup.sequencer == who, Error::<T>::NotSequencer);
		ensure!(rollup.status == RollupStatus::Active, Error::<T>::RollupPaused);
		Self::ensure_not_frozen(rollup_id)?;
		let last = batches.last().ok_or(Error::<T>::EmptySequence)?;
		let expected_start = rollup.last_batch.checked_add(1).ok_or(ArithmeticError::Overflow)?;
		ensure!(start_batch == expected_start, Error::<T>::UnexpectedStartBatch);
		ensure!(prev_state_root == rollup.last_state_root, Error::<T>::UnexpectedPrevStateRoot);
		ensure!(
			rollup.in_flight < T::MaxSequencesInFlight::get(),
			Error::<T>::TooManySequencesInFlight
		);
		let now = Self::now();
		// The key this sequence is verified with decides how many batches it may have, so
		// an announced key due now is put in force first (a refused submission rolls the
		// promotion back with everything else).
		Self::promote_key(rollup_id, &mut rollup, now);
		let batch_count = batches.len() as u32;
		ensure!(batch_count <= rollup.batch_capacity, Error::<T>::TooManyBatchesForKey);
		Self::promote_terms(&mut rollup, now);
		let reward = rollup.terms.reward_per_sequence;
		ensure!(rollup.pool >= reward, Error::<T>::InsufficientPool);

		let last_batch = rollup
			.last_batch
			.checked_add(batch_count as u64)
			.ok_or(ArithmeticError::Overflow)?;
		let sequence_index = rollup.next_sequence;
		let new_state_root = last.state_root;
		let data_commitment = sequence_commitment(&batches);
		let deposit = Self::sequence_deposit(batch_count);
		T::Currency::hold(&HoldReason::SequenceDeposit.into(), &who, deposit)?;

		rollup.pool -= reward;
		rollup.escrowed = rollup.escrowed.saturating_add(reward);
		rollup.in_flight = rollup.in_flight.checked_add(1).ok_or(ArithmeticError::Overflow)?;
		rollup.last_batch = last_batch;
		rollup.last_state_root = new_state_root;
		rollup.next_sequence = sequence_index.checked_add(1).ok_or(ArithmeticError::Overflow)?;
		Rollups::<T>::insert(rollup_id, rollup);

		Sequences::<T>::insert(
			rollup_id,
			sequence_index,
			SequenceInfo {
				start_batch,
				batch_count,
				prev_state_root,
				new_state_root,
				data_commitment,
				submitted_at: now,
				reward,
				depositor: who,
				deposit,
				attempt: 0,
				window: None,
			},
		);
		SequenceBatches::<T>::insert(rollup_id, sequence_index, &batches);
		Self::deposit_event(Event::SequenceSubmitted {
			rollup_id,
			sequence_index,
			start_batch,
			prev_state_root,
			new_state_root,
			data_commitment,
			reward,
			deposit,
			batches,
		});
		Ok(())
	}

	/// Releases a sequence's deposit to whoever it was held from.
	pub(crate) fn release_sequence_deposit(depositor: &T::AccountId, deposit: BalanceOf<T>) {
		if !deposit.is_zero() {
			let _ = T::Currency::release(
				&HoldReason::SequenceDeposit.into(),
				depositor,
				deposit,
				Precision::BestEffort,
			);
		}
	}

	pub(crate) fn do_cancel_sequences(
		who: Option<T::AccountId>,
		rollup_id: RollupId,
		from_index: SequenceIndex,
	) -> DispatchResultWithPostInfo {
		let mut rollup = match &who {
			Some(who) => Self::owned_rollup(who, rollup_id)?,
			None => Rollups::<T>::get(rollup_id).ok_or(Error::<T>::RollupNotFound)?,
		};
		ensure!(from_index < rollup.next_sequence, Error::<T>::NothingToCancel);
		let mut cancelled = alloc::vec::Vec::new();
		for index in from_index..rollup.next_sequence {
			let sequence = Sequences::<T>::get(rollup_id, index).ok_or(Error::<T>::CannotCancel)?;
			ensure!(sequence.window.is_none(), Error::<T>::CannotCancel);
			cancelled.push(sequence);
		}
		let first = cancelled.first().ok_or(Error::<T>::NothingToCancel)?;
		let (last_batch, last_state_root) = (first.start_batch - 1, first.prev_state_root);
		let count = cancelled.len() as u32;
		let mut refunded = BalanceOf::<T>::zero();
		for (offset, sequence) in cancelled.into_iter().enumerate() {
			let index = from_index + offset as SequenceIndex;
			Sequences::<T>::remove(rollup_id, index);
			SequenceBatches::<T>::remove(rollup_id, index);
			Self::release_sequence_deposit(&sequence.depositor, sequence.deposit);
			Self::sequence_done(rollup_id, &mut rollup, index);
			refunded = refunded.saturating_add(sequence.reward);
		}
		Self::rewind_retired_key(rollup_id, from_index);
		rollup.escrowed = rollup.escrowed.saturating_sub(refunded);
		rollup.pool = rollup.pool.saturating_add(refunded);
		rollup.in_flight = rollup.in_flight.saturating_sub(count);
		rollup.last_batch = last_batch;
		rollup.last_state_root = last_state_root;
		rollup.next_sequence = from_index;
		Rollups::<T>::insert(rollup_id, rollup);
		Self::deposit_event(Event::SequencesCancelled {
			rollup_id,
			from_index,
			count,
			last_batch,
			last_state_root,
			refunded,
		});
		Ok(Some(T::WeightInfo::cancel_sequences(count)).into())
	}

	/// Moves `amount` of held miner bond into the treasury. Returns what was actually moved.
	pub(crate) fn take_held_bond(miner: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		if amount.is_zero() {
			return Zero::zero();
		}
		T::Currency::transfer_on_hold(
			&HoldReason::MinerBond.into(),
			miner,
			&T::Treasury::get(),
			amount,
			Precision::BestEffort,
			frame_support::traits::tokens::Restriction::Free,
			Fortitude::Force,
		)
		.unwrap_or_else(|_| Zero::zero())
	}

	/// Current block number.
	pub(crate) fn now() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
	}
}
