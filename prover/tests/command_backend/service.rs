//! Command tasks through the prover host's HTTP service: `/health` says which keys the
//! host has commands for; a task for another key is refused with `422` before anything
//! runs; a command that hangs fails its job and the host keeps serving.

use super::{commands, entry, example_proof_hex, task, KEY, PROVER};
use std::{sync::Arc, time::Duration};
use zkpow_circuits::{config::TEST, KeySet, DEV_SEED};
use zkpow_primitives::{hex::decode, proof_hash, Bytes32};
use zkpow_prover::{
	backend::{Backend, CpuBackend},
	command::CommandSet,
	server::{self, ServiceConfig},
};
use zkpow_prover_api::{
	ClientError, Fetched, JobState, PackageKind, ProverClient, SubmitParams, Task, TaskOutput,
};

/// The reference keys (the host always has them), made once.
fn keys() -> Arc<KeySet> {
	static KEYS: std::sync::OnceLock<Arc<KeySet>> = std::sync::OnceLock::new();
	KEYS.get_or_init(|| Arc::new(KeySet::generate(TEST, DEV_SEED, &|_| {}).expect("setup")))
		.clone()
}

struct Host {
	runtime: tokio::runtime::Runtime,
	client: ProverClient,
	_service: server::Service,
}

fn host(commands: Option<CommandSet>) -> Host {
	let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
	let mut backend = CpuBackend::new(keys()).unwrap();
	if let Some(set) = commands {
		backend = backend.with_commands(set);
	}
	let backend: Arc<dyn Backend> = Arc::new(backend);
	let config = ServiceConfig { workers: 1, queue_capacity: 8, ..Default::default() };
	let service = runtime
		.block_on(server::start("127.0.0.1:0".parse().unwrap(), backend, config))
		.unwrap();
	let client =
		ProverClient::new(reqwest::Client::new(), format!("http://{}", service.addr), None);
	Host { runtime, client, _service: service }
}

impl Host {
	/// Submits and waits; the final state, the output if it succeeded, the error if not.
	fn prove(&self, task: &Task<serde_json::Value>) -> (JobState, Option<TaskOutput>, String) {
		self.runtime.block_on(async {
			let id = self.client.submit(task, SubmitParams::default()).await.unwrap().status.id;
			let status =
				self.client.wait_final(&id, Duration::from_millis(50)).await.unwrap().unwrap();
			let output = match self.client.result(&id).await.unwrap() {
				Fetched::Done(output) => Some(output),
				_ => None,
			};
			(status.state, output, status.error.unwrap_or_default())
		})
	}

	fn refusal(&self, task: &Task<serde_json::Value>) -> (u16, String) {
		let err = self
			.runtime
			.block_on(self.client.submit(task, SubmitParams::default()))
			.unwrap_err();
		match err {
			ClientError::Rejected { status, message, .. } => (status, message),
			other => panic!("a refusal, not {other}"),
		}
	}
}

const OTHER_KEY: Bytes32 = [0x77; 32];

/// Attack: a task names a key hash the operator configured nothing for (hoping the host
/// runs something of the task's choosing, or anything at all). It is refused with `422`
/// before it is queued, and no configured command runs for it; a host without commands
/// refuses every command task and does not claim them in `/health`.
#[test]
fn attack_a_task_for_a_key_without_a_command_is_refused_and_runs_nothing() {
	let dir = tempfile::tempdir().unwrap();
	let marker = dir.path().join("ran");
	let script = format!("touch '{}'; exit 1", marker.display());
	let host = host(Some(commands(&entry(KEY, &script, ""))));
	let health = host.runtime.block_on(host.client.health()).unwrap();
	assert_eq!(health.proves, [PackageKind::Reference, PackageKind::Command]);
	assert_eq!(health.commands, [KEY]);

	let (status, message) = host.refusal(&task(OTHER_KEY));
	assert_eq!(status, 422, "{message}");
	assert!(
		message
			.contains(&format!("no command for verifying-key hash 0x{}", hex::encode(OTHER_KEY))),
		"{message}"
	);
	std::thread::sleep(Duration::from_millis(200));
	assert!(!marker.exists(), "nothing ran for the refused task");

	// A configured key with no batches is refused too, before anything runs.
	let Task::Command { rollup_id, sequence_index, prover, prev_root, key_hash, input, .. } =
		task(KEY)
	else {
		unreachable!()
	};
	let empty = Task::Command {
		rollup_id,
		sequence_index,
		prover,
		prev_root,
		batches: vec![],
		key_hash,
		input,
	};
	assert_eq!(host.refusal(&empty).0, 422);
	assert!(!marker.exists());

	let bare = self::host(None);
	let health = bare.runtime.block_on(bare.client.health()).unwrap();
	assert_eq!(health.proves, [PackageKind::Reference]);
	assert!(health.commands.is_empty());
	let (status, message) = bare.refusal(&task(KEY));
	assert_eq!(status, 422);
	assert!(message.contains("no command for verifying-key hash"), "{message}");
}

/// Attack: a command that hangs holds a worker only until its timeout: its job fails
/// naming the timeout, and the same host then proves the next task (for another key's
/// command) as if nothing happened.
#[test]
fn attack_a_hanging_command_fails_its_job_and_the_host_keeps_serving() {
	let answer = format!("echo '{{\"proof\": \"{}\"}}'", example_proof_hex());
	let text = entry(KEY, "sleep 300", "timeout_secs = 1")
		+ &entry(OTHER_KEY, &answer, "").replace("name = \"test\"", "name = \"answers\"");
	let host = host(Some(commands(&text)));
	let health = host.runtime.block_on(host.client.health()).unwrap();
	assert_eq!(health.commands, [KEY, OTHER_KEY]);

	let (state, output, error) = host.prove(&task(KEY));
	assert_eq!(state, JobState::Failed);
	assert!(output.is_none());
	assert!(error.contains("command `test` did not finish within its timeout of 1 s"), "{error}");

	let (state, output, error) = host.prove(&task(OTHER_KEY));
	assert_eq!(state, JobState::Succeeded, "{error}");
	let Some(TaskOutput::Final { artifact, proof_hash: hash }) = output else {
		panic!("a command task gives a final output")
	};
	assert_eq!(artifact.0, decode(&example_proof_hex()).unwrap());
	assert_eq!(hash, proof_hash(&artifact.0, &PROVER));
}
