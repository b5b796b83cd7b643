//! `zkpow-node --dev` produces and finalizes blocks and executes a signed transfer.

use sp_keyring::Sr25519Keyring::{Alice, Bob};
use std::time::Duration;
use zkpow_integration_tests::{wait_for, Node};
use zkpow_runtime::{BalancesCall, RuntimeCall, RuntimeEvent, UNIT};

#[tokio::test(flavor = "multi_thread")]
async fn dev_node_finalizes_blocks_and_applies_a_signed_transfer() {
	let mut node = Node::spawn(&["--dev"]);
	let rpc = node.rpc(Duration::from_secs(120)).await;

	// Blocks are produced and finalized by GRANDPA.
	let result = wait_for("block #3 to be finalized", Duration::from_secs(90), || async {
		Ok((rpc.finalized_number().await? >= 3).then_some(()))
	})
	.await;
	result.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(30)));
	assert!(rpc.best_number().await.unwrap() >= 3);

	let bob_before = rpc.account(&Bob.to_account_id(), None).await.unwrap().data.free;
	let alice_before = rpc.account(&Alice.to_account_id(), None).await.unwrap().data.free;
	assert!(alice_before > 0, "Alice is endowed in the development genesis");

	let amount = 12_345 * UNIT;
	let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
		dest: sp_runtime::MultiAddress::Id(Bob.to_account_id()),
		value: amount,
	});
	let start = rpc.best_number().await.unwrap();
	rpc.submit(Alice, call).await.expect("transfer accepted by the pool");

	let (block, _, ()) = rpc
		.find_event(start, Duration::from_secs(60), "the transfer", |event| match event {
			RuntimeEvent::Balances(pallet_balances::Event::Transfer { from, to, amount: a })
				if *from == Alice.to_account_id() && *to == Bob.to_account_id() && *a == amount =>
			{
				Some(())
			},
			_ => None,
		})
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(30)));

	let bob_after = rpc.account(&Bob.to_account_id(), Some(block)).await.unwrap().data.free;
	let alice_after = rpc.account(&Alice.to_account_id(), Some(block)).await.unwrap().data.free;
	assert_eq!(bob_after, bob_before + amount, "Bob receives exactly the amount");
	assert!(alice_after < alice_before - amount, "Alice pays the amount plus a fee");

	// The fee was charged and reported.
	let events = rpc.events(block).await.unwrap();
	assert!(events.iter().any(|r| matches!(
		r.event,
		RuntimeEvent::TransactionPayment(pallet_transaction_payment::Event::TransactionFeePaid { ref who, actual_fee, .. })
			if *who == Alice.to_account_id() && actual_fee == alice_before - amount - alice_after
	)));
}

/// The attack: anyone who reaches a node's public RPC port calls `zkpow_checkProof` in a
/// loop and makes the node verify proofs for free (pairings, milliseconds of CPU each).
/// A node serving only safe methods (`--rpc-methods safe`, what `--rpc-external` implies)
/// refuses it and still answers the read-only queries; a node serving its own operator
/// (unsafe methods allowed) answers it.
#[tokio::test(flavor = "multi_thread")]
async fn a_public_node_refuses_free_proof_verification() {
	use jsonrpsee::{core::client::ClientT, rpc_params};
	let alice = Alice.to_account_id().to_string();
	let check = || rpc_params![0u32, 0u64, alice.clone(), "0x01020304"];

	let mut public = Node::spawn(&["--dev", "--rpc-methods", "safe"]);
	let rpc = public.rpc(Duration::from_secs(120)).await;
	let refused = rpc
		.client
		.request::<serde_json::Value, _>("zkpow_checkProof", check())
		.await
		.expect_err("a public node verifies proofs for free");
	assert!(refused.to_string().contains("unsafe"), "{refused}");
	let limits: serde_json::Value =
		rpc.client.request("zkpow_protocolLimits", rpc_params![]).await.unwrap();
	assert!(limits.is_object(), "read-only queries stay public: {limits}");
	drop(public);

	let mut own = Node::spawn(&["--dev", "--rpc-methods", "unsafe"]);
	let rpc = own.rpc(Duration::from_secs(120)).await;
	let answer: serde_json::Value = rpc.client.request("zkpow_checkProof", check()).await.unwrap();
	assert!(answer.is_null(), "no sequence in flight: {answer}");
}
