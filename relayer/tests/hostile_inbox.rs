//! A hostile or broken inbox of one rollup, on a real anvil, driven pass by pass: an inbox
//! that accepts every delivery as a call but burns all its gas on chain, one too expensive
//! to serve, an address whose code is not the inbox the operator deployed, and a rollup
//! the operator does not serve. In each case the relayer's cost is bounded, nothing is
//! sent where it should not be, and the other rollups on the chain keep flowing.

mod common;

use alloy::{
	primitives::{keccak256, Address, U256},
	providers::{ext::AnvilApi, Provider},
};
use common::*;
use std::time::Duration;
use zkpow_contracts::fixtures::ProvingRollup;
use zkpow_relayer::{
	deliver::MissingSequences,
	policy::{ChainPolicy, ExpectedInbox},
	store::{DeliveryState, MAX_ONCHAIN_REVERTS},
};

mod hostile {
	alloy::sol!(
		#[sol(rpc)]
		#[derive(Debug)]
		HostileInbox,
		"../contracts/out/HostileInbox.json"
	);
}
use hostile::HostileInbox;

/// Deploys a [`HostileInbox`] for `rollup_id`.
async fn deploy_hostile(
	url: &str,
	rollup_id: u32,
	bait_and_switch: bool,
	burn_gas: u64,
) -> Address {
	*HostileInbox::deploy(deployer(url), rollup_id, bait_and_switch, U256::from(burn_gas))
		.await
		.expect("deploy the hostile inbox")
		.address()
}

fn gas_capped(cap: &str) -> ChainPolicy {
	ChainPolicy { max_gas_per_delivery: cap.parse().unwrap(), ..included_is_final() }
}

/// The attack: a "bait and switch" inbox passes every simulation and gas estimate (a
/// call runs with gas price 0) but burns every unit of gas of a real transaction. The
/// relayer loses at most [`MAX_ONCHAIN_REVERTS`] transactions of at most
/// `max_gas_per_delivery` gas each, then rejects the sequence for an operator; the honest
/// rollup on the same chain is delivered in the same passes.
#[tokio::test(flavor = "multi_thread")]
async fn an_inbox_that_burns_gas_on_chain_costs_two_capped_transactions_and_others_flow() {
	let chain = anvil(31337);
	let url = chain.url();
	let hostile = deploy_hostile(&url, 40, true, 0).await;
	let mut honest = ProvingRollup::new(41, 41);
	let good = prove(&mut honest, &[1, 1]);
	let good_inbox = deploy_inbox(&url, &honest).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let cap = 3_000_000;
	let worker = worker_with(
		31337,
		&url,
		store.clone(),
		MissingSequences::default(),
		gas_capped(&cap.to_string()),
		Duration::from_secs(30),
	);
	store
		.insert_finalized(destination(31337, hostile), &unproven_sequence(40, 0))
		.unwrap();
	store.insert_finalized(destination(31337, good_inbox), &good[0]).unwrap();

	let first = worker.run_once().await.unwrap();
	assert_eq!(first.delivered, vec![(41, 0)], "{first:?}");
	assert!(matches!(
		store.status(40, 0).unwrap().unwrap().state,
		DeliveryState::Reverted { count: 1, .. }
	));

	store.insert_finalized(destination(31337, good_inbox), &good[1]).unwrap();
	let second = worker.run_once().await.unwrap();
	assert_eq!(second.delivered, vec![(41, 1)]);
	let [(40, 0, ref reason)] = second.rejected[..] else { panic!("{second:?}") };
	assert!(reason.contains("behaves differently on chain"), "{reason}");

	let third = worker.run_once().await.unwrap();
	assert_eq!((third.broadcasts, third.rejected.len()), (0, 0), "nothing more is spent");
	assert_eq!(relayer_tx_count(&url).await, 2 + u64::from(MAX_ONCHAIN_REVERTS));

	// What the hostile inbox cost: each burnt transaction stayed within the gas cap.
	let provider = deployer(&url);
	let head = provider.get_block_number().await.unwrap();
	let mut burnt = Vec::new();
	for number in 0..=head {
		let receipts = provider.get_block_receipts(number.into()).await.unwrap().unwrap();
		for receipt in receipts {
			if receipt.to == Some(hostile) {
				assert!(!receipt.status(), "every transaction to it reverted");
				burnt.push(receipt.gas_used);
			}
		}
	}
	assert_eq!(burnt.len(), MAX_ONCHAIN_REVERTS as usize);
	assert!(burnt.iter().all(|gas| *gas <= cap), "{burnt:?}");
	assert_eq!(inbox_state(&url, good_inbox).await, (2, good[1].new_state_root));
}

/// The attack: an inbox that burns 20 million gas in every execution (its simulation
/// passes; it would cost a fortune to serve). The gas estimate is above the chain's
/// `max_gas_per_delivery`, so the sequence is rejected before anything is signed.
#[tokio::test(flavor = "multi_thread")]
async fn an_inbox_too_expensive_to_serve_is_rejected_before_anything_is_signed() {
	let chain = anvil(31337);
	let url = chain.url();
	let expensive = deploy_hostile(&url, 42, false, 20_000_000).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let worker = worker_with(
		31337,
		&url,
		store.clone(),
		MissingSequences::default(),
		gas_capped("5000000"),
		Duration::from_secs(30),
	);
	store
		.insert_finalized(destination(31337, expensive), &unproven_sequence(42, 0))
		.unwrap();

	let report = worker.run_once().await.unwrap();
	let [(42, 0, ref reason)] = report.rejected[..] else { panic!("{report:?}") };
	assert!(reason.contains("max_gas_per_delivery of 5000000"), "{reason}");
	assert_eq!(report.broadcasts, 0);
	assert_eq!(relayer_tx_count(&url).await, 0);
}

/// The attack: the code at a rollup's inbox address changes under the relayer (here
/// `anvil_setCode` puts the hostile inbox there). With the code hash `deploy` printed in
/// its configuration, the relayer sends nothing to that address while the code differs
/// (the sequence stays pending), other rollups go on, and delivery resumes once the
/// expected code is back.
#[tokio::test(flavor = "multi_thread")]
async fn an_inbox_whose_code_is_not_the_expected_one_gets_nothing_and_others_flow() {
	let chain = anvil(31337);
	let url = chain.url();
	let mut watched = ProvingRollup::new(43, 43);
	let mut other = ProvingRollup::new(44, 44);
	let watched_seqs = prove(&mut watched, &[1, 1]);
	let other_seqs = prove(&mut other, &[1]);
	let inbox = deploy_inbox(&url, &watched).await;
	let other_inbox = deploy_inbox(&url, &other).await;
	let provider = deployer(&url);
	let code = provider.get_code_at(inbox).await.unwrap();
	let policy = ChainPolicy {
		inboxes: vec![ExpectedInbox { rollup_id: 43, code_hash: keccak256(&code) }],
		..included_is_final()
	};
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let worker = worker_with(
		31337,
		&url,
		store.clone(),
		MissingSequences::default(),
		policy,
		Duration::from_secs(30),
	);
	store.insert_finalized(destination(31337, inbox), &watched_seqs[0]).unwrap();
	assert_eq!(worker.run_once().await.unwrap().delivered, vec![(43, 0)], "the code matches");

	let impostor = deploy_hostile(&url, 43, true, 0).await;
	let hostile_code = provider.get_code_at(impostor).await.unwrap();
	provider.anvil_set_code(inbox, hostile_code).await.unwrap();
	store.insert_finalized(destination(31337, inbox), &watched_seqs[1]).unwrap();
	store.insert_finalized(destination(31337, other_inbox), &other_seqs[0]).unwrap();
	let sent_before = relayer_tx_count(&url).await;
	let refused = worker.run_once().await.unwrap();
	assert_eq!(refused.delivered, vec![(44, 0)]);
	assert_eq!(refused.refused.len(), 1);
	assert_eq!(refused.refused[0].0, 43);
	assert!(refused.refused[0].1.contains("inbox code differs"), "{:?}", refused.refused);
	assert_eq!(relayer_tx_count(&url).await, sent_before + 1, "only the other rollup's");
	assert_eq!(store.status(43, 1).unwrap().unwrap().state, DeliveryState::Pending);

	provider.anvil_set_code(inbox, code).await.unwrap();
	assert_eq!(worker.run_once().await.unwrap().delivered, vec![(43, 1)]);
	assert_eq!(inbox_state(&url, inbox).await, (2, watched_seqs[1].new_state_root));
}

/// The attack: a rollup the operator never agreed to pay for routes its sequences to a
/// chain the relayer serves. With `rollups` set, nothing is sent for it (its sequences
/// wait in the database, not lost) while the served rollup is delivered; once the
/// operator adds it, it is delivered.
#[tokio::test(flavor = "multi_thread")]
async fn a_rollup_the_operator_does_not_serve_gets_nothing_and_waits() {
	let chain = anvil(31337);
	let url = chain.url();
	let mut served = ProvingRollup::new(45, 45);
	let mut stranger = ProvingRollup::new(46, 46);
	let served_seqs = prove(&mut served, &[1]);
	let stranger_seqs = prove(&mut stranger, &[1]);
	let served_inbox = deploy_inbox(&url, &served).await;
	let stranger_inbox = deploy_inbox(&url, &stranger).await;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("db"));
	let only = |ids: &[u32]| ChainPolicy {
		rollups: Some(ids.iter().copied().collect()),
		..included_is_final()
	};
	let missing = MissingSequences::default();
	let worker = worker_with(
		31337,
		&url,
		store.clone(),
		missing.clone(),
		only(&[45]),
		Duration::from_secs(30),
	);
	store
		.insert_finalized(destination(31337, served_inbox), &served_seqs[0])
		.unwrap();
	store
		.insert_finalized(destination(31337, stranger_inbox), &stranger_seqs[0])
		.unwrap();

	let report = worker.run_once().await.unwrap();
	assert_eq!(report.delivered, vec![(45, 0)]);
	assert_eq!(report.refused, vec![(46, "not served".to_string())]);
	assert_eq!(relayer_tx_count(&url).await, 1);
	assert_eq!(store.status(46, 0).unwrap().unwrap().state, DeliveryState::Pending);
	assert_eq!(inbox_state(&url, stranger_inbox).await.0, 0);

	let widened =
		worker_with(31337, &url, store.clone(), missing, only(&[45, 46]), Duration::from_secs(30));
	assert_eq!(widened.run_once().await.unwrap().delivered, vec![(46, 0)]);
}
