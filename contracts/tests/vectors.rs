//! The shared artifact vectors (`primitives/test-vectors/artifact-v1.json`: real proofs and
//! the verdict `zkpow_primitives::artifact::verify_with_keys` reaches on each) get the same
//! verdict from the Solidity verifier.

use alloy::{
	network::EthereumWallet,
	primitives::{Bytes, FixedBytes},
	providers::{Provider, ProviderBuilder},
	signers::local::PrivateKeySigner,
};
use serde_json::Value;
use zkpow_contracts::{
	anvil::{Anvil, DEV_KEYS},
	sequence_call, InboxError, SequenceDelivery, ZkpowInbox,
};
use zkpow_primitives::{sequence_commitment, BatchHeader, Bytes32};

fn unhex(value: &Value) -> Vec<u8> {
	hex::decode(value.as_str().expect("hex string").trim_start_matches("0x")).expect("hex")
}

fn bytes32(value: &Value) -> Bytes32 {
	unhex(value).try_into().expect("32 bytes")
}

/// The Rust verifier's error name as the Solidity error it corresponds to.
fn solidity_name(rust_verdict: &str) -> &str {
	match rust_verdict {
		v if v.starts_with("InvalidProof") => "MalformedProof",
		v => v.split('(').next().unwrap_or(v),
	}
}

fn variant_name(error: &InboxError) -> String {
	let debug = format!("{error:?}");
	debug.split('(').next().unwrap_or(&debug).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn solidity_reaches_the_shared_verdicts() {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../primitives/test-vectors/artifact-v1.json");
	let vectors: Value =
		serde_json::from_str(&std::fs::read_to_string(path).expect("vector file")).expect("JSON");
	let vk_set = unhex(&vectors["vk_set"]);
	let anvil = Anvil::spawn(31337).expect("anvil");
	let signer: PrivateKeySigner = DEV_KEYS[0].parse().unwrap();
	let provider = ProviderBuilder::new()
		.wallet(EthereumWallet::from(signer))
		.connect_http(anvil.url().parse().unwrap())
		.erased();

	let cases = vectors["cases"].as_array().expect("cases");
	assert!(cases.len() >= 6);
	for case in cases {
		let name = case["name"].as_str().unwrap();
		let batches: Vec<BatchHeader> = unhex(&case["batches"])
			.chunks(64)
			.map(|c| BatchHeader {
				state_root: c[..32].try_into().unwrap(),
				data_hash: c[32..].try_into().unwrap(),
			})
			.collect();
		let delivery = SequenceDelivery {
			rollup_id: case["rollup_id"].as_u64().unwrap() as u32,
			sequence_index: case["sequence_index"].as_u64().unwrap(),
			start_batch: 1,
			prev_state_root: bytes32(&case["prev_state_root"]),
			new_state_root: batches.last().unwrap().state_root,
			data_commitment: sequence_commitment(&batches),
			proof: unhex(&case["artifact"]),
			prover: bytes32(&case["prover"]),
			provers: vec![bytes32(&case["prover"])],
			batches,
		};
		let inbox = ZkpowInbox::deploy(
			provider.clone(),
			delivery.rollup_id,
			Bytes::from(vk_set.clone()),
			FixedBytes(delivery.prev_state_root),
			delivery.sequence_index,
			1,
		)
		.await
		.expect("deploy");
		let (sequence, headers) = sequence_call(&delivery);
		let verdict = match inbox.finalizeSequence(sequence, headers).call().await {
			Ok(_) => "ok".to_string(),
			Err(e) => variant_name(
				&e.as_decoded_interface_error::<InboxError>()
					.unwrap_or_else(|| panic!("case {name}: not an inbox error: {e}")),
			),
		};
		let expected = case["expected"].as_str().unwrap();
		assert_eq!(verdict, solidity_name(expected), "case {name}");
	}
}
