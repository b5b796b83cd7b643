//! The node's subcommands behave as in other Substrate nodes.

use std::process::{Command, Output};

fn node(args: &[&str]) -> Output {
	Command::new(env!("CARGO_BIN_EXE_zkpow-node"))
		.args(args)
		.output()
		.expect("run zkpow-node")
}

fn stdout(out: &Output) -> String {
	String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
	String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn build_spec_exports_the_dev_and_local_chains() {
	for (chain, name, authorities) in
		[("dev", "ZKPoW Development", 1), ("local", "ZKPoW Local Testnet", 4)]
	{
		let out = node(&["build-spec", "--chain", chain]);
		assert!(out.status.success(), "{}", stderr(&out));
		let spec: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON chain spec");
		assert_eq!(spec["name"], name);
		assert_eq!(spec["properties"]["tokenSymbol"], "ZKP");
		let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
		assert_eq!(patch["aura"]["authorities"].as_array().unwrap().len(), authorities);
		assert_eq!(patch["grandpa"]["authorities"].as_array().unwrap().len(), authorities);
		assert!(!patch["balances"]["balances"].as_array().unwrap().is_empty());
	}
}

#[test]
fn raw_chain_spec_round_trips_through_a_file() {
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("local-raw.json");
	let out = node(&["build-spec", "--chain", "local", "--raw"]);
	assert!(out.status.success(), "{}", stderr(&out));
	std::fs::write(&path, &out.stdout).unwrap();
	let spec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	assert!(spec["genesis"]["raw"]["top"].as_object().unwrap().len() > 5);

	// A validator loads the same file with `--chain <path>`.
	let again = node(&["build-spec", "--chain", path.to_str().unwrap(), "--raw"]);
	assert!(again.status.success(), "{}", stderr(&again));
	let reloaded: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
	assert_eq!(reloaded["genesis"], spec["genesis"]);
}

#[test]
fn unknown_chain_spec_is_reported_by_path() {
	let out = node(&["build-spec", "--chain", "/nonexistent/spec.json"]);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("/nonexistent/spec.json"), "{}", stderr(&out));
}

#[test]
fn key_inspect_derives_the_well_known_alice_account() {
	let out = node(&["key", "inspect", "//Alice"]);
	assert!(out.status.success(), "{}", stderr(&out));
	assert!(stdout(&out).contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"));
}

#[test]
fn key_insert_puts_a_key_in_the_keystore() {
	let dir = tempfile::tempdir().unwrap();
	let base = dir.path().to_str().unwrap();
	let out = node(&[
		"key",
		"insert",
		"--chain",
		"dev",
		"--base-path",
		base,
		"--scheme",
		"sr25519",
		"--suri",
		"//Alice",
		"--key-type",
		"aura",
	]);
	assert!(out.status.success(), "{}", stderr(&out));
	let keystore = dir.path().join("chains/zkpow_dev/keystore");
	assert_eq!(std::fs::read_dir(keystore).unwrap().count(), 1);
}

#[test]
fn purge_chain_removes_the_database() {
	let dir = tempfile::tempdir().unwrap();
	let base = dir.path().to_str().unwrap();
	let db = dir.path().join("chains/zkpow_dev/paritydb/full");
	std::fs::create_dir_all(&db).unwrap();
	let out = node(&["purge-chain", "-y", "--chain", "dev", "--base-path", base]);
	assert!(out.status.success(), "{}", stderr(&out));
	assert!(!db.exists());
}

#[cfg(not(feature = "runtime-benchmarks"))]
#[test]
fn benchmark_without_the_feature_says_how_to_build_it() {
	let out = node(&["benchmark", "pallet", "--pallet", "pallet_zkpow"]);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("--features runtime-benchmarks"), "{}", stderr(&out));
}

#[test]
fn miner_options_are_checked_before_the_node_starts() {
	let cases: [(&[&str], &str); 4] = [
		(&["--dev", "--miner"], "--miner needs at least one --prover-url"),
		(
			&["--dev", "--miner", "--prover-url", "localhost:8547"],
			"must be an http:// or https:// URL",
		),
		(&["--dev", "--miner", "--prover-url", "http://a b"], "is not a URL"),
		(
			&["--dev", "--prover-url", "http://127.0.0.1:8547"],
			"--prover-url is only used with --miner",
		),
	];
	for (args, message) in cases {
		let out = node(args);
		assert!(!out.status.success(), "{args:?} must fail");
		assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
	}
	let help = stdout(&node(&["--help"]));
	for option in ["--miner", "--prover-url", "--miner-start-batch", "--miner-rollup"] {
		assert!(help.contains(option), "{help}");
	}
}
