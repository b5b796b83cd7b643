//! The appchain side of the end-to-end tests: a reference rollup registered, funded and
//! with a bonded miner on the real dev node, and its sequences proven through
//! commit–reveal.

use pallet_zkpow::{
	BaseChain, Event as ZkpowEvent, RollupGenesis, RollupParams, VerifierKind, VerifierSpec,
};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};
use std::time::Duration;
use zkpow_contracts::fixtures::{vk_set, ProvingRollup};
use zkpow_integration_tests::{submit_and_find, wait_for, Node, Rpc};
use zkpow_primitives::proof_hash;
use zkpow_runtime::{RuntimeCall, RuntimeEvent, UNIT};

/// Commit window of the test rollup.
pub const T1: u32 = 3;
/// Reveal window of the test rollup.
pub const T2: u32 = 3;
/// Bond floor of the test rollup.
pub const MIN_BOND: u128 = 1_000 * UNIT;

fn zkpow(call: pallet_zkpow::Call<zkpow_runtime::Runtime>) -> RuntimeCall {
	RuntimeCall::Zkpow(call)
}

/// Alice registers `rollup` (reference artifacts, sequencer Bob) for the inbox `inbox` on
/// chain 31337 and funds it; Charlie bonds. Returns the rollup's id.
pub async fn register_rollup(
	rpc: &Rpc,
	node: &Node,
	rollup: &ProvingRollup,
	inbox: [u8; 20],
) -> u32 {
	let register = pallet_zkpow::Call::register_rollup {
		name: b"reference-rollup".to_vec(),
		base_chain: BaseChain { chain_id: 31337, inbox },
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
		submit_and_find(rpc, node, Alice, zkpow(register), "registration", |e| match e {
			RuntimeEvent::Zkpow(ZkpowEvent::RollupRegistered { rollup_id, .. }) => Some(*rollup_id),
			_ => None,
		})
		.await;
	let fund = pallet_zkpow::Call::fund_rollup { rollup_id, amount: 1_000 * UNIT };
	submit_and_find(rpc, node, Alice, zkpow(fund), "funding", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::RollupFunded { .. })).then_some(())
	})
	.await;
	submit_and_find(
		rpc,
		node,
		Charlie,
		zkpow(pallet_zkpow::Call::bond { amount: 2 * MIN_BOND }),
		"bond",
		|e| matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::Bonded { .. })).then_some(()),
	)
	.await;

	rollup_id
}

/// Bob submits the sequence, Charlie commits and reveals its artifact; returns the hash
/// and number of the block that finalized it.
pub async fn prove_on_chain(
	rpc: &Rpc,
	node: &Node,
	rollup_id: u32,
	sequence: &zkpow_contracts::SequenceDelivery,
) -> (H256, u32) {
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
	let (hash, number, ()) = rpc
		.find_event(opened_at, Duration::from_secs(60), "finalization", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::SequenceFinalized { sequence_index, .. }) if *sequence_index == index)
				.then_some(())
		})
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(30)));
	(hash, number)
}
