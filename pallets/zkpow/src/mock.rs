//! Test runtime: frame-system with 32-byte account ids (as in the real runtime),
//! pallet-balances with holds, and the ZKPoW pallet with small bounds so that every limit
//! can be reached in a test.

use crate as pallet_zkpow;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Inspect, ConstU128, ConstU32, ConstU64, Hooks},
	weights::{constants::RocksDbWeight, Weight},
	PalletId,
};
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage};

pub type AccountId = AccountId32;
pub type Balance = u128;
pub type BlockNumber = u64;
type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Zkpow: pallet_zkpow,
	}
);

parameter_types! {
	pub MockBlockWeights: frame_system::limits::BlockWeights =
		frame_system::limits::BlockWeights::simple_max(Weight::from_parts(2_000_000_000_000, u64::MAX));
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
	type BlockWeights = MockBlockWeights;
	type DbWeight = RocksDbWeight;
}

/// Existential deposit of the test chain.
pub const ED: Balance = 10;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	pub const ZkpowPalletId: PalletId = PalletId(*b"py/zkpow");
}

/// Registration deposit: fixed part.
pub const DEPOSIT_BASE: Balance = 1_000;
/// Registration deposit: per byte of name and key.
pub const DEPOSIT_PER_BYTE: Balance = 1;
/// Most committers per window in the mock.
pub const MAX_COMMITTERS: u32 = 4;
/// Most settlements per block (and windows with one deadline) in the mock.
pub const MAX_SETTLEMENTS: u32 = 3;
/// Blocks a new window looks past a full deadline in the mock.
pub const LOOKAHEAD: u32 = 3;
/// Sequence deposit: fixed part.
pub const SEQUENCE_DEPOSIT_BASE: Balance = 100;
/// Sequence deposit: per batch.
pub const SEQUENCE_DEPOSIT_PER_BATCH: Balance = 10;
/// Most sequences of a rollup in flight in the mock.
pub const MAX_IN_FLIGHT: u32 = 6;
/// Blocks finalized records are kept in the mock.
pub const RETENTION: u64 = 100;
/// Notice before new terms apply, in the mock.
pub const NOTICE: u64 = 10;

parameter_types! {
	pub TreasuryAccount: AccountId = account(77);
}

impl pallet_zkpow::Config for Test {
	type Currency = Balances;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type PalletId = ZkpowPalletId;
	type Treasury = TreasuryAccount;
	type SequenceDepositBase = ConstU128<SEQUENCE_DEPOSIT_BASE>;
	type SequenceDepositPerBatch = ConstU128<SEQUENCE_DEPOSIT_PER_BATCH>;
	type MaxSequencesInFlight = ConstU32<MAX_IN_FLIGHT>;
	type FinalizedRetention = ConstU64<RETENTION>;
	type TermsNoticePeriod = ConstU64<NOTICE>;
	type MinRevealWindow = ConstU64<3>;
	type AgendaLookahead = ConstU32<LOOKAHEAD>;
	type RollupDepositBase = ConstU128<DEPOSIT_BASE>;
	type RollupDepositPerByte = ConstU128<DEPOSIT_PER_BYTE>;
	type MaxNameLen = ConstU32<32>;
	type MaxDataUrlLen = ConstU32<64>;
	type MaxPackageUrlLen = ConstU32<64>;
	type MaxVerifyingKeyLen = ConstU32<6144>;
	type MaxProofLen = ConstU32<4096>;
	type MaxBatchesPerSequence = ConstU32<8>;
	type MaxCommitters = ConstU32<MAX_COMMITTERS>;
	type MaxOpenCommitments = ConstU32<3>;
	type MaxUnbondingChunks = ConstU32<2>;
	type MaxSettlementsPerBlock = ConstU32<MAX_SETTLEMENTS>;
	type WeightInfo = ();
}

/// A test account from a byte.
pub fn account(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}

/// Rollup owner.
pub fn owner() -> AccountId {
	account(1)
}
/// Sequencer of the test rollup.
pub fn sequencer() -> AccountId {
	account(2)
}
/// Miners.
pub fn miner(n: u8) -> AccountId {
	account(10 + n)
}
/// An account with nothing.
pub fn nobody() -> AccountId {
	account(99)
}

/// Free balance every funded test account starts with.
pub const INITIAL: Balance = 1_000_000;

/// Builds the genesis state: funded accounts, default protocol limits, pallet account.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut funded = vec![(owner(), INITIAL), (sequencer(), INITIAL), (account(3), INITIAL)];
	funded.extend((0..6).map(|n| (miner(n), INITIAL)));
	pallet_balances::GenesisConfig::<Test> { balances: funded, ..Default::default() }
		.assimilate_storage(&mut t)
		.unwrap();
	pallet_zkpow::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut t)
		.unwrap();
	let mut ext: sp_io::TestExternalities = t.into();
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Checks the pallet's invariants, with the pallet account balance exact (no stray
/// transfers happen in tests).
pub fn check_invariants() {
	Zkpow::do_try_state().expect("invariants hold");
	assert_eq!(
		Balances::balance(&Zkpow::pot_account()),
		Zkpow::total_owed() + ED,
		"pallet account = pools + escrows + existential deposit"
	);
}

/// Advances to block `n`, running `on_initialize` of each new block, checking invariants
/// after each.
pub fn run_to_block(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Zkpow::on_initialize(next);
		check_invariants();
	}
}

/// The pallet's events so far.
pub fn zkpow_events() -> Vec<pallet_zkpow::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Zkpow(e) => Some(e),
			_ => None,
		})
		.collect()
}
