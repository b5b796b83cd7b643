//! The sequencer tool and the command line.

mod common;

use std::process::Command;
use zkpow_circuits::{
	config::TEST,
	rollup::transfer::{data_hash, decode_batch},
};
use zkpow_primitives::sequence_commitment;
use zkpow_prover::sequencer::{self, SequencerOptions};

fn temp_dir(name: &str) -> std::path::PathBuf {
	let nanos = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap()
		.as_nanos();
	std::env::temp_dir().join(format!("zkpow-{name}-{}-{nanos}", std::process::id()))
}

fn options(out: std::path::PathBuf) -> SequencerOptions {
	SequencerOptions {
		out,
		config: TEST,
		sequences: 2,
		batches: 3,
		transfers: 2,
		accounts: 12,
		funded: 4,
		balance: 10_000,
		seed: 5,
	}
}

#[test]
fn sequences_chain_across_runs_and_carry_valid_witnesses() {
	let dir = temp_dir("sequencer");
	let opts = options(dir.clone());
	let first = sequencer::run(&opts, &|_| {}).unwrap();
	assert!(first.iter().any(|p| p.ends_with("genesis.json")));
	let second = sequencer::run(&SequencerOptions { sequences: 1, ..opts }, &|_| {}).unwrap();
	assert!(second.iter().any(|p| p.ends_with("sequence-000002.json")));
	assert!(!second.iter().any(|p| p.ends_with("genesis.json")));

	let genesis: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(dir.join("genesis.json")).unwrap()).unwrap();
	let mut expected_prev = genesis["root"].as_str().unwrap().to_string();
	for index in 0..3 {
		let seq = sequencer::read_sequence(&dir.join(format!("sequence-{index:06}.json"))).unwrap();
		assert_eq!(seq.sequence_index, index);
		assert_eq!(zkpow_circuits::field::to_hex(&seq.prev_root), expected_prev);
		assert_eq!(seq.batches.len(), 3);
		assert_eq!(seq.data_commitment, sequence_commitment(&seq.headers()));
		let mut prev = seq.prev_root;
		for batch in &seq.batches {
			assert_eq!(batch.witness.prev_root, prev);
			let header = batch.witness.execute(&TEST).unwrap().header();
			assert_eq!((header.state_root, header.data_hash), (batch.state_root, batch.data_hash));
			assert_eq!(decode_batch(&batch.data).unwrap(), batch.transfers);
			assert_eq!(data_hash(&batch.transfers), batch.data_hash);
			prev = batch.state_root;
		}
		assert_eq!(prev, seq.new_root);
		expected_prev = zkpow_circuits::field::to_hex(&seq.new_root);
	}
	std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sequencer_refuses_options_the_circuits_cannot_prove() {
	let dir = temp_dir("sequencer-bad");
	for (bad, message) in [
		(SequencerOptions { batches: 5, ..options(dir.clone()) }, "--batches must be 1..=4"),
		(
			SequencerOptions { transfers: 3, ..options(dir.clone()) },
			"--transfers must be at most 2",
		),
		(SequencerOptions { accounts: 300, ..options(dir.clone()) }, "--accounts must be 1..=256"),
		(SequencerOptions { funded: 13, ..options(dir.clone()) }, "--funded cannot exceed"),
	] {
		let err = sequencer::run(&bad, &|_| {}).unwrap_err();
		assert!(matches!(err, sequencer::SequencerError::Option(_)), "{err:?}");
		assert!(err.to_string().contains(message), "{err}");
	}
}

fn cli(args: &[&str]) -> (bool, String, String) {
	let out = Command::new(env!("CARGO_BIN_EXE_zkpow-prover")).args(args).output().unwrap();
	(
		out.status.success(),
		String::from_utf8_lossy(&out.stdout).into(),
		String::from_utf8_lossy(&out.stderr).into(),
	)
}

#[test]
fn the_command_line_reports_clear_errors() {
	let (ok, _, err) = cli(&["sequencer", "--config", "huge", "--out", "/tmp/unused"]);
	assert!(!ok);
	assert!(err.contains("zkpow-prover: error: invalid input: unknown circuit configuration `huge` (known: test, realistic)"), "{err}");
	let (ok, _, err) = cli(&["serve", "--backend", "tpu"]);
	assert!(!ok);
	assert!(err.contains("invalid value 'tpu' for '--backend <BACKEND>'"), "{err}");
	assert!(err.contains("[possible values: auto, cpu, gpu]"), "{err}");
	let (ok, _, err) = cli(&["serve", "--listen", "not-an-address"]);
	assert!(!ok);
	assert!(err.contains("--listen"), "{err}");
	let (ok, out, _) = cli(&["--help"]);
	assert!(ok);
	for command in ["serve", "setup", "export-keys", "sequencer", "publish", "bench"] {
		assert!(out.contains(command), "{out}");
	}
}

#[test]
fn the_sequencer_command_writes_files() {
	let dir = temp_dir("sequencer-cli");
	let (ok, out, err) =
		cli(&["sequencer", "--out", dir.to_str().unwrap(), "--sequences", "1", "--batches", "2"]);
	assert!(ok, "{err}");
	assert!(out.contains("sequence-000000.json"), "{out}");
	assert!(dir.join("state.json").exists());
	std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_data_endpoint_serves_what_the_sequencer_wrote() {
	use common as client;
	let dir = temp_dir("publish");
	sequencer::run(&options(dir.clone()), &|_| {}).unwrap();
	let runtime = tokio::runtime::Runtime::new().unwrap();
	let (tx, rx) = std::sync::mpsc::channel();
	let served = dir.clone();
	let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
	let server = runtime.spawn(zkpow_prover::publish::serve(
		"127.0.0.1:0".parse().unwrap(),
		served,
		move |addr| tx.send(addr).unwrap(),
		async move {
			let _ = stopped.await;
		},
	));
	let addr = rx.recv().unwrap();

	let reply = client::get(addr, "/sequences/1").unwrap();
	assert_eq!(reply.status, 200);
	let file = sequencer::read_sequence(&dir.join("sequence-000001.json")).unwrap();
	let served: sequencer::SequenceFile = serde_json::from_slice(&reply.body).unwrap();
	assert_eq!(served.sequence_index, 1);
	assert_eq!(served.headers(), file.headers());
	assert_eq!(client::get(addr, "/genesis").unwrap().status, 200);

	let missing = client::get(addr, "/sequences/2").unwrap();
	assert_eq!(missing.status, 404);
	assert_eq!(missing.json()["error"], "sequence 2 is not published (yet)");
	let bad = client::get(addr, "/sequences/two").unwrap();
	assert_eq!(bad.status, 400);
	assert!(bad.json()["error"].as_str().unwrap().contains("`two` is not a sequence index"));

	// Sequences written later are served without a restart.
	sequencer::run(&SequencerOptions { sequences: 1, ..options(dir.clone()) }, &|_| {}).unwrap();
	assert_eq!(client::get(addr, "/sequences/2").unwrap().status, 200);

	// A circom prover package from the same directory: its two files only.
	assert_eq!(client::get(addr, "/package/circuit.wasm").unwrap().status, 404);
	std::fs::create_dir_all(dir.join("package")).unwrap();
	std::fs::write(dir.join("package/circuit.wasm"), b"\0asm").unwrap();
	let wasm = client::get(addr, "/package/circuit.wasm").unwrap();
	assert_eq!((wasm.status, wasm.body.as_slice()), (200, &b"\0asm"[..]));
	std::fs::write(dir.join("state-copy.json"), b"{}").unwrap();
	for other in ["/package/state-copy.json", "/package/..", "/package/%2e%2e%2fstate.json"] {
		assert_eq!(client::get(addr, other).unwrap().status, 404, "{other}");
	}

	stop.send(()).unwrap();
	runtime.block_on(server).unwrap().unwrap();
	std::fs::remove_dir_all(dir).unwrap();
}
