//! Storage version 1 → 2.
//!
//! - `Miners`: a ledger's `total_rewards` and `total_slashed` move out of it into
//!   [`MinerHistory`], which outlives the ledger; the ledger keeps its bond, unbonding
//!   chunks and open commitments. Miners with nothing rewarded or slashed get no history
//!   entry.
//!
//! Totals of miners whose ledgers v1 had already removed are lost: v1 removed them with
//! the ledger.

use crate::{pallet::*, BalanceOf, MinerLedgerOf, MinerTotals, OpenCommitment, UnbondingChunk};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use frame_support::{
	migrations::VersionedMigration, pallet_prelude::*, storage_alias,
	traits::UncheckedOnRuntimeUpgrade, BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Zero;

/// The v1 layouts.
pub mod v1 {
	use super::*;

	/// A v1 miner ledger: the v2 one followed by the miner's totals.
	#[derive(Encode, Decode)]
	pub struct MinerLedger<T: Config> {
		/// Active bond.
		pub bonded: BalanceOf<T>,
		/// Unbonding chunks.
		pub unbonding:
			BoundedVec<UnbondingChunk<BalanceOf<T>, BlockNumberFor<T>>, T::MaxUnbondingChunks>,
		/// Open commitments.
		pub open_commitments: BoundedVec<OpenCommitment<BalanceOf<T>>, T::MaxOpenCommitments>,
		/// Rewards received.
		pub total_rewards: BalanceOf<T>,
		/// Penalties slashed.
		pub total_slashed: BalanceOf<T>,
	}

	/// `Miners` in the v1 layout.
	#[storage_alias]
	pub(crate) type Miners<T: Config> = StorageMap<
		Pallet<T>,
		Blake2_128Concat,
		<T as frame_system::Config>::AccountId,
		MinerLedger<T>,
	>;
}

/// The v1 → v2 translation, without the version check (see [`MigrateV1ToV2`]).
pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

/// The v1 → v2 migration: runs only at on-chain version 1 and sets version 2.
pub type MigrateV1ToV2<T> = VersionedMigration<
	1,
	2,
	InnerMigrateV1ToV2<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
	fn on_runtime_upgrade() -> Weight {
		let mut writes = 0u64;
		let ledgers: Vec<_> = v1::Miners::<T>::iter().collect();
		let reads = ledgers.len() as u64;
		for (miner, old) in ledgers {
			if !old.total_rewards.is_zero() || !old.total_slashed.is_zero() {
				MinerHistory::<T>::insert(
					&miner,
					MinerTotals { rewards: old.total_rewards, slashed: old.total_slashed },
				);
				writes += 1;
			}
			let ledger = MinerLedgerOf::<T> {
				bonded: old.bonded,
				unbonding: old.unbonding,
				open_commitments: old.open_commitments,
			};
			Miners::<T>::insert(&miner, ledger);
			writes += 1;
		}
		T::DbWeight::get().reads_writes(reads, writes)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
		let totals: Vec<_> = v1::Miners::<T>::iter()
			.map(|(miner, l)| (miner, l.total_rewards, l.total_slashed))
			.collect();
		Ok(totals.encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		let totals = Vec::<(T::AccountId, BalanceOf<T>, BalanceOf<T>)>::decode(&mut &state[..])
			.map_err(|_| sp_runtime::TryRuntimeError::Other("pre_upgrade state"))?;
		for (miner, rewards, slashed) in totals {
			ensure!(Miners::<T>::contains_key(&miner), "a miner ledger was lost in the migration");
			let kept = MinerHistory::<T>::get(&miner);
			ensure!(kept == MinerTotals { rewards, slashed }, "a miner's totals were lost");
		}
		Pallet::<T>::do_try_state()
	}
}
