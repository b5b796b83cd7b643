//! `zkpow_*` JSON-RPC methods: the protocol state as miners, rollup owners and relayers
//! query it, served from the `ZkpowApi` runtime API at the best block (or at `at`).

use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
	types::{error::ErrorObject, ErrorObjectOwned},
	Extensions,
};
use pallet_zkpow_runtime_api::{
	BatchNumber, MinerInfo, ProtocolLimits, RollupId, RollupSummary, SequenceIndex, SequenceStatus,
	TaskInfo, VerificationError, ZkpowApi as ZkpowRuntimeApi,
};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::Bytes;
use sp_runtime::traits::Block as BlockT;
use std::{marker::PhantomData, sync::Arc};

/// Most tasks `zkpow_openTasks` returns in one call.
pub const MAX_TASKS_PER_CALL: u32 = 1_000;

/// The `zkpow_*` methods. Balances are answered as decimal strings
/// (`pallet_zkpow::serde_balance`), which needs `Balance` to convert to and from `u128`;
/// the other parameters are plain JSON values.
#[rpc(server, server_bounds(
	BlockHash: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
	AccountId: serde::Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
	Balance: Clone + TryInto<u128> + TryFrom<u128> + Send + Sync + 'static,
	BlockNumber: serde::Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
))]
pub trait ZkpowApi<BlockHash, AccountId, Balance, BlockNumber> {
	/// Open proving tasks ordered by priority (lowest start batch first), optionally for
	/// one rollup and from `start_batch` on; at most `limit` (default and cap 1,000).
	#[method(name = "zkpow_openTasks")]
	fn open_tasks(
		&self,
		rollup_id: Option<RollupId>,
		start_batch: Option<BatchNumber>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<TaskInfo<Balance, BlockNumber>>>;

	/// Status of a sequence: window phase and the blocks where each phase ends,
	/// committers and reveals, accepted proof, and while in flight the `key_hash` of the
	/// verifying key it is checked with (what prover hosts' native commands are
	/// configured by); `null` if unknown.
	#[method(name = "zkpow_sequenceStatus")]
	fn sequence_status(
		&self,
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		at: Option<BlockHash>,
	) -> RpcResult<Option<SequenceStatus<AccountId, Balance, BlockNumber>>>;

	/// A miner's bond, unbonding chunks, open commitments, rewards and slashes; `null` if
	/// the account never bonded.
	#[method(name = "zkpow_minerInfo")]
	fn miner_info(
		&self,
		miner: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<MinerInfo<Balance, BlockNumber>>>;

	/// A rollup's parameters, status, reward pool, escrow and statistics, data URL and
	/// prover package; `null` if not registered.
	#[method(name = "zkpow_rollupInfo")]
	fn rollup_info(
		&self,
		rollup_id: RollupId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<RollupSummary<AccountId, Balance, BlockNumber>>>;

	/// The runtime-wide protocol limits in force.
	#[method(name = "zkpow_protocolLimits")]
	fn protocol_limits(
		&self,
		at: Option<BlockHash>,
	) -> RpcResult<ProtocolLimits<Balance, BlockNumber>>;

	/// Checks a proof (hex bytes) for a sequence in flight exactly as a reveal by `prover`
	/// would be checked, without sending anything: `{ "valid": true }`, or `valid: false`
	/// with the `reason` the chain would give; `null` if the sequence is not in flight.
	///
	/// **Unsafe**: each call runs a full proof verification (pairings, milliseconds of CPU)
	/// for free, so a node that serves RPC to the public (`--rpc-methods safe`, the default
	/// with `--rpc-external`) refuses it; a miner's own node serves it on its local port.
	#[method(name = "zkpow_checkProof", with_extensions)]
	fn check_proof(
		&self,
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		prover: AccountId,
		proof: Bytes,
		at: Option<BlockHash>,
	) -> RpcResult<Option<ProofCheck>>;
}

/// The verdict of `zkpow_checkProof`.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
pub struct ProofCheck {
	/// Whether the proof would be accepted.
	pub valid: bool,
	/// Why it would be rejected.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub reason: Option<VerificationError>,
}

/// Serves the `zkpow_*` methods from a client.
pub struct Zkpow<C, Block> {
	client: Arc<C>,
	_marker: PhantomData<Block>,
}

impl<C, Block> Zkpow<C, Block> {
	/// Creates the handler.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _marker: PhantomData }
	}
}

/// Error code of a failed runtime API call.
const RUNTIME_ERROR: i32 = 1;
/// Error code of a request with invalid parameters.
const INVALID_PARAMS: i32 = -32602;

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "Runtime API call failed", Some(e.to_string()))
}

#[async_trait]
impl<C, Block, AccountId, Balance, BlockNumber>
	ZkpowApiServer<<Block as BlockT>::Hash, AccountId, Balance, BlockNumber> for Zkpow<C, Block>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ZkpowRuntimeApi<Block, AccountId, Balance, BlockNumber>,
	AccountId: codec::Codec + Send + Sync + 'static,
	Balance: codec::Codec + Send + Sync + 'static,
	BlockNumber: codec::Codec + Send + Sync + 'static,
	TaskInfo<Balance, BlockNumber>: serde::Serialize,
	SequenceStatus<AccountId, Balance, BlockNumber>: serde::Serialize,
	MinerInfo<Balance, BlockNumber>: serde::Serialize,
	RollupSummary<AccountId, Balance, BlockNumber>: serde::Serialize,
	ProtocolLimits<Balance, BlockNumber>: serde::Serialize,
{
	fn open_tasks(
		&self,
		rollup_id: Option<RollupId>,
		start_batch: Option<BatchNumber>,
		limit: Option<u32>,
		at: Option<Block::Hash>,
	) -> RpcResult<Vec<TaskInfo<Balance, BlockNumber>>> {
		let limit = limit.unwrap_or(MAX_TASKS_PER_CALL);
		if limit == 0 || limit > MAX_TASKS_PER_CALL {
			return Err(ErrorObject::owned(
				INVALID_PARAMS,
				format!("limit must be between 1 and {MAX_TASKS_PER_CALL}"),
				None::<()>,
			));
		}
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client
			.runtime_api()
			.open_tasks(at, rollup_id, start_batch, limit)
			.map_err(runtime_error)
	}

	fn sequence_status(
		&self,
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<SequenceStatus<AccountId, Balance, BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client
			.runtime_api()
			.sequence_status(at, rollup_id, sequence_index)
			.map_err(runtime_error)
	}

	fn miner_info(
		&self,
		miner: AccountId,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<MinerInfo<Balance, BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().miner_info(at, miner).map_err(runtime_error)
	}

	fn rollup_info(
		&self,
		rollup_id: RollupId,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<RollupSummary<AccountId, Balance, BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().rollup_info(at, rollup_id).map_err(runtime_error)
	}

	fn protocol_limits(
		&self,
		at: Option<Block::Hash>,
	) -> RpcResult<ProtocolLimits<Balance, BlockNumber>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().protocol_limits(at).map_err(runtime_error)
	}

	fn check_proof(
		&self,
		ext: &Extensions,
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		prover: AccountId,
		proof: Bytes,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<ProofCheck>> {
		sc_rpc_api::check_if_safe(ext)?;
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let verdict = self
			.client
			.runtime_api()
			.check_proof(at, rollup_id, sequence_index, prover, proof.0)
			.map_err(runtime_error)?;
		Ok(verdict.map(|v| ProofCheck { valid: v.is_ok(), reason: v.err() }))
	}
}
