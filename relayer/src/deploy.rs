//! `zkpow-relayer deploy`: deploys the inbox of a registered rollup on its base chain, with
//! the rollup's verifying-key set and its state before its first sequence, read from the
//! appchain's finalized state.
//!
//! A rollup registers its inbox address before the inbox exists; `predict-address` prints
//! the address the next deployment from the configured key will get (the deployer's next
//! `CREATE` address), to register with.

use crate::{appchain::Appchain, config::Config, keys::load_signer};
use alloy::{
	network::EthereumWallet,
	primitives::{Address, Bytes, FixedBytes},
	providers::{Provider, ProviderBuilder},
};
use zkpow_contracts::ZkpowInbox;
use zkpow_primitives::{BatchNumber, Bytes32, RollupId};

/// What `deploy` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployed {
	/// The inbox's address.
	pub address: Address,
	/// The chain it lives on.
	pub chain_id: u64,
	/// The address the rollup registered on the appchain.
	pub registered: Address,
}

/// Reads what an inbox of `rollup_id` starts from: key set, root and first batch.
pub async fn inbox_genesis(
	appchain: &Appchain,
	rollup_id: RollupId,
) -> Result<(u64, Address, Vec<u8>, Bytes32, BatchNumber), String> {
	let (_, head) = appchain.finalized_head().await.map_err(|e| e.to_string())?;
	let rollup = appchain
		.rollup(rollup_id, head)
		.await
		.map_err(|e| e.to_string())?
		.ok_or_else(|| format!("rollup {rollup_id} is not registered (at the finalized head)"))?;
	let vk_set = appchain
		.verifying_key(rollup_id, head)
		.await
		.map_err(|e| e.to_string())?
		.ok_or_else(|| format!("rollup {rollup_id} has no verifying key"))?;
	// The rollup keeps where it started, so no (prunable) sequence record is needed.
	let (root, first_batch) = (rollup.genesis.state_root, rollup.genesis.last_batch + 1);
	let base = rollup.base_chain;
	Ok((base.chain_id, Address::from(base.inbox), vk_set, root, first_batch))
}

/// Deploys the inbox of `rollup_id` with the key configured for its base chain.
pub async fn deploy(config: &Config, rollup_id: RollupId) -> Result<Deployed, String> {
	let appchain = Appchain::new(&config.appchain_url);
	let (chain_id, registered, vk_set, root, first_batch) =
		inbox_genesis(&appchain, rollup_id).await?;
	let chain = config.chain(chain_id).ok_or_else(|| {
		format!("rollup {rollup_id} settles on chain {chain_id}, which is not configured (add it with --chain {chain_id}=URL)")
	})?;
	let signer = load_signer(&chain.key.or(&config.key)).map_err(|e| e.to_string())?;
	let url = chain.rpc[0].parse().map_err(|e| format!("invalid RPC URL: {e}"))?;
	let provider = ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url);
	let remote = provider.get_chain_id().await.map_err(|e| format!("chain {chain_id}: {e}"))?;
	if remote != chain_id {
		return Err(format!("the endpoint for chain {chain_id} reports chain id {remote}"));
	}
	let inbox = ZkpowInbox::deploy(
		provider,
		rollup_id,
		Bytes::from(vk_set),
		FixedBytes(root),
		0,
		first_batch,
	)
	.await
	.map_err(|e| format!("deployment failed: {e}"))?;
	Ok(Deployed { address: *inbox.address(), chain_id, registered })
}

/// The address the next contract deployed from the configured key on `chain_id` gets.
pub async fn predict_address(config: &Config, chain_id: u64) -> Result<Address, String> {
	let chain = config
		.chain(chain_id)
		.ok_or_else(|| format!("chain {chain_id} is not configured"))?;
	let signer = load_signer(&chain.key.or(&config.key)).map_err(|e| e.to_string())?;
	let url = chain.rpc[0].parse().map_err(|e| format!("invalid RPC URL: {e}"))?;
	let provider = ProviderBuilder::new().connect_http(url);
	let nonce = provider
		.get_transaction_count(signer.address())
		.pending()
		.await
		.map_err(|e| format!("chain {chain_id}: {e}"))?;
	Ok(signer.address().create(nonce))
}
