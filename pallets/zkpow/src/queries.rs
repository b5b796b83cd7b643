//! Read-only queries behind the `ZkpowApi` runtime API (and the node's `zkpow_*` RPC).
//!
//! These run off-chain, in runtime API calls, never in a block. Phases are reported for
//! the state queried: a transaction included in the *next* block sees block number
//! `at + 1`.

use crate::{
	pallet::*, BalanceOf, BaseChain, Bytes32, OpenCommitment, PendingTerms, ProverPackageSpec,
	RevealOutcome, RollupGenesis, RollupStats, RollupStatus, RollupTerms, UnbondingChunk,
	VerificationError, VerifierKind,
};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use zkpow_primitives::{BatchHeader, BatchNumber, RollupId, SequenceIndex};

/// Where a sequence stands in the proving protocol.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum WindowPhase<BlockNumber> {
	/// Submitted, no window open: the next commit opens one.
	Pending,
	/// Commits accepted until `commit_ends_at` (exclusive); reveals from then until
	/// `reveal_ends_at` (exclusive).
	Commit {
		/// First block without commits.
		commit_ends_at: BlockNumber,
		/// First block without reveals (the window's deadline).
		reveal_ends_at: BlockNumber,
	},
	/// Reveals accepted until `reveal_ends_at` (exclusive).
	Reveal {
		/// First block without reveals (the window's deadline).
		reveal_ends_at: BlockNumber,
	},
	/// The window is over and waits for settlement (due at `reveal_ends_at`).
	Settling {
		/// The window's deadline.
		reveal_ends_at: BlockNumber,
	},
	/// Proven and finalized at `finalized_at`.
	Finalized {
		/// Block of finalization.
		finalized_at: BlockNumber,
	},
}

/// A proving task, as listed by `open_tasks`.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "Balance: Clone + TryInto<u128>, BlockNumber: serde::Serialize",
		deserialize = "Balance: TryFrom<u128>, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct TaskInfo<Balance, BlockNumber> {
	/// Rollup of the sequence.
	pub rollup_id: RollupId,
	/// Index of the sequence.
	pub sequence_index: SequenceIndex,
	/// First batch number (lower = higher priority).
	pub start_batch: BatchNumber,
	/// Number of batches.
	pub batch_count: u32,
	/// Escrowed reward.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub reward: Balance,
	/// Failed windows so far.
	pub attempt: u32,
	/// Current phase.
	pub phase: WindowPhase<BlockNumber>,
	/// Number of miners committed in the current window.
	pub committers: u32,
}

/// One commitment of a window, as reported by `sequence_status`.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "AccountId: serde::Serialize, Balance: Clone + TryInto<u128>",
		deserialize = "AccountId: serde::Deserialize<'de>, Balance: TryFrom<u128>"
	))
)]
pub struct CommitterStatus<AccountId, Balance> {
	/// The miner.
	pub miner: AccountId,
	/// Its reward weight: bond at commit time net of its other open commitments' exposure.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub weight: Balance,
	/// What it revealed so far.
	pub outcome: RevealOutcome,
}

/// Full status of a sequence.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "AccountId: serde::Serialize, Balance: Clone + TryInto<u128>, BlockNumber: serde::Serialize",
		deserialize = "AccountId: serde::Deserialize<'de>, Balance: TryFrom<u128>, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct SequenceStatus<AccountId, Balance, BlockNumber> {
	/// Rollup of the sequence.
	pub rollup_id: RollupId,
	/// Index of the sequence.
	pub sequence_index: SequenceIndex,
	/// First batch number.
	pub start_batch: BatchNumber,
	/// Number of batches.
	pub batch_count: u32,
	/// State root before the first batch.
	pub prev_state_root: Bytes32,
	/// State root after the last batch.
	pub new_state_root: Bytes32,
	/// Commitment to the batches (part of the statement).
	pub data_commitment: Bytes32,
	/// The batches (empty once finalized; they are in the `SequenceSubmitted` and
	/// `SequenceFinalized` events).
	pub batches: Vec<BatchHeader>,
	/// Escrowed reward (zero once finalized).
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub reward: Balance,
	/// Failed windows so far.
	pub attempt: u32,
	/// Current phase, with the blocks where the phases end.
	pub phase: WindowPhase<BlockNumber>,
	/// Block the current window opened at.
	pub window_opened_at: Option<BlockNumber>,
	/// Commitments of the current window.
	pub committers: Vec<CommitterStatus<AccountId, Balance>>,
	/// The miner whose proof was accepted (first valid reveal), if any.
	pub prover: Option<AccountId>,
	/// The accepted proof, if any.
	pub proof: Option<Vec<u8>>,
	/// [`zkpow_primitives::verifying_key_hash`] of the verifying key the sequence's proofs
	/// are checked with (the key in force, or the retired key it was submitted under):
	/// prover hosts' native commands are configured by it. `None` once finalized.
	pub key_hash: Option<Bytes32>,
}

/// A miner's bond and activity.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "Balance: Clone + TryInto<u128>, BlockNumber: serde::Serialize",
		deserialize = "Balance: TryFrom<u128>, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct MinerInfo<Balance, BlockNumber> {
	/// Active bond.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub bonded: Balance,
	/// Unbonding chunks (held and slashable until withdrawn).
	pub unbonding: Vec<UnbondingChunk<Balance, BlockNumber>>,
	/// Unsettled commitments.
	pub open_commitments: Vec<OpenCommitment<Balance>>,
	/// Worst-case penalties of the open commitments.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub exposure: Balance,
	/// Rewards received.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub total_rewards: Balance,
	/// Penalties slashed.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub total_slashed: Balance,
}

/// A rollup's registration, parameters, pool and history.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "AccountId: serde::Serialize, Balance: Clone + TryInto<u128>, BlockNumber: serde::Serialize",
		deserialize = "AccountId: serde::Deserialize<'de>, Balance: TryFrom<u128>, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct RollupSummary<AccountId, Balance, BlockNumber> {
	/// The rollup id.
	pub rollup_id: RollupId,
	/// Owner.
	pub owner: AccountId,
	/// Name bytes (UTF-8 by convention).
	pub name: Vec<u8>,
	/// Base chain and inbox.
	pub base_chain: BaseChain,
	/// Proof system.
	pub verifier: VerifierKind,
	/// Sequencer.
	pub sequencer: AccountId,
	/// Parameters a window opened now gets.
	pub terms: RollupTerms<Balance, BlockNumber>,
	/// Announced parameters not yet in force, with the block from which they apply.
	pub pending_terms: Option<PendingTerms<Balance, BlockNumber>>,
	/// The state before the rollup's first sequence.
	pub genesis: RollupGenesis,
	/// Most batches per sequence the rollup's key can prove.
	pub batch_capacity: u32,
	/// Active or paused.
	pub status: RollupStatus,
	/// Registration deposit.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub deposit: Balance,
	/// Reward pool available for new sequences.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub pool: Balance,
	/// Rewards escrowed for sequences in flight.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub escrowed: Balance,
	/// Sequences in flight.
	pub in_flight: u32,
	/// Last submitted batch number.
	pub last_batch: BatchNumber,
	/// State root after the last submitted batch.
	pub last_state_root: Bytes32,
	/// Index of the next sequence.
	pub next_sequence: SequenceIndex,
	/// History counters.
	pub stats: RollupStats<Balance>,
	/// Where miners fetch the batch data (`{url}/sequences/{index}`), if the owner set it.
	pub data_url: Option<Vec<u8>>,
	/// How the rollup's proofs are made (kind, package URL and content hash), if the owner
	/// set it.
	pub prover_package: Option<ProverPackageSpec>,
}

impl<T: Config> Pallet<T> {
	fn phase_of(
		window: Option<&crate::WindowOf<T>>,
		now: BlockNumberFor<T>,
	) -> WindowPhase<BlockNumberFor<T>> {
		match window {
			None => WindowPhase::Pending,
			Some(w) if now < w.commit_ends_at => WindowPhase::Commit {
				commit_ends_at: w.commit_ends_at,
				reveal_ends_at: w.reveal_ends_at,
			},
			Some(w) if now < w.reveal_ends_at => {
				WindowPhase::Reveal { reveal_ends_at: w.reveal_ends_at }
			},
			Some(w) => WindowPhase::Settling { reveal_ends_at: w.reveal_ends_at },
		}
	}

	/// Unfinalized sequences ordered by priority (start batch, then rollup id and index),
	/// optionally of one rollup only and only from `start_batch` on, at most `limit`.
	pub fn open_tasks(
		rollup_id: Option<RollupId>,
		start_batch: Option<BatchNumber>,
		limit: u32,
	) -> Vec<TaskInfo<BalanceOf<T>, BlockNumberFor<T>>> {
		let now = Self::now();
		let from = start_batch.unwrap_or(0);
		let to_task =
			|rollup_id: RollupId, sequence_index: SequenceIndex, s: crate::SequenceInfoOf<T>| {
				TaskInfo {
					rollup_id,
					sequence_index,
					start_batch: s.start_batch,
					batch_count: s.batch_count,
					reward: s.reward,
					attempt: s.attempt,
					phase: Self::phase_of(s.window.as_ref(), now),
					committers: s.window.as_ref().map_or(0, |w| w.committers.len() as u32),
				}
			};
		let mut tasks: Vec<_> = match rollup_id {
			Some(id) => Sequences::<T>::iter_prefix(id)
				.filter(|(_, s)| s.start_batch >= from)
				.map(|(index, s)| to_task(id, index, s))
				.collect(),
			None => Sequences::<T>::iter()
				.filter(|(_, _, s)| s.start_batch >= from)
				.map(|(id, index, s)| to_task(id, index, s))
				.collect(),
		};
		tasks.sort_by_key(|t| (t.start_batch, t.rollup_id, t.sequence_index));
		tasks.truncate(limit as usize);
		tasks
	}

	/// Full status of a sequence, finalized or not.
	pub fn sequence_status(
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
	) -> Option<SequenceStatus<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		if let Some(s) = Sequences::<T>::get(rollup_id, sequence_index) {
			let window = s.window.as_ref();
			return Some(SequenceStatus {
				rollup_id,
				sequence_index,
				start_batch: s.start_batch,
				batch_count: s.batch_count,
				prev_state_root: s.prev_state_root,
				new_state_root: s.new_state_root,
				data_commitment: s.data_commitment,
				batches: SequenceBatches::<T>::get(rollup_id, sequence_index)
					.map(|b| b.into_inner())
					.unwrap_or_default(),
				reward: s.reward,
				attempt: s.attempt,
				phase: Self::phase_of(window, Self::now()),
				window_opened_at: window.map(|w| w.opened_at),
				committers: window
					.map(|w| {
						w.committers
							.iter()
							.map(|c| CommitterStatus {
								miner: c.miner.clone(),
								weight: c.weight,
								outcome: c.outcome,
							})
							.collect()
					})
					.unwrap_or_default(),
				prover: window.and_then(|w| w.accepted.as_ref().map(|a| a.prover.clone())),
				proof: window.and_then(|w| w.accepted.as_ref().map(|a| a.proof.to_vec())),
				key_hash: Self::verifier_for(rollup_id, sequence_index)
					.map(|v| zkpow_primitives::verifying_key_hash(&v.key)),
			});
		}
		let f = FinalizedSequences::<T>::get(rollup_id, sequence_index)?;
		Some(SequenceStatus {
			rollup_id,
			sequence_index,
			start_batch: f.start_batch,
			batch_count: f.batch_count,
			prev_state_root: f.prev_state_root,
			new_state_root: f.new_state_root,
			data_commitment: f.data_commitment,
			batches: Vec::new(),
			reward: Default::default(),
			attempt: 0,
			phase: WindowPhase::Finalized { finalized_at: f.finalized_at },
			window_opened_at: None,
			committers: Vec::new(),
			prover: Some(f.accepted.prover),
			proof: Some(f.accepted.proof.into_inner()),
			key_hash: None,
		})
	}

	/// A miner's bond, unbonding chunks, open commitments and totals; `None` for an
	/// account with no ledger and no history. A miner that withdrew everything keeps its
	/// totals (with nothing bonded).
	pub fn miner_info(miner: &T::AccountId) -> Option<MinerInfo<BalanceOf<T>, BlockNumberFor<T>>> {
		let ledger = Miners::<T>::get(miner);
		let totals = MinerHistory::<T>::try_get(miner).ok();
		if ledger.is_none() && totals.is_none() {
			return None;
		}
		let l = ledger.unwrap_or_default();
		let totals = totals.unwrap_or_default();
		Some(MinerInfo {
			bonded: l.bonded,
			exposure: l.exposure(),
			unbonding: l.unbonding.into_inner(),
			open_commitments: l.open_commitments.into_inner(),
			total_rewards: totals.rewards,
			total_slashed: totals.slashed,
		})
	}

	/// A rollup's registration, parameters, pool and history.
	pub fn rollup_info(
		rollup_id: RollupId,
	) -> Option<RollupSummary<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let mut r = Rollups::<T>::get(rollup_id)?;
		Self::promote_terms(&mut r, Self::now());
		Some(RollupSummary {
			rollup_id,
			owner: r.owner,
			name: r.name.into_inner(),
			base_chain: r.base_chain,
			verifier: r.verifier,
			sequencer: r.sequencer,
			terms: r.terms,
			pending_terms: r.pending_terms,
			genesis: r.genesis,
			batch_capacity: r.batch_capacity,
			status: r.status,
			deposit: r.deposit,
			pool: r.pool,
			escrowed: r.escrowed,
			in_flight: r.in_flight,
			last_batch: r.last_batch,
			last_state_root: r.last_state_root,
			next_sequence: r.next_sequence,
			stats: r.stats,
			data_url: DataUrls::<T>::get(rollup_id).map(|url| url.into_inner()),
			prover_package: ProverPackages::<T>::get(rollup_id).map(Into::into),
		})
	}

	/// Checks `proof` for a sequence in flight exactly as `reveal_proof` by `prover` would
	/// (same proof system, public inputs derived from chain data and bound to `prover`),
	/// without changing state. `None` if the sequence is not in flight.
	///
	/// Miners call it before committing, so that a faulty prover host costs them a retry
	/// and not the invalid-proof penalty.
	pub fn check_proof(
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		prover: &T::AccountId,
		proof: &[u8],
	) -> Option<Result<(), VerificationError>> {
		let sequence = Sequences::<T>::get(rollup_id, sequence_index)?;
		Self::verify_proof(rollup_id, sequence_index, &sequence, prover, proof)
			.ok()
			.map(|(verdict, _)| verdict)
	}
}
