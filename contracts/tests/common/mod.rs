//! What the inbox tests share: a funded provider on anvil, sending `finalizeSequence`
//! for its gas, and simulating it for the inbox error it reverts with. Both inboxes are
//! driven through the `ZkpowInbox` bindings (one delivery ABI).

#![allow(dead_code)]

use alloy::{
	network::EthereumWallet,
	providers::{DynProvider, Provider, ProviderBuilder},
	signers::local::PrivateKeySigner,
};
use zkpow_contracts::{
	anvil::{Anvil, DEV_KEYS},
	sequence_call, InboxError, SequenceDelivery, ZkpowInbox,
};

/// An inbox as the tests drive it.
pub type Inbox = ZkpowInbox::ZkpowInboxInstance<DynProvider>;

/// A provider signing with anvil's first dev account.
pub fn provider(anvil: &Anvil) -> DynProvider {
	let signer: PrivateKeySigner = DEV_KEYS[0].parse().expect("dev key");
	ProviderBuilder::new()
		.wallet(EthereumWallet::from(signer))
		.connect_http(anvil.url().parse().expect("url"))
		.erased()
}

/// Sends `finalizeSequence` and returns the gas the transaction used.
pub async fn finalize(inbox: &Inbox, delivery: &SequenceDelivery) -> u64 {
	let (sequence, batches) = sequence_call(delivery);
	let receipt = inbox
		.finalizeSequence(sequence, batches)
		.send()
		.await
		.unwrap_or_else(|e| panic!("sequence {} rejected: {e}", delivery.sequence_index))
		.get_receipt()
		.await
		.expect("receipt");
	assert!(receipt.status(), "sequence {} reverted", delivery.sequence_index);
	receipt.gas_used
}

/// Simulates `finalizeSequence` with the given arguments and returns the inbox error it
/// reverts with.
pub async fn rejection_of(
	inbox: &Inbox,
	(sequence, batches): (ZkpowInbox::FinalizedSequence, Vec<ZkpowInbox::BatchHeader>),
) -> InboxError {
	let error = inbox
		.finalizeSequence(sequence, batches)
		.call()
		.await
		.expect_err("the inbox must reject this sequence");
	error
		.as_decoded_interface_error::<InboxError>()
		.unwrap_or_else(|| panic!("not an inbox error: {error}"))
}

/// Simulates the delivery of `delivery` and returns the inbox error it reverts with.
pub async fn rejection(inbox: &Inbox, delivery: &SequenceDelivery) -> InboxError {
	rejection_of(inbox, sequence_call(delivery)).await
}
