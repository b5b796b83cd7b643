//! A rollup with its own circom circuit, driven through the real tools: the example
//! final circuit `prover/tests/circom/statement10.circom` (the chain's ten-input sequence
//! statement and a trivial private fact) is compiled with circom 2 (WASM) and set up
//! with snarkjs by `prover/tests/circom/gen.sh`; proofs come from
//! `snarkjs groth16 fullprove` and are converted to the chain's encoding by
//! `zkpow-prover proofs import --format snarkjs`, as a rollup developer would do it.
//!
//! The npm packages come from `npm ci --prefix prover/tests/circom` (`scripts/setup.sh`
//! runs it).

use crate::prover_binary;
use std::{
	fs,
	path::{Path, PathBuf},
	process::Command,
	sync::atomic::{AtomicU32, Ordering},
};
use zkpow_primitives::{import::circom_public_input, SequenceStatement};

/// Where the example circuit and its npm packages are.
pub fn circom_dir() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("../prover/tests/circom")
}

fn run(command: &mut Command) -> String {
	let out = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
	assert!(
		out.status.success(),
		"{command:?} failed:\n{}\n{}",
		String::from_utf8_lossy(&out.stdout),
		String::from_utf8_lossy(&out.stderr)
	);
	String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

/// The example circuit, compiled and set up in a temporary directory (removed on drop).
pub struct CircomCircuit {
	dir: tempfile::TempDir,
	proofs: AtomicU32,
}

impl CircomCircuit {
	/// Compiles the circuit, runs a local powers of tau and the Groth16 setup (a few
	/// seconds). Panics naming the install command when the npm packages are missing.
	pub fn setup() -> CircomCircuit {
		let modules = circom_dir().join("node_modules");
		assert!(
			modules.join("snarkjs").is_dir() && modules.join("circom2").is_dir(),
			"the circom/snarkjs npm packages are missing: run `npm ci --prefix prover/tests/circom`"
		);
		let dir = tempfile::tempdir().expect("temporary directory");
		run(Command::new("bash").arg(circom_dir().join("gen.sh")).arg(dir.path()));
		CircomCircuit { dir, proofs: AtomicU32::new(0) }
	}

	/// A file the setup wrote (`statement10_js/statement10.wasm`, `statement10.zkey`, …).
	pub fn file(&self, name: &str) -> PathBuf {
		self.dir.path().join(name)
	}

	/// snarkjs's `verification_key.json` of the setup.
	pub fn verification_key(&self) -> PathBuf {
		self.dir.path().join("verification_key.json")
	}

	/// Proves `statement` with `snarkjs groth16 fullprove` and returns the proof in the
	/// chain's encoding (256 bytes), converted by `zkpow-prover proofs import`.
	pub fn prove(&self, statement: &SequenceStatement) -> Vec<u8> {
		let n = self.proofs.fetch_add(1, Ordering::Relaxed);
		let path = |name: &str| self.dir.path().join(format!("{name}-{n}.json"));
		let mut input = circom_public_input(statement);
		input.insert("secret".into(), "5".into());
		input.insert("secret_squared".into(), "25".into());
		fs::write(path("input"), serde_json::Value::Object(input).to_string()).unwrap();
		run(Command::new("node")
			.arg(circom_dir().join("node_modules/snarkjs/cli.js"))
			.args(["groth16", "fullprove"])
			.arg(path("input"))
			.arg(self.dir.path().join("statement10_js/statement10.wasm"))
			.arg(self.dir.path().join("statement10.zkey"))
			.arg(path("proof"))
			.arg(path("public")));
		let hex = run(Command::new(prover_binary())
			.args(["proofs", "import", "--format", "snarkjs", "--proof"])
			.arg(path("proof")));
		hex::decode(hex.trim().trim_start_matches("0x")).expect("the importer prints hex")
	}
}
