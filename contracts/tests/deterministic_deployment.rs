//! Deterministic deployment on a real anvil: the factory lands at its computed address
//! through the deterministic deployment proxy, and an inbox lands where
//! `deterministic::deployed_address` says, whatever the deploying key sent meanwhile and
//! whatever a stranger deployed under the same salt.

use alloy::{
	network::{EthereumWallet, TransactionBuilder},
	primitives::{keccak256, Address, Bytes, FixedBytes, U256},
	providers::{DynProvider, Provider, ProviderBuilder},
	rpc::types::TransactionRequest,
	signers::local::PrivateKeySigner,
};
use zkpow_contracts::{
	anvil::{Anvil, DEV_KEYS},
	deterministic::{self, deployed_address, factory_address, salt_of, DeterministicError},
	fixtures::vk_set,
	InboxDeployer, ZkpowInbox,
};

fn signer(index: usize) -> PrivateKeySigner {
	DEV_KEYS[index].parse().expect("dev key")
}

fn provider_of(anvil: &Anvil, index: usize) -> DynProvider {
	ProviderBuilder::new()
		.wallet(EthereumWallet::from(signer(index)))
		.connect_http(anvil.url().parse().expect("url"))
		.erased()
}

/// The init code of a reference-rollup inbox for rollup `rollup_id`.
fn inbox_init_code(provider: &DynProvider, rollup_id: u32) -> Bytes {
	ZkpowInbox::deploy_builder(
		provider.clone(),
		rollup_id,
		Bytes::from(vk_set()),
		FixedBytes([3; 32]),
		0,
		1,
	)
	.calldata()
	.clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_factory_lands_at_its_computed_address_and_agrees_with_it() {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let provider = provider_of(&anvil, 0);
	let factory = deterministic::ensure_factory(&provider).await.expect("factory");
	assert_eq!(factory, factory_address());
	assert!(!provider.get_code_at(factory).await.unwrap().is_empty());
	// A second call finds it and sends nothing.
	let nonce = provider.get_transaction_count(signer(0).address()).await.unwrap();
	assert_eq!(deterministic::ensure_factory(&provider).await.unwrap(), factory);
	assert_eq!(provider.get_transaction_count(signer(0).address()).await.unwrap(), nonce);

	let on_chain = InboxDeployer::new(factory, &provider);
	for (who, label) in
		[(signer(0).address(), "a"), (signer(1).address(), "a"), (Address::ZERO, "b")]
	{
		let salt = salt_of(label);
		assert_eq!(
			on_chain.addressOf(who, salt).call().await.unwrap(),
			deployed_address(who, salt)
		);
	}
}

/// The attack on a nonce-based prediction: the rollup registered the address the key's next
/// CREATE would get, then any other transaction from the key (a transfer, a stuck relay)
/// moved it, and the inbox lands where the appchain does not look. Here the key sends in
/// between and the inbox still lands at the registered address, with the inbox's code.
#[tokio::test(flavor = "multi_thread")]
async fn transactions_from_the_key_between_prediction_and_deployment_do_not_move_the_inbox() {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let provider = provider_of(&anvil, 0);
	let me = signer(0).address();
	let salt = salt_of("reference-rollup");
	let registered = deployed_address(me, salt);

	for _ in 0..3 {
		let tx = TransactionRequest::default()
			.with_to(Address::repeat_byte(9))
			.with_value(U256::from(1));
		provider.send_transaction(tx).await.unwrap().get_receipt().await.unwrap();
	}
	let init = inbox_init_code(&provider, 7);
	let deployed = deterministic::deploy(&provider, me, salt, init).await.expect("deployed");
	assert_eq!(deployed, registered);
	let inbox = ZkpowInbox::new(deployed, &provider);
	assert_eq!(inbox.rollupId().call().await.unwrap(), 7);
	assert_eq!(inbox.stateRoot().call().await.unwrap(), FixedBytes([3; 32]));
}

/// The attack: a stranger who saw the registration deploys first under the same salt (a
/// contract of theirs that would take the deliveries). The salt is bound to the sender: the
/// stranger's contract lands elsewhere, and the rollup's inbox still lands at its address.
#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_using_the_same_salt_cannot_take_the_address() {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let (owner, stranger) = (provider_of(&anvil, 0), provider_of(&anvil, 1));
	let salt = salt_of("reference-rollup");
	let registered = deployed_address(signer(0).address(), salt);

	let squatter = deterministic::deploy(
		&stranger,
		signer(1).address(),
		salt,
		inbox_init_code(&stranger, 666),
	)
	.await
	.expect("the stranger deploys under their own key");
	assert_ne!(squatter, registered);
	assert!(owner.get_code_at(registered).await.unwrap().is_empty());

	let deployed =
		deterministic::deploy(&owner, signer(0).address(), salt, inbox_init_code(&owner, 7))
			.await
			.expect("the owner's inbox");
	assert_eq!(deployed, registered);
	assert_eq!(ZkpowInbox::new(deployed, &owner).rollupId().call().await.unwrap(), 7);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_used_salt_and_a_reverting_constructor_are_refused_with_their_reason() {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let provider = provider_of(&anvil, 0);
	let me = signer(0).address();
	let salt = salt_of("once");
	let first = deterministic::deploy(&provider, me, salt, inbox_init_code(&provider, 7))
		.await
		.unwrap();
	let code_hash = keccak256(provider.get_code_at(first).await.unwrap());

	match deterministic::deploy(&provider, me, salt, inbox_init_code(&provider, 8)).await {
		Err(DeterministicError::AlreadyDeployed { address }) => assert_eq!(address, first),
		other => panic!("a used salt must be refused, got {other:?}"),
	}
	// The factory itself refuses the salt too (for a caller that skips the check).
	let factory = InboxDeployer::new(factory_address(), &provider);
	let error = factory
		.deployContract(salt, inbox_init_code(&provider, 8))
		.call()
		.await
		.expect_err("the salt is used");
	assert!(
		matches!(
			error.as_decoded_interface_error::<InboxDeployer::InboxDeployerErrors>(),
			Some(InboxDeployer::InboxDeployerErrors::SaltAlreadyUsed(_))
		),
		"{error}"
	);
	assert_eq!(keccak256(provider.get_code_at(first).await.unwrap()), code_hash, "untouched");

	// An unusable key set: the inbox's constructor reverts; the reason is reported and the
	// salt stays free.
	let bad = ZkpowInbox::deploy_builder(
		provider.clone(),
		7,
		Bytes::from(vec![1, 2, 3]),
		FixedBytes([0; 32]),
		0,
		1,
	)
	.calldata()
	.clone();
	let other = salt_of("bad-key");
	match deterministic::deploy(&provider, me, other, bad).await {
		Err(DeterministicError::ConstructorReverts(reason)) => assert!(!reason.is_empty()),
		other => panic!("the constructor's revert must be reported, got {other:?}"),
	}
	assert!(provider.get_code_at(deployed_address(me, other)).await.unwrap().is_empty());
}
