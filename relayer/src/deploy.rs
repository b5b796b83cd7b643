//! `zkpow-relayer deploy`: deploys the inbox of a registered rollup on its base chain, with
//! the rollup's verifying key and its state before its first sequence, read from the
//! appchain's finalized state.
//!
//! The inbox fits the rollup's verifier kind: [`ZkpowInbox`] verifies the reference
//! rollup's multi-proof artifact against its key set, [`Groth16Inbox`] one Groth16 proof
//! against a single ten-input key (a circom/snarkjs rollup). Both take the same
//! constructor arguments and share one `finalizeSequence`, so delivery does not care
//! which one it talks to.
//!
//! A rollup registers its inbox address before the inbox exists. The inbox is deployed
//! through the `InboxDeployer` factory ([`zkpow_contracts::deterministic`]) at an address
//! fixed by the deploying key and a salt the operator names (`--salt`): `predict-address`
//! prints it without a chain transaction, nothing else the key sends meanwhile moves it,
//! and no other account can deploy there. `deploy` refuses to send anything when the
//! key and salt do not give the registered address.
//!
//! `deploy-light-client` deploys, through the same factory, the appchain's BEEFY light
//! client ([`BeefyClient`]) on a base chain, trusting the validator sets the appchain's
//! BEEFY-finalized block states ([`deploy_light_client`]).

use crate::{
	appchain::{Appchain, AppchainError},
	beefy::{sol, validator_set_root, FinalityError},
	config::Config,
	keys::{load_signer, KeyError},
};
use alloy::{
	network::EthereumWallet,
	primitives::{keccak256, Address, Bytes, FixedBytes, B256},
	providers::{Provider, ProviderBuilder},
	transports::http::reqwest::Url,
};
use pallet_zkpow::VerifierKind;
use zkpow_contracts::{
	deterministic::{self, deployed_address, salt_of, DeterministicError},
	BeefyClient, Groth16Inbox, ZkpowInbox,
};
use zkpow_primitives::{BatchNumber, Bytes32, RollupId};

/// Why an inbox could not be deployed (or its address predicted).
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
	/// The appchain could not be read.
	#[error(transparent)]
	Appchain(#[from] AppchainError),
	/// No such rollup at the appchain's finalized head (not registered, or its
	/// registration is not finalized yet).
	#[error("rollup {0} is not registered (at the finalized head)")]
	UnknownRollup(RollupId),
	/// The rollup has no verifying key stored.
	#[error("rollup {0} has no verifying key")]
	NoVerifyingKey(RollupId),
	/// The rollup's base chain has no entry in the configuration.
	#[error("rollup {rollup_id} settles on chain {chain_id}, which is not configured (add it with --chain {chain_id}=URL)")]
	ChainNotConfigured {
		/// The rollup.
		rollup_id: RollupId,
		/// Its base chain.
		chain_id: u64,
	},
	/// The deploying key and salt give another address than the one the rollup
	/// registered: deploying would put the inbox where the relayer does not deliver.
	#[error("rollup {rollup_id} registered inbox {registered}, but the configured key and salt {salt:?} give {predicted}: deploy with the key and salt the address was predicted with")]
	NotTheRegisteredAddress {
		/// The rollup.
		rollup_id: RollupId,
		/// What it registered.
		registered: Address,
		/// What this key and salt give.
		predicted: Address,
		/// The salt's label.
		salt: String,
	},
	/// The deterministic deployment failed (no deployment proxy on the chain, the salt
	/// used already, the constructor reverting, ...).
	#[error("deployment of the {inbox} failed: {source}")]
	Deterministic {
		/// Which contract (an inbox, or the light client).
		inbox: &'static str,
		/// Why.
		#[source]
		source: DeterministicError,
	},
	/// `predict-address` or `deploy-light-client` for a chain that has no entry in the
	/// configuration.
	#[error("chain {0} is not configured")]
	UnknownChain(u64),
	/// The deployer key could not be loaded.
	#[error(transparent)]
	Key(#[from] KeyError),
	/// The chain's RPC URL does not parse.
	#[error("invalid RPC URL {url}: {message}")]
	Url {
		/// The URL.
		url: String,
		/// Why.
		message: String,
	},
	/// The endpoint serves another chain than the one it is configured for.
	#[error("the endpoint for chain {configured} reports chain id {remote}")]
	WrongChain {
		/// What the configuration says.
		configured: u64,
		/// What the endpoint says.
		remote: u64,
	},
	/// The appchain's BEEFY validator set has a key with no Ethereum address.
	#[error("the appchain's BEEFY validator set: {0}")]
	ValidatorSet(#[from] FinalityError),
	/// The base chain refused or failed a request.
	#[error("chain {chain_id}: {message}")]
	Rpc {
		/// The chain.
		chain_id: u64,
		/// What went wrong.
		message: String,
	},
}

/// What `deploy` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployed {
	/// The inbox's address (the one the rollup registered: `deploy` deploys nowhere
	/// else).
	pub address: Address,
	/// The chain it lives on.
	pub chain_id: u64,
	/// The contract deployed (`ZkpowInbox` or `Groth16Inbox`).
	pub inbox: &'static str,
	/// keccak256 of its runtime code: what the relayer's `[[chains.inboxes]]` entry for the
	/// rollup expects, so that nothing is sent to another contract at that address.
	pub code_hash: B256,
}

/// What an inbox of a rollup starts from, as the appchain's finalized state says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxGenesis {
	/// The rollup's base chain.
	pub chain_id: u64,
	/// The inbox address the rollup registered.
	pub registered: Address,
	/// The rollup's proof system, which decides the inbox contract.
	pub verifier: VerifierKind,
	/// Its verifying key (a key set for the reference artifact, one key for Groth16).
	pub key: Vec<u8>,
	/// The state root before its first sequence.
	pub state_root: Bytes32,
	/// The number of its first batch.
	pub first_batch: BatchNumber,
}

impl InboxGenesis {
	/// The inbox contract that verifies this rollup's proofs.
	pub fn contract_name(&self) -> &'static str {
		inbox_contract(self.verifier)
	}
}

/// The name of the inbox contract for rollups of `kind`.
pub fn inbox_contract(kind: VerifierKind) -> &'static str {
	match kind {
		VerifierKind::ReferenceArtifactV1 => "ZkpowInbox",
		VerifierKind::Groth16Bn254 => "Groth16Inbox",
	}
}

/// Reads what an inbox of `rollup_id` starts from: verifier kind, key, root and first batch.
pub async fn inbox_genesis(
	appchain: &Appchain,
	rollup_id: RollupId,
) -> Result<InboxGenesis, DeployError> {
	let (_, head) = appchain.finalized_head().await?;
	let rollup = appchain
		.rollup(rollup_id, head)
		.await?
		.ok_or(DeployError::UnknownRollup(rollup_id))?;
	let key = appchain
		.verifying_key(rollup_id, head)
		.await?
		.ok_or(DeployError::NoVerifyingKey(rollup_id))?;
	// The rollup keeps where it started, so no (prunable) sequence record is needed.
	Ok(InboxGenesis {
		chain_id: rollup.base_chain.chain_id,
		registered: Address::from(rollup.base_chain.inbox),
		verifier: rollup.verifier,
		key,
		state_root: rollup.genesis.state_root,
		first_batch: rollup.genesis.last_batch + 1,
	})
}

/// Deploys the inbox of `rollup_id` (the contract its verifier kind needs) with the key
/// configured for its base chain, under the salt named `salt` (the one its registered
/// address was predicted with).
pub async fn deploy(
	config: &Config,
	rollup_id: RollupId,
	salt: &str,
) -> Result<Deployed, DeployError> {
	let appchain = Appchain::new(&config.appchain_url);
	let genesis = inbox_genesis(&appchain, rollup_id).await?;
	let chain_id = genesis.chain_id;
	let chain = config
		.chain(chain_id)
		.ok_or(DeployError::ChainNotConfigured { rollup_id, chain_id })?;
	let signer = load_signer(&chain.key.or(&config.key))?;
	let (deployer, salt_hash) = (signer.address(), salt_of(salt));
	let predicted = deployed_address(deployer, salt_hash);
	if predicted != genesis.registered {
		return Err(DeployError::NotTheRegisteredAddress {
			rollup_id,
			registered: genesis.registered,
			predicted,
			salt: salt.to_string(),
		});
	}
	let provider = connect(&chain.rpc[0], chain_id, signer).await?;
	let inbox = genesis.contract_name();
	let (key, root) = (Bytes::from(genesis.key), FixedBytes(genesis.state_root));
	let first_batch = genesis.first_batch;
	let init_code = match genesis.verifier {
		VerifierKind::ReferenceArtifactV1 => {
			ZkpowInbox::deploy_builder(&provider, rollup_id, key, root, 0, first_batch)
				.calldata()
				.clone()
		},
		VerifierKind::Groth16Bn254 => {
			Groth16Inbox::deploy_builder(&provider, rollup_id, key, root, 0, first_batch)
				.calldata()
				.clone()
		},
	};
	let address = deterministic::deploy(&provider, deployer, salt_hash, init_code)
		.await
		.map_err(|source| DeployError::Deterministic { inbox, source })?;
	let code = provider
		.get_code_at(address)
		.await
		.map_err(|e| DeployError::Rpc { chain_id, message: e.to_string() })?;
	let code_hash = keccak256(&code);
	Ok(Deployed { address, chain_id, inbox, code_hash })
}

/// A provider for chain `chain_id` at `url` signing with `signer`, checked to serve that
/// chain.
async fn connect(
	url: &str,
	chain_id: u64,
	signer: alloy::signers::local::PrivateKeySigner,
) -> Result<impl Provider + Clone, DeployError> {
	let url = url
		.parse::<Url>()
		.map_err(|e| DeployError::Url { url: url.to_string(), message: e.to_string() })?;
	let provider = ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url);
	let remote = provider
		.get_chain_id()
		.await
		.map_err(|e| DeployError::Rpc { chain_id, message: e.to_string() })?;
	if remote != chain_id {
		return Err(DeployError::WrongChain { configured: chain_id, remote });
	}
	Ok(provider)
}

/// What `deploy-light-client` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployedClient {
	/// The light client's address.
	pub address: Address,
	/// The BEEFY-finalized appchain block it starts from: it accepts commitments of later
	/// blocks.
	pub latest_block: u32,
	/// The validator set it trusts (the one of that block).
	pub current: BeefyClient::ValidatorSet,
	/// The set after it (as that block's MMR leaf states it).
	pub next: BeefyClient::ValidatorSet,
}

/// Deploys the appchain's BEEFY light client on `chain_id` with the key configured for it,
/// under the salt named `salt`, trusting the validator set of the appchain's latest
/// BEEFY-finalized block and the next set that block's MMR leaf states (read from the
/// configured appchain node: the deployer trusts that node).
pub async fn deploy_light_client(
	config: &Config,
	chain_id: u64,
	salt: &str,
) -> Result<DeployedClient, DeployError> {
	let chain = config.chain(chain_id).ok_or(DeployError::UnknownChain(chain_id))?;
	let signer = load_signer(&chain.key.or(&config.key))?;
	let deployer = signer.address();
	let appchain = Appchain::new(&config.appchain_url);
	let (hash, signed) = appchain.beefy_finalized().await?;
	let latest_block = signed.commitment.block_number;
	let (set_id, validators) = appchain.beefy_validators(hash).await?;
	let current = BeefyClient::ValidatorSet {
		id: set_id,
		len: validators.len() as u32,
		root: FixedBytes(validator_set_root(&validators)?.0),
	};
	let (leaf, _) = appchain.mmr_leaf_proof(latest_block, latest_block).await?;
	let next = sol::validator_set(&leaf.beefy_next_authority_set);
	let provider = connect(&chain.rpc[0], chain_id, signer).await?;
	let init_code =
		BeefyClient::deploy_builder(&provider, latest_block, current.clone(), next.clone())
			.calldata()
			.clone();
	let address = deterministic::deploy(&provider, deployer, salt_of(salt), init_code)
		.await
		.map_err(|source| DeployError::Deterministic { inbox: "BeefyClient", source })?;
	Ok(DeployedClient { address, latest_block, current, next })
}

/// The address `deploy` with the salt named `salt` puts an inbox at on `chain_id`, from
/// the key configured for that chain (computed, nothing is sent).
pub fn predict_address(config: &Config, chain_id: u64, salt: &str) -> Result<Address, DeployError> {
	let chain = config.chain(chain_id).ok_or(DeployError::UnknownChain(chain_id))?;
	let signer = load_signer(&chain.key.or(&config.key))?;
	Ok(deployed_address(signer.address(), salt_of(salt)))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn each_verifier_kind_gets_the_inbox_that_verifies_it() {
		assert_eq!(inbox_contract(VerifierKind::ReferenceArtifactV1), "ZkpowInbox");
		assert_eq!(inbox_contract(VerifierKind::Groth16Bn254), "Groth16Inbox");
	}
}
