//! # ZKPoW runtime
//!
//! The FRAME runtime of the ZKPoW appchain: Aura block production, GRANDPA finality,
//! BEEFY with its Merkle Mountain Range (what the EVM light client checks: each block's
//! MMR leaf carries the root of the sequences finalized in it), balances with transaction
//! fees, sudo, and `pallet-zkpow`, the proving market.
//!
//! - [`configs`]: how each pallet is configured;
//! - [`apis`]: the runtime APIs the node and clients call;
//! - [`genesis_config_presets`]: the `development` and `local_testnet` genesis presets.

#![cfg_attr(not(feature = "std"), no_std)]
#![allow(
	missing_docs,
	reason = "FRAME's runtime macros (`#[frame_support::runtime]`, `impl_runtime_apis!`, \
	          `parameter_types!`) and substrate-wasm-builder generate public items without docs"
)]
// `construct_runtime` expands to a deep recursion of types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

// Declared before `apis` so that the benchmark macros it defines are in scope there.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::{runtime_version, RuntimeVersion};

pub use frame_system::Call as SystemCall;
pub use opaque::SessionKeys;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
pub use pallet_zkpow;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types, so that the node's consensus and networking code does not depend on the
/// runtime's concrete extrinsic format.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		/// The keys a validator registers: Aura for authoring, GRANDPA for finality, BEEFY
		/// (ECDSA) for the commitments the EVM light client checks.
		pub struct SessionKeys {
			pub aura: Aura,
			pub grandpa: Grandpa,
			pub beefy: Beefy,
		}
	}
}

/// Declares [`VERSION`] with `spec_version` `$spec` (a literal: `#[runtime_version]`
/// embeds the version in the WASM, where the node reads it without running the code).
macro_rules! declare_version {
	($spec:tt) => {
		/// Runtime version; bump `spec_version` with every runtime logic change.
		#[runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("zkpow"),
			impl_name: alloc::borrow::Cow::Borrowed("zkpow-node"),
			authoring_version: 1,
			spec_version: $spec,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			transaction_version: 3,
			system_version: 1,
		};
	};
}

#[cfg(not(feature = "next-spec-version"))]
declare_version!(105);
// The same runtime one version later, for rehearsing a live upgrade
// (`scripts/upgrade-test.sh`); never a release.
#[cfg(feature = "next-spec-version")]
declare_version!(106);

/// Target block time. The chain uses 2-second slots everywhere, so that the commit and
/// reveal windows (counted in blocks) pass quickly on a development machine; a
/// production network that prefers 6-second blocks changes only this constant (and
/// scales the windows in its genesis).
pub const MILLI_SECS_PER_BLOCK: u64 = 2000;

/// Aura slot duration; equal to the block time. It cannot change once a chain runs.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Blocks per minute.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// The smallest unit count of one token (12 decimals).
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a token.
pub const MILLI_UNIT: Balance = 1_000_000_000;
/// A millionth of a token.
pub const MICRO_UNIT: Balance = 1_000_000;
/// Minimum balance for an account to exist.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Signature of an extrinsic.
pub type Signature = MultiSignature;
/// Account identifier: the public key of the signing scheme (32 bytes).
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account.
pub type Balance = u128;
/// Transaction counter of an account.
pub type Nonce = u32;
/// Block hash.
pub type Hash = sp_core::H256;
/// Block number.
pub type BlockNumber = u32;
/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// Signed block with justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// Block identifier.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions every signed extrinsic carries.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// How long a signed transaction stays valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
	/// Valid at any block (until its nonce is used).
	Immortal,
	/// Valid for `period` blocks (a power of two from 4 to 65,536, at most
	/// `BlockHashCount`) from block `number`, whose hash is `hash`.
	Mortal {
		/// Blocks it stays valid.
		period: u64,
		/// The block it is signed at.
		number: BlockNumber,
		/// That block's hash.
		hash: Hash,
	},
}

/// The payload a wallet signs for `call` from an account at `nonce`: an immortal
/// transaction without tip or metadata-hash check, for the chain with this genesis hash
/// running the runtime `version` (which may be newer than this crate's). Sign its
/// encoding, then `deconstruct` it into the call and extensions of
/// [`UncheckedExtrinsic::new_signed`].
pub fn signed_payload(
	call: RuntimeCall,
	nonce: Nonce,
	genesis: Hash,
	version: &RuntimeVersion,
) -> SignedPayload {
	signed_payload_with(call, nonce, genesis, Lifetime::Immortal, version)
}

/// [`signed_payload`] with a chosen [`Lifetime`]: a mortal transaction that has not
/// landed by the end of its period can never land later, so a sender that signs a
/// replacement knows the old one is dead.
pub fn signed_payload_with(
	call: RuntimeCall,
	nonce: Nonce,
	genesis: Hash,
	lifetime: Lifetime,
	version: &RuntimeVersion,
) -> SignedPayload {
	let (era, birth) = match lifetime {
		Lifetime::Immortal => (generic::Era::Immortal, genesis),
		// For periods up to 4,096 the era's birth block is the signing block itself.
		Lifetime::Mortal { period, number, hash } => {
			(generic::Era::mortal(period, number.into()), hash)
		},
	};
	let tx_ext: TxExtension = (
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(era),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	);
	let implicit = (
		(),
		version.spec_version,
		version.transaction_version,
		genesis,
		birth,
		(),
		(),
		(),
		None,
		(),
	);
	SignedPayload::from_raw(call, tx_ext, implicit)
}

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on the next runtime upgrade.
#[allow(unused_parens)]
type Migrations = (
	pallet_zkpow::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_zkpow::migrations::v2::MigrateV1ToV2<Runtime>,
);

/// Dispatches blocks and extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Beefy = pallet_beefy;

	#[runtime::pallet_index(8)]
	pub type Mmr = pallet_mmr;

	#[runtime::pallet_index(9)]
	pub type BeefyMmrLeaf = pallet_beefy_mmr;

	#[runtime::pallet_index(10)]
	pub type Zkpow = pallet_zkpow;
}
