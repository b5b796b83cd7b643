//! The bridge's finality on the real dev node: once a sequence finalizes in block `n`, the
//! validators' BEEFY commitment of a later block, the MMR proof of the leaf made in block
//! `n + 1` (which describes block `n`) and the record proof put the sequence's record under
//! what the validators signed. Checked with polkadot-sdk's own verifiers (so the relayer's
//! reading of the node is checked against the runtime's formats, not against itself) and by
//! the light client contract on anvil, which accepts the node's real commitment and proves
//! the real record through it. The light client `deploy-light-client` deploys trusts the
//! node's validator set and follows its commitments.

mod common;

mod harness {
	alloy::sol!(
		#[sol(rpc)]
		#[derive(Debug, PartialEq, Eq)]
		ProofHarness,
		"../contracts/out/ProofHarness.json"
	);
}

use alloy::{
	primitives::FixedBytes,
	sol_types::{SolType, SolValue},
};
use common::{
	anvil,
	appchain::{prove_on_chain, register_rollup},
	deployer, deployer_config,
};
use harness::ProofHarness;
use sp_core::{ecdsa, Pair, H256};
use sp_keyring::Sr25519Keyring::Charlie;
use std::time::Duration;
use zkpow_contracts::deterministic::DeterministicError;
use zkpow_contracts::fixtures::ProvingRollup;
use zkpow_contracts::BeefyClient;
use zkpow_integration_tests::{wait_for, Node};
use zkpow_primitives::record::verify_record_proof;
use zkpow_relayer::{
	appchain::Appchain,
	beefy::{record_proof_in, sol, validator_set_root, BeefySignedCommitment, CommitmentUpdate},
	deploy::{deploy_light_client, DeployError},
};

/// Converts between two bindings' structs of the same ABI type.
fn recast<A: SolValue, B: SolValue + From<<B::SolType as SolType>::RustType>>(value: &A) -> B {
	B::abi_decode(&value.abi_encode()).expect("same ABI type")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_validators_sign_a_finalized_sequences_record() {
	let mut node = Node::spawn(&["--dev"]);
	let rpc = node.rpc(Duration::from_secs(120)).await;
	let mut rollup = ProvingRollup::new(0, 21);
	let rollup_id = register_rollup(&rpc, &node, &rollup, [0x11; 20]).await;
	let sequence = rollup.next_sequence(2, Charlie.to_account_id().into());
	let (finalized_hash, n) = prove_on_chain(&rpc, &node, rollup_id, &sequence).await;
	let appchain = Appchain::new(&node.ws_url());

	// BEEFY finalizes a block whose MMR holds the leaf made in block n + 1.
	let (beefy_hash, signed) =
		wait_for("a BEEFY commitment after the finalization", Duration::from_secs(120), || async {
			let (hash, signed) = appchain.beefy_finalized().await.map_err(|e| e.to_string())?;
			Ok((signed.commitment.block_number > n).then_some((hash, signed)))
		})
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(40)));
	let b = signed.commitment.block_number;

	// Signed by the dev validator set (Alice's BEEFY key), set 0.
	let (set_id, validators) = appchain.beefy_validators(beefy_hash).await.unwrap();
	let alice = ecdsa::Pair::from_string("//Alice", None).unwrap().public();
	assert_eq!((set_id, validators.clone()), (0, vec![alice.into()]));
	let update = CommitmentUpdate::new(&signed, &validators).unwrap();
	assert_eq!((update.block_number, update.validator_set_id), (b, 0));
	let hash = sp_crypto_hashing::keccak_256(&codec::Encode::encode(&signed.commitment));
	let [signature] = &update.signatures[..] else { panic!("{:?}", update.signatures) };
	let signer = ecdsa::Signature::from_raw(signature.signature).recover_prehashed(&hash);
	assert_eq!(signer, Some(alice), "Alice signed keccak256(SCALE(commitment))");

	// The leaf describes block n: its extra data is the root over n's records.
	let (leaf, proof) = appchain.mmr_leaf_proof(n + 1, b).await.unwrap();
	assert_eq!(leaf.parent_number_and_hash, (n, finalized_hash));
	assert_eq!(
		leaf.beefy_next_authority_set.keyset_commitment,
		validator_set_root(&validators).unwrap()
	);
	let events = appchain.events(finalized_hash).await.unwrap();
	let record = record_proof_in(&events, rollup_id, sequence.sequence_index).unwrap();
	assert_eq!(leaf.leaf_extra, H256(record.root));
	assert!(verify_record_proof(
		&record.root,
		&record.proof,
		record.count as usize,
		record.index as usize,
		&record.record_hash
	));

	// The leaf is under the MMR root the validators signed; a tampered leaf is not.
	pallet_mmr::verify_leaves_proof::<sp_runtime::traits::Keccak256, _>(
		update.mmr_root,
		vec![pallet_mmr::primitives::DataOrHash::Data(leaf.clone())],
		proof.clone(),
	)
	.expect("the leaf is under the signed MMR root");
	let mut forged = leaf.clone();
	forged.leaf_extra = H256([0xee; 32]);
	assert!(pallet_mmr::verify_leaves_proof::<sp_runtime::traits::Keccak256, _>(
		update.mmr_root,
		vec![pallet_mmr::primitives::DataOrHash::Data(forged)],
		proof.clone(),
	)
	.is_err());

	// The light client, trusting the dev set as the chain states it, accepts the node's real
	// commitment and then proves the real record through the leaf.
	let chain = anvil(31337);
	let provider = deployer(&chain.url());
	let current = BeefyClient::ValidatorSet {
		id: 0,
		len: 1,
		root: FixedBytes(validator_set_root(&validators).unwrap().0),
	};
	let next = sol::validator_set(&leaf.beefy_next_authority_set);
	let client = BeefyClient::deploy(provider.clone(), 0, current, next).await.unwrap();
	submit(&client, &update).await;
	assert_eq!(client.latestBlock().call().await.unwrap(), b);
	let proved = client.verifyMmrLeaf(sol::leaf(&leaf), sol::mmr_proof(&proof)).call().await;
	assert_eq!(proved.unwrap(), b, "the leaf is under the root of block b");

	let harness = ProofHarness::deploy(provider).await.unwrap();
	let (seq, _) = zkpow_contracts::sequence_call(&sequence);
	let finality = ProofHarness::FinalityProof {
		leaf: recast(&sol::leaf(&leaf)),
		leafProof: recast(&sol::mmr_proof(&proof)),
		recordIndex: record.index,
		recordCount: record.count,
		recordProof: record.proof.iter().map(|h| FixedBytes(*h)).collect(),
	};
	let seq: ProofHarness::FinalizedSequence = recast(&seq);
	let at = harness.prove(*client.address(), seq.clone(), finality.clone()).call().await;
	assert_eq!(at.unwrap(), b, "the record proves through the signed root");
	// A record the appchain did not finalize (another new root) does not.
	let mut forged = seq;
	forged.newStateRoot = FixedBytes([0xee; 32]);
	assert!(harness.prove(*client.address(), forged, finality).call().await.is_err());
}

/// Submits the node's commitment `update` to `client`, which must accept it.
async fn submit<P: alloy::providers::Provider>(
	client: &BeefyClient::BeefyClientInstance<P>,
	update: &CommitmentUpdate,
) {
	let receipt = client
		.submit(sol::commitment(update), sol::signatures(update))
		.send()
		.await
		.unwrap()
		.get_receipt()
		.await
		.unwrap();
	assert!(receipt.status(), "the light client accepts the node's commitment");
}

/// The first BEEFY commitment of a block after `after`, with that block's hash.
async fn beefy_commitment_after(
	appchain: &Appchain,
	node: &Node,
	after: u32,
) -> (H256, BeefySignedCommitment) {
	// (Until BEEFY's first round the node answers "BEEFY RPC endpoint not ready".)
	wait_for("a BEEFY commitment", Duration::from_secs(120), || async {
		let finalized = appchain.beefy_finalized().await.ok();
		Ok(finalized.filter(|(_, signed)| signed.commitment.block_number > after))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(40)))
}

/// `deploy-light-client` on the real dev node: the client starts from the latest
/// BEEFY-finalized block, trusting the dev validator set (Alice's key, set 0) and the next
/// set its MMR leaf states (set 1); it accepts the node's next commitment; a second
/// deployment under the same name is refused (the address is taken) and leaves it as it is.
#[tokio::test(flavor = "multi_thread")]
async fn the_light_client_the_relayer_deploys_follows_the_node() {
	let mut node = Node::spawn(&["--dev"]);
	let _rpc = node.rpc(Duration::from_secs(120)).await;
	let appchain = Appchain::new(&node.ws_url());
	beefy_commitment_after(&appchain, &node, 0).await;
	let chain = anvil(31337);
	let dir = tempfile::tempdir().unwrap();
	let config = deployer_config(&node, &chain, dir.path());
	let deployed = deploy_light_client(&config, 31337, "beefy-light-client").await.unwrap();

	let client = BeefyClient::new(deployed.address, deployer(&chain.url()));
	assert_eq!(client.latestBlock().call().await.unwrap(), deployed.latest_block);
	let alice = ecdsa::Pair::from_string("//Alice", None).unwrap().public();
	let dev_root = FixedBytes(validator_set_root(&[alice.into()]).unwrap().0);
	let current = client.currentValidatorSet().call().await.unwrap();
	assert_eq!((current.id, current.len, current.root), (0, 1, dev_root));
	let next = client.nextValidatorSet().call().await.unwrap();
	assert_eq!((next.id, next.len), (1, 1), "the next set as the leaf states it");
	assert_eq!(deployed.current, current);

	let (hash, signed) = beefy_commitment_after(&appchain, &node, deployed.latest_block).await;
	let (_, validators) = appchain.beefy_validators(hash).await.unwrap();
	let update = CommitmentUpdate::new(&signed, &validators).unwrap();
	submit(&client, &update).await;
	assert_eq!(client.latestBlock().call().await.unwrap(), update.block_number);

	match deploy_light_client(&config, 31337, "beefy-light-client").await {
		Err(DeployError::Deterministic {
			source: DeterministicError::AlreadyDeployed { address },
			..
		}) => assert_eq!(address, deployed.address),
		other => panic!("a second deployment under the name must be refused, got {other:?}"),
	}
	assert_eq!(client.latestBlock().call().await.unwrap(), update.block_number);
}
