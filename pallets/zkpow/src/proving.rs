//! The commit–reveal scheme: step 1 (commit a proof hash, opening the window) and step 2
//! (reveal the proof, verified against the statement bound to the revealer).

use crate::{
	pallet::*, weights::WeightInfo, AcceptedProof, Commitment, OpenCommitment, ProofOf,
	RejectReason, RevealOutcome, SlashReason, VerificationError, VerifierKind, WindowOf,
};
use frame_support::{dispatch::PostDispatchInfo, ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;
use zkpow_primitives::{proof_hash, Bytes32, RollupId, SequenceIndex, SequenceStatement};

impl<T: Config> Pallet<T> {
	/// Loads an unfinalized sequence, telling a finalized one apart from an unknown one.
	fn sequence(
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
	) -> Result<crate::SequenceInfoOf<T>, Error<T>> {
		Sequences::<T>::get(rollup_id, sequence_index).ok_or_else(|| {
			if FinalizedSequences::<T>::contains_key(rollup_id, sequence_index) {
				Error::<T>::AlreadyFinalized
			} else {
				Error::<T>::SequenceNotFound
			}
		})
	}

	pub(crate) fn do_commit(
		who: T::AccountId,
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		proof_hash: Bytes32,
	) -> DispatchResultWithPostInfo {
		let mut sequence = Self::sequence(rollup_id, sequence_index)?;
		let rollup = Rollups::<T>::get(rollup_id).ok_or(Error::<T>::RollupNotFound)?;
		Self::ensure_not_frozen(rollup_id)?;
		let mut ledger = Miners::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
		let now = Self::now();

		let (mut window, probes) = match sequence.window.take() {
			Some(window) => {
				ensure!(now < window.commit_ends_at, Error::<T>::CommitWindowClosed);
				ensure!(
					!window.committers.iter().any(|c| c.miner == who),
					Error::<T>::AlreadyCommitted
				);
				(window, None)
			},
			None => {
				let (window, probes) = Self::new_window(&rollup, now)?;
				(window, Some(probes))
			},
		};

		// Free bond must cover the window's minimum (and at least this commitment's own worst
		// case) plus the worst case of every other open commitment; what is left after the
		// other commitments' exposure is the miner's reward weight.
		let exposure = window.no_proof_penalty.saturating_add(window.invalid_proof_penalty);
		let required = window.min_miner_bond.max(exposure).saturating_add(ledger.exposure());
		ensure!(ledger.bonded >= required, Error::<T>::InsufficientBond);
		let weight = ledger.bonded.saturating_sub(ledger.exposure());
		ensure!(
			ledger.open_commitments.len() < T::MaxOpenCommitments::get() as usize,
			Error::<T>::TooManyOpenCommitments
		);
		let commitment = Commitment {
			miner: who.clone(),
			proof_hash,
			weight,
			outcome: RevealOutcome::NotRevealed,
		};
		let displaced = if window.committers.is_full() {
			Some(Self::displace_smallest(&mut window, rollup_id, sequence_index, commitment)?)
		} else {
			// Room was just checked.
			let _ = window.committers.try_push(commitment);
			None
		};
		ledger
			.open_commitments
			.try_push(OpenCommitment { rollup_id, sequence_index, exposure })
			.map_err(|_| Error::<T>::TooManyOpenCommitments)?;

		if probes.is_some() {
			Agenda::<T>::try_append(window.reveal_ends_at, (rollup_id, sequence_index))
				.map_err(|_| Error::<T>::AgendaFull)?;
			Self::deposit_event(Event::WindowOpened {
				rollup_id,
				sequence_index,
				attempt: sequence.attempt,
				commit_ends_at: window.commit_ends_at,
				reveal_ends_at: window.reveal_ends_at,
			});
		}
		sequence.window = Some(window);
		Sequences::<T>::insert(rollup_id, sequence_index, sequence);
		Miners::<T>::insert(&who, ledger);
		if let Some(displaced) = &displaced {
			Self::deposit_event(Event::CommitmentDisplaced {
				rollup_id,
				sequence_index,
				miner: displaced.miner.clone(),
				weight: displaced.weight,
				by: who.clone(),
			});
		}
		Self::deposit_event(Event::ProofHashCommitted {
			rollup_id,
			sequence_index,
			miner: who,
			proof_hash,
			weight,
		});

		let actual = match (probes, displaced) {
			(Some(probes), _) => T::WeightInfo::commit_proof_hash_opening(probes),
			(None, Some(_)) => T::WeightInfo::commit_proof_hash_displacing(),
			(None, None) => T::WeightInfo::commit_proof_hash_joining(),
		};
		Ok(Some(actual).into())
	}

	/// Upper bound of a commit's weight: opening a window after looking through the whole
	/// agenda lookahead, joining one, or displacing a committer of a full one.
	pub fn commit_weight_bound() -> Weight {
		T::WeightInfo::commit_proof_hash_opening(T::AgendaLookahead::get())
			.max(T::WeightInfo::commit_proof_hash_joining())
			.max(T::WeightInfo::commit_proof_hash_displacing())
	}

	/// A new window opened at `now` under the rollup's terms at `now`, with its deadline at
	/// the first block from `now + T1 + T2` on whose agenda has room (at most
	/// `AgendaLookahead` blocks later). Returns it with the number of agenda blocks looked
	/// at.
	fn new_window(
		rollup: &crate::RollupInfoOf<T>,
		now: BlockNumberFor<T>,
	) -> Result<(WindowOf<T>, u32), Error<T>> {
		let terms = Self::terms_at(rollup, now);
		let commit_ends_at = now.saturating_add(terms.commit_window);
		let natural = commit_ends_at.saturating_add(terms.reveal_window);
		let capacity = T::MaxSettlementsPerBlock::get();
		let mut deadline = natural;
		let mut probes = 0u32;
		loop {
			probes += 1;
			if Agenda::<T>::decode_len(deadline).unwrap_or(0) < capacity as usize {
				break;
			}
			ensure!(probes < T::AgendaLookahead::get(), Error::<T>::AgendaFull);
			deadline.saturating_inc();
		}
		let window = WindowOf::<T> {
			opened_at: now,
			commit_ends_at,
			reveal_ends_at: deadline,
			min_miner_bond: terms.min_miner_bond,
			no_proof_penalty: terms.no_proof_penalty,
			invalid_proof_penalty: terms.invalid_proof_penalty,
			committers: BoundedVec::new(),
			accepted: None,
		};
		Ok((window, probes))
	}

	/// Puts `commitment` in place of the committer with the smallest reward weight (the
	/// latest among equals) if its weight is larger, and releases the displaced miner's
	/// open commitment. Returns the displaced commitment.
	fn displace_smallest(
		window: &mut WindowOf<T>,
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		commitment: Commitment<T::AccountId, crate::BalanceOf<T>>,
	) -> Result<Commitment<T::AccountId, crate::BalanceOf<T>>, Error<T>> {
		let (position, smallest) = window
			.committers
			.iter()
			.enumerate()
			.min_by(|(i, a), (j, b)| a.weight.cmp(&b.weight).then(j.cmp(i)))
			.ok_or(Error::<T>::TooManyCommitters)?;
		ensure!(commitment.weight > smallest.weight, Error::<T>::TooManyCommitters);
		let displaced = core::mem::replace(&mut window.committers[position], commitment);
		Self::close_commitment(&displaced.miner, rollup_id, sequence_index);
		Ok(displaced)
	}

	/// The public statement of a sequence, bound to `prover`.
	pub fn statement_of(
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		sequence: &crate::SequenceInfoOf<T>,
		prover: &T::AccountId,
	) -> SequenceStatement {
		SequenceStatement {
			rollup_id,
			sequence_index,
			prev_state_root: sequence.prev_state_root,
			new_state_root: sequence.new_state_root,
			data_commitment: sequence.data_commitment,
			prover: *prover.as_ref(),
		}
	}

	/// Upper bound of a reveal's weight for a sequence of `batches` batches, whatever the
	/// rollup's proof system: a single Groth16 proof or a multi-proof artifact of
	/// `batches` batches, valid or not (both are benchmarked).
	pub fn reveal_weight_bound(batches: u32) -> Weight {
		T::WeightInfo::reveal_proof_valid()
			.max(T::WeightInfo::reveal_proof_invalid())
			.max(T::WeightInfo::reveal_artifact_valid(batches))
			.max(T::WeightInfo::reveal_artifact_invalid(batches))
	}

	/// Checks `proof` of a sequence in flight as revealed by `prover`, with the rollup's
	/// proof system and the public inputs derived from chain data. Returns the verdict and,
	/// for a multi-proof artifact, its number of batches (which decides the weight).
	pub(crate) fn verify_proof(
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		sequence: &crate::SequenceInfoOf<T>,
		prover: &T::AccountId,
		proof: &[u8],
	) -> Result<(Result<(), VerificationError>, Option<u32>), Error<T>> {
		let verifier =
			Self::verifier_for(rollup_id, sequence_index).ok_or(Error::<T>::RollupNotFound)?;
		// Only the multi-proof artifact needs the batch headers (and costs more).
		let (batches, artifact_batches) = if verifier.kind == VerifierKind::ReferenceArtifactV1 {
			let batches = SequenceBatches::<T>::get(rollup_id, sequence_index).unwrap_or_default();
			(batches, Some(sequence.batch_count))
		} else {
			(Default::default(), None)
		};
		let statement = Self::statement_of(rollup_id, sequence_index, sequence, prover);
		let verdict = verifier.kind.verify(&verifier.key, proof, &statement, &batches);
		Ok((verdict, artifact_batches))
	}

	pub(crate) fn do_reveal(
		who: T::AccountId,
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		proof: ProofOf<T>,
	) -> DispatchResultWithPostInfo {
		let mut sequence = Self::sequence(rollup_id, sequence_index)?;
		Self::ensure_not_frozen(rollup_id)?;
		let mut window = sequence.window.take().ok_or(Error::<T>::NoOpenWindow)?;
		let now = Self::now();
		ensure!(now >= window.commit_ends_at, Error::<T>::RevealWindowNotOpen);
		ensure!(now < window.reveal_ends_at, Error::<T>::RevealWindowClosed);
		let position = window
			.committers
			.iter()
			.position(|c| c.miner == who)
			.ok_or(Error::<T>::NotCommitted)?;
		ensure!(
			window.committers[position].outcome == RevealOutcome::NotRevealed,
			Error::<T>::AlreadyRevealed
		);

		// Which benchmarked path this reveal took: a multi-proof artifact of this many
		// batches, or a single proof (also charged when the hash check fails first).
		let mut artifact_batches = None;
		let verdict = if proof_hash(&proof, who.as_ref()) != window.committers[position].proof_hash
		{
			Err(RejectReason::HashMismatch)
		} else {
			let (verdict, batches) =
				Self::verify_proof(rollup_id, sequence_index, &sequence, &who, &proof)?;
			artifact_batches = batches;
			verdict.map_err(RejectReason::Verification)
		};

		let actual = match verdict {
			Ok(()) => {
				window.committers[position].outcome = RevealOutcome::Valid;
				let first = window.accepted.is_none();
				if first {
					window.accepted = Some(AcceptedProof { prover: who.clone(), proof });
				}
				Self::deposit_event(Event::ProofRevealed {
					rollup_id,
					sequence_index,
					miner: who,
					first,
				});
				match artifact_batches {
					Some(n) => T::WeightInfo::reveal_artifact_valid(n),
					None => T::WeightInfo::reveal_proof_valid(),
				}
			},
			Err(reason) => {
				window.committers[position].outcome = RevealOutcome::Invalid;
				Self::deposit_event(Event::ProofRejected {
					rollup_id,
					sequence_index,
					miner: who.clone(),
					reason,
				});
				Self::slash_miner(
					&who,
					rollup_id,
					sequence_index,
					window.invalid_proof_penalty,
					SlashReason::InvalidProof,
				);
				match artifact_batches {
					Some(n) => T::WeightInfo::reveal_artifact_invalid(n),
					None => T::WeightInfo::reveal_proof_invalid(),
				}
			},
		};
		sequence.window = Some(window);
		Sequences::<T>::insert(rollup_id, sequence_index, sequence);
		Ok(PostDispatchInfo { actual_weight: Some(actual), pays_fee: Pays::Yes })
	}
}
