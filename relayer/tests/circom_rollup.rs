//! End to end for a rollup that brings its own circuit: a circom/snarkjs rollup is
//! registered from polkadot.js with its snarkjs key (`register.js --snarkjs-vk`), its
//! single-proof inbox is deployed by `zkpow-relayer deploy` (picked by the verifier kind
//! read from the chain), a sequence is submitted, proven with snarkjs, imported with
//! `zkpow-prover proofs import`, committed and revealed by one miner while another
//! reveals a tampered proof; the real node finalizes it, slashes the tamperer, and the
//! relayer delivers it to the `Groth16Inbox` on anvil, which verifies the proof itself
//! and refuses the tampered one.

mod common;

use alloy::primitives::FixedBytes;
use common::*;
use pallet_zkpow::{Event as ZkpowEvent, RejectReason, SlashReason};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave};
use std::{path::Path, process::Command, time::Duration};
use zkpow_contracts::{sequence_call, InboxError, SequenceDelivery, ZkpowInbox};
use zkpow_integration_tests::{
	circom::CircomCircuit, prover_binary, submit_and_find, wait_for, Node, Rpc,
};
use zkpow_primitives::{proof_hash, sequence_commitment, BatchHeader, Bytes32, SequenceStatement};
use zkpow_relayer::service::Relayer;
use zkpow_runtime::{RuntimeCall, RuntimeEvent, UNIT};

const T1: u32 = 3;
const T2: u32 = 3;
const MIN_BOND: u128 = 1_000 * UNIT;
const GENESIS_ROOT: Bytes32 = [0x20; 32];

fn zkpow(call: pallet_zkpow::Call<zkpow_runtime::Runtime>) -> RuntimeCall {
	RuntimeCall::Zkpow(call)
}

fn account(who: Sr25519Keyring) -> Bytes32 {
	who.to_account_id().into()
}

/// Registers the rollup the way its owner would: `examples/register.js` with the snarkjs
/// key, converted by `zkpow-prover keys import`. Returns the rollup id.
fn register_with_polkadot_js(node: &Node, vk_json: &Path, inbox: &str) -> u32 {
	let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e/examples/register.js");
	let reward = (100 * UNIT).to_string();
	let min_bond = MIN_BOND.to_string();
	let sequencer = Bob.to_account_id().to_string();
	let (t1, t2) = (T1.to_string(), T2.to_string());
	let root = format!("0x{}", hex::encode(GENESIS_ROOT));
	let out = Command::new("node")
		.arg(&script)
		.args(["--url", &node.ws_url(), "--suri", "//Alice", "--name", "circom-rollup"])
		.arg("--snarkjs-vk")
		.arg(vk_json)
		.args(["--sequencer", &sequencer, "--chain-id", "31337", "--inbox", inbox])
		.args(["--t1", &t1, "--t2", &t2, "--reward", &reward, "--min-bond", &min_bond])
		.args(["--genesis-root", &root])
		.env("ZKPOW_PROVER_BIN", prover_binary())
		.output()
		.expect("run node (Node.js)");
	assert!(
		out.status.success(),
		"register.js failed:\n{}\n{}",
		String::from_utf8_lossy(&out.stdout),
		String::from_utf8_lossy(&out.stderr)
	);
	let registered: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
	assert_eq!(registered["verifier"], "Groth16Bn254", "{registered}");
	registered["rollupId"].as_u64().expect("rollupId") as u32
}

/// Submits `call` and waits for the event `pick` accepts.
async fn send<T>(
	rpc: &Rpc,
	node: &Node,
	who: Sr25519Keyring,
	call: pallet_zkpow::Call<zkpow_runtime::Runtime>,
	what: &str,
	pick: impl FnMut(&RuntimeEvent) -> Option<T>,
) -> (u32, T) {
	submit_and_find(rpc, node, who, zkpow(call), what, pick).await
}

/// Swaps the proof's `A` and `C` points: still two valid curve points, so the proof
/// decodes, but the pairing check fails.
fn tamper(proof: &[u8]) -> Vec<u8> {
	[&proof[192..256], &proof[64..192], &proof[0..64]].concat()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snarkjs_proven_sequence_reaches_the_single_proof_inbox_and_a_tampered_one_is_slashed() {
	let circuit = CircomCircuit::setup();
	let mut node = Node::spawn(&["--dev"]);
	let rpc = node.rpc(Duration::from_secs(120)).await;
	let chain = anvil(31337);
	let inbox = registered_inbox();

	let rollup_id =
		register_with_polkadot_js(&node, &circuit.verification_key(), &format!("{inbox:?}"));
	let fund = pallet_zkpow::Call::fund_rollup { rollup_id, amount: 1_000 * UNIT };
	send(&rpc, &node, Alice, fund, "funding", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::RollupFunded { .. })).then_some(())
	})
	.await;
	for miner in [Charlie, Dave] {
		let bond = pallet_zkpow::Call::bond { amount: 2 * MIN_BOND };
		send(&rpc, &node, miner, bond, "bond", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::Bonded { .. })).then_some(())
		})
		.await;
	}

	// The inbox: `deploy` reads the registration (and its verifier kind) at the finalized
	// head.
	let dir = tempfile::tempdir().unwrap();
	let (config, deployed) = deploy_inbox_for(&rpc, &node, &chain, rollup_id, dir.path()).await;
	assert_eq!(deployed.inbox, "Groth16Inbox", "a Groth16Bn254 rollup gets the single-proof inbox");
	assert_eq!(deployed.address, inbox, "the inbox lands at the registered address");

	// The sequencer posts two batches.
	let batches = vec![
		BatchHeader { state_root: [0x21; 32], data_hash: [0x31; 32] },
		BatchHeader { state_root: [0x22; 32], data_hash: [0x32; 32] },
	];
	let submit = pallet_zkpow::Call::submit_sequence {
		rollup_id,
		start_batch: 1,
		prev_state_root: GENESIS_ROOT,
		batches: batches.clone().try_into().unwrap(),
	};
	let (_, index) = send(&rpc, &node, Bob, submit, "submission", |e| match e {
		RuntimeEvent::Zkpow(ZkpowEvent::SequenceSubmitted { sequence_index, .. }) => {
			Some(*sequence_index)
		},
		_ => None,
	})
	.await;

	// Charlie proves it honestly with snarkjs; Dave tampers with his own proof.
	let statement =
		|who| SequenceStatement::new(rollup_id, index, GENESIS_ROOT, &batches, account(who));
	let honest = circuit.prove(&statement(Charlie));
	let tampered = tamper(&circuit.prove(&statement(Dave)));
	let mut opened_at = u32::MAX;
	for (miner, proof) in [(Charlie, &honest), (Dave, &tampered)] {
		let commit = pallet_zkpow::Call::commit_proof_hash {
			rollup_id,
			sequence_index: index,
			proof_hash: proof_hash(proof, &account(miner)),
		};
		let (at, _) = send(&rpc, &node, miner, commit, "commit", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::ProofHashCommitted { .. })).then_some(())
		})
		.await;
		opened_at = opened_at.min(at);
	}
	wait_for("the reveal window", Duration::from_secs(60), || async {
		Ok((rpc.best_number().await? + 1 >= opened_at + T1).then_some(()))
	})
	.await
	.unwrap();
	let reveal = |proof: &Vec<u8>| pallet_zkpow::Call::reveal_proof {
		rollup_id,
		sequence_index: index,
		proof: proof.clone().try_into().unwrap(),
	};
	send(&rpc, &node, Charlie, reveal(&honest), "Charlie's reveal", |e| match e {
		RuntimeEvent::Zkpow(ZkpowEvent::ProofRevealed { .. }) => Some(()),
		RuntimeEvent::Zkpow(ZkpowEvent::ProofRejected { reason, .. }) => {
			panic!("the pallet rejected a snarkjs proof: {reason:?}")
		},
		_ => None,
	})
	.await;
	let dave = Dave.to_account_id();
	let (_, reason) = send(&rpc, &node, Dave, reveal(&tampered), "Dave's reveal", |e| match e {
		RuntimeEvent::Zkpow(ZkpowEvent::ProofRejected { miner, reason, .. }) if *miner == dave => {
			Some(*reason)
		},
		_ => None,
	})
	.await;
	assert!(matches!(reason, RejectReason::Verification(_)), "{reason:?}");
	let (_, _, slashed) = rpc
		.find_event(opened_at, Duration::from_secs(60), "Dave's slash", |e| match e {
			RuntimeEvent::Zkpow(ZkpowEvent::MinerSlashed { miner, reason, amount, .. })
				if *miner == dave =>
			{
				Some((*reason, *amount))
			},
			_ => None,
		})
		.await
		.unwrap();
	assert_eq!(slashed.0, SlashReason::InvalidProof);
	assert!(slashed.1 > 0, "the tamperer loses bond");
	let (_, _, finalized) = rpc
		.find_event(opened_at, Duration::from_secs(60), "finalization", |e| match e {
			RuntimeEvent::Zkpow(ZkpowEvent::SequenceFinalized {
				sequence_index,
				proof,
				prover,
				..
			}) if *sequence_index == index => Some((proof.to_vec(), prover.clone())),
			_ => None,
		})
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(30)));
	assert_eq!(finalized, (honest.clone(), Charlie.to_account_id()), "Charlie's proof is accepted");

	// The inbox refuses the tampered proof on its own, before any relayer delivers.
	let tampered_delivery = SequenceDelivery {
		rollup_id,
		sequence_index: index,
		start_batch: 1,
		prev_state_root: GENESIS_ROOT,
		new_state_root: batches[1].state_root,
		data_commitment: sequence_commitment(&batches),
		proof: tampered,
		prover: account(Dave),
		provers: vec![account(Dave)],
		batches: batches.clone(),
	};
	let (seq, headers) = sequence_call(&tampered_delivery);
	let error = ZkpowInbox::new(inbox, deployer(&chain.url()))
		.finalizeSequence(seq, headers)
		.call()
		.await
		.expect_err("the inbox accepts a tampered proof");
	assert!(
		matches!(
			error.as_decoded_interface_error::<InboxError>(),
			Some(InboxError::ProofRejected(_))
		),
		"{error}"
	);

	// The relayer delivers the finalized sequence; the inbox verifies Charlie's proof.
	let relayer = tokio::spawn(Relayer::new(&config).unwrap().run(std::future::pending()));
	wait_for("the delivery", Duration::from_secs(60), || async {
		Ok((inbox_state(&chain.url(), inbox).await.0 == index + 1).then_some(()))
	})
	.await
	.unwrap();
	relayer.abort();
	assert_eq!(inbox_state(&chain.url(), inbox).await.1, FixedBytes(batches[1].state_root).0);
	assert_eq!(relayer_tx_count(&chain.url()).await, 1, "one transaction for the sequence");
}
