//! Where [`InboxDeployer`] puts things, computed off chain.
//!
//! The factory is deployed through the deterministic deployment proxy
//! ([`DEPLOYMENT_PROXY`], present on Ethereum, the major EVM chains and anvil) with a zero
//! salt, so its address ([`factory_address`]) is the same on every such chain. A contract
//! the factory deploys for `deployer` under `salt` lands at [`deployed_address`]: it
//! depends on neither the deployer's nonce nor the contract's init code, so an inbox's
//! address can be registered before its constructor arguments (the rollup id) are known
//! and no other transaction from the key can move it; the salt is bound to the deployer,
//! so no one else can deploy there.

use crate::InboxDeployer;
use alloy::{
	network::TransactionBuilder,
	primitives::{address, keccak256, Address, Bytes, B256},
	providers::Provider,
	rpc::types::TransactionRequest,
};

/// Why a deterministic deployment failed.
#[derive(Debug, thiserror::Error)]
pub enum DeterministicError {
	/// The chain lacks the deterministic deployment proxy, so the factory cannot have its
	/// usual address there.
	#[error("the chain has no deterministic deployment proxy at {DEPLOYMENT_PROXY}")]
	NoDeploymentProxy,
	/// The factory's deployment went through but left no code at its address.
	#[error("the factory's deployment left no code at {0}")]
	FactoryMissing(Address),
	/// The deployer already used this salt: its address holds a contract.
	#[error("{address} already holds a contract (the salt was used): choose another salt")]
	AlreadyDeployed {
		/// The address of the salt.
		address: Address,
	},
	/// The init code reverts when run as a plain creation (the constructor's own error).
	#[error("the constructor reverts: {0}")]
	ConstructorReverts(String),
	/// A request to the chain failed or the transaction reverted.
	#[error("{0}")]
	Chain(String),
}

fn chain(error: impl std::fmt::Display) -> DeterministicError {
	DeterministicError::Chain(error.to_string())
}

/// Deploys the factory at [`factory_address`] unless it is there already; returns its
/// address.
pub async fn ensure_factory<P: Provider>(provider: &P) -> Result<Address, DeterministicError> {
	let factory = factory_address();
	if !provider.get_code_at(factory).await.map_err(chain)?.is_empty() {
		return Ok(factory);
	}
	if provider.get_code_at(DEPLOYMENT_PROXY).await.map_err(chain)?.is_empty() {
		return Err(DeterministicError::NoDeploymentProxy);
	}
	let tx = TransactionRequest::default()
		.with_to(DEPLOYMENT_PROXY)
		.with_input(Bytes::from(factory_deployment_data()));
	send(provider, tx, "the factory's deployment").await?;
	if provider.get_code_at(factory).await.map_err(chain)?.is_empty() {
		return Err(DeterministicError::FactoryMissing(factory));
	}
	Ok(factory)
}

/// Deploys `init_code` from `deployer` (the provider's signer) under `salt` through the
/// factory (deployed first where missing) and returns its address, [`deployed_address`].
/// The init code is first run as a plain creation (`eth_call`) so that a constructor
/// revert is reported with its own reason, not as the factory's `DeploymentFailed`.
pub async fn deploy<P: Provider>(
	provider: &P,
	deployer: Address,
	salt: B256,
	init_code: Bytes,
) -> Result<Address, DeterministicError> {
	let factory = ensure_factory(provider).await?;
	let address = deployed_address_via(factory, deployer, salt);
	if !provider.get_code_at(address).await.map_err(chain)?.is_empty() {
		return Err(DeterministicError::AlreadyDeployed { address });
	}
	let creation = TransactionRequest::default().from(deployer).with_deploy_code(init_code.clone());
	if let Err(e) = provider.call(creation).await {
		return Err(DeterministicError::ConstructorReverts(e.to_string()));
	}
	let tx = InboxDeployer::new(factory, provider)
		.deployContract(salt, init_code)
		.from(deployer)
		.into_transaction_request();
	send(provider, tx, "the deployment through the factory").await?;
	Ok(address)
}

/// Sends `tx` and waits for its receipt, which must report success.
async fn send<P: Provider>(
	provider: &P,
	tx: TransactionRequest,
	what: &str,
) -> Result<(), DeterministicError> {
	let pending = provider.send_transaction(tx).await.map_err(chain)?;
	let receipt = pending.get_receipt().await.map_err(chain)?;
	if !receipt.status() {
		return Err(chain(format!("{what} reverted")));
	}
	Ok(())
}

/// The deterministic deployment proxy: `salt (32 bytes) ++ init code` sent to it CREATE2s
/// the init code with that salt.
pub const DEPLOYMENT_PROXY: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");

/// The salt the factory is deployed with through [`DEPLOYMENT_PROXY`].
pub const FACTORY_SALT: B256 = B256::ZERO;

/// `InboxDeployer.PROXY_INIT_CODE`: the one-purpose proxy the factory CREATE2s per
/// deployment.
pub const PROXY_INIT_CODE: [u8; 16] = alloy::hex!("67363d3d37363d34f03d5260086018f3");

/// The factory's address on every chain with the deployment proxy.
pub fn factory_address() -> Address {
	DEPLOYMENT_PROXY.create2(FACTORY_SALT, keccak256(&crate::InboxDeployer::BYTECODE))
}

/// The address the factory at `factory` deploys to for `deployer` under `salt`
/// (`InboxDeployer.addressOf`).
pub fn deployed_address_via(factory: Address, deployer: Address, salt: B256) -> Address {
	let key = keccak256([deployer.as_slice(), salt.as_slice()].concat());
	factory.create2(key, keccak256(PROXY_INIT_CODE)).create(1)
}

/// The address [`factory_address`] deploys to for `deployer` under `salt`.
pub fn deployed_address(deployer: Address, salt: B256) -> Address {
	deployed_address_via(factory_address(), deployer, salt)
}

/// The salt of a human-readable label (`keccak256(label)`): operators name a deployment
/// (`--salt my-rollup`) rather than pick 32 bytes.
pub fn salt_of(label: &str) -> B256 {
	keccak256(label.as_bytes())
}

/// The calldata that deploys the factory through [`DEPLOYMENT_PROXY`].
pub fn factory_deployment_data() -> Vec<u8> {
	[FACTORY_SALT.as_slice(), &crate::InboxDeployer::BYTECODE].concat()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn deployers_and_salts_each_get_their_own_address() {
		let (alice, bob) = (Address::repeat_byte(1), Address::repeat_byte(2));
		let a = deployed_address(alice, salt_of("rollup-a"));
		assert_eq!(a, deployed_address(alice, salt_of("rollup-a")));
		assert_ne!(a, deployed_address(bob, salt_of("rollup-a")));
		assert_ne!(a, deployed_address(alice, salt_of("rollup-b")));
	}
}
