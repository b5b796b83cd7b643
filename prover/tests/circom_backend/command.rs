//! A real native prover as a configured command: `prove-command.sh` puts the
//! repository's own `zkpow-prover circom prove` behind the command contract (request on
//! stdin, `{"proof": …}` on stdout). The host proves the example circuit's statement
//! with it, through the backend and through HTTP, and the proof verifies with the
//! chain's verifier against the circuit's key, for this miner only.

use super::{fixture, service::keys};
use std::{path::Path, sync::Arc, time::Duration};
use zkpow_primitives::{groth16, import, proof_hash, Bytes32};
use zkpow_prover::{
	backend::{Backend, CpuBackend},
	command::{self, CommandConfig, CommandSet},
	server::{self, ServiceConfig},
};
use zkpow_prover_api::{
	key_hash, Fetched, Header, JobState, PackageKind, ProverClient, SubmitParams, Task, TaskOutput,
};

const PROVER: Bytes32 = [7; 32];
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/circom_backend/prove-command.sh");

fn header() -> Header {
	Header { state_root: [0x21; 32], data_hash: [0x42; 32] }
}

fn task(key: Bytes32, prover: Bytes32) -> Task<serde_json::Value> {
	Task::Command {
		rollup_id: 7,
		sequence_index: 3,
		prover,
		prev_root: [0x11; 32],
		batches: vec![header()],
		key_hash: key,
		input: serde_json::json!({ "secret": "12345", "secret_squared": "152399025" }),
	}
}

/// The example circuit's chain key (imported from snarkjs), written as hex to `dir`.
fn chain_key(dir: &Path) -> (Vec<u8>, std::path::PathBuf) {
	let fx = fixture();
	let vk = std::fs::read_to_string(fx.path("verification_key.json")).unwrap();
	let key = import::vk_from_snarkjs(&vk).unwrap();
	let path = dir.join("vk.hex");
	std::fs::write(&path, format!("0x{}\n", hex::encode(&key))).unwrap();
	(key, path)
}

/// `[[command]]` running the wrapper with `shape` (`hex` or `snarkjs`) for `key`.
fn entry(key: Bytes32, shape: &str, extra: &str) -> String {
	let fx = fixture();
	let (wasm, zkey) = (fx.path("statement10_js/statement10.wasm"), fx.path("statement10.zkey"));
	let args = [
		SCRIPT,
		env!("CARGO_BIN_EXE_zkpow-prover"),
		wasm.to_str().unwrap(),
		zkey.to_str().unwrap(),
		shape,
	];
	format!(
		"[[command]]\nname = \"circom-{shape}\"\nkey_hash = \"0x{}\"\nprogram = \"/bin/sh\"\n\
		 args = {}\ntimeout_secs = 120\n{extra}\n",
		hex::encode(key),
		serde_json::to_string(&args).unwrap()
	)
}

fn verifies(key: &[u8], proof: &[u8], prover: Bytes32) -> bool {
	let statement = zkpow_prover::circom::host::statement(7, 3, prover, [0x11; 32], &[header()]);
	groth16::verify(key, proof, &statement.public_inputs()).is_ok()
}

#[test]
fn a_native_prover_command_proves_statements_that_verify_on_chain() {
	let dir = tempfile::tempdir().unwrap();
	let (key, _) = chain_key(dir.path());
	let hash = key_hash(&key);
	// The snarkjs proof.json shape, without a key on the host: the proof is returned as
	// the command made it, and verifies.
	let text = entry(hash, "snarkjs", "");
	let set = CommandSet::new(CommandConfig::parse(Path::new("commands.toml"), &text).unwrap());
	let request = command::request(&task(hash, PROVER)).unwrap();
	let Ok(TaskOutput::Final { artifact, proof_hash: committed }) = set.prove(&request) else {
		panic!("the native prover answers a final output")
	};
	assert!(verifies(&key, &artifact.0, PROVER), "verifies with the circuit's key");
	assert!(!verifies(&key, &artifact.0, [8; 32]), "only for this miner");
	assert_eq!(committed, proof_hash(&artifact.0, &PROVER));
}

#[test]
fn a_native_prover_command_proves_through_the_http_service() {
	let dir = tempfile::tempdir().unwrap();
	let (key, key_file) = chain_key(dir.path());
	let hash = key_hash(&key);
	let verifying_key = format!("verifying_key = {}", serde_json::to_string(&key_file).unwrap());
	let text = entry(hash, "hex", &verifying_key);
	let set = CommandSet::new(CommandConfig::parse(Path::new("commands.toml"), &text).unwrap());
	let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new(keys()).unwrap().with_commands(set));

	let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
	let config = ServiceConfig { workers: 1, queue_capacity: 8, ..Default::default() };
	let service = runtime
		.block_on(server::start("127.0.0.1:0".parse().unwrap(), backend, config))
		.unwrap();
	let client =
		ProverClient::new(reqwest::Client::new(), format!("http://{}", service.addr), None);
	let health = runtime.block_on(client.health()).unwrap();
	assert!(health.proves.contains(&PackageKind::Command) && health.commands == [hash]);

	let outcome = runtime.block_on(async {
		let id = client
			.submit(&task(hash, PROVER), SubmitParams::default())
			.await
			.unwrap()
			.status
			.id;
		let status = client.wait_final(&id, Duration::from_millis(100)).await.unwrap().unwrap();
		(status, client.result(&id).await.unwrap())
	});
	let (status, Fetched::Done(TaskOutput::Final { artifact, proof_hash: committed })) = outcome
	else {
		panic!("the command task succeeds: {:?}", outcome.0)
	};
	assert_eq!(status.state, JobState::Succeeded);
	// The host checked it against the configured key; the chain's verifier agrees.
	assert!(verifies(&key, &artifact.0, PROVER));
	assert_eq!(committed, proof_hash(&artifact.0, &PROVER));
}
