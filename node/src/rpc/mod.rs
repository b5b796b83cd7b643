//! The node's JSON-RPC extensions beyond the standard `system_*`, `chain_*`, `state_*`
//! and `author_*` methods.

pub mod zkpow;

use std::sync::Arc;

use jsonrpsee::RpcModule;
use sc_consensus_beefy::communication::notification::{
	BeefyBestBlockStream, BeefyVersionedFinalityProofStream,
};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use zkpow_runtime::{
	configs::{mmr::Hash as MmrHash, BeefyId},
	opaque::Block,
	AccountId, Balance, BlockNumber, Nonce,
};

/// Where RPC subscriptions run (the service hands one to the RPC builder).
pub type SubscriptionTaskExecutor = Arc<dyn sp_core::traits::SpawnNamed>;

/// What the BEEFY RPC needs: the voter's streams.
pub struct BeefyDeps {
	/// Signed commitments as the voter makes or imports them.
	pub justification_stream: BeefyVersionedFinalityProofStream<Block, BeefyId>,
	/// The best block BEEFY finalized.
	pub best_block_stream: BeefyBestBlockStream<Block>,
	/// Where subscriptions run.
	pub subscription_executor: SubscriptionTaskExecutor,
}

/// What the RPC extensions need from the node.
pub struct FullDeps<C, P, S> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The off-chain database, where the MMR's nodes are indexed.
	pub offchain_db: S,
	/// The BEEFY voter's streams.
	pub beefy: BeefyDeps,
}

/// Builds the RPC extensions: account nonces (`system_accountNextIndex`), fee
/// estimates (`payment_*`), the protocol queries (`zkpow_*`), BEEFY's signed commitments
/// (`beefy_subscribeJustifications`, `beefy_getFinalizedHead`) and MMR proofs
/// (`mmr_root`, `mmr_generateProof`, `mmr_verifyProof`): what a relayer proves a finalized
/// sequence to an EVM light client with.
pub fn create_full<C, P, S>(
	deps: FullDeps<C, P, S>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: pallet_zkpow_runtime_api::ZkpowApi<Block, AccountId, Balance, BlockNumber>,
	C::Api: sp_mmr_primitives::MmrApi<Block, MmrHash, BlockNumber>,
	P: TransactionPool + 'static,
	S: sp_core::offchain::OffchainStorage + 'static,
{
	use mmr_rpc::{Mmr, MmrApiServer};
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use sc_consensus_beefy_rpc::{Beefy, BeefyApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};
	use zkpow::{Zkpow, ZkpowApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, offchain_db, beefy } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(
		<Zkpow<C, Block> as ZkpowApiServer<_, AccountId, Balance, BlockNumber>>::into_rpc(
			Zkpow::new(client.clone()),
		),
	)?;
	module.merge(Mmr::new(client, offchain_db).into_rpc())?;
	module.merge(
		Beefy::<Block, BeefyId>::new(
			beefy.justification_stream,
			beefy.best_block_stream,
			beefy.subscription_executor,
		)?
		.into_rpc(),
	)?;

	Ok(module)
}
