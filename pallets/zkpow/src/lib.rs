//! # ZKPoW pallet
//!
//! A market for zero-knowledge proving power. Rollup owners register rollups and fund a
//! reward pool; a rollup's sequencer submits sequences of batches; miners bond funds and
//! race to prove each sequence under a two-step commit–reveal scheme; the chain verifies
//! the proofs (Groth16/BN254 through a native host function), pays the miners whose proofs
//! are valid and slashes the ones who commit and fail.
//!
//! See `README.md` next to this crate for the protocol as implemented. In short:
//!
//! - The first `commit_proof_hash` on a pending sequence opens its window at block `b`.
//!   Commits are accepted in `[b, b + T1)`, reveals in `[b + T1, b + T1 + T2)`, and the
//!   window settles at `b + T1 + T2` in `on_initialize`, through a deadline agenda.
//! - At settlement the sequence's escrowed reward is split among the valid revealers in
//!   proportion to their bond at commit time, and every committer without a valid proof is
//!   slashed the rollup's no-proof penalty. Without any valid proof the sequence reopens.
//! - Slashed funds go to the rollup's reward pool. Pools and escrows are funds of the
//!   pallet account; nothing is minted or burnt.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(any(feature = "runtime-benchmarks", test))]
pub mod benchmark_fixtures;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod bonding;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
#[cfg(test)]
mod mock;
mod proving;
pub mod queries;
mod rollups;
mod settlement;
#[cfg(test)]
mod tests;
pub mod types;
pub mod verifier;
pub mod weights;

pub use types::*;
pub use verifier::{
	Groth16Bn254Verifier, ProofVerifier, ReferenceArtifactVerifier, VerificationError, VerifierKind,
};
pub use weights::WeightInfo;
pub use zkpow_primitives::{BatchHeader, BatchNumber, Bytes32, RollupId, SequenceIndex};

use frame_support::{pallet_prelude::*, traits::fungible};
use frame_system::pallet_prelude::BlockNumberFor;

/// Balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// A rollup's parameters as given in calls.
pub type RollupParamsOf<T> = RollupParams<BalanceOf<T>, BlockNumberFor<T>>;
/// A rollup's parameters in force.
pub type RollupTermsOf<T> = RollupTerms<BalanceOf<T>, BlockNumberFor<T>>;
/// A registered rollup.
pub type RollupInfoOf<T> = RollupInfo<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxNameLen,
>;
/// A rollup's verifier.
pub type VerifierConfigOf<T> = VerifierConfig<<T as Config>::MaxVerifyingKeyLen>;
/// A sequence in flight.
pub type SequenceInfoOf<T> = SequenceInfo<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxCommitters,
	<T as Config>::MaxProofLen,
>;
/// A proving window.
pub type WindowOf<T> = Window<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxCommitters,
	<T as Config>::MaxProofLen,
>;
/// A finalized sequence.
pub type FinalizedSequenceOf<T> = FinalizedSequence<
	<T as frame_system::Config>::AccountId,
	BlockNumberFor<T>,
	<T as Config>::MaxProofLen,
>;
/// A miner's ledger.
pub type MinerLedgerOf<T> = MinerLedger<
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxUnbondingChunks,
	<T as Config>::MaxOpenCommitments,
>;
/// Runtime-wide limits.
pub type ProtocolLimitsOf<T> = ProtocolLimits<BalanceOf<T>, BlockNumberFor<T>>;
/// The batches of a sequence.
pub type BatchesOf<T> = BoundedVec<BatchHeader, <T as Config>::MaxBatchesPerSequence>;
/// Proof bytes.
pub type ProofOf<T> = BoundedVec<u8, <T as Config>::MaxProofLen>;
/// Accepted proof.
pub type AcceptedProofOf<T> =
	AcceptedProof<<T as frame_system::Config>::AccountId, <T as Config>::MaxProofLen>;
/// A rollup's data URL.
pub type DataUrlOf<T> = BoundedVec<u8, <T as Config>::MaxDataUrlLen>;
/// Account or address as accepted by calls.
pub type AccountIdLookupOf<T> =
	<<T as frame_system::Config>::Lookup as sp_runtime::traits::StaticLookup>::Source;

// `register_rollup` takes eight arguments (each shown as its own field in polkadot.js).
#[allow(clippy::too_many_arguments)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		traits::{fungible::MutateHold, BuildGenesisConfig},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::StaticLookup;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the ZKPoW pallet.
	///
	/// The account id must be 32 bytes: it is part of every proof's public statement and of
	/// every proof hash.
	#[pallet::config]
	pub trait Config: frame_system::Config<AccountId: AsRef<[u8; 32]>> {
		/// The currency of deposits, bonds, reward pools and penalties.
		type Currency: fungible::Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason: From<HoldReason>>;

		/// Origin allowed to change the protocol limits (root or governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Id of the pallet account that keeps every rollup's reward pool and escrow.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Fixed part of the deposit held from a rollup owner at registration and returned at
		/// deregistration.
		#[pallet::constant]
		type RollupDepositBase: Get<BalanceOf<Self>>;

		/// Deposit per byte of a rollup's name and verifying key, on top of the base.
		#[pallet::constant]
		type RollupDepositPerByte: Get<BalanceOf<Self>>;

		/// Longest rollup name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// Longest data URL of a rollup (where miners fetch batch witnesses), in bytes.
		#[pallet::constant]
		type MaxDataUrlLen: Get<u32>;

		/// Longest verifying key, in bytes (a Groth16/BN254 key for the 10-input statement
		/// has 1,152 bytes).
		#[pallet::constant]
		type MaxVerifyingKeyLen: Get<u32>;

		/// Longest final proof, in bytes (a Groth16/BN254 proof has 256 bytes).
		#[pallet::constant]
		type MaxProofLen: Get<u32>;

		/// Most batches in one sequence.
		#[pallet::constant]
		type MaxBatchesPerSequence: Get<u32>;

		/// Most miners that can commit in one proving window.
		#[pallet::constant]
		type MaxCommitters: Get<u32>;

		/// Most unsettled commitments one miner can have at a time.
		#[pallet::constant]
		type MaxOpenCommitments: Get<u32>;

		/// Most unbonding chunks one miner can have at a time (unbonds in the same block
		/// share a chunk).
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// Most windows that can settle at the same block; a commit that would open one
		/// more is rejected and can be retried in the next block.
		#[pallet::constant]
		type MaxAgendaEntries: Get<u32>;

		/// Most windows settled in one block; the rest waits for the next blocks.
		#[pallet::constant]
		type MaxSettlementsPerBlock: Get<u32>;

		/// Weights of the calls and of settlement, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds of an account.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Deposit of a registered rollup, returned at deregistration.
		#[codec(index = 0)]
		RegistrationDeposit,
		/// A miner's bond, including funds being unbonded (they stay slashable until
		/// withdrawn).
		#[codec(index = 1)]
		MinerBond,
	}

	/// The id the next registered rollup gets.
	#[pallet::storage]
	pub type NextRollupId<T> = StorageValue<_, RollupId, ValueQuery>;

	/// Registered rollups: owner, sequencer, parameters, status, reward pool and escrow,
	/// last batch and state root.
	#[pallet::storage]
	pub type Rollups<T: Config> = StorageMap<_, Twox64Concat, RollupId, RollupInfoOf<T>>;

	/// Proof system and verifying key of each rollup.
	#[pallet::storage]
	pub type Verifiers<T: Config> = StorageMap<_, Twox64Concat, RollupId, VerifierConfigOf<T>>;

	/// Where miners fetch each rollup's batch data: `GET {url}/sequences/{sequence_index}`
	/// answers the sequence's batches with their witnesses (see the pallet README). Set by
	/// the owner with `set_data_url`.
	#[pallet::storage]
	pub type DataUrls<T: Config> = StorageMap<_, Twox64Concat, RollupId, DataUrlOf<T>>;

	/// Sequences submitted and not yet finalized (the proving tasks), with their window.
	#[pallet::storage]
	pub type Sequences<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RollupId, Twox64Concat, SequenceIndex, SequenceInfoOf<T>>;

	/// The batches (state root and data hash each) of sequences not yet finalized.
	#[pallet::storage]
	pub type SequenceBatches<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RollupId, Twox64Concat, SequenceIndex, BatchesOf<T>>;

	/// Finalized sequences: roots, data commitment and the accepted proof with the miner it
	/// is bound to, for relayers.
	#[pallet::storage]
	pub type FinalizedSequences<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RollupId,
		Twox64Concat,
		SequenceIndex,
		FinalizedSequenceOf<T>,
	>;

	/// Miners' bonds, unbonding chunks, open commitments and totals of rewards and
	/// penalties.
	#[pallet::storage]
	pub type Miners<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, MinerLedgerOf<T>>;

	/// Settlement agenda: the windows that end at each block.
	#[pallet::storage]
	pub type Agenda<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<AgendaEntry, T::MaxAgendaEntries>,
		ValueQuery,
	>;

	/// The earliest block whose agenda may still hold unsettled windows (settlement catches
	/// up from here when a block had more due windows than it could settle).
	#[pallet::storage]
	pub type SettlementCursor<T: Config> = StorageValue<_, BlockNumberFor<T>>;

	/// Runtime-wide bounds: window lengths and their defaults, unbonding period, bond floor.
	#[pallet::storage]
	pub type Limits<T: Config> = StorageValue<_, ProtocolLimitsOf<T>, ValueQuery>;

	/// Genesis: protocol limits. Building it also creates the pallet account.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Runtime-wide bounds (must be consistent, see `set_protocol_limits`).
		pub limits: ProtocolLimitsOf<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(self.limits.is_consistent(), "zkpow: inconsistent protocol limits");
			Limits::<T>::put(&self.limits);
			Pallet::<T>::ensure_pot_exists();
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A rollup was registered; its deposit is held from the owner.
		RollupRegistered {
			rollup_id: RollupId,
			owner: T::AccountId,
			sequencer: T::AccountId,
			verifier: VerifierKind,
			terms: RollupTermsOf<T>,
			deposit: BalanceOf<T>,
		},
		/// A rollup's sequencer or parameters changed (windows already open keep theirs).
		RollupUpdated { rollup_id: RollupId, sequencer: T::AccountId, terms: RollupTermsOf<T> },
		/// Funds were added to a rollup's reward pool.
		RollupFunded {
			rollup_id: RollupId,
			from: T::AccountId,
			amount: BalanceOf<T>,
			pool: BalanceOf<T>,
		},
		/// A rollup's data URL changed (`None`: removed); miners fetch batch data from it.
		DataUrlSet { rollup_id: RollupId, url: Option<DataUrlOf<T>> },
		/// A rollup stopped accepting sequences.
		RollupPaused { rollup_id: RollupId },
		/// A rollup accepts sequences again.
		RollupResumed { rollup_id: RollupId },
		/// A rollup was removed; its remaining pool went back to the owner and its deposit
		/// was released.
		RollupDeregistered { rollup_id: RollupId, refunded: BalanceOf<T>, deposit: BalanceOf<T> },
		/// A sequence was submitted and its reward escrowed: a new proving task.
		SequenceSubmitted {
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			start_batch: BatchNumber,
			prev_state_root: Bytes32,
			new_state_root: Bytes32,
			data_commitment: Bytes32,
			reward: BalanceOf<T>,
			batches: BatchesOf<T>,
		},
		/// The first commit on a sequence opened its window: commits until `commit_ends_at`
		/// (exclusive), reveals until `reveal_ends_at` (exclusive), settlement at
		/// `reveal_ends_at`.
		WindowOpened {
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			attempt: u32,
			commit_ends_at: BlockNumberFor<T>,
			reveal_ends_at: BlockNumberFor<T>,
		},
		/// A miner committed a proof hash.
		ProofHashCommitted {
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			miner: T::AccountId,
			proof_hash: Bytes32,
		},
		/// A miner revealed a valid proof; `first` if it became the sequence's proof.
		ProofRevealed {
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			miner: T::AccountId,
			first: bool,
		},
		/// A revealed proof was rejected and its miner slashed the invalid-proof penalty.
		ProofRejected {
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			miner: T::AccountId,
			reason: RejectReason,
		},
		/// A sequence is proven. Carries what a relayer sends to the rollup's inbox: the
		/// roots, the batches' commitment, the accepted proof and the miner whose account
		/// its statement is bound to (`prover`), plus every miner that proved it.
		SequenceFinalized {
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			start_batch: BatchNumber,
			batch_count: u32,
			prev_state_root: Bytes32,
			new_state_root: Bytes32,
			data_commitment: Bytes32,
			proof: ProofOf<T>,
			prover: T::AccountId,
			provers: BoundedVec<T::AccountId, T::MaxCommitters>,
		},
		/// A window ended without a valid proof; the sequence is pending again and the next
		/// commit opens a fresh window.
		SequenceReopened { rollup_id: RollupId, sequence_index: SequenceIndex, attempt: u32 },
		/// A miner received its share of a sequence's reward.
		MinerRewarded {
			miner: T::AccountId,
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			amount: BalanceOf<T>,
		},
		/// A miner's bond was slashed into the rollup's reward pool.
		MinerSlashed {
			miner: T::AccountId,
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			amount: BalanceOf<T>,
			reason: SlashReason,
		},
		/// A miner added to its bond.
		Bonded { miner: T::AccountId, amount: BalanceOf<T> },
		/// A miner started unbonding; the funds stay held and slashable until `unlock_at`.
		Unbonded { miner: T::AccountId, amount: BalanceOf<T>, unlock_at: BlockNumberFor<T> },
		/// Unbonded funds were released to the miner.
		Withdrawn { miner: T::AccountId, amount: BalanceOf<T> },
		/// Governance changed the protocol limits.
		ProtocolLimitsSet { limits: ProtocolLimitsOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No rollup with this id is registered.
		RollupNotFound,
		/// Only the rollup's owner can do this.
		NotRollupOwner,
		/// Only the rollup's sequencer can submit sequences.
		NotSequencer,
		/// The rollup is paused and accepts no sequences.
		RollupPaused,
		/// The rollup is already paused.
		RollupAlreadyPaused,
		/// The rollup is not paused.
		RollupNotPaused,
		/// The rollup still has sequences that are not finalized; wait until they are.
		SequencesInFlight,
		/// The rollup name is empty.
		EmptyName,
		/// The rollup name is longer than `MaxNameLen` bytes (see the pallet's constants).
		NameTooLong,
		/// The verifying key is longer than `MaxVerifyingKeyLen` bytes (see the pallet's
		/// constants).
		KeyTooLong,
		/// The verifying key is not a well-formed key of the proof system (wrong length or a
		/// coordinate outside the field).
		KeyMalformed,
		/// A point of the verifying key is not on the curve or not in its prime-order
		/// subgroup.
		KeyPointInvalid,
		/// The verifying key has a point at infinity where it must not.
		KeyDegenerate,
		/// The verifying key is for another number of public inputs than the sequence
		/// statement (10).
		KeyInputCountMismatch,
		/// T1 is outside the protocol limits.
		CommitWindowOutOfBounds,
		/// T2 is outside the protocol limits.
		RevealWindowOutOfBounds,
		/// The minimum miner bond is below the protocol's floor.
		MinerBondBelowFloor,
		/// Penalties must be above zero and together at most the minimum miner bond.
		InvalidPenalty,
		/// The protocol limits are inconsistent (`1 <= min <= default <= max` for both
		/// windows, unbonding period longer than max T1 + max T2, non-zero bond floor).
		InvalidLimits,
		/// Neither a new sequencer nor new parameters were given.
		NothingToUpdate,
		/// The amount must be above zero.
		ZeroAmount,
		/// A sequence needs at least one batch.
		EmptySequence,
		/// The reward pool does not cover the reward of one more sequence; fund the rollup.
		InsufficientPool,
		/// No unfinalized sequence with this index.
		SequenceNotFound,
		/// The sequence is already finalized.
		AlreadyFinalized,
		/// The account has no bond; call `bond` first.
		NotBonded,
		/// The free bond does not cover the rollup's minimum bond plus the worst-case
		/// penalties of your open commitments (or, for `unbond`, exceeds your bond).
		InsufficientBond,
		/// Too many unbonding chunks; withdraw or wait for a chunk to unlock.
		TooManyUnbondingChunks,
		/// Nothing can be withdrawn yet (still unbonding or needed to cover open
		/// commitments).
		NothingToWithdraw,
		/// The commit window of this sequence is over.
		CommitWindowClosed,
		/// You already committed in this window.
		AlreadyCommitted,
		/// The window has the maximum number of committers.
		TooManyCommitters,
		/// You have the maximum number of open commitments.
		TooManyOpenCommitments,
		/// Too many windows end at the same block; retry in the next block.
		AgendaFull,
		/// The sequence has no open window (nobody committed since it was last opened).
		NoOpenWindow,
		/// The reveal window has not started; reveals open at `b + T1`.
		RevealWindowNotOpen,
		/// The reveal window is over.
		RevealWindowClosed,
		/// You did not commit in this window.
		NotCommitted,
		/// You already revealed in this window.
		AlreadyRevealed,
		/// The data URL is longer than `MaxDataUrlLen` bytes (see the pallet's constants).
		DataUrlTooLong,
		/// The data URL must start with `http://` or `https://` and hold only visible ASCII
		/// characters (no spaces).
		DataUrlMalformed,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Settles the windows due at this block (and any carried over), at most
		/// `MaxSettlementsPerBlock`.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::settle_due(now)
		}

		fn integrity_test() {
			assert!(T::MaxSettlementsPerBlock::get() > 0, "MaxSettlementsPerBlock must be > 0");
			assert!(T::MaxAgendaEntries::get() > 0, "MaxAgendaEntries must be > 0");
			assert!(T::MaxCommitters::get() > 0, "MaxCommitters must be > 0");
			assert!(T::MaxOpenCommitments::get() > 0, "MaxOpenCommitments must be > 0");
			assert!(T::MaxUnbondingChunks::get() > 0, "MaxUnbondingChunks must be > 0");
			assert!(T::MaxBatchesPerSequence::get() > 0, "MaxBatchesPerSequence must be > 0");
			assert!(
				T::MaxProofLen::get() as usize >= zkpow_primitives::groth16::PROOF_LEN,
				"MaxProofLen must hold a Groth16 proof"
			);
			assert!(
				T::MaxVerifyingKeyLen::get() as usize
					>= zkpow_primitives::groth16::vk_len(
						zkpow_primitives::statement::STATEMENT_PUBLIC_INPUTS
					),
				"MaxVerifyingKeyLen must hold a Groth16 key for the sequence statement"
			);
			let worst = Self::worst_case_settlement_weight();
			let max_block = <T as frame_system::Config>::BlockWeights::get().max_block;
			assert!(
				worst.all_lte(max_block / 2),
				"settling MaxSettlementsPerBlock windows of MaxCommitters each must fit in half a block"
			);
			let normal = <T as frame_system::Config>::BlockWeights::get()
				.get(frame_support::dispatch::DispatchClass::Normal)
				.max_extrinsic
				.unwrap_or(max_block);
			assert!(
				Self::reveal_weight_bound(T::MaxBatchesPerSequence::get()).all_lte(normal),
				"a reveal of MaxBatchesPerSequence batches must fit in a normal extrinsic"
			);
			assert!(
				T::WeightInfo::register_rollup().all_lte(normal),
				"registering a rollup with the largest key must fit in a normal extrinsic"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a rollup. The caller becomes its owner and a deposit (base plus per byte
		/// of name and key) is held from it until deregistration.
		///
		/// - `verifier` and `verifying_key`: the proof system of the rollup's final proofs and
		///   its key; the key is fully validated here and rejected with a `Key*` error if it
		///   is not usable.
		/// - `sequencer`: the only account allowed to submit sequences.
		/// - `params`: T1, T2, reward per sequence, minimum miner bond and penalties; empty
		///   fields take the protocol defaults.
		/// - `genesis_state_root` and `last_batch`: the rollup's state root and batch number
		///   before its first sequence on this chain (the first sequence starts at batch
		///   `last_batch + 1`).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_rollup())]
		pub fn register_rollup(
			origin: OriginFor<T>,
			name: alloc::vec::Vec<u8>,
			base_chain: BaseChain,
			verifier: VerifierKind,
			verifying_key: alloc::vec::Vec<u8>,
			sequencer: AccountIdLookupOf<T>,
			params: RollupParamsOf<T>,
			genesis_state_root: Bytes32,
			last_batch: BatchNumber,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let name: BoundedVec<u8, T::MaxNameLen> =
				name.try_into().map_err(|_| Error::<T>::NameTooLong)?;
			let verifying_key: BoundedVec<u8, T::MaxVerifyingKeyLen> =
				verifying_key.try_into().map_err(|_| Error::<T>::KeyTooLong)?;
			let sequencer = T::Lookup::lookup(sequencer)?;
			Self::do_register_rollup(
				owner,
				name,
				base_chain,
				verifier,
				verifying_key,
				sequencer,
				params,
				genesis_state_root,
				last_batch,
			)
		}

		/// Change a rollup's sequencer and/or parameters (owner only). Parameters are checked
		/// against the protocol limits; windows already open keep their timing and penalties,
		/// sequences already submitted keep their escrowed reward.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_rollup())]
		pub fn update_rollup(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			sequencer: Option<AccountIdLookupOf<T>>,
			params: Option<RollupParamsOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let sequencer = sequencer.map(T::Lookup::lookup).transpose()?;
			Self::do_update_rollup(who, rollup_id, sequencer, params)
		}

		/// Add `amount` to a rollup's reward pool (any account may fund). A sequence is only
		/// accepted while the pool covers its reward. What is left in the pool goes back to
		/// the owner at deregistration.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::fund_rollup())]
		pub fn fund_rollup(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_fund_rollup(who, rollup_id, amount)
		}

		/// Stop accepting sequences (owner only). Sequences already submitted are still proven
		/// and settled.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::pause_rollup())]
		pub fn pause_rollup(origin: OriginFor<T>, rollup_id: RollupId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_paused(who, rollup_id, true)
		}

		/// Accept sequences again (owner only).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::resume_rollup())]
		pub fn resume_rollup(origin: OriginFor<T>, rollup_id: RollupId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_paused(who, rollup_id, false)
		}

		/// Remove a rollup (owner only, and only when no sequence is in flight). The remaining
		/// pool is paid back to the owner and the registration deposit released. Finalized
		/// sequence records stay.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::deregister_rollup())]
		pub fn deregister_rollup(origin: OriginFor<T>, rollup_id: RollupId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deregister_rollup(who, rollup_id)
		}

		/// Submit a sequence of batches (the rollup's sequencer only). The batches continue
		/// the rollup: the first is batch `last_batch + 1`, the first batch's previous state
		/// root is the rollup's last state root. The reward per sequence is escrowed from the
		/// pool and the sequence becomes a pending proving task.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::submit_sequence(batches.len() as u32))]
		pub fn submit_sequence(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			batches: BatchesOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_sequence(who, rollup_id, batches)
		}

		/// Add `amount` to your miner bond (held from your free balance). Commits need a free
		/// bond of at least the rollup's minimum plus the worst-case penalties of your open
		/// commitments; rewards are split in proportion to bonds.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::bond())]
		pub fn bond(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond(who, amount)
		}

		/// Start unbonding `amount` of your bond. It stays held, and can still be slashed,
		/// for the unbonding period (longer than any proving window); then call
		/// `withdraw_unbonded`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unbond(who, amount)
		}

		/// Release every unbonding chunk whose period is over, except what must stay to
		/// cover the worst-case penalties of your open commitments.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(who)
		}

		/// Step 1: commit `proof_hash = keccak256(keccak256(proof) ++ your_account)` for a
		/// sequence. The first commit on a pending sequence opens its window at this block
		/// `b`; commits are accepted until `b + T1` (exclusive), one per miner.
		#[pallet::call_index(10)]
		#[pallet::weight(
			T::WeightInfo::commit_proof_hash_opening()
				.max(T::WeightInfo::commit_proof_hash_joining())
		)]
		pub fn commit_proof_hash(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			proof_hash: Bytes32,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_commit(who, rollup_id, sequence_index, proof_hash)
		}

		/// Step 2: reveal your final proof, in `[b + T1, b + T1 + T2)`. The proof must match
		/// your committed hash and verify against the sequence's statement bound to your
		/// account. If it does not, you are slashed the rollup's invalid-proof penalty at once:
		/// the call still succeeds (and pays its fee) so that the slash stands. Valid proofs
		/// share the reward at settlement.
		#[pallet::call_index(11)]
		#[pallet::weight(Pallet::<T>::reveal_weight_bound(T::MaxBatchesPerSequence::get()))]
		pub fn reveal_proof(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			proof: ProofOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_reveal(who, rollup_id, sequence_index, proof)
		}

		/// Set or remove (`None`) the URL where miners fetch the rollup's batch data (owner
		/// only). Miners request `GET {url}/sequences/{sequence_index}` and check what they
		/// get against the batch headers on chain, so a wrong server cannot make them prove
		/// anything else.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::set_data_url())]
		pub fn set_data_url(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			url: Option<alloc::vec::Vec<u8>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_data_url(who, rollup_id, url)
		}

		/// Set the runtime-wide limits (admin origin): window bounds and defaults, unbonding
		/// period (longer than max T1 + max T2), minimum miner bond floor. Existing rollups
		/// keep their parameters until updated.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::set_protocol_limits())]
		pub fn set_protocol_limits(
			origin: OriginFor<T>,
			limits: ProtocolLimitsOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(limits.is_consistent(), Error::<T>::InvalidLimits);
			Limits::<T>::put(&limits);
			Self::deposit_event(Event::ProtocolLimitsSet { limits });
			Ok(())
		}
	}
}
