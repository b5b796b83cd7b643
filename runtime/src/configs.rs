//! Configuration of every pallet in the runtime.

use crate::{
	AccountId, Aura, Balance, Balances, BeefyMmrLeaf, Block, BlockNumber, Hash, Nonce, PalletInfo,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin,
	RuntimeTask, System, EXISTENTIAL_DEPOSIT, MILLI_UNIT, SLOT_DURATION, UNIT, VERSION,
};
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{AccountIdConversion, One},
	Perbill,
};
use sp_version::RuntimeVersion;

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	/// Block hashes kept for mortal transactions (80 minutes of 2-second blocks).
	pub const BlockHashCount: BlockNumber = 2400;
	/// The runtime's version.
	pub const Version: RuntimeVersion = VERSION;
	/// Half a second of compute per 2-second block.
	pub RuntimeBlockWeights: frame_system::limits::BlockWeights =
		frame_system::limits::BlockWeights::with_sensible_defaults(
			Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND / 2, u64::MAX),
			NORMAL_DISPATCH_RATIO,
		);
	/// 5 MiB blocks, of which normal extrinsics may fill `NORMAL_DISPATCH_RATIO`.
	pub RuntimeBlockLength: frame_system::limits::BlockLength =
		frame_system::limits::BlockLength::builder()
			.max_length(5 * 1024 * 1024)
			.modify_max_length_for_class(DispatchClass::Normal, |max| {
				*max = NORMAL_DISPATCH_RATIO * *max
			})
			.build();
	/// The generic Substrate address format.
	pub const SS58Prefix: u8 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDB.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fees do not follow block fullness (a constant multiplier of one).
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The account of every rollup's reward pool and escrow.
	pub const ZkpowPalletId: frame_support::PalletId = frame_support::PalletId(*b"zkpow/pl");
	/// Where slashed miner bonds go: a keyless account only `AdminOrigin` (sudo) spends,
	/// through `zkpow.spend_treasury`.
	pub ZkpowTreasury: AccountId =
		frame_support::PalletId(*b"zkpow/tr").into_account_truncating();
}

impl pallet_zkpow::Config for Runtime {
	type Currency = Balances;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type PalletId = ZkpowPalletId;
	type Treasury = ZkpowTreasury;
	/// A sequence stores about 200 bytes plus 64 per batch until finalization.
	type SequenceDepositBase = ConstU128<{ UNIT }>;
	type SequenceDepositPerBatch = ConstU128<{ 10 * MILLI_UNIT }>;
	type MaxSequencesInFlight = ConstU32<64>;
	/// One day of 2-second blocks.
	type FinalizedRetention = ConstU32<43_200>;
	/// Ten minutes of 2-second blocks between an owner's change of terms and the first
	/// window that uses them.
	type TermsNoticePeriod = ConstU32<300>;
	type MinRevealWindow = ConstU32<3>;
	/// A window is pushed at most 64 blocks past its deadline; filling that many deadlines
	/// takes 64 bonded accounts (`MaxOpenCommitments` = `MaxSettlementsPerBlock`).
	type AgendaLookahead = ConstU32<64>;
	type RollupDepositBase = ConstU128<{ 10 * UNIT }>;
	type RollupDepositPerByte = ConstU128<{ 10 * MILLI_UNIT }>;
	type MaxNameLen = ConstU32<64>;
	type MaxDataUrlLen = ConstU32<256>;
	type MaxPackageUrlLen = ConstU32<256>;
	/// Room for a single Groth16 key of up to 118 public inputs, or a reference-artifact
	/// key set for sequences of up to 16 batches (7,362 bytes).
	type MaxVerifyingKeyLen = ConstU32<{ 8 * 1024 }>;
	/// Room for multi-proof artifacts (final + batch + aggregator proofs) of the
	/// largest sequences.
	type MaxProofLen = ConstU32<{ 16 * 1024 }>;
	type MaxBatchesPerSequence = ConstU32<16>;
	type MaxCommitters = ConstU32<16>;
	/// No more than a block settles, so one account alone cannot fill a deadline.
	type MaxOpenCommitments = ConstU32<32>;
	type MaxUnbondingChunks = ConstU32<16>;
	type MaxSettlementsPerBlock = ConstU32<32>;
	type WeightInfo = pallet_zkpow::weights::SubstrateWeight<Runtime>;
}

/// BEEFY's authority key: secp256k1 ECDSA, so that the EVM checks signatures with
/// `ecrecover`.
pub type BeefyId = sp_consensus_beefy::ecdsa_crypto::AuthorityId;

impl pallet_beefy::Config for Runtime {
	type BeefyId = BeefyId;
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	/// The MMR leaf carries the next validator set, for the light client's hand-over.
	type OnNewValidatorSet = BeefyMmrLeaf;
	type AncestryHelper = BeefyMmrLeaf;
	type WeightInfo = ();
	/// No session pallet: equivocations are not reported on chain (as for GRANDPA).
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_mmr::Config for Runtime {
	/// Prefix of the MMR nodes in the node's off-chain database (offchain indexing), from
	/// which `mmr_generateProof` builds proofs; the node's MMR gadget prunes them.
	const INDEXING_PREFIX: &'static [u8] = mmr::INDEXING_PREFIX;
	/// keccak-256, so that EVM contracts check MMR proofs cheaply.
	type Hashing = sp_runtime::traits::Keccak256;
	type LeafData = BeefyMmrLeaf;
	/// Puts each new root into the block's digest, where the BEEFY voters read it.
	type OnNewRoot = pallet_beefy_mmr::DepositBeefyDigest<Runtime>;
	type BlockHashProvider = pallet_mmr::DefaultBlockHashProvider<Runtime>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// MMR types the runtime APIs use.
pub mod mmr {
	use super::Runtime;
	pub use pallet_mmr::primitives::*;

	/// Prefix of the MMR nodes in the off-chain database (the node's MMR gadget uses it).
	pub const INDEXING_PREFIX: &[u8] = b"mmr";
	/// An MMR leaf: pallet-beefy-mmr's `MmrLeaf`.
	pub type Leaf = <<Runtime as pallet_mmr::Config>::LeafData as LeafDataProvider>::LeafData;
	/// The MMR's hashing (keccak-256).
	pub type Hashing = <Runtime as pallet_mmr::Config>::Hashing;
	/// An MMR hash.
	pub type Hash = <Hashing as sp_runtime::traits::Hash>::Output;
}

parameter_types! {
	/// Version of the MMR leaf format (major 0, minor 0): `MmrLeaf` with the records root
	/// as its extra data.
	pub LeafVersion: sp_consensus_beefy::mmr::MmrLeafVersion =
		sp_consensus_beefy::mmr::MmrLeafVersion::new(0, 0);
}

/// The extra data of a block's MMR leaf: the root over the records of the sequences
/// finalized in that block (`pallet_zkpow::Pallet::records_root`). The leaf of a block is
/// made at the start of the next, so this is the parent's root.
pub struct FinalizedRecordsRoot;

impl sp_consensus_beefy::mmr::BeefyDataProvider<Hash> for FinalizedRecordsRoot {
	fn extra_data() -> Hash {
		let parent = System::block_number().saturating_sub(1);
		Hash::from(crate::Zkpow::records_root(parent))
	}
}

impl pallet_beefy_mmr::Config for Runtime {
	type LeafVersion = LeafVersion;
	/// Validator keys enter the set's Merkle root as Ethereum addresses.
	type BeefyAuthorityToMerkleLeaf = pallet_beefy_mmr::BeefyEcdsaToEthereum;
	type LeafExtra = Hash;
	type BeefyDataProvider = FinalizedRecordsRoot;
	type WeightInfo = ();
}
