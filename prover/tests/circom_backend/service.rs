//! Circom tasks through the prover host's HTTP service: the package fetched from the
//! rollup's URL, checked against its hash, the statement filled in by the host, the proof
//! checked with the chain's verifier; and what a host refuses.

use super::fixture;
use axum::{extract::Path as UrlPath, http::StatusCode, routing::get, Router};
use std::{collections::HashMap, net::SocketAddr, sync::Arc, time::Duration};
use zkpow_circuits::{config::TEST, KeySet, DEV_SEED};
use zkpow_primitives::{groth16, import, proof_hash, Bytes32};
use zkpow_prover::{
	backend::{Backend, CpuBackend},
	circom::{host::PackageStore, SandboxLimits},
	server::{self, ServiceConfig},
};
use zkpow_prover_api::{
	ClientError, Fetched, Header, JobState, PackageKind, PackageRef, ProverClient, SubmitParams,
	Task, TaskOutput,
};

/// The reference keys (the host always has them), made once.
pub(super) fn keys() -> Arc<KeySet> {
	static KEYS: std::sync::OnceLock<Arc<KeySet>> = std::sync::OnceLock::new();
	KEYS.get_or_init(|| Arc::new(KeySet::generate(TEST, DEV_SEED, &|_| {}).expect("setup")))
		.clone()
}

/// A package server: `/{dir}/{file}` from memory.
async fn serve_files(files: HashMap<String, Vec<u8>>) -> SocketAddr {
	let files = Arc::new(files);
	let app = Router::new().route(
		"/{dir}/{file}",
		get(move |UrlPath((dir, file)): UrlPath<(String, String)>| {
			let files = files.clone();
			async move {
				match files.get(&format!("{dir}/{file}")) {
					Some(bytes) => Ok(bytes.clone()),
					None => Err(StatusCode::NOT_FOUND),
				}
			}
		}),
	);
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
	addr
}

struct Host {
	runtime: tokio::runtime::Runtime,
	client: ProverClient,
	files: SocketAddr,
	cache: tempfile::TempDir,
	_service: server::Service,
}

/// A host with (or without) a package store, and a package server with the example
/// package at `/good/` and the same WASM with another circuit's zkey bytes at `/bad/`.
fn host(with_store: bool) -> Host {
	let fx = fixture();
	let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
	let cache = tempfile::tempdir().unwrap();
	let mut backend = CpuBackend::new(keys()).unwrap();
	if with_store {
		backend = backend.with_circom(PackageStore::new(
			cache.path().to_path_buf(),
			SandboxLimits::default(),
			64 << 20,
		));
	}
	let backend: Arc<dyn Backend> = Arc::new(backend);
	let config = ServiceConfig { workers: 1, queue_capacity: 8, ..Default::default() };
	let service = runtime
		.block_on(server::start("127.0.0.1:0".parse().unwrap(), backend, config))
		.unwrap();
	let mut tampered = fx.zkey.clone();
	let last = tampered.len() - 1;
	tampered[last] ^= 1;
	let files = HashMap::from([
		("good/circuit.wasm".to_string(), fx.wasm.clone()),
		("good/circuit.zkey".to_string(), fx.zkey.clone()),
		("bad/circuit.wasm".to_string(), fx.wasm.clone()),
		("bad/circuit.zkey".to_string(), tampered),
	]);
	let files = runtime.block_on(serve_files(files));
	let client =
		ProverClient::new(reqwest::Client::new(), format!("http://{}", service.addr), None);
	Host { runtime, client, files, cache, _service: service }
}

const PROVER: Bytes32 = [7; 32];

fn header() -> Header {
	Header { state_root: [0x21; 32], data_hash: [0x42; 32] }
}

fn task(package: PackageRef, input: serde_json::Value) -> Task<serde_json::Value> {
	Task::Circom {
		rollup_id: 7,
		sequence_index: 3,
		prover: PROVER,
		prev_root: [0x11; 32],
		batches: vec![header()],
		package,
		input,
	}
}

fn private_input() -> serde_json::Value {
	serde_json::json!({ "secret": "12345", "secret_squared": "152399025" })
}

impl Host {
	fn package(&self, dir: &str) -> PackageRef {
		let fx = fixture();
		PackageRef {
			url: format!("http://{}/{dir}", self.files),
			hash: zkpow_prover::circom::package_hash(&fx.wasm, &fx.zkey),
		}
	}

	/// Submits and waits; the final state and the output if it succeeded.
	fn prove(&self, task: &Task<serde_json::Value>) -> (JobState, Option<TaskOutput>, String) {
		self.runtime.block_on(async {
			let id = self.client.submit(task, SubmitParams::default()).await.unwrap().status.id;
			let status =
				self.client.wait_final(&id, Duration::from_millis(100)).await.unwrap().unwrap();
			let output = match self.client.result(&id).await.unwrap() {
				Fetched::Done(output) => Some(output),
				_ => None,
			};
			(status.state, output, status.error.unwrap_or_default())
		})
	}
}

#[test]
fn a_circom_task_is_proven_from_the_fetched_package_and_verifies_on_chain() {
	let host = host(true);
	let health = host.runtime.block_on(host.client.health()).unwrap();
	assert_eq!(health.proves, [PackageKind::Reference, PackageKind::Circom]);

	let package = host.package("good");
	let (state, output, error) = host.prove(&task(package.clone(), private_input()));
	assert_eq!(state, JobState::Succeeded, "{error}");
	let Some(TaskOutput::Final { artifact, proof_hash: hash }) = output else {
		panic!("a circom task gives a final output")
	};
	assert_eq!(hash, proof_hash(&artifact.0, &PROVER), "the commit value binds the miner");
	// The host filled in the statement: the proof verifies, for this miner, with the key
	// the rollup would register (imported from snarkjs).
	let fx = fixture();
	let vk = std::fs::read_to_string(fx.path("verification_key.json")).unwrap();
	let key = import::vk_from_snarkjs(&vk).unwrap();
	let statement = zkpow_prover::circom::host::statement(7, 3, PROVER, [0x11; 32], &[header()]);
	groth16::verify(&key, &artifact.0, &statement.public_inputs()).expect("verifies on chain");
	let other = zkpow_prover::circom::host::statement(7, 3, [8; 32], [0x11; 32], &[header()]);
	assert!(groth16::verify(&key, &artifact.0, &other.public_inputs()).is_err());
	// Cached under its hash.
	let cached = host.cache.path().join(hex::encode(package.hash));
	assert!(cached.join("circuit.wasm").is_file() && cached.join("circuit.zkey").is_file());
}

/// Attack: a rollup owner (or whoever serves its URL) swaps the package after
/// registering its hash. The host fetches it, finds another hash, fails the task with a
/// message naming both, caches nothing and keeps serving.
#[test]
fn attack_a_package_that_is_not_the_registered_one_fails_its_task() {
	let host = host(true);
	let bad = host.package("bad");
	let (state, output, error) = host.prove(&task(bad.clone(), private_input()));
	assert_eq!(state, JobState::Failed);
	assert!(output.is_none());
	assert!(error.contains("hashes to") && error.contains("the rollup registered"), "{error}");
	assert!(!host.cache.path().join(hex::encode(bad.hash)).exists(), "nothing cached");
	let (state, _, error) = host.prove(&task(host.package("good"), private_input()));
	assert_eq!(state, JobState::Succeeded, "{error}");
}

/// Attack: the rollup's published input sets the prover account (to bind the proof to
/// another miner, or to make the host's proof worthless); refused before it is queued.
#[test]
fn attack_an_input_that_sets_the_statement_is_refused_at_once() {
	let host = host(true);
	let mut input = private_input();
	input["prover_hi"] = "1".into();
	let err = host
		.runtime
		.block_on(host.client.submit(&task(host.package("good"), input), SubmitParams::default()))
		.unwrap_err();
	assert!(
		matches!(&err, ClientError::Rejected { status: 422, message, .. } if message.contains("prover_hi")),
		"{err}"
	);
}

#[test]
fn a_host_without_a_package_store_refuses_circom_tasks_and_does_not_claim_them() {
	let host = host(false);
	let health = host.runtime.block_on(host.client.health()).unwrap();
	assert_eq!(health.proves, [PackageKind::Reference]);
	let err = host
		.runtime
		.block_on(
			host.client
				.submit(&task(host.package("good"), private_input()), SubmitParams::default()),
		)
		.unwrap_err();
	assert!(
		matches!(&err, ClientError::Rejected { status: 422, message, .. } if message.contains("does not prove circom")),
		"{err}"
	);
}
