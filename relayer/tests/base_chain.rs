//! The base chain as an adversary, on a real anvil, driven pass by pass: reorgs that drop
//! a delivery (or someone else's), transactions that do not land at their price, and an
//! account that runs dry. Each test stages the attack first, then shows that every
//! sequence still reaches its inbox exactly once and nothing is lost.

mod common;

use alloy::{
	primitives::{B256, U256},
	providers::{ext::AnvilApi, Provider},
	rpc::types::anvil::ReorgOptions,
};
use common::*;
use std::time::Duration;
use zkpow_contracts::fixtures::ProvingRollup;
use zkpow_relayer::{
	deliver::MissingSequences,
	policy::{ChainPolicy, Finality, Wei},
	store::DeliveryState,
};

/// The tag policy of anvil: `finalized` is 64 blocks behind the head.
fn finalized_tag() -> ChainPolicy {
	ChainPolicy { finality: Finality::Finalized, ..ChainPolicy::default() }
}

fn confirmations(n: &str) -> ChainPolicy {
	ChainPolicy {
		finality: Finality::Confirmations,
		confirmations: n.parse().unwrap(),
		..ChainPolicy::default()
	}
}

fn in_flight(state: &DeliveryState) -> (usize, Option<u64>) {
	match state {
		DeliveryState::InFlight { attempt, included } => {
			(attempt.hashes.len(), included.map(|i| i.block_number))
		},
		other => panic!("not in flight: {other:?}"),
	}
}

/// The attack: the base chain reorgs away the block that carried our delivery before it is
/// final (`anvil_reorg` replaces it with an empty block: the transaction is gone, the
/// inbox expects the sequence again). The relayer must not have counted it as delivered;
/// it sends the same transaction again (same nonce, same hash), and only once the new
/// block is `finalized` (64 blocks on anvil) is the sequence settled: exactly one
/// delivery, one nonce.
#[tokio::test(flavor = "multi_thread")]
async fn a_reorg_that_drops_the_delivery_before_it_is_final_makes_the_relayer_send_it_again() {
	let chain = anvil(31337);
	let url = chain.url();
	let mut rollup = ProvingRollup::new(20, 30);
	let sequences = prove(&mut rollup, &[1]);
	let inbox = deploy_inbox(&url, &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let worker = worker_with(
		31337,
		&url,
		store.clone(),
		MissingSequences::default(),
		finalized_tag(),
		Duration::from_secs(30),
	);
	store.insert_finalized(destination(31337, inbox), &sequences[0]).unwrap();

	let first = worker.run_once().await.unwrap();
	assert_eq!((first.included.clone(), first.delivered.clone()), (vec![(20, 0)], vec![]));
	let state = store.status(20, 0).unwrap().unwrap().state;
	let (_, Some(block)) = in_flight(&state) else { panic!("included") };
	assert_eq!(inbox_state(&url, inbox).await.0, 1);

	let anvil = deployer(&url);
	let head = anvil.get_block_number().await.unwrap();
	let depth = head - block + 1;
	anvil.anvil_reorg(ReorgOptions { depth, tx_block_pairs: vec![] }).await.unwrap();
	assert_eq!(inbox_state(&url, inbox).await.0, 0, "the reorg dropped the delivery");
	assert_eq!(relayer_tx_count(&url).await, 0, "and the relayer's nonce with it");

	let again = worker.run_once().await.unwrap();
	assert_eq!(again.reorged, vec![(20, 0)]);
	assert_eq!((again.included, again.broadcasts), (vec![(20, 0)], 1));
	assert!(again.delivered.is_empty(), "not final yet");
	let state = store.status(20, 0).unwrap().unwrap().state;
	let (hashes, Some(new_block)) = in_flight(&state) else { panic!("included again") };
	assert_eq!(hashes, 1, "the same transaction, not a new one");
	assert_eq!(inbox_state(&url, inbox).await, (1, sequences[0].new_state_root));

	// 63 blocks on top: `finalized` is still below the including block.
	anvil.anvil_mine(Some(63), None).await.unwrap();
	let early = worker.run_once().await.unwrap();
	assert!(early.delivered.is_empty() && early.broadcasts == 0, "{early:?}");
	assert!(matches!(store.status(20, 0).unwrap().unwrap().state, DeliveryState::InFlight { .. }));
	assert!(store.payload(20, 0).unwrap().is_some(), "the payload stays until final");

	anvil.anvil_mine(Some(1), None).await.unwrap();
	let final_pass = worker.run_once().await.unwrap();
	assert_eq!(final_pass.delivered, vec![(20, 0)]);
	assert!(anvil.get_block_number().await.unwrap() - new_block >= 64);
	let status = store.status(20, 0).unwrap().unwrap();
	assert!(matches!(status.state, DeliveryState::Delivered { tx_hash: Some(_) }));
	assert_eq!(status.attempts, 1);
	assert_eq!(relayer_tx_count(&url).await, 1, "one transaction in all");
	assert!(store.open_rollups().unwrap().is_empty());
}

/// The attack: an `evm_revert` throws away two blocks that carried two pipelined
/// deliveries (the second sent once the first was mined, before it was final). Both are
/// sent again, in order, with their recorded bytes; neither counts before it has its three
/// confirmations.
#[tokio::test(flavor = "multi_thread")]
async fn deliveries_reverted_away_are_sent_again_and_count_only_with_their_confirmations() {
	let chain = anvil(31337);
	let url = chain.url();
	let mut rollup = ProvingRollup::new(21, 31);
	let sequences = prove(&mut rollup, &[1, 4]);
	let inbox = deploy_inbox(&url, &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let worker = worker_with(
		31337,
		&url,
		store.clone(),
		MissingSequences::default(),
		confirmations("3"),
		Duration::from_secs(30),
	);
	for sequence in &sequences {
		store.insert_finalized(destination(31337, inbox), sequence).unwrap();
	}
	let anvil = deployer(&url);
	let snapshot = anvil.anvil_snapshot().await.unwrap();

	let first = worker.run_once().await.unwrap();
	assert_eq!(first.included, vec![(21, 0), (21, 1)], "the second goes once the first is mined");
	assert!(first.delivered.is_empty());
	let hashes: Vec<_> = [0, 1]
		.map(|i| match store.status(21, i).unwrap().unwrap().state {
			DeliveryState::InFlight { attempt, .. } => attempt.hashes,
			other => panic!("{other:?}"),
		})
		.to_vec();

	assert!(anvil.anvil_revert(snapshot).await.unwrap());
	assert_eq!(inbox_state(&url, inbox).await.0, 0);

	let again = worker.run_once().await.unwrap();
	assert_eq!(again.reorged, vec![(21, 0), (21, 1)]);
	assert_eq!((again.included.clone(), again.broadcasts), (vec![(21, 0), (21, 1)], 2));
	assert!(again.delivered.is_empty(), "2 and 1 confirmations");
	for (i, sent) in hashes.iter().enumerate() {
		match store.status(21, i as u64).unwrap().unwrap().state {
			DeliveryState::InFlight { attempt, .. } => assert_eq!(&attempt.hashes, sent),
			other => panic!("{other:?}"),
		}
	}

	anvil.anvil_mine(Some(1), None).await.unwrap();
	assert_eq!(worker.run_once().await.unwrap().delivered, vec![(21, 0)], "3 confirmations");
	assert!(matches!(store.status(21, 1).unwrap().unwrap().state, DeliveryState::InFlight { .. }));
	anvil.anvil_mine(Some(1), None).await.unwrap();
	assert_eq!(worker.run_once().await.unwrap().delivered, vec![(21, 1)]);
	assert_eq!(inbox_state(&url, inbox).await, (2, sequences[1].new_state_root));
	assert_eq!(relayer_tx_count(&url).await, 2, "one transaction per sequence");
}

/// The attack on the inbox reads: someone else's delivery sits in a block that is not
/// final, and a reorg then drops it. The relayer must not settle the sequence as "already
/// on the inbox" from the head's view (it would never deliver it); it waits, and after
/// the reorg it delivers the sequence itself.
#[tokio::test(flavor = "multi_thread")]
async fn someone_elses_delivery_that_is_not_final_is_not_taken_for_done() {
	let chain = anvil(31337);
	let url = chain.url();
	let mut rollup = ProvingRollup::new(22, 32);
	let sequences = prove(&mut rollup, &[1]);
	let inbox = deploy_inbox(&url, &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let worker = worker_with(
		31337,
		&url,
		store.clone(),
		MissingSequences::default(),
		confirmations("3"),
		Duration::from_secs(30),
	);
	store.insert_finalized(destination(31337, inbox), &sequences[0]).unwrap();
	// The inbox itself is final (so the relayer reads it at the final block).
	deployer(&url).anvil_mine(Some(5), None).await.unwrap();
	let (seq, batches) = zkpow_contracts::sequence_call(&sequences[0]);
	zkpow_contracts::ZkpowInbox::new(inbox, deployer(&url))
		.finalizeSequence(seq, batches)
		.send()
		.await
		.unwrap()
		.get_receipt()
		.await
		.unwrap();

	let waiting = worker.run_once().await.unwrap();
	assert!(waiting.skipped.is_empty() && waiting.broadcasts == 0, "{waiting:?}");
	assert_eq!(store.status(22, 0).unwrap().unwrap().state, DeliveryState::Pending);

	deployer(&url)
		.anvil_reorg(ReorgOptions { depth: 1, tx_block_pairs: vec![] })
		.await
		.unwrap();
	assert_eq!(inbox_state(&url, inbox).await.0, 0);
	let ours = worker.run_once().await.unwrap();
	assert_eq!((ours.included, ours.broadcasts), (vec![(22, 0)], 1));
	deployer(&url).anvil_mine(Some(2), None).await.unwrap();
	assert_eq!(worker.run_once().await.unwrap().delivered, vec![(22, 0)]);
	assert_eq!(relayer_tx_count(&url).await, 1);
	assert_eq!(inbox_state(&url, inbox).await, (1, sequences[0].new_state_root));
}

fn attempt_of(state: DeliveryState) -> zkpow_relayer::store::Attempt {
	match state {
		DeliveryState::InFlight { attempt, .. } => attempt,
		other => panic!("not in flight: {other:?}"),
	}
}

/// The attack: the first transaction does not land. Mining is manual, the node drops it
/// from its pool (`anvil_dropTransaction`) and the base fee jumps to 50 gwei, far above
/// what it offers. After a block without it the relayer signs a replacement at the same
/// nonce paying the new price; the replacement lands, and the delivery counts once, by
/// the replacement's hash, with one nonce used.
#[tokio::test(flavor = "multi_thread")]
async fn a_stuck_transaction_is_replaced_at_the_same_nonce_and_lands_once() {
	let chain = anvil(31337);
	let url = chain.url();
	let mut rollup = ProvingRollup::new(23, 33);
	let sequences = prove(&mut rollup, &[1]);
	let inbox = deploy_inbox(&url, &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let policy = ChainPolicy { bump_after_blocks: "1".parse().unwrap(), ..included_is_final() };
	let worker = worker_with(
		31337,
		&url,
		store.clone(),
		MissingSequences::default(),
		policy,
		Duration::ZERO,
	);
	store.insert_finalized(destination(31337, inbox), &sequences[0]).unwrap();
	let anvil = deployer(&url);
	anvil.anvil_set_auto_mine(false).await.unwrap();

	let sent = worker.run_once().await.unwrap();
	assert_eq!((sent.broadcasts, sent.delivered.len()), (1, 0));
	let first = attempt_of(store.status(23, 0).unwrap().unwrap().state);
	let dropped = anvil.anvil_drop_transaction(B256::from(first.newest())).await.unwrap();
	assert!(dropped.is_some(), "the node had the first transaction and dropped it");
	anvil.anvil_set_next_block_base_fee_per_gas(50_000_000_000).await.unwrap();
	anvil.evm_mine(None).await.unwrap();
	assert!(first.fees.max_fee_per_gas < 50_000_000_000, "the first offer is now too low");

	let bumped = worker.run_once().await.unwrap();
	assert_eq!((bumped.bumps, bumped.broadcasts), (1, 1), "{bumped:?}");
	let replaced = attempt_of(store.status(23, 0).unwrap().unwrap().state);
	assert_eq!(replaced.nonce, first.nonce, "the same nonce");
	assert_eq!(replaced.hashes.len(), 2);
	assert!(replaced.fees.max_fee_per_gas * 100 >= first.fees.max_fee_per_gas * 120);
	assert!(
		replaced.fees.max_priority_fee_per_gas * 100 >= first.fees.max_priority_fee_per_gas * 120
	);

	anvil.evm_mine(None).await.unwrap();
	let landed = worker.run_once().await.unwrap();
	assert_eq!(landed.delivered, vec![(23, 0)]);
	assert_eq!(
		store.status(23, 0).unwrap().unwrap().state,
		DeliveryState::Delivered { tx_hash: Some(replaced.newest()) }
	);
	assert_eq!(store.status(23, 0).unwrap().unwrap().attempts, 2, "two signed, one nonce");
	assert!(anvil
		.get_transaction_receipt(B256::from(first.newest()))
		.await
		.unwrap()
		.is_none());
	assert_eq!(relayer_tx_count(&url).await, 1);
	assert_eq!(inbox_state(&url, inbox).await, (1, sequences[0].new_state_root));
	assert_eq!(worker.metrics().fee_bumps.with_label_values(&["31337"]).get(), 1);
}

/// The attack: the transaction keeps vanishing from the node's pool although its price is
/// fine (`anvil_dropTransaction`, as a busy pool evicts it). Re-sending the same bytes is
/// not enough: after `bump_after_blocks` blocks (2 here) without it, and not before, the
/// relayer replaces it at the same nonce; the replacement lands.
#[tokio::test(flavor = "multi_thread")]
async fn a_transaction_missing_for_bump_after_blocks_is_replaced_not_sooner() {
	let chain = anvil(31337);
	let url = chain.url();
	let mut rollup = ProvingRollup::new(26, 36);
	let sequences = prove(&mut rollup, &[1]);
	let inbox = deploy_inbox(&url, &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let policy = ChainPolicy { bump_after_blocks: "2".parse().unwrap(), ..included_is_final() };
	let worker = worker_with(
		31337,
		&url,
		store.clone(),
		MissingSequences::default(),
		policy,
		Duration::ZERO,
	);
	store.insert_finalized(destination(31337, inbox), &sequences[0]).unwrap();
	let anvil = deployer(&url);
	anvil.anvil_set_auto_mine(false).await.unwrap();
	let evict = || async {
		let newest = attempt_of(store.status(26, 0).unwrap().unwrap().state).newest();
		assert!(anvil.anvil_drop_transaction(B256::from(newest)).await.unwrap().is_some());
		anvil.evm_mine(None).await.unwrap();
	};

	assert_eq!(worker.run_once().await.unwrap().broadcasts, 1);
	let first = attempt_of(store.status(26, 0).unwrap().unwrap().state);
	evict().await;
	let resent = worker.run_once().await.unwrap();
	assert_eq!((resent.broadcasts, resent.bumps), (1, 0), "one block: the same bytes again");
	evict().await;
	let bumped = worker.run_once().await.unwrap();
	assert_eq!((bumped.broadcasts, bumped.bumps), (1, 1), "two blocks: a replacement");
	let replaced = attempt_of(store.status(26, 0).unwrap().unwrap().state);
	assert_eq!((replaced.nonce, replaced.hashes.len()), (first.nonce, 2));

	anvil.evm_mine(None).await.unwrap();
	assert_eq!(worker.run_once().await.unwrap().delivered, vec![(26, 0)]);
	assert_eq!(
		store.status(26, 0).unwrap().unwrap().state,
		DeliveryState::Delivered { tx_hash: Some(replaced.newest()) }
	);
	assert_eq!(relayer_tx_count(&url).await, 1);
}

/// The attack: the base fee rises above what the operator will pay (cap 10 gwei, base
/// fee 50 gwei). The relayer bumps up to the cap and stops there, saying so once, with no
/// new transaction at each pass; the delivery stays in flight (not lost, not re-signed at
/// another nonce) and lands when the base fee falls back under its offer.
#[tokio::test(flavor = "multi_thread")]
async fn fee_bumps_stop_at_the_cap_and_the_delivery_waits_until_fees_fall() {
	let chain = anvil(31337);
	let url = chain.url();
	let mut rollup = ProvingRollup::new(24, 34);
	let sequences = prove(&mut rollup, &[1]);
	let inbox = deploy_inbox(&url, &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let policy = ChainPolicy {
		bump_after_blocks: "1".parse().unwrap(),
		max_fee_per_gas: Wei::gwei(10),
		..included_is_final()
	};
	let worker = worker_with(
		31337,
		&url,
		store.clone(),
		MissingSequences::default(),
		policy,
		Duration::ZERO,
	);
	store.insert_finalized(destination(31337, inbox), &sequences[0]).unwrap();
	let anvil = deployer(&url);
	anvil.anvil_set_auto_mine(false).await.unwrap();
	let (_guard, logs) = capture_logs();

	assert_eq!(worker.run_once().await.unwrap().broadcasts, 1);
	let first = attempt_of(store.status(24, 0).unwrap().unwrap().state);
	assert!(first.fees.max_fee_per_gas < 10_000_000_000 / 12 * 10);
	// The base fee jumps: the pool drops the first transaction at the next block.
	anvil.anvil_set_next_block_base_fee_per_gas(50_000_000_000).await.unwrap();
	anvil.evm_mine(None).await.unwrap();

	let to_cap = worker.run_once().await.unwrap();
	assert_eq!(to_cap.bumps, 1, "{to_cap:?}");
	let at_cap = attempt_of(store.status(24, 0).unwrap().unwrap().state);
	assert_eq!(at_cap.fees.max_fee_per_gas, 10_000_000_000, "clamped to the cap");
	for _ in 0..3 {
		anvil.evm_mine(None).await.unwrap();
		let capped = worker.run_once().await.unwrap();
		assert_eq!((capped.capped.clone(), capped.bumps), (vec![(24, 0)], 0), "{capped:?}");
		let still = attempt_of(store.status(24, 0).unwrap().unwrap().state);
		assert_eq!(still.hashes, at_cap.hashes, "no new transaction above the cap");
	}
	let lines = logs.lines_with(&["not bumping further", "max_fee_per_gas", "10000000000"]);
	assert_eq!(lines.len(), 1, "said once: {}", logs.text());
	assert!(lines[0].contains("WARN") && lines[0].contains("sequence 0"), "{}", lines[0]);
	assert_eq!(worker.metrics().fee_capped.with_label_values(&["31337"]).get(), 1);
	assert_eq!(relayer_tx_count(&url).await, 0);

	// Fees fall under the offer: the capped transaction goes out again and lands.
	anvil.anvil_set_next_block_base_fee_per_gas(1_000_000_000).await.unwrap();
	anvil.evm_mine(None).await.unwrap();
	let resent = worker.run_once().await.unwrap();
	assert_eq!(resent.broadcasts, 1, "{resent:?}");
	anvil.evm_mine(None).await.unwrap();
	assert_eq!(worker.run_once().await.unwrap().delivered, vec![(24, 0)]);
	assert_eq!(
		store.status(24, 0).unwrap().unwrap().state,
		DeliveryState::Delivered { tx_hash: Some(at_cap.newest()) }
	);
	assert_eq!(relayer_tx_count(&url).await, 1);
}

/// The attack: the relayer's account is emptied (`anvil_setBalance` 0). A pass sends
/// nothing, says which account on which chain needs how much, shows 0 on the balance
/// gauge and keeps the sequence pending; once the account is funded the next pass
/// delivers it.
#[tokio::test(flavor = "multi_thread")]
async fn an_empty_account_delivers_nothing_loses_nothing_and_resumes_when_funded() {
	let chain = anvil(31337);
	let url = chain.url();
	let mut rollup = ProvingRollup::new(25, 35);
	let sequences = prove(&mut rollup, &[1]);
	let inbox = deploy_inbox(&url, &rollup).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let worker = worker(31337, &url, store.clone(), MissingSequences::default());
	store.insert_finalized(destination(31337, inbox), &sequences[0]).unwrap();
	let anvil = deployer(&url);
	anvil.anvil_set_balance(relayer_address(), U256::ZERO).await.unwrap();
	let (_guard, logs) = capture_logs();
	let gauge = |name: &str| {
		let metrics = worker.metrics();
		let vec = if name == "balance" { &metrics.balance_wei } else { &metrics.funds_needed_wei };
		vec.with_label_values(&["31337"]).get()
	};

	for _ in 0..2 {
		let dry = worker.run_once().await.unwrap();
		assert_eq!(dry.broadcasts, 0);
		assert!(dry.delivered.is_empty());
		let [(rollup_id, index, needed)] = dry.unfunded[..] else { panic!("{dry:?}") };
		assert_eq!((rollup_id, index), (25, 0));
		assert!(needed > U256::ZERO);
		assert_eq!(store.status(25, 0).unwrap().unwrap().state, DeliveryState::Pending);
		assert!(store.payload(25, 0).unwrap().is_some());
		assert_eq!(gauge("balance"), 0.0);
		assert_eq!(gauge("needed"), f64::from(needed));
	}
	let address = relayer_address().to_string();
	let warned = logs.lines_with(&["WARN", &address, "chain 31337", "needs", "has 0 wei"]);
	assert_eq!(warned.len(), 1, "said once while it lasts: {}", logs.text());
	assert_eq!(relayer_tx_count(&url).await, 0);

	let ten_ether = U256::from(10u64).pow(U256::from(19u64));
	anvil.anvil_set_balance(relayer_address(), ten_ether).await.unwrap();
	let funded = worker.run_once().await.unwrap();
	assert_eq!(funded.delivered, vec![(25, 0)]);
	assert!(funded.unfunded.is_empty());
	assert_eq!(gauge("needed"), 0.0);
	assert!(gauge("balance") > 0.0);
	assert_eq!(inbox_state(&url, inbox).await, (1, sequences[0].new_state_root));
	assert!(worker
		.metrics()
		.render()
		.contains("zkpow_relayer_balance_wei{chain_id=\"31337\"}"));
}
