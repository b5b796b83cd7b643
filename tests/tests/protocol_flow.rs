//! The whole proving protocol on the real node: a rollup owner registers a rollup with a
//! real Groth16 verifying key, the sequencer posts a sequence, two miners bond and commit;
//! one reveals a valid proof bound to its account, the other replays that proof under
//! its own account. The runtime verifies both through the native host function: the
//! honest miner is paid the escrowed reward, the copier is slashed, and the `zkpow_*`
//! RPC reports it all.

use jsonrpsee::rpc_params;
use pallet_zkpow::{
	BaseChain, Event as ZkpowEvent, RollupGenesis, RollupParams, VerifierKind, VerifierSpec,
};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave};
use std::time::Duration;
use zkpow_integration_tests::{submit_and_find, Node};
use zkpow_primitives::{proof_hash, testing, BatchHeader, SequenceStatement};
use zkpow_runtime::{RuntimeCall, RuntimeEvent, UNIT};

const T1: u32 = 3;
const T2: u32 = 6;
const REWARD: u128 = 100 * UNIT;
const MIN_BOND: u128 = 1_000 * UNIT;

fn zkpow(call: pallet_zkpow::Call<zkpow_runtime::Runtime>) -> RuntimeCall {
	RuntimeCall::Zkpow(call)
}

fn account_bytes(who: Sr25519Keyring) -> [u8; 32] {
	who.to_account_id().into()
}

#[tokio::test(flavor = "multi_thread")]
async fn miners_prove_a_sequence_and_a_copied_proof_is_slashed() {
	let mut node = Node::spawn(&["--dev"]);
	let rpc = node.rpc(Duration::from_secs(120)).await;
	let keys = testing::setup(7);

	// The owner (Alice) registers a rollup whose sequencer is Bob.
	let register = pallet_zkpow::Call::register_rollup {
		name: b"reference-rollup".to_vec(),
		base_chain: BaseChain { chain_id: 31337, inbox: [0x11; 20] },
		verifier: VerifierSpec { kind: VerifierKind::Groth16Bn254, key: keys.vk_bytes.clone() },
		sequencer: sp_runtime::MultiAddress::Id(Bob.to_account_id()),
		params: RollupParams {
			commit_window: Some(T1),
			reveal_window: Some(T2),
			reward_per_sequence: REWARD,
			min_miner_bond: MIN_BOND,
			no_proof_penalty: None,
			invalid_proof_penalty: None,
		},
		genesis: RollupGenesis { state_root: [0; 32], last_batch: 0 },
		prover_package: None,
	};
	let (_, rollup_id) =
		submit_and_find(&rpc, &node, Alice, zkpow(register), "registration", |e| match e {
			RuntimeEvent::Zkpow(ZkpowEvent::RollupRegistered { rollup_id, .. }) => Some(*rollup_id),
			_ => None,
		})
		.await;

	submit_and_find(
		&rpc,
		&node,
		Alice,
		zkpow(pallet_zkpow::Call::fund_rollup { rollup_id, amount: 10 * REWARD }),
		"funding",
		|e| matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::RollupFunded { .. })).then_some(()),
	)
	.await;

	// Both miners bond.
	for miner in [Charlie, Dave] {
		submit_and_find(&rpc, &node, miner, zkpow(pallet_zkpow::Call::bond { amount: 2 * MIN_BOND }), "bond", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::Bonded { miner: m, .. }) if *m == miner.to_account_id()).then_some(())
		})
		.await;
	}

	// The sequencer posts a one-batch sequence; its reward is escrowed.
	let batches = vec![BatchHeader { state_root: [0xa1; 32], data_hash: [0xd1; 32] }];
	let submit = pallet_zkpow::Call::submit_sequence {
		rollup_id,
		start_batch: 1,
		prev_state_root: [0; 32],
		batches: batches.clone().try_into().unwrap(),
	};
	let (_, sequence_index) =
		submit_and_find(&rpc, &node, Bob, zkpow(submit), "sequence", |e| match e {
			RuntimeEvent::Zkpow(ZkpowEvent::SequenceSubmitted { sequence_index, .. }) => {
				Some(*sequence_index)
			},
			_ => None,
		})
		.await;

	let tasks = rpc
		.call("zkpow_openTasks", rpc_params![rollup_id, None::<u64>, 10])
		.await
		.unwrap();
	assert_eq!(tasks.as_array().map(Vec::len), Some(1), "one open task: {tasks}");

	// Charlie proves the statement bound to his account; Dave copies Charlie's proof.
	let statement = SequenceStatement::new(
		rollup_id,
		sequence_index,
		[0; 32],
		&batches,
		account_bytes(Charlie),
	);
	let proof = testing::prove(&keys, &statement, 11);
	let commits = [
		(Charlie, proof_hash(&proof, &account_bytes(Charlie))),
		(Dave, proof_hash(&proof, &account_bytes(Dave))),
	];
	let mut opened_at = None;
	for (miner, hash) in commits {
		let commit =
			pallet_zkpow::Call::commit_proof_hash { rollup_id, sequence_index, proof_hash: hash };
		let (block, _) = submit_and_find(&rpc, &node, miner, zkpow(commit), "commit", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::ProofHashCommitted { miner: m, .. }) if *m == miner.to_account_id()).then_some(())
		})
		.await;
		opened_at.get_or_insert(block);
	}
	let opened_at = opened_at.unwrap();

	// Reveal once the commit window [b, b + T1) is over.
	let status = loop {
		let status = rpc
			.call("zkpow_sequenceStatus", rpc_params![rollup_id, sequence_index])
			.await
			.unwrap();
		if rpc.best_number().await.unwrap() + 1 >= opened_at + T1 {
			break status;
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	};
	assert!(!status.is_null(), "the sequence has a status");

	let reveal = |p: Vec<u8>| {
		zkpow(pallet_zkpow::Call::reveal_proof {
			rollup_id,
			sequence_index,
			proof: p.try_into().unwrap(),
		})
	};
	submit_and_find(&rpc, &node, Charlie, reveal(proof.clone()), "Charlie's reveal", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::ProofRevealed { miner, .. }) if *miner == Charlie.to_account_id()).then_some(())
	})
	.await;
	let (_, slashed) =
		submit_and_find(&rpc, &node, Dave, reveal(proof.clone()), "Dave's rejected reveal", |e| {
			match e {
				RuntimeEvent::Zkpow(ZkpowEvent::MinerSlashed { miner, amount, .. })
					if *miner == Dave.to_account_id() =>
				{
					Some(*amount)
				},
				_ => None,
			}
		})
		.await;
	assert_eq!(slashed, MIN_BOND / 5, "an invalid proof costs the invalid-proof penalty at once");

	// Settlement at b + T1 + T2 pays Charlie the whole escrowed reward.
	let (finalized_block, _, ()) = rpc
		.find_event(opened_at, Duration::from_secs(60), "finalization", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::SequenceFinalized { new_state_root, .. }) if *new_state_root == [0xa1; 32]).then_some(())
		})
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(30)));
	let events = rpc.events(finalized_block).await.unwrap();
	let paid: Vec<_> = events
		.iter()
		.filter_map(|r| match &r.event {
			RuntimeEvent::Zkpow(ZkpowEvent::MinerRewarded { miner, amount, .. }) => {
				Some((miner.clone(), *amount))
			},
			_ => None,
		})
		.collect();
	assert_eq!(paid, vec![(Charlie.to_account_id(), REWARD)]);

	let rollup = rpc.call("zkpow_rollupInfo", rpc_params![rollup_id]).await.unwrap();
	assert!(!rollup.is_null());
	let tasks = rpc.call("zkpow_openTasks", rpc_params![rollup_id]).await.unwrap();
	assert_eq!(tasks.as_array().map(Vec::len), Some(0), "nothing left to prove: {tasks}");
	let charlie = rpc
		.call("zkpow_minerInfo", rpc_params![Charlie.to_account_id().to_string()])
		.await
		.unwrap();
	assert!(!charlie.is_null(), "Charlie has a bond: {charlie}");
	// Balances are decimal strings (exact in JavaScript above 2^53).
	assert_eq!(
		charlie["total_rewards"],
		serde_json::Value::String(REWARD.to_string()),
		"{charlie}"
	);
	assert!(rollup["pool"].is_string(), "{rollup}");
	let bad_limit = rpc.call("zkpow_openTasks", rpc_params![rollup_id, None::<u64>, 0]).await;
	assert!(bad_limit.unwrap_err().to_string().contains("limit"));
}
