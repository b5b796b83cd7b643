//! The command backend against real processes (`/bin/sh` scripts): what a configured
//! command reads, and every way a command can misbehave, each named `attack_…` where a
//! hostile or broken prover could cost the host or the miner: one that never returns,
//! that floods stdout, that fails, that prints garbage or a proof of another statement,
//! that leaves children behind. `service` does the same through the HTTP service, and
//! that tasks for keys without a command are refused before anything runs.
//!
//! The real native prover (`zkpow-prover circom prove` behind the command contract) is
//! in `circom_backend/command.rs`, which needs the circom fixture.

#[path = "command_backend/service.rs"]
mod service;

use std::{
	path::{Path, PathBuf},
	time::{Duration, Instant},
};
use zkpow_primitives::{hex::decode, proof_hash, Bytes32};
use zkpow_prover::command::{
	self, CommandConfig, CommandRequest, CommandSet, CommandTaskError, RunError, STDERR_TAIL_BYTES,
};
use zkpow_prover_api::{key_hash, Header, Task, TaskOutput};

const VECTORS: &str =
	concat!(env!("CARGO_MANIFEST_DIR"), "/../primitives/test-vectors/snarkjs-statement10");

/// The committed example proof (256 bytes, valid for the vectors' own statement).
fn example_proof_hex() -> String {
	std::fs::read_to_string(format!("{VECTORS}/proof.hex"))
		.unwrap()
		.trim()
		.to_string()
}

/// The committed example key and its hash.
fn example_key() -> (PathBuf, Bytes32) {
	let path = PathBuf::from(format!("{VECTORS}/vk.hex"));
	let key = decode(std::fs::read_to_string(&path).unwrap().trim()).unwrap();
	(path, key_hash(&key))
}

/// A TOML string literal.
fn toml_str(text: &str) -> String {
	serde_json::to_string(text).unwrap()
}

/// One `[[command]]` running `sh -c script` for `key`, with more lines for the entry.
fn entry(key: Bytes32, script: &str, extra: &str) -> String {
	format!(
		"[[command]]\nname = \"test\"\nkey_hash = \"0x{}\"\nprogram = \"/bin/sh\"\nargs = [\"-c\", {}]\n{extra}\n",
		hex::encode(key),
		toml_str(script)
	)
}

/// The commands of `text`, checked as `serve --commands` checks them.
fn commands(text: &str) -> CommandSet {
	CommandSet::new(CommandConfig::parse(Path::new("commands.toml"), text).expect("valid config"))
}

const KEY: Bytes32 = [0x5a; 32];
const PROVER: Bytes32 = [7; 32];

fn task(key: Bytes32) -> Task<serde_json::Value> {
	Task::Command {
		rollup_id: 4,
		sequence_index: 11,
		prover: PROVER,
		prev_root: [0x11; 32],
		batches: vec![Header { state_root: [0x21; 32], data_hash: [0x42; 32] }],
		key_hash: key,
		input: serde_json::json!({ "transactions": ["0xdead"] }),
	}
}

fn request(key: Bytes32) -> CommandRequest {
	command::request(&task(key)).expect("a command task")
}

/// Whether process `pid` is gone (or a zombie waiting for its reaper).
fn gone(pid: u32) -> bool {
	match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
		Err(_) => true,
		Ok(stat) => stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')),
	}
}

/// Attack: a command that never answers (a hung prover, or one waiting on a child). It
/// is killed at its timeout, the wrapper's children with it (the whole process group),
/// and the task fails naming the timeout and what the command last said.
#[test]
fn attack_a_command_that_hangs_is_killed_at_its_timeout_children_included() {
	let dir = tempfile::tempdir().unwrap();
	let pid_file = dir.path().join("child.pid");
	let script = format!(
		"echo 'waiting for the GPU' >&2; sleep 300 & echo $! > {}; wait",
		pid_file.display()
	);
	let set = commands(&entry(KEY, &script, "timeout_secs = 1"));
	let started = Instant::now();
	let err = set.prove(&request(KEY)).unwrap_err();
	assert!(started.elapsed() < Duration::from_secs(10), "killed at the timeout");
	assert!(
		matches!(&err, CommandTaskError::Run { source: RunError::Timeout { secs: 1, .. }, .. }),
		"{err}"
	);
	let message = err.to_string();
	assert!(
		message.contains("command `test` did not finish within its timeout of 1 s"),
		"{message}"
	);
	assert!(message.contains("waiting for the GPU"), "{message}");
	let child: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
	let deadline = Instant::now() + Duration::from_secs(5);
	while !gone(child) {
		assert!(Instant::now() < deadline, "the command's child {child} still runs");
		std::thread::sleep(Duration::from_millis(20));
	}
}

/// Attack: a command that writes without end to stdout (to exhaust the host's memory).
/// Reading stops at `max_output_bytes`, the command is killed at once (long before its
/// timeout) and the task fails naming the limit.
#[test]
fn attack_a_command_that_floods_stdout_is_killed_at_the_cap() {
	let set = commands(&entry(KEY, "yes flood", "timeout_secs = 120\nmax_output_bytes = 4096"));
	let started = Instant::now();
	let err = set.prove(&request(KEY)).unwrap_err();
	assert!(started.elapsed() < Duration::from_secs(20), "killed at the cap, not the timeout");
	assert!(
		matches!(
			&err,
			CommandTaskError::Run { source: RunError::OutputTooLarge { limit: 4096, .. }, .. }
		),
		"{err}"
	);
	assert!(err.to_string().contains("wrote more than 4096 bytes to stdout"), "{err}");
}

/// A command that exits non-zero: the task fails with its exit status and the end of
/// its stderr, which is capped (a command writing megabytes of stderr costs the host
/// [`STDERR_TAIL_BYTES`], and the message stays readable).
#[test]
fn attack_a_command_that_fails_reports_its_status_and_only_the_end_of_stderr() {
	let script = "head -c 1000000 /dev/zero | tr '\\0' x >&2; echo >&2; \
	              echo 'prover: witness does not satisfy constraint 17' >&2; exit 3";
	let set = commands(&entry(KEY, script, ""));
	let err = set.prove(&request(KEY)).unwrap_err();
	let message = err.to_string();
	assert!(matches!(&err, CommandTaskError::Run { source: RunError::Failed { .. }, .. }), "{err}");
	assert!(message.contains("failed with exit status: 3"), "{message}");
	assert!(message.ends_with("prover: witness does not satisfy constraint 17"), "{message}");
	assert!(message.len() < STDERR_TAIL_BYTES + 200, "{} bytes of message", message.len());

	// Killed by a signal: named as such.
	let err = commands(&entry(KEY, "kill -9 $$", "")).prove(&request(KEY)).unwrap_err();
	assert!(err.to_string().contains("signal: 9"), "{err}");
}

/// Attack: a command that answers something other than a proof (a log line, a proof of
/// the wrong size, bytes that are no curve points). The task fails naming the problem;
/// no artifact the chain would reject is produced.
#[test]
fn attack_a_command_that_prints_garbage_gives_no_artifact() {
	let off_curve = format!("echo '{{\"proof\": \"0x{}\"}}'", "01".repeat(256));
	let cases: [(&str, &str); 4] = [
		("echo 'proof written to /tmp/proof.json'", "its stdout is not a JSON object with `proof`"),
		("true", "it printed nothing on stdout"),
		("echo '{\"proof\": \"0x00ff\"}'", "`proof` is 2 bytes, a proof is 256"),
		(&off_curve, "a point is not on the BN254 curve"),
	];
	for (script, expected) in cases {
		let err = commands(&entry(KEY, script, "")).prove(&request(KEY)).unwrap_err();
		assert!(matches!(err, CommandTaskError::Reply { .. }), "{script}: {err}");
		let message = err.to_string();
		assert!(message.contains("command `test` gave no usable proof"), "{message}");
		assert!(message.contains(expected), "{script}: {message}");
	}
}

/// Attack: a command that answers a valid proof of another statement (a stale cache, a
/// proof made for another miner or sequence). It decodes, so without a key the host
/// passes it on (the miner verifies before committing); with the entry's
/// `verifying_key` the host refuses it itself.
#[test]
fn attack_a_proof_of_another_statement_is_refused_with_a_verifying_key() {
	let (vk, hash) = example_key();
	let script = format!("echo '{{\"proof\": \"{}\"}}'", example_proof_hex());
	let unchecked = commands(&entry(hash, &script, ""));
	let Ok(TaskOutput::Final { artifact, proof_hash: committed }) = unchecked.prove(&request(hash))
	else {
		panic!("a decodable proof passes without a key")
	};
	assert_eq!(artifact.0, decode(&example_proof_hex()).unwrap());
	assert_eq!(committed, proof_hash(&artifact.0, &PROVER), "bound to the task's prover");

	let checked = commands(&entry(
		hash,
		&script,
		&format!("verifying_key = {}", toml_str(vk.to_str().unwrap())),
	));
	let err = checked.prove(&request(hash)).unwrap_err();
	assert!(matches!(err, CommandTaskError::DoesNotVerify { .. }), "{err}");
	assert!(err.to_string().contains("does not verify against its verifying key"), "{err}");
}

/// The command gets the documented request on stdin, and an environment of `PATH` and
/// its configured `env` only: nothing of the host's (its token, keys, cloud
/// credentials) reaches it.
#[test]
fn the_command_reads_the_request_and_sees_only_path_and_its_env() {
	let dir = tempfile::tempdir().unwrap();
	let (stdin, env) = (dir.path().join("stdin.json"), dir.path().join("env.txt"));
	let script = "cat > \"$OUT/stdin.json\"; env > \"$OUT/env.txt\"; exit 1";
	let extra = format!(
		"env = {{ OUT = {}, PROVER_THREADS = \"8\" }}",
		toml_str(dir.path().to_str().unwrap())
	);
	let err = commands(&entry(KEY, script, &extra)).prove(&request(KEY)).unwrap_err();
	assert!(err.to_string().contains("exit status: 1"), "{err}");

	let read: CommandRequest = serde_json::from_slice(&std::fs::read(&stdin).unwrap()).unwrap();
	assert_eq!(read, request(KEY));
	assert_eq!(read.public_inputs.len(), 10);
	assert_eq!((read.public_inputs[0].as_str(), read.public_inputs[1].as_str()), ("4", "11"));
	let env = std::fs::read_to_string(&env).unwrap();
	assert!(env.lines().any(|l| l.starts_with("PATH=")), "{env}");
	assert!(env.lines().any(|l| l == "PROVER_THREADS=8"), "{env}");
	// Cargo gives the test process these; the command must not see them.
	for host_var in ["CARGO_PKG_NAME", "CARGO_MANIFEST_DIR", "HOME"] {
		if std::env::var_os(host_var).is_some() {
			assert!(!env.contains(&format!("{host_var}=")), "{host_var} leaked: {env}");
		}
	}
}

/// A program removed after the host started: the task fails naming it.
#[test]
fn a_program_that_is_gone_fails_its_task_naming_it() {
	let dir = tempfile::tempdir().unwrap();
	let program = dir.path().join("prover");
	std::fs::copy("/bin/true", &program).unwrap();
	let text = format!(
		"[[command]]\nkey_hash = \"0x{}\"\nprogram = {}\n",
		hex::encode(KEY),
		toml_str(program.to_str().unwrap())
	);
	let set = commands(&text);
	std::fs::remove_file(&program).unwrap();
	let err = set.prove(&request(KEY)).unwrap_err();
	assert!(matches!(&err, CommandTaskError::Run { source: RunError::Spawn { .. }, .. }), "{err}");
	assert!(err.to_string().contains(&format!("cannot start {}", program.display())), "{err}");
	// A key without a command is refused by the set itself, too.
	let err = set.prove(&request([1; 32])).unwrap_err();
	assert!(matches!(err, CommandTaskError::NoCommand(_)), "{err}");
}

/// `zkpow-prover serve --commands FILE` with an unusable entry does not start: it exits
/// 1 naming the file, the entry and the problem (before any key is loaded).
#[test]
fn serve_refuses_to_start_with_a_bad_command_file() {
	let dir = tempfile::tempdir().unwrap();
	let file = dir.path().join("commands.toml");
	let text = entry(KEY, "true", "") + &entry(KEY, "true", "").replace("\"test\"", "\"again\"");
	std::fs::write(&file, text).unwrap();
	let out = std::process::Command::new(env!("CARGO_BIN_EXE_zkpow-prover"))
		.args(["serve", "--listen", "127.0.0.1:0", "--commands", file.to_str().unwrap()])
		.args(["--keys-dir", dir.path().join("keys").to_str().unwrap()])
		.output()
		.unwrap();
	assert_eq!(out.status.code(), Some(1));
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(
		stderr.contains(&format!(
			"zkpow-prover: error: {}: command 2 (`again`): `key_hash` 0x{} is also the key hash \
			 of command 1 (`test`)",
			file.display(),
			hex::encode(KEY)
		)),
		"{stderr}"
	);
	assert!(!dir.path().join("keys").exists(), "no keys made");
}
