//! The real rollup tools end to end: compile `tests/circom/statement10.circom` with circom
//! 2 (WASM), set up and prove with snarkjs (`tests/circom/gen.sh`), import the key and the
//! proof through the `zkpow-prover` binary, verify them with the chain's verifier, export
//! the key back and let `snarkjs groth16 verify` judge the exported key and the original
//! proof. Skipped only when Node.js is not installed; the npm packages come from
//! `npm ci --prefix prover/tests/circom`.

use std::{
	fs,
	path::{Path, PathBuf},
	process::{Command, Output},
};
use zkpow_primitives::{
	host::zkpow_crypto,
	import::{circom_public_input, public_inputs_from_snarkjs, statement_from_public_inputs},
	statement::STATEMENT_PUBLIC_INPUTS,
	SequenceStatement,
};

const CIRCOM_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/circom");

fn run(command: &mut Command) -> Output {
	let out = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
	assert!(
		out.status.success(),
		"{command:?} failed:\n{}\n{}",
		String::from_utf8_lossy(&out.stdout),
		String::from_utf8_lossy(&out.stderr)
	);
	out
}

fn prover(args: &[&str]) -> String {
	let out = run(Command::new(env!("CARGO_BIN_EXE_zkpow-prover")).args(args));
	String::from_utf8(out.stdout).unwrap()
}

fn snarkjs(dir: &Path) -> Command {
	let mut command = Command::new("node");
	command
		.arg(Path::new(CIRCOM_DIR).join("node_modules/snarkjs/cli.js"))
		.current_dir(dir);
	command
}

fn chain_verify(vk: &[u8], proof: &[u8], statement: &SequenceStatement) -> bool {
	zkpow_crypto::groth16_bn254_validate_key(vk, STATEMENT_PUBLIC_INPUTS as u32).unwrap();
	zkpow_crypto::groth16_bn254_verify(vk, proof, statement.public_inputs().to_vec()).is_ok()
}

/// A statement unlike the committed vectors', as circom input.
fn statement() -> SequenceStatement {
	SequenceStatement {
		rollup_id: u32::MAX,
		sequence_index: 1 << 40,
		prev_state_root: [0x5a; 32],
		new_state_root: [0xc3; 32],
		data_commitment: *b"data commitment of a sequence...",
		prover: [0x8e; 32],
	}
}

fn circom_input(statement: &SequenceStatement) -> String {
	let mut input = circom_public_input(statement);
	input.insert("secret".into(), "3".into());
	input.insert("secret_squared".into(), "9".into());
	serde_json::Value::Object(input).to_string()
}

fn node_available() -> bool {
	Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn temp_dir() -> PathBuf {
	let dir = std::env::temp_dir().join(format!("zkpow-snarkjs-roundtrip-{}", std::process::id()));
	let _ = fs::remove_dir_all(&dir);
	fs::create_dir_all(&dir).unwrap();
	dir
}

fn p(path: &Path) -> &str {
	path.to_str().unwrap()
}

#[test]
fn snarkjs_proofs_verify_on_chain_and_exported_keys_in_snarkjs() {
	if !node_available() {
		eprintln!("SKIPPED snarkjs_roundtrip: Node.js (`node`) is not installed");
		return;
	}
	let modules = Path::new(CIRCOM_DIR).join("node_modules");
	assert!(
		modules.join("snarkjs").is_dir() && modules.join("circom2").is_dir(),
		"the npm packages are missing: run `npm ci --prefix prover/tests/circom`"
	);
	let dir = temp_dir();
	let input = dir.join("input.json");
	fs::write(&input, circom_input(&statement())).unwrap();
	run(Command::new("bash")
		.arg(Path::new(CIRCOM_DIR).join("gen.sh"))
		.arg(&dir)
		.arg(&input));

	let (vk_json, proof_json, public) =
		(dir.join("verification_key.json"), dir.join("proof.json"), dir.join("public.json"));
	let (vk_hex, proof_hex) = (dir.join("vk.hex"), dir.join("proof.hex"));
	prover(&["keys", "import", "--format", "snarkjs", "--vk", p(&vk_json), "--out", p(&vk_hex)]);
	let proof_args = ["--proof", p(&proof_json), "--out", p(&proof_hex)];
	prover(&[&["proofs", "import", "--format", "snarkjs"], &proof_args[..]].concat());
	let unhex = |path: &Path| {
		let text = fs::read_to_string(path).unwrap();
		hex::decode(text.trim().trim_start_matches("0x")).unwrap()
	};
	let (vk, proof) = (unhex(&vk_hex), unhex(&proof_hex));
	assert_eq!((vk.len(), proof.len()), (1152, 256));

	// The public signals are the statement, in the chain's order, and the chain accepts.
	let inputs = public_inputs_from_snarkjs(&fs::read_to_string(&public).unwrap()).unwrap();
	let decoded = statement_from_public_inputs(&inputs).unwrap();
	assert_eq!(decoded, statement());
	assert!(chain_verify(&vk, &proof, &decoded), "the chain rejects a snarkjs proof");
	let other = SequenceStatement { prover: [0x8f; 32], ..decoded.clone() };
	assert!(!chain_verify(&vk, &proof, &other), "the proof must be bound to its prover");

	// The exported key is snarkjs's file byte for byte, and snarkjs verifies with it.
	let exported = dir.join("exported_vk.json");
	prover(&["keys", "export", "--format", "snarkjs", "--vk", p(&vk_hex), "--out", p(&exported)]);
	assert_eq!(fs::read_to_string(&exported).unwrap(), fs::read_to_string(&vk_json).unwrap());
	let verify = |key: &Path, public: &Path| {
		let out = snarkjs(&dir)
			.args(["groth16", "verify", p(key), p(public), p(&proof_json)])
			.output()
			.unwrap();
		out.status.success() && String::from_utf8_lossy(&out.stdout).contains("OK!")
	};
	assert!(verify(&exported, &public), "snarkjs rejects the exported key");
	// Both verifiers agree on a wrong statement too.
	let wrong = dir.join("wrong_public.json");
	let mut signals: Vec<String> =
		serde_json::from_str(&fs::read_to_string(&public).unwrap()).unwrap();
	signals[9] = "1".into();
	fs::write(&wrong, serde_json::to_string(&signals).unwrap()).unwrap();
	assert!(!verify(&exported, &wrong), "snarkjs accepts a wrong statement");
	let wrong_inputs = public_inputs_from_snarkjs(&fs::read_to_string(&wrong).unwrap()).unwrap();
	let wrong_statement = statement_from_public_inputs(&wrong_inputs).unwrap();
	assert!(!chain_verify(&vk, &proof, &wrong_statement));
	fs::remove_dir_all(&dir).unwrap();
}
