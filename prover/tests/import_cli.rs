//! `keys import|export` and `proofs import` through the binary, on the committed snarkjs
//! vectors (`primitives/test-vectors/snarkjs-statement10`); no Node.js needed.

use std::{
	fs,
	path::{Path, PathBuf},
	process::{Command, Output},
};

const VECTORS: &str =
	concat!(env!("CARGO_MANIFEST_DIR"), "/../primitives/test-vectors/snarkjs-statement10");

fn vector(name: &str) -> PathBuf {
	Path::new(VECTORS).join(name)
}

fn read(path: &Path) -> String {
	fs::read_to_string(path).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
	let nanos = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap()
		.as_nanos();
	let dir = std::env::temp_dir().join(format!("zkpow-{name}-{}-{nanos}", std::process::id()));
	fs::create_dir_all(&dir).unwrap();
	dir
}

fn prover(args: &[&str]) -> Output {
	Command::new(env!("CARGO_BIN_EXE_zkpow-prover")).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
	let out = prover(args);
	assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
	String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail; returns its stderr.
fn fails(args: &[&str]) -> String {
	let out = prover(args);
	assert!(!out.status.success(), "{args:?} succeeded");
	assert!(out.stdout.is_empty(), "{args:?} printed {}", String::from_utf8_lossy(&out.stdout));
	String::from_utf8(out.stderr).unwrap()
}

fn s(path: &Path) -> &str {
	path.to_str().unwrap()
}

#[test]
fn snarkjs_key_and_proof_import_to_the_expected_hex() {
	let vk = vector("verification_key.json");
	let out = ok(&["keys", "import", "--format", "snarkjs", "--vk", s(&vk)]);
	assert_eq!(out, read(&vector("vk.hex")));
	let proof = vector("proof.json");
	let out = ok(&["proofs", "import", "--format", "snarkjs", "--proof", s(&proof)]);
	assert_eq!(out, read(&vector("proof.hex")));
	// With the chain's verifier as a check.
	let (vk_hex, public) = (vector("vk.hex"), vector("public.json"));
	let args = ["--check-vk", s(&vk_hex), "--public", s(&public)];
	let out =
		ok(&[&["proofs", "import", "--format", "snarkjs", "--proof", s(&proof)], &args[..]]
			.concat());
	assert_eq!(out, read(&vector("proof.hex")));
}

#[test]
fn out_files_are_written_only_on_success() {
	let dir = temp_dir("import-out");
	let target = dir.join("vk.hex");
	let vk = vector("verification_key.json");
	let out = ok(&["keys", "import", "--format", "snarkjs", "--vk", s(&vk), "--out", s(&target)]);
	assert_eq!(out.trim(), s(&target));
	assert_eq!(read(&target), read(&vector("vk.hex")));
	// A failing import leaves an existing file alone and creates no new one.
	let bad = dir.join("bls.json");
	fs::write(&bad, read(&vk).replace("\"bn128\"", "\"bls12381\"")).unwrap();
	let error =
		fails(&["keys", "import", "--format", "snarkjs", "--vk", s(&bad), "--out", s(&target)]);
	assert!(error.contains("curve \"bls12381\" is not supported"), "{error}");
	assert!(error.contains("only bn128 (BN254)"), "{error}");
	assert_eq!(read(&target), read(&vector("vk.hex")));
	let fresh = dir.join("fresh.hex");
	let proof = vector("proof.json");
	let other_public = dir.join("public.json");
	fs::write(&other_public, read(&vector("public.json")).replace("\"42\"", "\"43\"")).unwrap();
	let vk_hex = vector("vk.hex");
	let error = fails(&[
		"proofs",
		"import",
		"--format",
		"snarkjs",
		"--proof",
		s(&proof),
		"--out",
		s(&fresh),
		"--check-vk",
		s(&vk_hex),
		"--public",
		s(&other_public),
	]);
	assert!(error.contains("does not verify"), "{error}");
	assert!(!fresh.exists());
	let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
	assert_eq!(leftovers.len(), 3, "temporary files left: {leftovers:?}");
	fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_name_the_problem() {
	let dir = temp_dir("import-errors");
	let vk_json = read(&vector("verification_key.json"));
	let cases = [
		("plonk.json", vk_json.replace("\"groth16\"", "\"plonk\""), "only groth16"),
		("n11.json", vk_json.replace("\"nPublic\": 10", "\"nPublic\": 11"), "10 public inputs"),
		("trunc.json", vk_json[..300].to_string(), "malformed JSON at line"),
	];
	for (name, contents, expected) in cases {
		let path = dir.join(name);
		fs::write(&path, contents).unwrap();
		let error = fails(&["keys", "import", "--format", "snarkjs", "--vk", s(&path)]);
		assert!(error.contains(expected), "{name}: {error}");
		assert!(error.contains(name), "{name}: the message names the file: {error}");
	}
	let missing = dir.join("missing.json");
	let error = fails(&["keys", "import", "--format", "snarkjs", "--vk", s(&missing)]);
	assert!(error.contains("cannot read"), "{error}");
	let error = fails(&["keys", "export", "--format", "snarkjs", "--vk", s(&vector("proof.json"))]);
	assert!(error.contains("not 0x-hex"), "{error}");
	let out = prover(&["keys", "import", "--format", "gnark", "--vk", s(&missing)]);
	assert_eq!(out.status.code(), Some(2), "clap refuses an unknown format");
	assert!(String::from_utf8_lossy(&out.stderr).contains("snarkjs, arkworks"));
	fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn export_and_arkworks_round_trips() {
	let dir = temp_dir("import-export");
	let vk_hex = vector("vk.hex");
	let json = dir.join("verification_key.json");
	ok(&["keys", "export", "--format", "snarkjs", "--vk", s(&vk_hex), "--out", s(&json)]);
	assert_eq!(read(&json), read(&vector("verification_key.json")));
	let ark_hex = ok(&["keys", "export", "--format", "arkworks", "--vk", s(&vk_hex)]);
	assert_eq!(ark_hex.trim().len(), 2 + 2 * 584);
	let (as_hex, as_binary) = (dir.join("vk.ark.hex"), dir.join("vk.ark"));
	fs::write(&as_hex, &ark_hex).unwrap();
	fs::write(&as_binary, hex::decode(&ark_hex.trim()[2..]).unwrap()).unwrap();
	for file in [&as_hex, &as_binary] {
		let out = ok(&["keys", "import", "--format", "arkworks", "--vk", s(file)]);
		assert_eq!(out, read(&vk_hex));
	}
	let error = fails(&["keys", "import", "--format", "arkworks", "--vk", s(&json)]);
	assert!(error.contains("match no layout"), "{error}");
	fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn help_lists_the_new_commands_next_to_export_keys() {
	let help = ok(&["--help"]);
	for command in ["keys", "proofs", "export-keys"] {
		assert!(help.lines().any(|l| l.trim_start().starts_with(command)), "{help}");
	}
}

/// `keys hash`: the key hash command tasks and `serve --commands` entries name a
/// rollup's key by, keccak256 of the key's bytes as registered.
#[test]
fn keys_hash_prints_the_key_hash_of_the_registered_bytes() {
	let vk = vector("vk.hex");
	let out = ok(&["keys", "hash", "--vk", s(&vk)]);
	let key = hex::decode(read(&vk).trim().trim_start_matches("0x")).unwrap();
	assert_eq!(out, format!("0x{}\n", hex::encode(zkpow_prover_api::key_hash(&key))));
	assert_eq!(zkpow_prover_api::key_hash(&key), sp_crypto_hashing::keccak_256(&key));
	let err = fails(&["keys", "hash", "--vk", s(&vector("proof.json"))]);
	assert!(err.contains("not 0x-hex"), "{err}");
}
