//! `out/` holds what `build.js` produces from `sol/` with the pinned solc-js: recompiling
//! must give the committed bytes (the Rust bindings are generated from them), the light
//! client and the test harness included. Both inboxes expose `InboxBase`'s delivery ABI,
//! so one set of bindings delivers to either.

use alloy::json_abi::{ContractObject, JsonAbi};
use std::process::Command;

#[test]
fn compiled_artifacts_are_up_to_date() {
	let dir = zkpow_contracts::contracts_dir();
	assert!(
		dir.join("node_modules/solc").exists(),
		"solc-js is not installed: run `npm ci --prefix contracts`"
	);
	let output = Command::new("node")
		.arg("build.js")
		.arg("--check")
		.current_dir(&dir)
		.output()
		.expect("run `node build.js --check` (is Node.js installed?)");
	assert!(
		output.status.success(),
		"{}{}",
		String::from_utf8_lossy(&output.stdout),
		String::from_utf8_lossy(&output.stderr)
	);
	for artifact in [
		"ZkpowInbox.json",
		"Groth16Inbox.json",
		"BeefyClient.json",
		"InboxDeployer.json",
		"ProofHarness.json",
	] {
		assert!(dir.join("out").join(artifact).exists(), "out/{artifact} is missing");
	}
}

#[test]
fn the_bindings_carry_the_bytecode() {
	assert!(zkpow_contracts::ZkpowInbox::BYTECODE.len() > 1000);
	assert!(zkpow_contracts::Groth16Inbox::BYTECODE.len() > 1000);
	assert!(zkpow_contracts::BeefyClient::BYTECODE.len() > 1000);
}

fn abi(artifact: &str) -> JsonAbi {
	let path = zkpow_contracts::contracts_dir().join("out").join(artifact);
	let text = std::fs::read_to_string(&path).expect("compiled artifact");
	serde_json::from_str::<ContractObject>(&text)
		.expect("artifact JSON")
		.abi
		.expect("an ABI")
}

#[test]
fn both_inboxes_share_the_delivery_abi() {
	let zkpow = abi("ZkpowInbox.json");
	let groth16 = abi("Groth16Inbox.json");
	for name in ["finalizeSequence", "stateRoot", "nextSequenceIndex", "nextBatch", "rollupId"] {
		let ours = zkpow.function(name).unwrap_or_else(|| panic!("ZkpowInbox lacks {name}"));
		assert_eq!(groth16.function(name), Some(ours), "{name} differs");
	}
	let event = zkpow.event("SequenceFinalized").expect("ZkpowInbox's event");
	assert_eq!(groth16.event("SequenceFinalized"), Some(event));

	// Every revert of Groth16Inbox decodes with the ZkpowInbox bindings' `InboxError`.
	let known: Vec<String> = zkpow.errors().map(|e| e.signature()).collect();
	let errors: Vec<String> = groth16.errors().map(|e| e.signature()).collect();
	assert!(errors.len() >= 13, "Groth16Inbox declares {errors:?}");
	for error in &errors {
		assert!(known.contains(error), "ZkpowInbox has no error {error}");
	}
}
