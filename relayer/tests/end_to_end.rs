//! End to end: the real dev node finalizes real sequences (n = 1, then n = 4) through the
//! pallet's commit–reveal protocol; the relayer follows its finalized blocks and delivers
//! them to an inbox on anvil, which verifies the artifacts itself. The relayer is killed
//! after the first delivery and restarted while the second sequence finalizes: the roots
//! on the inbox end equal to the appchain's, with one transaction per sequence.

mod common;

use alloy::signers::local::PrivateKeySigner;
use common::*;
use pallet_zkpow::{
	BaseChain, Event as ZkpowEvent, RollupGenesis, RollupParams, VerifierKind, VerifierSpec,
};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};
use std::time::Duration;
use zkpow_contracts::{
	anvil::DEV_KEYS,
	fixtures::{vk_set, ProvingRollup},
};
use zkpow_integration_tests::{submit_and_find, wait_for, Node, Rpc};
use zkpow_primitives::proof_hash;
use zkpow_relayer::service::Relayer;
use zkpow_runtime::{RuntimeCall, RuntimeEvent, UNIT};

const T1: u32 = 3;
const T2: u32 = 3;
const MIN_BOND: u128 = 1_000 * UNIT;

fn zkpow(call: pallet_zkpow::Call<zkpow_runtime::Runtime>) -> RuntimeCall {
	RuntimeCall::Zkpow(call)
}

/// Bob submits the sequence, Charlie commits and reveals its artifact; returns once the
/// sequence is finalized.
async fn prove_on_chain(
	rpc: &Rpc,
	node: &Node,
	rollup_id: u32,
	sequence: &zkpow_contracts::SequenceDelivery,
) {
	let submit = pallet_zkpow::Call::submit_sequence {
		rollup_id,
		start_batch: sequence.start_batch,
		prev_state_root: sequence.prev_state_root,
		batches: sequence.batches.clone().try_into().unwrap(),
	};
	let (_, index) = submit_and_find(rpc, node, Bob, zkpow(submit), "submission", |e| match e {
		RuntimeEvent::Zkpow(ZkpowEvent::SequenceSubmitted { sequence_index, .. }) => {
			Some(*sequence_index)
		},
		_ => None,
	})
	.await;
	assert_eq!(index, sequence.sequence_index);
	let charlie: [u8; 32] = Charlie.to_account_id().into();
	let commit = pallet_zkpow::Call::commit_proof_hash {
		rollup_id,
		sequence_index: index,
		proof_hash: proof_hash(&sequence.proof, &charlie),
	};
	let (opened_at, _) = submit_and_find(rpc, node, Charlie, zkpow(commit), "commit", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::ProofHashCommitted { .. })).then_some(())
	})
	.await;
	wait_for("the reveal window", Duration::from_secs(60), || async {
		Ok((rpc.best_number().await? + 1 >= opened_at + T1).then_some(()))
	})
	.await
	.unwrap();
	let reveal = pallet_zkpow::Call::reveal_proof {
		rollup_id,
		sequence_index: index,
		proof: sequence.proof.clone().try_into().unwrap(),
	};
	submit_and_find(rpc, node, Charlie, zkpow(reveal), "reveal", |e| match e {
		RuntimeEvent::Zkpow(ZkpowEvent::ProofRevealed { .. }) => Some(()),
		RuntimeEvent::Zkpow(ZkpowEvent::ProofRejected { reason, .. }) => {
			panic!("the pallet rejected a valid artifact: {reason:?}")
		},
		_ => None,
	})
	.await;
	rpc.find_event(opened_at, Duration::from_secs(60), "finalization", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::SequenceFinalized { sequence_index, .. }) if *sequence_index == index)
			.then_some(())
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(30)));
}

#[tokio::test(flavor = "multi_thread")]
async fn finalized_sequences_reach_the_inbox_and_the_roots_match() {
	let mut node = Node::spawn(&["--dev"]);
	let rpc = node.rpc(Duration::from_secs(120)).await;
	let chain = anvil(31337);
	let deployer: PrivateKeySigner = DEV_KEYS[0].parse().unwrap();
	let inbox = deployer.address().create(0);

	// The first rollup of a fresh chain gets id 0.
	let mut rollup = ProvingRollup::new(0, 21);
	let register = pallet_zkpow::Call::register_rollup {
		name: b"reference-rollup".to_vec(),
		base_chain: BaseChain { chain_id: 31337, inbox: inbox.0 .0 },
		verifier: VerifierSpec { kind: VerifierKind::ReferenceArtifactV1, key: vk_set() },
		sequencer: sp_runtime::MultiAddress::Id(Bob.to_account_id()),
		params: RollupParams {
			commit_window: Some(T1),
			reveal_window: Some(T2),
			reward_per_sequence: 100 * UNIT,
			min_miner_bond: MIN_BOND,
			no_proof_penalty: None,
			invalid_proof_penalty: None,
		},
		genesis: RollupGenesis { state_root: rollup.genesis_root, last_batch: 0 },
		prover_package: None,
	};
	let (_, rollup_id) =
		submit_and_find(&rpc, &node, Alice, zkpow(register), "registration", |e| match e {
			RuntimeEvent::Zkpow(ZkpowEvent::RollupRegistered { rollup_id, .. }) => Some(*rollup_id),
			_ => None,
		})
		.await;
	assert_eq!(rollup_id, 0);
	let fund = pallet_zkpow::Call::fund_rollup { rollup_id, amount: 1_000 * UNIT };
	submit_and_find(&rpc, &node, Alice, zkpow(fund), "funding", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::RollupFunded { .. })).then_some(())
	})
	.await;
	submit_and_find(
		&rpc,
		&node,
		Charlie,
		zkpow(pallet_zkpow::Call::bond { amount: 2 * MIN_BOND }),
		"bond",
		|e| matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::Bonded { .. })).then_some(()),
	)
	.await;

	let dir = tempfile::tempdir().unwrap();
	let (config, deployed) = deploy_inbox_for(&rpc, &node, &chain, rollup_id, dir.path()).await;
	assert_eq!(deployed.address, inbox, "the inbox lands at the registered address");

	let charlie: [u8; 32] = Charlie.to_account_id().into();
	let first = rollup.next_sequence(1, charlie);
	let second = rollup.next_sequence(4, charlie);

	let relayer = tokio::spawn(Relayer::new(&config).unwrap().run(std::future::pending()));
	prove_on_chain(&rpc, &node, rollup_id, &first).await;
	wait_for("the first delivery", Duration::from_secs(60), || async {
		Ok((inbox_state(&chain.url(), inbox).await.0 == 1).then_some(()))
	})
	.await
	.unwrap();

	// Killed mid-stream; the second sequence finalizes while the relayer is down.
	relayer.abort();
	let _ = relayer.await;
	prove_on_chain(&rpc, &node, rollup_id, &second).await;
	let relayer = tokio::spawn(Relayer::new(&config).unwrap().run(std::future::pending()));
	wait_for("the second delivery", Duration::from_secs(60), || async {
		Ok((inbox_state(&chain.url(), inbox).await.0 == 2).then_some(()))
	})
	.await
	.unwrap();
	relayer.abort();

	let key = pallet_zkpow::Rollups::<zkpow_runtime::Runtime>::hashed_key_for(rollup_id);
	let info: pallet_zkpow::RollupInfoOf<zkpow_runtime::Runtime> = codec::Decode::decode(
		&mut &rpc.storage(&key, None).await.unwrap().expect("rollup registered")[..],
	)
	.unwrap();
	assert_eq!(inbox_state(&chain.url(), inbox).await.1, info.last_state_root);
	assert_eq!(info.last_state_root, second.new_state_root);
	assert_eq!(relayer_tx_count(&chain.url()).await, 2, "one transaction per sequence");
}
