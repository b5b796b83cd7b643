#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(unreachable_pub))]
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
mod key_rotation;
pub mod migrations;
#[cfg(test)]
mod mock;
mod proving;
pub mod queries;
mod rollups;
pub mod serde_balance;
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
/// A rollup's announced verifying key.
pub type PendingKeyOf<T> = PendingKey<BlockNumberFor<T>, <T as Config>::MaxVerifyingKeyLen>;
/// A verifying key rotated away from, still verifying older sequences.
pub type RetiredKeyOf<T> = RetiredKey<<T as Config>::MaxVerifyingKeyLen>;
/// A rollup's announced parameters.
pub type PendingTermsOf<T> = PendingTerms<BalanceOf<T>, BlockNumberFor<T>>;
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
/// A rollup's prover package as stored.
pub type ProverPackageOf<T> = ProverPackage<<T as Config>::MaxPackageUrlLen>;
/// Account or address as accepted by calls.
pub type AccountIdLookupOf<T> =
	<<T as frame_system::Config>::Lookup as sp_runtime::traits::StaticLookup>::Source;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		traits::{fungible::MutateHold, BuildGenesisConfig},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{StaticLookup, Zero};

	/// The in-code storage version (see `migrations` for what each version changed).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

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

		/// The chain's treasury: every slashed bond is paid to it (never to a rollup or its
		/// owner, who could otherwise profit from trapping miners). Spent only by
		/// `AdminOrigin` through `spend_treasury`.
		#[pallet::constant]
		type Treasury: Get<Self::AccountId>;

		/// Fixed part of the deposit held from a rollup owner at registration and returned at
		/// deregistration.
		#[pallet::constant]
		type RollupDepositBase: Get<BalanceOf<Self>>;

		/// Deposit per byte of a rollup's name, verifying key and prover package (URL and
		/// hash), on top of the base.
		#[pallet::constant]
		type RollupDepositPerByte: Get<BalanceOf<Self>>;

		/// Fixed part of the deposit held from a sequencer for each sequence it submits,
		/// returned when the sequence is finalized or cancelled.
		#[pallet::constant]
		type SequenceDepositBase: Get<BalanceOf<Self>>;

		/// Sequence deposit per batch, on top of the base (the batches are stored until
		/// finalization and carried by the finalized record).
		#[pallet::constant]
		type SequenceDepositPerBatch: Get<BalanceOf<Self>>;

		/// Most sequences of one rollup in flight (submitted, not finalized) at a time.
		#[pallet::constant]
		type MaxSequencesInFlight: Get<u32>;

		/// Blocks a finalized sequence's record is kept (for clients and relayers) before it
		/// is pruned.
		#[pallet::constant]
		type FinalizedRetention: Get<BlockNumberFor<Self>>;

		/// Blocks between an owner's change of a rollup's terms and the first window that
		/// uses them, so that a miner always commits under terms it could see beforehand.
		#[pallet::constant]
		type TermsNoticePeriod: Get<BlockNumberFor<Self>>;

		/// Shortest reveal window (T2) the protocol limits may allow: a reveal phase of a
		/// block or two could be filled by whoever wants committers slashed.
		#[pallet::constant]
		type MinRevealWindow: Get<BlockNumberFor<Self>>;

		/// How many blocks past a full deadline a new window looks for room in the
		/// settlement agenda (its reveal phase grows by as many blocks).
		#[pallet::constant]
		type AgendaLookahead: Get<u32>;

		/// Longest rollup name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// Longest data URL of a rollup (where miners fetch batch witnesses), in bytes.
		#[pallet::constant]
		type MaxDataUrlLen: Get<u32>;

		/// Longest URL of a rollup's prover package (where prover hosts fetch what makes its
		/// proofs), in bytes.
		#[pallet::constant]
		type MaxPackageUrlLen: Get<u32>;

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

		/// Most unsettled commitments one miner can have at a time (at most
		/// `MaxSettlementsPerBlock`, so that one account alone cannot fill a deadline).
		#[pallet::constant]
		type MaxOpenCommitments: Get<u32>;

		/// Most unbonding chunks one miner can have at a time (unbonds in the same block
		/// share a chunk).
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// Most windows settled in one block, and so the most windows whose deadline is the
		/// same block: admission never outruns settlement, so every window settles in its
		/// deadline block.
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
		/// Deposit of a sequence in flight, held from its sequencer until the sequence is
		/// finalized or cancelled.
		#[codec(index = 2)]
		SequenceDeposit,
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

	/// How each rollup's proofs are made: the kind of prover, where its package is
	/// published and the hash that pins the package's content. Set by the owner at
	/// registration or with `set_prover_package`; its bytes are part of the owner's
	/// registration deposit.
	#[pallet::storage]
	pub type ProverPackages<T: Config> = StorageMap<_, Twox64Concat, RollupId, ProverPackageOf<T>>;

	/// Sequences submitted and not yet finalized (the proving tasks), with their window.
	#[pallet::storage]
	pub type Sequences<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RollupId, Twox64Concat, SequenceIndex, SequenceInfoOf<T>>;

	/// The batches (state root and data hash each) of sequences not yet finalized.
	#[pallet::storage]
	pub type SequenceBatches<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RollupId, Twox64Concat, SequenceIndex, BatchesOf<T>>;

	/// Finalized sequences: roots, data commitment and the accepted proof with the miner it
	/// is bound to, for clients. Pruned `FinalizedRetention` blocks after finalization
	/// (relayers take everything from the `SequenceFinalized` event).
	#[pallet::storage]
	pub type FinalizedSequences<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RollupId,
		Twox64Concat,
		SequenceIndex,
		FinalizedSequenceOf<T>,
	>;

	/// Miners' bonds, unbonding chunks and open commitments; removed when nothing is left.
	#[pallet::storage]
	pub type Miners<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, MinerLedgerOf<T>>;

	/// Every miner's rewards and penalties over its whole history (kept after its ledger
	/// is removed).
	#[pallet::storage]
	pub type MinerHistory<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, MinerTotals<BalanceOf<T>>, ValueQuery>;

	/// Settlement agenda: the windows whose deadline is each block (at most
	/// `MaxSettlementsPerBlock` each).
	#[pallet::storage]
	pub type Agenda<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<AgendaEntry, T::MaxSettlementsPerBlock>,
		ValueQuery,
	>;

	/// Pruning agenda: the finalized records removed at each block (a block finalizes at
	/// most `MaxSettlementsPerBlock` sequences).
	#[pallet::storage]
	pub type FinalizedExpiry<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<AgendaEntry, T::MaxSettlementsPerBlock>,
		ValueQuery,
	>;

	/// The [`zkpow_primitives::record::FinalizedRecord::hash`]es of the sequences finalized
	/// in each block, in the order of their `SequenceFinalized` events. The bridge signs
	/// their [`Pallet::records_root`] for the EVM (a block's BEEFY MMR leaf is made in the
	/// next block); each entry is removed two blocks after its own.
	#[pallet::storage]
	pub type BlockRecords<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<Bytes32, T::MaxSettlementsPerBlock>,
		ValueQuery,
	>;

	/// The earliest block whose agenda may still hold unsettled windows (settlement catches
	/// up from here when a block had more due windows than it could settle).
	#[pallet::storage]
	pub type SettlementCursor<T: Config> = StorageValue<_, BlockNumberFor<T>>;

	/// Verifying keys announced by rollup owners, waiting out their notice period.
	#[pallet::storage]
	pub type PendingKeys<T: Config> = StorageMap<_, Twox64Concat, RollupId, PendingKeyOf<T>>;

	/// Keys rotated away from, kept until the sequences submitted under them are done.
	#[pallet::storage]
	pub type RetiredKeys<T: Config> = StorageMap<_, Twox64Concat, RollupId, RetiredKeyOf<T>>;

	/// Rollups the admin origin froze, with the block they were frozen at: no sequences,
	/// commits or reveals; their windows close without penalty and finalize nothing.
	#[pallet::storage]
	pub type Frozen<T: Config> = StorageMap<_, Twox64Concat, RollupId, BlockNumberFor<T>>;

	/// Runtime-wide bounds: window lengths and their defaults, unbonding period, bond and
	/// reward floors.
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
			assert!(
				Pallet::<T>::limits_acceptable(&self.limits),
				"zkpow: inconsistent protocol limits"
			);
			Limits::<T>::put(&self.limits);
			Pallet::<T>::ensure_pot_exists();
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A rollup was registered; its deposit is held from the owner.
		RollupRegistered {
			/// Id of the new rollup.
			rollup_id: RollupId,
			/// The registering account, now the rollup's owner.
			owner: T::AccountId,
			/// The only account allowed to submit sequences.
			sequencer: T::AccountId,
			/// Proof system of the rollup's final proofs.
			verifier: VerifierKind,
			/// Parameters in force from now.
			terms: RollupTermsOf<T>,
			/// Registration deposit held from the owner.
			deposit: BalanceOf<T>,
		},
		/// A rollup's sequencer changed at once and/or new parameters were announced; windows
		/// opened before `pending.effective_at` keep the terms in force.
		RollupUpdated {
			/// The rollup.
			rollup_id: RollupId,
			/// Its sequencer (new or unchanged).
			sequencer: T::AccountId,
			/// Parameters in force now.
			terms: RollupTermsOf<T>,
			/// Announced parameters and the block from which new windows use them.
			pending: Option<PendingTermsOf<T>>,
		},
		/// Funds were added to a rollup's reward pool.
		RollupFunded {
			/// The rollup.
			rollup_id: RollupId,
			/// The funding account.
			from: T::AccountId,
			/// Amount added.
			amount: BalanceOf<T>,
			/// The pool after funding.
			pool: BalanceOf<T>,
		},
		/// A rollup's data URL changed; miners fetch batch data from it.
		DataUrlSet {
			/// The rollup.
			rollup_id: RollupId,
			/// The new URL (`None`: removed).
			url: Option<DataUrlOf<T>>,
		},
		/// A rollup's prover package changed (at registration or by its owner); the owner's
		/// registration deposit follows the package's bytes.
		ProverPackageSet {
			/// The rollup.
			rollup_id: RollupId,
			/// The new package: kind, URL and content hash (`None`: removed).
			package: Option<ProverPackageOf<T>>,
		},
		/// A rollup stopped accepting sequences.
		RollupPaused {
			/// The rollup.
			rollup_id: RollupId,
		},
		/// A rollup accepts sequences again.
		RollupResumed {
			/// The rollup.
			rollup_id: RollupId,
		},
		/// The admin origin froze a rollup (an emergency such as an unsound circuit): no
		/// sequences, commits or reveals; its open windows close without penalty.
		RollupFrozen {
			/// The rollup.
			rollup_id: RollupId,
		},
		/// The admin origin lifted a rollup's freeze.
		RollupUnfrozen {
			/// The rollup.
			rollup_id: RollupId,
		},
		/// A rollup's owner announced a new verifying key: sequences submitted from
		/// `effective_at` on are verified with it, earlier ones with the key they were
		/// submitted under.
		KeyRotationAnnounced {
			/// The rollup.
			rollup_id: RollupId,
			/// The new key's proof system.
			kind: VerifierKind,
			/// First block whose submissions use the new key.
			effective_at: BlockNumberFor<T>,
			/// What the owner's registration deposit is now (it holds both keys until the
			/// old one is dropped).
			deposit: BalanceOf<T>,
		},
		/// An announced key is in force: `first_sequence` is the first sequence verified
		/// with it.
		KeyRotated {
			/// The rollup.
			rollup_id: RollupId,
			/// The key's proof system.
			kind: VerifierKind,
			/// The first sequence the new key verifies.
			first_sequence: SequenceIndex,
		},
		/// A rollup was removed; its remaining pool went back to the owner and its deposit
		/// was released.
		RollupDeregistered {
			/// The removed rollup.
			rollup_id: RollupId,
			/// Pool paid back to the owner.
			refunded: BalanceOf<T>,
			/// Registration deposit released.
			deposit: BalanceOf<T>,
		},
		/// A sequence was submitted, its reward escrowed and its deposit held: a new proving
		/// task.
		SequenceSubmitted {
			/// The rollup.
			rollup_id: RollupId,
			/// Index of the new sequence.
			sequence_index: SequenceIndex,
			/// Number of its first batch (lower: higher proving priority).
			start_batch: BatchNumber,
			/// State root before its first batch.
			prev_state_root: Bytes32,
			/// State root after its last batch.
			new_state_root: Bytes32,
			/// `sequence_commitment` of the batches (part of the proven statement).
			data_commitment: Bytes32,
			/// Reward escrowed from the pool for its provers.
			reward: BalanceOf<T>,
			/// Deposit held from the sequencer until finalization or cancellation.
			deposit: BalanceOf<T>,
			/// The batches' headers (state root and data hash each).
			batches: BatchesOf<T>,
		},
		/// Pending sequences were cancelled: their escrows went back to the pool, their
		/// deposits were released and the rollup continues from before `from_index`.
		SequencesCancelled {
			/// The rollup.
			rollup_id: RollupId,
			/// First cancelled index (the next submitted sequence gets it again).
			from_index: SequenceIndex,
			/// Number of sequences cancelled.
			count: u32,
			/// The rollup's last batch after the rewind.
			last_batch: BatchNumber,
			/// The rollup's last state root after the rewind.
			last_state_root: Bytes32,
			/// Escrowed rewards returned to the pool.
			refunded: BalanceOf<T>,
		},
		/// The first commit on a sequence opened its window: commits until `commit_ends_at`
		/// (exclusive), reveals until `reveal_ends_at` (exclusive), settlement at
		/// `reveal_ends_at`.
		WindowOpened {
			/// The rollup.
			rollup_id: RollupId,
			/// The sequence.
			sequence_index: SequenceIndex,
			/// Windows of this sequence that ended without a valid proof before this one.
			attempt: u32,
			/// First block without commits (`b + T1`).
			commit_ends_at: BlockNumberFor<T>,
			/// The window's deadline: first block without reveals, and its settlement block
			/// (`b + T1 + T2`, later if that block's agenda was full).
			reveal_ends_at: BlockNumberFor<T>,
		},
		/// A miner committed a proof hash.
		ProofHashCommitted {
			/// The rollup.
			rollup_id: RollupId,
			/// The sequence.
			sequence_index: SequenceIndex,
			/// The committing miner.
			miner: T::AccountId,
			/// `keccak256(keccak256(proof) ++ miner)`.
			proof_hash: Bytes32,
			/// The miner's reward weight in this window (bond net of its other exposure).
			weight: BalanceOf<T>,
		},
		/// A full window took a commit with a larger reward weight in place of the smallest
		/// one; the displaced miner's commitment is released (nothing slashed).
		CommitmentDisplaced {
			/// The rollup.
			rollup_id: RollupId,
			/// The sequence.
			sequence_index: SequenceIndex,
			/// The miner whose commitment was dropped.
			miner: T::AccountId,
			/// Its reward weight.
			weight: BalanceOf<T>,
			/// The miner who took the slot.
			by: T::AccountId,
		},
		/// A miner revealed a valid proof.
		ProofRevealed {
			/// The rollup.
			rollup_id: RollupId,
			/// The sequence.
			sequence_index: SequenceIndex,
			/// The revealing miner.
			miner: T::AccountId,
			/// Whether it became the sequence's proof (the first valid one).
			first: bool,
		},
		/// A revealed proof was rejected and its miner slashed the invalid-proof penalty.
		ProofRejected {
			/// The rollup.
			rollup_id: RollupId,
			/// The sequence.
			sequence_index: SequenceIndex,
			/// The revealing miner.
			miner: T::AccountId,
			/// Hash mismatch or failed verification.
			reason: RejectReason,
		},
		/// A sequence is proven. Carries everything a relayer sends to the rollup's inbox, so
		/// that no relayer needs old state.
		SequenceFinalized {
			/// The rollup.
			rollup_id: RollupId,
			/// The sequence.
			sequence_index: SequenceIndex,
			/// Number of its first batch.
			start_batch: BatchNumber,
			/// Number of batches.
			batch_count: u32,
			/// State root before the first batch.
			prev_state_root: Bytes32,
			/// State root after the last batch.
			new_state_root: Bytes32,
			/// Commitment to the batches.
			data_commitment: Bytes32,
			/// The accepted proof's bytes.
			proof: ProofOf<T>,
			/// The miner whose account the accepted proof's statement is bound to.
			prover: T::AccountId,
			/// Every miner that revealed a valid proof (and shared the reward).
			provers: BoundedVec<T::AccountId, T::MaxCommitters>,
			/// The batches' headers (state root and data hash each).
			batches: BatchesOf<T>,
		},
		/// A window ended without a valid proof; the sequence is pending again and the next
		/// commit opens a fresh window.
		SequenceReopened {
			/// The rollup.
			rollup_id: RollupId,
			/// The sequence.
			sequence_index: SequenceIndex,
			/// Windows of this sequence that ended without a valid proof so far.
			attempt: u32,
		},
		/// A miner received its share of a sequence's reward.
		MinerRewarded {
			/// The miner.
			miner: T::AccountId,
			/// The rollup.
			rollup_id: RollupId,
			/// The sequence.
			sequence_index: SequenceIndex,
			/// The share paid.
			amount: BalanceOf<T>,
		},
		/// A miner's bond was slashed into the treasury.
		MinerSlashed {
			/// The miner.
			miner: T::AccountId,
			/// The rollup of the window.
			rollup_id: RollupId,
			/// The sequence of the window.
			sequence_index: SequenceIndex,
			/// Amount slashed (at most what the miner still held).
			amount: BalanceOf<T>,
			/// No valid proof at settlement, or an invalid reveal.
			reason: SlashReason,
		},
		/// A miner added to its bond.
		Bonded {
			/// The miner.
			miner: T::AccountId,
			/// Amount added.
			amount: BalanceOf<T>,
		},
		/// A miner started unbonding; the funds stay held and slashable until `unlock_at`.
		Unbonded {
			/// The miner.
			miner: T::AccountId,
			/// Amount unbonding.
			amount: BalanceOf<T>,
			/// First block in which it can be withdrawn.
			unlock_at: BlockNumberFor<T>,
		},
		/// Unbonded funds were released to the miner.
		Withdrawn {
			/// The miner.
			miner: T::AccountId,
			/// Amount released.
			amount: BalanceOf<T>,
		},
		/// Governance changed the protocol limits.
		ProtocolLimitsSet {
			/// The new limits.
			limits: ProtocolLimitsOf<T>,
		},
		/// Governance paid funds out of the treasury.
		TreasurySpent {
			/// The receiving account.
			to: T::AccountId,
			/// Amount paid.
			amount: BalanceOf<T>,
		},
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
		/// Governance froze the rollup (an emergency): it takes no sequences, commits or
		/// reveals until the freeze is lifted.
		RollupFrozen,
		/// The rollup is already frozen.
		RollupAlreadyFrozen,
		/// The rollup is not frozen.
		RollupNotFrozen,
		/// A key rotation is already announced, or the previous key still verifies
		/// sequences in flight: one rotation at a time.
		KeyRotationInProgress,
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
		/// The reward per sequence is below the protocol's floor (`min_reward_per_sequence`
		/// of the protocol limits).
		RewardBelowFloor,
		/// Penalties must be above zero (the no-proof penalty at least 1/50 of the protocol's
		/// bond floor, so an abandoned window always costs its committer) and together at most
		/// the minimum miner bond.
		InvalidPenalty,
		/// The protocol limits are inconsistent (`1 <= min <= default <= max` for both
		/// windows, minimum T2 at least the runtime's `MinRevealWindow`, unbonding period
		/// longer than max T1 + max T2, non-zero bond and reward floors).
		InvalidLimits,
		/// Neither a new sequencer nor new parameters were given.
		NothingToUpdate,
		/// The amount must be above zero.
		ZeroAmount,
		/// A sequence needs at least one batch.
		EmptySequence,
		/// The sequence's first batch is not the rollup's last batch + 1: a retried or
		/// duplicated submission (already taken) or a gap. Query the rollup's `last_batch`.
		UnexpectedStartBatch,
		/// The sequence's previous state root is not the rollup's last state root: a retried
		/// or duplicated submission, or a fork of the rollup's history.
		UnexpectedPrevStateRoot,
		/// The sequence has more batches than the rollup's verifying key set can prove.
		TooManyBatchesForKey,
		/// The rollup has `MaxSequencesInFlight` sequences in flight; wait until one is
		/// finalized (or cancel pending ones).
		TooManySequencesInFlight,
		/// There is no sequence in flight from this index on.
		NothingToCancel,
		/// A sequence from this index on has an open proving window (or is finalized); only
		/// pending sequences without a window can be cancelled.
		CannotCancel,
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
		/// The window has the maximum number of committers and your reward weight (bond net of
		/// your other open commitments' exposure) is not larger than the smallest one's.
		TooManyCommitters,
		/// You have the maximum number of open commitments.
		TooManyOpenCommitments,
		/// No block within `AgendaLookahead` blocks of the window's deadline has room in the
		/// settlement agenda; retry in a later block.
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
		/// The prover package's URL is longer than `MaxPackageUrlLen` bytes (see the
		/// pallet's constants).
		PackageUrlTooLong,
		/// The prover package's URL must start with `http://` or `https://` and hold only
		/// visible ASCII characters (no spaces).
		PackageUrlMalformed,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Settles the windows due at this block (and any carried over), at most
		/// `MaxSettlementsPerBlock`.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::settle_due(now)
				.saturating_add(Self::prune_finalized(now))
				.saturating_add(Self::prune_block_records(now))
		}

		fn integrity_test() {
			assert!(T::MaxSettlementsPerBlock::get() > 0, "MaxSettlementsPerBlock must be > 0");
			assert!(T::AgendaLookahead::get() > 0, "AgendaLookahead must be > 0");
			assert!(T::MaxSequencesInFlight::get() > 0, "MaxSequencesInFlight must be > 0");
			assert!(
				T::MaxOpenCommitments::get() <= T::MaxSettlementsPerBlock::get(),
				"MaxOpenCommitments must not exceed MaxSettlementsPerBlock: one account must not \
				 be able to fill a deadline block alone"
			);
			assert!(
				!T::MinRevealWindow::get().is_zero(),
				"MinRevealWindow must be at least one block"
			);
			assert!(
				T::FinalizedRetention::get() >= 1u32.into(),
				"FinalizedRetention must be at least one block"
			);
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
		/// of name, key and prover package) is held from it until deregistration.
		///
		/// - `base_chain`: the EVM chain id and inbox address the rollup settles on.
		/// - `verifier`: the proof system of the rollup's final proofs and its key; the key is
		///   fully validated here and rejected with a `Key*` error if it is not usable.
		/// - `sequencer`: the only account allowed to submit sequences.
		/// - `params`: T1, T2, reward per sequence, minimum miner bond and penalties; empty
		///   fields take the protocol defaults. They apply at once.
		/// - `genesis`: the rollup's state root and batch number before its first sequence on
		///   this chain (the first sequence starts at batch `genesis.last_batch + 1`).
		/// - `prover_package`: optionally, how the rollup's proofs are made (kind, URL and
		///   content hash, see `set_prover_package`); its bytes join the deposit.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_rollup())]
		#[allow(clippy::too_many_arguments, reason = "the call's arguments are its interface")]
		pub fn register_rollup(
			origin: OriginFor<T>,
			name: alloc::vec::Vec<u8>,
			base_chain: BaseChain,
			verifier: VerifierSpec,
			sequencer: AccountIdLookupOf<T>,
			params: RollupParamsOf<T>,
			genesis: RollupGenesis,
			prover_package: Option<ProverPackageSpec>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let name: BoundedVec<u8, T::MaxNameLen> =
				name.try_into().map_err(|_| Error::<T>::NameTooLong)?;
			let key: BoundedVec<u8, T::MaxVerifyingKeyLen> =
				verifier.key.try_into().map_err(|_| Error::<T>::KeyTooLong)?;
			let verifier = VerifierConfig { kind: verifier.kind, key };
			let prover_package = prover_package.map(Self::prover_package_of).transpose()?;
			let sequencer = T::Lookup::lookup(sequencer)?;
			Self::do_register_rollup(
				owner,
				name,
				base_chain,
				verifier,
				sequencer,
				params,
				genesis,
				prover_package,
			)
		}

		/// Change a rollup's sequencer (at once) and/or announce new parameters (owner only).
		/// Parameters are checked against the protocol limits and apply from
		/// `TermsNoticePeriod` blocks on: windows opened before keep the terms in force (so a
		/// miner never commits under terms it could not see), sequences submitted before keep
		/// their escrowed reward. A new announcement replaces a pending one.
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

		/// Submit a sequence of batches (the rollup's sequencer only). `start_batch` and
		/// `prev_state_root` name where the sequence continues the rollup and must equal the
		/// rollup's last batch + 1 and last state root, so a retried or duplicated submission
		/// fails (`UnexpectedStartBatch`, `UnexpectedPrevStateRoot`) instead of being taken as
		/// new batches. The reward per sequence is escrowed from the pool, the sequence
		/// deposit (base plus per batch) is held from the sender until the sequence is
		/// finalized or cancelled, and the sequence becomes a pending proving task.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::submit_sequence(batches.len() as u32))]
		pub fn submit_sequence(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			start_batch: BatchNumber,
			prev_state_root: Bytes32,
			batches: BatchesOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_sequence(who, rollup_id, start_batch, prev_state_root, batches)
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
		/// `b` under the rollup's terms in force; commits are accepted until `b + T1`
		/// (exclusive), one per miner. Your reward weight is your bond net of your other open
		/// commitments' worst-case penalties; when the window is full, a larger weight takes
		/// the place of the smallest (whose commitment is released, nothing slashed).
		#[pallet::call_index(10)]
		#[pallet::weight(Pallet::<T>::commit_weight_bound())]
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

		/// Set the runtime-wide limits (admin origin): window bounds and defaults (minimum T2
		/// at least `MinRevealWindow`), unbonding period (longer than max T1 + max T2),
		/// minimum miner bond and reward floors. Existing rollups keep their parameters until
		/// updated.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::set_protocol_limits())]
		pub fn set_protocol_limits(
			origin: OriginFor<T>,
			limits: ProtocolLimitsOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(Self::limits_acceptable(&limits), Error::<T>::InvalidLimits);
			Limits::<T>::put(&limits);
			Self::deposit_event(Event::ProtocolLimitsSet { limits });
			Ok(())
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

		/// Cancel the pending sequences of a rollup from `from_index` on (the owner, or the
		/// admin origin), when none of them has an open window or is finalized: their
		/// escrowed rewards go back to the pool, their deposits are released, and the rollup's
		/// last batch and state root rewind to before `from_index` (the next submission
		/// continues from there and gets `from_index`). Lets an owner recover funds from
		/// sequences nobody can prove, and deregister afterwards.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::cancel_sequences(T::MaxSequencesInFlight::get()))]
		pub fn cancel_sequences(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			from_index: SequenceIndex,
		) -> DispatchResultWithPostInfo {
			let who = match T::AdminOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => Some(ensure_signed(origin)?),
			};
			Self::do_cancel_sequences(who, rollup_id, from_index)
		}

		/// Pay `amount` from the treasury (where slashed bonds go) to `to` (admin origin).
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::spend_treasury())]
		pub fn spend_treasury(
			origin: OriginFor<T>,
			to: AccountIdLookupOf<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let to = T::Lookup::lookup(to)?;
			<T::Currency as fungible::Mutate<_>>::transfer(
				&T::Treasury::get(),
				&to,
				amount,
				frame_support::traits::tokens::Preservation::Preserve,
			)?;
			Self::deposit_event(Event::TreasurySpent { to, amount });
			Ok(())
		}

		/// Freeze (`frozen = true`) or unfreeze a rollup (admin origin only), for emergencies
		/// such as an unsound circuit: while frozen it takes no sequences, commits or
		/// reveals, and its open windows close at their deadlines without slashing anyone
		/// for not revealing and without finalizing (the sequences go back to pending). The
		/// owner can still fund, pause, cancel sequences and deregister.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::set_frozen())]
		pub fn set_frozen(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			frozen: bool,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_frozen(rollup_id, frozen)
		}

		/// Announce a new verifying key (owner only), validated as at registration. It
		/// verifies the sequences submitted `TermsNoticePeriod` blocks from now on;
		/// sequences submitted before are still verified with the key they were submitted
		/// under, so no miner's work in flight is invalidated. The registration deposit
		/// grows by the new key's bytes until the old key is dropped (when the last
		/// sequence submitted under it is done). The rollup's inbox on its base chain has
		/// its key fixed at deployment: sequences under the new key need a new inbox.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::rotate_verifying_key())]
		pub fn rotate_verifying_key(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			verifier: VerifierSpec,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let key = verifier.key.try_into().map_err(|_| Error::<T>::KeyTooLong)?;
			Self::do_announce_key(who, rollup_id, VerifierConfig { kind: verifier.kind, key })
		}

		/// Set or remove (`None`) the rollup's prover package (owner only): what kind of
		/// prover makes its proofs (`Circom`: a circuit's WASM and `.zkey`; `Reference`: the
		/// reference rollup's native prover), where the package is published (`http://` or
		/// `https://`, at most `MaxPackageUrlLen` bytes) and the 32-byte hash of its
		/// content, which miners check before running it. `RollupDepositPerByte` for each
		/// byte of URL and hash is held from the owner as part of the registration deposit;
		/// a shorter package or its removal releases the difference, and deregistration
		/// releases it all.
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::set_prover_package())]
		pub fn set_prover_package(
			origin: OriginFor<T>,
			rollup_id: RollupId,
			package: Option<ProverPackageSpec>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_prover_package(who, rollup_id, package)
		}
	}
}
