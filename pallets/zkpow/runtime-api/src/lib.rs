//! Runtime API of the ZKPoW pallet, served by the node's `zkpow_*` RPC methods.
//!
//! The runtime implements it by forwarding to the pallet:
//!
//! ```ignore
//! impl pallet_zkpow_runtime_api::ZkpowApi<Block, AccountId, Balance, BlockNumber> for Runtime {
//!     fn open_tasks(rollup_id: Option<RollupId>, start_batch: Option<BatchNumber>, limit: u32)
//!         -> Vec<TaskInfo<Balance, BlockNumber>> {
//!         Zkpow::open_tasks(rollup_id, start_batch, limit)
//!     }
//!     fn sequence_status(rollup_id: RollupId, sequence_index: SequenceIndex)
//!         -> Option<SequenceStatus<AccountId, Balance, BlockNumber>> {
//!         Zkpow::sequence_status(rollup_id, sequence_index)
//!     }
//!     fn miner_info(miner: AccountId) -> Option<MinerInfo<Balance, BlockNumber>> {
//!         Zkpow::miner_info(&miner)
//!     }
//!     fn rollup_info(rollup_id: RollupId) -> Option<RollupSummary<AccountId, Balance, BlockNumber>> {
//!         Zkpow::rollup_info(rollup_id)
//!     }
//!     fn protocol_limits() -> ProtocolLimits<Balance, BlockNumber> {
//!         pallet_zkpow::Limits::<Runtime>::get()
//!     }
//!     fn check_proof(rollup_id: RollupId, sequence_index: SequenceIndex, prover: AccountId,
//!         proof: Vec<u8>) -> Option<Result<(), VerificationError>> {
//!         Zkpow::check_proof(rollup_id, sequence_index, &prover, &proof)
//!     }
//! }
//! ```

#![cfg_attr(not(test), warn(unreachable_pub))]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;

pub use pallet_zkpow::{
	queries::{CommitterStatus, MinerInfo, RollupSummary, SequenceStatus, TaskInfo, WindowPhase},
	ProtocolLimits, VerificationError,
};
pub use zkpow_primitives::{BatchNumber, RollupId, SequenceIndex};

sp_api::decl_runtime_apis! {
	/// Read-only queries of the ZKPoW protocol state at a block.
	///
	/// Phases are those of the queried block: an extrinsic included in the next block is
	/// checked against block number `at + 1`.
	///
	/// Version 2 added `check_proof`; version 3 `data_url` and `prover_package` in
	/// `RollupSummary` and `key_hash` in `SequenceStatus` (the node and its runtime are
	/// released together; a node reading an older runtime's answers refuses them).
	#[api_version(3)]
	pub trait ZkpowApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Unfinalized sequences (proving tasks) ordered by priority: lowest start batch
		/// first, then rollup id and sequence index. `rollup_id` restricts to one rollup,
		/// `start_batch` skips sequences starting below it, at most `limit` are returned.
		fn open_tasks(
			rollup_id: Option<RollupId>,
			start_batch: Option<BatchNumber>,
			limit: u32,
		) -> Vec<TaskInfo<Balance, BlockNumber>>;

		/// Full status of a sequence, in flight or finalized: roots, batches, reward, attempt,
		/// window phase with the blocks where the commit and reveal phases end, committers and
		/// their reveal outcomes, the accepted proof and its prover. `None` if unknown.
		fn sequence_status(
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
		) -> Option<SequenceStatus<AccountId, Balance, BlockNumber>>;

		/// A miner's active bond, unbonding chunks, open commitments and their worst-case
		/// penalties, total rewards and total slashes. `None` if the account has no bond.
		fn miner_info(miner: AccountId) -> Option<MinerInfo<Balance, BlockNumber>>;

		/// A rollup's registration, parameters, status, reward pool, escrow, sequences in
		/// flight, history counters, data URL and prover package. `None` if not registered.
		fn rollup_info(rollup_id: RollupId) -> Option<RollupSummary<AccountId, Balance, BlockNumber>>;

		/// The runtime-wide protocol limits in force.
		fn protocol_limits() -> ProtocolLimits<Balance, BlockNumber>;

		/// Checks `proof` for a sequence in flight exactly as a reveal by `prover` would be
		/// checked, without changing state: the verdict, or `None` if the sequence is not in
		/// flight. Miners call it before committing to a proof (since version 2).
		fn check_proof(
			rollup_id: RollupId,
			sequence_index: SequenceIndex,
			prover: AccountId,
			proof: Vec<u8>,
		) -> Option<Result<(), VerificationError>>;
	}
}
