//! Delivery to real anvil chains with real artifacts, driven pass by pass (no timing):
//! order and exactly-once across restarts, skipping what the inbox has, an RPC outage,
//! two chains at once, and a permanent rejection that does not hold up other rollups.

mod common;

use common::*;
use std::sync::Arc;
use zkpow_contracts::fixtures::ProvingRollup;
use zkpow_relayer::{
	deliver::MissingSequences,
	evm::EvmError,
	store::{DeliveryState, Store},
};

#[tokio::test(flavor = "multi_thread")]
async fn sequences_are_delivered_in_order_skipping_what_the_inbox_has() {
	let chain = anvil(31337);
	let mut rollup = ProvingRollup::new(1, 11);
	let sequences = prove(&mut rollup, &[1, 4, 1]);
	let inbox = deploy_inbox(&chain.url(), &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let missing = MissingSequences::default();
	let worker = worker(31337, &chain.url(), store.clone(), missing.clone());
	let dest = destination(31337, inbox);

	// Someone else delivers sequence 0 first.
	let (seq, batches) = zkpow_contracts::sequence_call(&sequences[0]);
	zkpow_contracts::ZkpowInbox::new(inbox, deployer(&chain.url()))
		.finalizeSequence(seq, batches)
		.send()
		.await
		.unwrap()
		.get_receipt()
		.await
		.unwrap();

	// Sequence 2 finalizes before sequence 1: it waits, and 1 is looked up.
	store.insert_finalized(dest, &sequences[0]).unwrap();
	store.insert_finalized(dest, &sequences[2]).unwrap();
	let report = worker.run_once().await.unwrap();
	assert_eq!(report.skipped, vec![(1, 0)]);
	assert!(report.delivered.is_empty());
	assert_eq!(missing.lock().await.iter().copied().collect::<Vec<_>>(), vec![(1, 1)]);
	assert_eq!(inbox_state(&chain.url(), inbox).await.0, 1);

	store.insert_finalized(dest, &sequences[1]).unwrap();
	let report = worker.run_once().await.unwrap();
	assert_eq!(report.delivered, vec![(1, 1), (1, 2)]);
	assert_eq!(inbox_state(&chain.url(), inbox).await, (3, sequences[2].new_state_root));
	assert_eq!(relayer_tx_count(&chain.url()).await, 2, "nothing sent for sequence 0");
	assert!(store.open_rollups().unwrap().is_empty());

	// Nothing left: another pass sends nothing.
	let report = worker.run_once().await.unwrap();
	assert_eq!(report.broadcasts, 0);
	assert_eq!(relayer_tx_count(&chain.url()).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_sends_the_recorded_transaction_never_a_second_one() {
	let chain = anvil(31337);
	let mut rollup = ProvingRollup::new(2, 12);
	let sequences = prove(&mut rollup, &[1, 1]);
	let inbox = deploy_inbox(&chain.url(), &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("db");
	let dest = destination(31337, inbox);

	// Crash: sequence 0 signed and recorded, the process killed before broadcasting.
	let hash0 = {
		let store = open_store(&path);
		let worker = worker(31337, &chain.url(), store.clone(), MissingSequences::default());
		store.insert_finalized(dest, &sequences[0]).unwrap();
		store.insert_finalized(dest, &sequences[1]).unwrap();
		// Recorded as an earlier version did (`Sent`): a database from before the
		// finality rules resumes the same way.
		let (signed, _) = sign_delivery(&worker, inbox, &sequences[0]).await;
		store
			.set_state(
				2,
				0,
				DeliveryState::Sent { tx_hash: signed.hash, raw: signed.raw, nonce: signed.nonce },
			)
			.unwrap();
		signed.hash
	};
	assert_eq!(relayer_tx_count(&chain.url()).await, 0);

	// Restart: the recorded bytes go out for sequence 0, then sequence 1.
	let store = open_store(&path);
	let worker = worker(31337, &chain.url(), store.clone(), MissingSequences::default());
	let first_pass = worker.run_once().await.unwrap();
	assert_eq!(first_pass.delivered, vec![(2, 0), (2, 1)]);
	assert_eq!(
		store.status(2, 0).unwrap().unwrap().state,
		DeliveryState::Delivered { tx_hash: Some(hash0) },
		"sequence 0 went out with the transaction recorded before the crash"
	);
	assert_eq!(store.status(2, 0).unwrap().unwrap().attempts, 1);
	assert_eq!(relayer_tx_count(&chain.url()).await, 2, "one transaction per sequence");
	assert_eq!(inbox_state(&chain.url(), inbox).await, (2, sequences[1].new_state_root));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transaction_mined_before_the_crash_is_not_sent_again() {
	let chain = anvil(31337);
	let mut rollup = ProvingRollup::new(3, 13);
	let sequences = prove(&mut rollup, &[1]);
	let inbox = deploy_inbox(&chain.url(), &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("db");
	let hash = {
		let store = open_store(&path);
		let worker = worker(31337, &chain.url(), store.clone(), MissingSequences::default());
		store.insert_finalized(destination(31337, inbox), &sequences[0]).unwrap();
		let (signed, attempt) = sign_delivery(&worker, inbox, &sequences[0]).await;
		store
			.set_state(3, 0, DeliveryState::InFlight { attempt, included: None })
			.unwrap();
		worker.chain().broadcast(&signed.raw).await.unwrap();
		// Killed here: the receipt was never recorded.
		signed.hash
	};
	assert_eq!(inbox_state(&chain.url(), inbox).await.0, 1);

	let store = open_store(&path);
	let report = worker(31337, &chain.url(), store.clone(), MissingSequences::default())
		.run_once()
		.await
		.unwrap();
	assert_eq!(report.broadcasts, 0);
	assert_eq!(report.delivered, vec![(3, 0)]);
	assert_eq!(
		store.status(3, 0).unwrap().unwrap().state,
		DeliveryState::Delivered { tx_hash: Some(hash) }
	);
	assert_eq!(relayer_tx_count(&chain.url()).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn delivery_resumes_when_the_rpc_endpoint_returns() {
	let chain = anvil(31337);
	let proxy = Proxy::start(chain.port).await;
	let mut rollup = ProvingRollup::new(4, 14);
	let sequences = prove(&mut rollup, &[1, 1]);
	let inbox = deploy_inbox(&chain.url(), &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let worker = worker(31337, &proxy.url(), store.clone(), MissingSequences::default());
	let dest = destination(31337, inbox);

	store.insert_finalized(dest, &sequences[0]).unwrap();
	assert_eq!(worker.run_once().await.unwrap().delivered, vec![(4, 0)]);

	proxy.set_down(true);
	store.insert_finalized(dest, &sequences[1]).unwrap();
	for _ in 0..3 {
		let error = worker.run_once().await.expect_err("the endpoint is down");
		assert!(
			matches!(&error, zkpow_relayer::deliver::DeliveryError::Evm(e) if e.is_transient()),
			"a transient failure, not {error}"
		);
	}
	assert_eq!(store.status(4, 1).unwrap().unwrap().state, DeliveryState::Pending);

	proxy.set_down(false);
	assert_eq!(worker.run_once().await.unwrap().delivered, vec![(4, 1)]);
	assert_eq!(inbox_state(&chain.url(), inbox).await, (2, sequences[1].new_state_root));
	assert_eq!(relayer_tx_count(&chain.url()).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_base_chains_are_served_at_once_and_one_outage_holds_up_only_its_chain() {
	let (chain_a, chain_b) = (anvil(31337), anvil(31338));
	let proxy_a = Proxy::start(chain_a.port).await;
	let mut rollup_a = ProvingRollup::new(5, 15);
	let mut rollup_b = ProvingRollup::new(6, 16);
	let seq_a = prove(&mut rollup_a, &[1]);
	let seq_b = prove(&mut rollup_b, &[4, 1]);
	let inbox_a = deploy_inbox(&chain_a.url(), &rollup_a).await;
	let inbox_b = deploy_inbox(&chain_b.url(), &rollup_b).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let worker_a = worker(31337, &proxy_a.url(), store.clone(), MissingSequences::default());
	let worker_b = worker(31338, &chain_b.url(), store.clone(), MissingSequences::default());
	store.insert_finalized(destination(31337, inbox_a), &seq_a[0]).unwrap();
	store.insert_finalized(destination(31338, inbox_b), &seq_b[0]).unwrap();

	proxy_a.set_down(true);
	let (a, b) = tokio::join!(worker_a.run_once(), worker_b.run_once());
	assert!(matches!(
		a,
		Err(zkpow_relayer::deliver::DeliveryError::Evm(EvmError::Unreachable { .. }))
	));
	assert_eq!(b.unwrap().delivered, vec![(6, 0)]);

	proxy_a.set_down(false);
	store.insert_finalized(destination(31338, inbox_b), &seq_b[1]).unwrap();
	let (a, b) = tokio::join!(worker_a.run_once(), worker_b.run_once());
	assert_eq!(a.unwrap().delivered, vec![(5, 0)]);
	assert_eq!(b.unwrap().delivered, vec![(6, 1)]);
	assert_eq!(inbox_state(&chain_a.url(), inbox_a).await, (1, seq_a[0].new_state_root));
	assert_eq!(inbox_state(&chain_b.url(), inbox_b).await, (2, seq_b[1].new_state_root));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permanent_rejection_is_recorded_and_other_rollups_go_on() {
	let chain = anvil(31337);
	let mut bad_rollup = ProvingRollup::new(7, 17);
	let mut good_rollup = ProvingRollup::new(8, 18);
	let mut bad = prove(&mut bad_rollup, &[1, 1]);
	let good = prove(&mut good_rollup, &[1]);
	// The artifact of sequence 0 claimed for another miner: the inbox's proof check fails.
	bad[0].prover = [0x22; 32];
	let bad_inbox = deploy_inbox(&chain.url(), &bad_rollup).await;
	let good_inbox = deploy_inbox(&chain.url(), &good_rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store: Arc<Store> = open_store(&dir.path().join("db"));
	let worker = worker(31337, &chain.url(), store.clone(), MissingSequences::default());
	store.insert_finalized(destination(31337, bad_inbox), &bad[0]).unwrap();
	store.insert_finalized(destination(31337, bad_inbox), &bad[1]).unwrap();
	store.insert_finalized(destination(31337, good_inbox), &good[0]).unwrap();

	let report = worker.run_once().await.unwrap();
	assert_eq!(report.delivered, vec![(8, 0)]);
	assert_eq!(report.rejected.len(), 1);
	let (rollup, index, reason) = &report.rejected[0];
	assert_eq!((*rollup, *index), (7, 0));
	assert!(reason.contains("do not verify"), "reason: {reason}");
	assert!(matches!(store.status(7, 0).unwrap().unwrap().state, DeliveryState::Rejected { .. }));
	// Nothing was sent for the rejected sequence, and its successor waits.
	assert_eq!(relayer_tx_count(&chain.url()).await, 1);
	assert_eq!(store.status(7, 1).unwrap().unwrap().state, DeliveryState::Pending);
	let again = worker.run_once().await.unwrap();
	assert_eq!(again.broadcasts, 0);
	assert!(again.rejected.is_empty(), "reported once");
	assert!(worker.chain().sender != alloy::primitives::Address::ZERO);
}

/// The attack on the operator's way out: a sequence whose proof the inbox refuses is not
/// sent blindly when an operator retries it (it is simulated again, rejected again, and
/// costs no transaction); skipping it settles it for good without unblocking anything the
/// inbox would refuse (its successor is never sent while the inbox expects it).
#[tokio::test(flavor = "multi_thread")]
async fn an_operator_retry_simulates_again_and_a_skip_sends_nothing() {
	let chain = anvil(31337);
	let mut rollup = ProvingRollup::new(9, 19);
	let mut bad = prove(&mut rollup, &[1, 1]);
	bad[0].prover = [0x22; 32];
	let inbox = deploy_inbox(&chain.url(), &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store: Arc<Store> = open_store(&dir.path().join("db"));
	let worker = worker(31337, &chain.url(), store.clone(), MissingSequences::default());
	for sequence in &bad {
		store.insert_finalized(destination(31337, inbox), sequence).unwrap();
	}
	assert_eq!(worker.run_once().await.unwrap().rejected.len(), 1);

	store.retry(9, 0).unwrap();
	let retried = worker.run_once().await.unwrap();
	assert_eq!(retried.rejected.len(), 1, "simulated again and rejected again");
	assert_eq!(retried.broadcasts, 0);
	assert_eq!(relayer_tx_count(&chain.url()).await, 0);

	store.skip(9, 0).unwrap();
	assert!(matches!(store.status(9, 0).unwrap().unwrap().state, DeliveryState::Skipped { .. }));
	let after = worker.run_once().await.unwrap();
	assert_eq!((after.broadcasts, after.rejected.len()), (0, 0));
	assert_eq!(store.status(9, 1).unwrap().unwrap().state, DeliveryState::Pending);
	assert_eq!(relayer_tx_count(&chain.url()).await, 0);
	assert_eq!(inbox_state(&chain.url(), inbox).await.0, 0, "the inbox still expects sequence 0");
}
