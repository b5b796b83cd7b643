//! Data types stored by the pallet and taken by its calls.
//!
//! All of them are SCALE-encoded with a bounded size (`MaxEncodedLen`), so every storage
//! item of the pallet has a known worst-case size.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use scale_info::TypeInfo;
use sp_runtime::traits::{Get, Zero};
use zkpow_primitives::{BatchNumber, Bytes32, RollupId, SequenceIndex};

pub use crate::verifier::VerifierKind;

/// Where a rollup settles: an EVM base chain and the rollup's inbox contract on it.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct BaseChain {
	/// EIP-155 chain id of the base chain (1 = Ethereum, 56 = BNB Chain, 137 = Polygon PoS, ...).
	pub chain_id: u64,
	/// Address of the rollup's inbox contract on the base chain (20 bytes).
	pub inbox: [u8; 20],
}

/// A rollup's proof system and verifying key as given at registration.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct VerifierSpec {
	/// Proof system of the rollup's final proofs.
	pub kind: VerifierKind,
	/// Verifying key in the encoding of the proof system (for `Groth16Bn254` the
	/// 1,152-byte key of the ten-input sequence statement). At most `MaxVerifyingKeyLen`
	/// bytes (`KeyTooLong`), fully validated at registration (`Key*` errors).
	pub key: alloc::vec::Vec<u8>,
}

/// Where a rollup's history on this chain starts: the state before its first sequence.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	Default,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct RollupGenesis {
	/// State root before the first sequence.
	pub state_root: Bytes32,
	/// Number of the last batch before the first sequence (the first sequence starts at
	/// `last_batch + 1`).
	pub last_batch: BatchNumber,
}

/// Economic and timing parameters of a rollup as given by its owner.
///
/// Fields left empty (`None`) take the protocol default: T1 and T2 from
/// [`ProtocolLimits`], the no-proof penalty 1/50 and the invalid-proof penalty 1/5 of
/// `min_miner_bond`.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct RollupParams<Balance, BlockNumber> {
	/// T1: number of blocks, counted from the first commit, in which miners may commit a
	/// proof hash.
	pub commit_window: Option<BlockNumber>,
	/// T2: number of blocks after the commit window in which committed miners reveal their
	/// proofs.
	pub reveal_window: Option<BlockNumber>,
	/// Reward paid for each proven sequence, escrowed from the pool at submission.
	pub reward_per_sequence: Balance,
	/// Bond a miner must have (free of other commitments) to commit on this rollup.
	pub min_miner_bond: Balance,
	/// Slashed from every committer that has no valid proof revealed at settlement.
	pub no_proof_penalty: Option<Balance>,
	/// Slashed at once from a miner who reveals a proof that does not match its hash or does
	/// not verify.
	pub invalid_proof_penalty: Option<Balance>,
}

/// The parameters of a rollup in force, defaults resolved.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "Balance: Clone + TryInto<u128>, BlockNumber: serde::Serialize",
		deserialize = "Balance: TryFrom<u128>, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct RollupTerms<Balance, BlockNumber> {
	/// T1 in blocks.
	pub commit_window: BlockNumber,
	/// T2 in blocks.
	pub reveal_window: BlockNumber,
	/// Reward per proven sequence.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub reward_per_sequence: Balance,
	/// Minimum free bond of a committing miner.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub min_miner_bond: Balance,
	/// Penalty for committing without revealing a valid proof.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub no_proof_penalty: Balance,
	/// Penalty for revealing a wrong or invalid proof.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub invalid_proof_penalty: Balance,
}

/// Whether a rollup accepts new sequences.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum RollupStatus {
	/// Sequences are accepted.
	Active,
	/// The owner paused the rollup: no new sequences; sequences already submitted are still
	/// proven and settled so that the rollup can drain.
	Paused,
}

/// Counters of a rollup's history.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	Default,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "Balance: Clone + TryInto<u128>",
		deserialize = "Balance: TryFrom<u128>"
	))
)]
pub struct RollupStats<Balance> {
	/// Sequences finalized with a valid proof.
	pub sequences_finalized: u64,
	/// Windows that ended without a valid proof (each reopened its sequence).
	pub windows_failed: u64,
	/// Rewards paid out to miners.
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub rewards_paid: Balance,
	/// Penalties slashed from miners in this rollup's windows (paid to the treasury, never
	/// to the rollup or its owner).
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub miners_slashed: Balance,
}

/// A registered rollup.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(NameLen))]
pub struct RollupInfo<AccountId, Balance, BlockNumber, NameLen: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// The account that registered the rollup and manages it.
	pub owner: AccountId,
	/// Human-readable name.
	pub name: BoundedVec<u8, NameLen>,
	/// Where the rollup settles.
	pub base_chain: BaseChain,
	/// Proof system of the rollup's final proofs.
	pub verifier: VerifierKind,
	/// Most batches per sequence its key can prove (at most `MaxBatchesPerSequence`).
	pub batch_capacity: u32,
	/// The only account allowed to submit sequences.
	pub sequencer: AccountId,
	/// Parameters in force: they apply to every window opened now.
	pub terms: RollupTerms<Balance, BlockNumber>,
	/// Parameters announced by the owner and the block from which they apply (windows
	/// opened from that block on use them; until then `terms` stay in force).
	pub pending_terms: Option<PendingTerms<Balance, BlockNumber>>,
	/// The state before the rollup's first sequence (what an inbox starts from).
	pub genesis: RollupGenesis,
	/// Active or paused.
	pub status: RollupStatus,
	/// Registration deposit held from the owner, returned at deregistration.
	pub deposit: Balance,
	/// Reward pool not yet committed to a sequence.
	pub pool: Balance,
	/// Rewards escrowed for submitted, not yet finalized sequences.
	pub escrowed: Balance,
	/// Number of submitted sequences not yet finalized.
	pub in_flight: u32,
	/// Number of the last batch submitted (0 before the first sequence unless given at
	/// registration).
	pub last_batch: BatchNumber,
	/// State root after the last submitted batch.
	pub last_state_root: Bytes32,
	/// Index the next submitted sequence gets.
	pub next_sequence: SequenceIndex,
	/// History counters.
	pub stats: RollupStats<Balance>,
}

/// New parameters of a rollup, announced a notice period before they apply.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "Balance: Clone + TryInto<u128>, BlockNumber: serde::Serialize",
		deserialize = "Balance: TryFrom<u128>, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct PendingTerms<Balance, BlockNumber> {
	/// The parameters that will apply.
	pub terms: RollupTerms<Balance, BlockNumber>,
	/// First block whose new windows (and new sequences, for the reward) use them.
	pub effective_at: BlockNumber,
}

/// A rollup's verifier: its proof system and verifying key(s), validated at registration.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(KeyLen))]
pub struct VerifierConfig<KeyLen: Get<u32>> {
	/// Proof system.
	pub kind: VerifierKind,
	/// Verifying key bytes in the encoding of the proof system.
	pub key: BoundedVec<u8, KeyLen>,
}

/// What a prover host runs to make a rollup's proofs. New kinds get new codec indices;
/// the existing ones keep theirs.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum ProverPackageKind {
	/// A circom circuit: its witness generator compiled to WASM and its Groth16 `.zkey`
	/// (as snarkjs and rapidsnark use them). Prover hosts run the WASM in a sandbox.
	#[codec(index = 0)]
	Circom,
	/// The reference rollup's own native prover, shipped with the miner software.
	#[codec(index = 1)]
	Reference,
}

/// A rollup's prover package as given in calls and answered by queries: what kind of
/// prover makes its proofs, where the package is published and the hash that pins its
/// content.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct ProverPackageSpec {
	/// What a prover host runs.
	pub kind: ProverPackageKind,
	/// Where the package is published: at most `MaxPackageUrlLen` bytes
	/// (`PackageUrlTooLong`), `http://` or `https://` and visible ASCII only
	/// (`PackageUrlMalformed`).
	pub url: alloc::vec::Vec<u8>,
	/// 32-byte hash of the package's content; a host proves only with a package that
	/// matches it. For `Circom`: `keccak256(keccak256(wasm) ++ keccak256(zkey))`, as
	/// `zkpow-prover circom hash` prints it.
	pub hash: Bytes32,
}

/// A rollup's prover package as stored (see [`ProverPackageSpec`]).
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(UrlLen))]
pub struct ProverPackage<UrlLen: Get<u32>> {
	/// What a prover host runs.
	pub kind: ProverPackageKind,
	/// Where the package is published (`http://` or `https://`, visible ASCII).
	pub url: BoundedVec<u8, UrlLen>,
	/// 32-byte hash of the package's content.
	pub hash: Bytes32,
}

impl<UrlLen: Get<u32>> ProverPackage<UrlLen> {
	/// The bytes the owner's deposit pays for: the URL and the hash.
	pub fn deposit_bytes(&self) -> u32 {
		(self.url.len() + self.hash.len()) as u32
	}
}

impl<UrlLen: Get<u32>> From<ProverPackage<UrlLen>> for ProverPackageSpec {
	fn from(p: ProverPackage<UrlLen>) -> Self {
		ProverPackageSpec { kind: p.kind, url: p.url.into_inner(), hash: p.hash }
	}
}

/// What a committed miner did in step 2.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum RevealOutcome {
	/// Nothing revealed yet.
	NotRevealed,
	/// A proof matching the hash and verifying against the statement.
	Valid,
	/// A proof that did not match the hash or did not verify (already slashed).
	Invalid,
}

/// One miner's commitment in a proving window.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Commitment<AccountId, Balance> {
	/// The committing miner.
	pub miner: AccountId,
	/// `keccak256(keccak256(proof) ++ miner_account)`.
	pub proof_hash: Bytes32,
	/// The miner's reward weight: its active bond when it committed, net of the worst-case
	/// penalties of its other open commitments. Rewards are split in proportion to it, and
	/// when the window is full a larger weight displaces the smallest.
	pub weight: Balance,
	/// What the miner revealed.
	pub outcome: RevealOutcome,
}

/// The first valid proof revealed in a window; it becomes the sequence's proof.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(ProofLen))]
pub struct AcceptedProof<AccountId: Clone + PartialEq + Eq + core::fmt::Debug, ProofLen: Get<u32>> {
	/// The miner whose account the proof's statement is bound to.
	pub prover: AccountId,
	/// The proof bytes.
	pub proof: BoundedVec<u8, ProofLen>,
}

/// An open commit–reveal window of a sequence. The timing and penalties are fixed when the
/// window opens, so later rollup updates do not change a window in progress.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxCommitters, ProofLen))]
pub struct Window<AccountId, Balance, BlockNumber, MaxCommitters: Get<u32>, ProofLen: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// Block `b` of the first commit.
	pub opened_at: BlockNumber,
	/// `b + T1`: the first block in which commits are no longer accepted and reveals are.
	pub commit_ends_at: BlockNumber,
	/// The window's deadline: the first block in which reveals are no longer accepted, and
	/// the block whose `on_initialize` settles it. Normally `b + T1 + T2`; when that block's
	/// agenda is full, the next block with room (the reveal phase is longer, never
	/// shorter).
	pub reveal_ends_at: BlockNumber,
	/// Minimum free bond of a committer, as of the window's opening.
	pub min_miner_bond: Balance,
	/// Penalty for committers without a valid proof, as of the window's opening.
	pub no_proof_penalty: Balance,
	/// Penalty for an invalid reveal, as of the window's opening.
	pub invalid_proof_penalty: Balance,
	/// Commitments in commit order.
	pub committers: BoundedVec<Commitment<AccountId, Balance>, MaxCommitters>,
	/// The first valid proof, once revealed.
	pub accepted: Option<AcceptedProof<AccountId, ProofLen>>,
}

/// A submitted sequence that is not finalized yet (a proving task).
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxCommitters, ProofLen))]
pub struct SequenceInfo<
	AccountId,
	Balance,
	BlockNumber,
	MaxCommitters: Get<u32>,
	ProofLen: Get<u32>,
> where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// Number of the first batch; lower means higher proving priority.
	pub start_batch: BatchNumber,
	/// Number of batches.
	pub batch_count: u32,
	/// State root before the first batch.
	pub prev_state_root: Bytes32,
	/// State root after the last batch.
	pub new_state_root: Bytes32,
	/// `sequence_commitment` of the batches.
	pub data_commitment: Bytes32,
	/// Block of submission.
	pub submitted_at: BlockNumber,
	/// Reward escrowed for this sequence.
	pub reward: Balance,
	/// The account the sequence deposit is held from (the sequencer that submitted it).
	pub depositor: AccountId,
	/// Sequence deposit held from `depositor`, returned at finalization or cancellation.
	pub deposit: Balance,
	/// Number of windows that ended without a valid proof so far.
	pub attempt: u32,
	/// The window in progress, if any.
	pub window: Option<Window<AccountId, Balance, BlockNumber, MaxCommitters, ProofLen>>,
}

/// The record of a finalized sequence, kept for relayers and clients.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(ProofLen))]
pub struct FinalizedSequence<AccountId, BlockNumber, ProofLen: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// Number of the first batch.
	pub start_batch: BatchNumber,
	/// Number of batches.
	pub batch_count: u32,
	/// State root before the first batch.
	pub prev_state_root: Bytes32,
	/// State root after the last batch.
	pub new_state_root: Bytes32,
	/// Commitment to the batches.
	pub data_commitment: Bytes32,
	/// Block of finalization.
	pub finalized_at: BlockNumber,
	/// The accepted proof and the miner its statement is bound to.
	pub accepted: AcceptedProof<AccountId, ProofLen>,
}

/// A part of a miner's bond on its way out.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "Balance: Clone + TryInto<u128>, BlockNumber: serde::Serialize",
		deserialize = "Balance: TryFrom<u128>, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct UnbondingChunk<Balance, BlockNumber> {
	/// Amount still held (and slashable).
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub amount: Balance,
	/// First block in which it can be withdrawn.
	pub unlock_at: BlockNumber,
}

/// A commitment of a miner whose window has not settled yet.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "Balance: Clone + TryInto<u128>",
		deserialize = "Balance: TryFrom<u128>"
	))
)]
pub struct OpenCommitment<Balance> {
	/// Rollup of the sequence.
	pub rollup_id: RollupId,
	/// Index of the sequence.
	pub sequence_index: SequenceIndex,
	/// The most this commitment can cost the miner (invalid-proof plus no-proof penalty).
	#[cfg_attr(feature = "std", serde(with = "crate::serde_balance"))]
	pub exposure: Balance,
}

/// A miner's bond and activity.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxChunks, MaxOpen))]
pub struct MinerLedger<Balance, BlockNumber, MaxChunks: Get<u32>, MaxOpen: Get<u32>>
where
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// Active bond (held): counts for commits and reward shares.
	pub bonded: Balance,
	/// Bond being unbonded (still held and slashable until withdrawn).
	pub unbonding: BoundedVec<UnbondingChunk<Balance, BlockNumber>, MaxChunks>,
	/// Commitments whose windows have not settled.
	pub open_commitments: BoundedVec<OpenCommitment<Balance>, MaxOpen>,
}

impl<Balance, BlockNumber, MaxChunks, MaxOpen> Default
	for MinerLedger<Balance, BlockNumber, MaxChunks, MaxOpen>
where
	Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxChunks: Get<u32>,
	MaxOpen: Get<u32>,
{
	/// An empty ledger.
	fn default() -> Self {
		Self {
			bonded: Zero::zero(),
			unbonding: BoundedVec::new(),
			open_commitments: BoundedVec::new(),
		}
	}
}

impl<Balance, BlockNumber, MaxChunks, MaxOpen> MinerLedger<Balance, BlockNumber, MaxChunks, MaxOpen>
where
	Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxChunks: Get<u32>,
	MaxOpen: Get<u32>,
{
	/// Sum of the unbonding chunks.
	pub fn unbonding_total(&self) -> Balance {
		self.unbonding
			.iter()
			.fold(Zero::zero(), |acc: Balance, c| acc.saturating_add(c.amount))
	}

	/// Everything held for the miner: active bond plus unbonding.
	pub fn total_held(&self) -> Balance {
		self.bonded.saturating_add(self.unbonding_total())
	}

	/// Worst-case penalties of the open commitments.
	pub fn exposure(&self) -> Balance {
		self.open_commitments
			.iter()
			.fold(Zero::zero(), |acc: Balance, c| acc.saturating_add(c.exposure))
	}

	/// Whether nothing is held and nothing is open: the ledger can be removed.
	pub fn is_empty(&self) -> bool {
		self.bonded.is_zero() && self.unbonding.is_empty() && self.open_commitments.is_empty()
	}
}

/// What a miner earned and lost over its whole history. Kept in its own map, so it
/// outlives the miner's ledger (removed once nothing is bonded, unbonding or open).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct MinerTotals<Balance> {
	/// Rewards received.
	pub rewards: Balance,
	/// Penalties slashed.
	pub slashed: Balance,
}

/// Why a miner was slashed.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum SlashReason {
	/// Committed but had no valid proof revealed when the window settled.
	NoProof,
	/// Revealed a proof that did not match the committed hash or did not verify.
	InvalidProof,
}

/// Why a revealed proof was rejected.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum RejectReason {
	/// `keccak256(keccak256(proof) ++ miner)` differs from the committed hash.
	HashMismatch,
	/// The proof does not verify against the sequence's statement bound to the revealer.
	Verification(crate::verifier::VerificationError),
}

/// Runtime-wide bounds on rollup parameters and the miner unbonding period, set by
/// governance.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
#[serde(bound(
	serialize = "Balance: Clone + TryInto<u128>, BlockNumber: serde::Serialize",
	deserialize = "Balance: TryFrom<u128>, BlockNumber: serde::Deserialize<'de>"
))]
pub struct ProtocolLimits<Balance, BlockNumber> {
	/// Smallest T1 a rollup may choose (at least 1).
	pub min_commit_window: BlockNumber,
	/// Largest T1 a rollup may choose.
	pub max_commit_window: BlockNumber,
	/// T1 of rollups that leave it empty (default 20).
	pub default_commit_window: BlockNumber,
	/// Smallest T2 a rollup may choose (at least the runtime's `MinRevealWindow`).
	pub min_reveal_window: BlockNumber,
	/// Largest T2 a rollup may choose.
	pub max_reveal_window: BlockNumber,
	/// T2 of rollups that leave it empty (default 32).
	pub default_reveal_window: BlockNumber,
	/// Blocks from `unbond` to `withdraw_unbonded`; must exceed the largest T1 + T2.
	pub unbonding_period: BlockNumber,
	/// Smallest `min_miner_bond` a rollup may set (above zero).
	#[serde(with = "crate::serde_balance")]
	pub min_miner_bond: Balance,
	/// Smallest `reward_per_sequence` a rollup may set (above zero): with the sequence
	/// deposit it makes every window a spammer opens cost more than fees.
	#[serde(with = "crate::serde_balance")]
	pub min_reward_per_sequence: Balance,
}

impl<Balance: From<u32>, BlockNumber: From<u32>> Default for ProtocolLimits<Balance, BlockNumber> {
	fn default() -> Self {
		Self {
			min_commit_window: 1u32.into(),
			max_commit_window: 600u32.into(),
			default_commit_window: 20u32.into(),
			min_reveal_window: 3u32.into(),
			max_reveal_window: 600u32.into(),
			default_reveal_window: 32u32.into(),
			unbonding_period: 2_400u32.into(),
			min_miner_bond: 1u32.into(),
			min_reward_per_sequence: 1u32.into(),
		}
	}
}

impl<Balance, BlockNumber> ProtocolLimits<Balance, BlockNumber>
where
	Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
	BlockNumber: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
{
	/// Whether the limits are consistent: `1 <= min <= default <= max` for both windows,
	/// an unbonding period longer than the largest window, non-zero bond and reward
	/// floors. (The runtime's `MinRevealWindow` floor on T2 is checked by the pallet.)
	pub fn is_consistent(&self) -> bool {
		let windows_ok = |min: BlockNumber, default: BlockNumber, max: BlockNumber| {
			!min.is_zero() && min <= default && default <= max
		};
		windows_ok(self.min_commit_window, self.default_commit_window, self.max_commit_window)
			&& windows_ok(
				self.min_reveal_window,
				self.default_reveal_window,
				self.max_reveal_window,
			) && self.unbonding_period > self.max_commit_window.saturating_add(self.max_reveal_window)
			&& !self.min_miner_bond.is_zero()
			&& !self.min_reward_per_sequence.is_zero()
	}
}

/// Agenda entry: a sequence whose window settles at the agenda's block.
pub type AgendaEntry = (RollupId, SequenceIndex);

/// A verifying key announced by its rollup's owner, in force from `effective_at` for the
/// sequences submitted from then on.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(KeyLen))]
pub struct PendingKey<BlockNumber, KeyLen: Get<u32>>
where
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// The new proof system and key (validated when announced).
	pub verifier: VerifierConfig<KeyLen>,
	/// First block whose submissions are verified with it.
	pub effective_at: BlockNumber,
}

/// The key a rollup rotated away from, kept while sequences submitted under it are in
/// flight: they are verified with it, never with a key their miners did not prove for.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(KeyLen))]
pub struct RetiredKey<KeyLen: Get<u32>> {
	/// The old proof system and key.
	pub verifier: VerifierConfig<KeyLen>,
	/// The last sequence submitted under it (every earlier one was too).
	pub last_index: SequenceIndex,
	/// How many of those are still in flight; the key is dropped at zero.
	pub remaining: u32,
}
