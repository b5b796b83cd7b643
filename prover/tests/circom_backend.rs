//! The circom backend against the real rollup tools: `tests/circom/gen.sh` compiles
//! `statement10.circom` with circom 2 (WASM) and sets it up with snarkjs, once per test
//! run; the backend's witnesses are compared with `snarkjs wtns calculate`, its proofs
//! judged by `snarkjs groth16 verify` and by the chain's verifier with the key imported
//! from `verification_key.json`. The attacks a prover host meets from a rollup's package
//! follow, each named `attack_…`: a package that is not the pinned one, a witness
//! generator that never returns, one that takes memory without bound, one that calls
//! what the sandbox does not offer, inputs the circuit rejects, and broken zkeys.
//!
//! The fixture needs Node.js and the npm packages of `npm ci --prefix prover/tests/circom`
//! (`scripts/setup.sh` installs both); without them the tests fail, naming what is missing.
//! `service` sends circom tasks through the host's HTTP service; `command` proves the
//! example with the repository's own native prover (`zkpow-prover circom prove`) behind
//! the command backend's contract.

#[path = "circom_backend/command.rs"]
mod command;
#[path = "circom_backend/handmade.rs"]
mod handmade;
#[path = "circom_backend/service.rs"]
mod service;

use serde_json::Value;
use std::{
	fs,
	path::{Path, PathBuf},
	process::{Command, Output},
	sync::OnceLock,
	time::{Duration, Instant},
};
use zkpow_primitives::{groth16, import};
use zkpow_prover::circom::{
	package_hash, proof_to_snarkjs, public_to_snarkjs, CircomError, CircomInputs, CircomPackage,
	PackageError, SandboxLimits, WitnessCalculator, WitnessError, ZkeyError,
};

const CIRCOM_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/circom");

/// The compiled and set-up example circuit, shared by the tests of one run.
struct Fixture {
	dir: PathBuf,
	wasm: Vec<u8>,
	zkey: Vec<u8>,
}

impl Fixture {
	fn path(&self, name: &str) -> PathBuf {
		self.dir.join(name)
	}

	fn package(&self) -> CircomPackage {
		CircomPackage::from_bytes(&self.wasm, &self.zkey, None, SandboxLimits::default())
			.expect("the example package loads")
	}
}

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

fn snarkjs(dir: &Path) -> Command {
	let mut command = Command::new("node");
	command
		.arg(Path::new(CIRCOM_DIR).join("node_modules/snarkjs/cli.js"))
		.current_dir(dir);
	command
}

/// Runs `gen.sh` once into a temporary directory (Node.js and the npm packages are
/// prerequisites: `scripts/setup.sh` installs them).
fn fixture() -> &'static Fixture {
	static FIXTURE: OnceLock<Fixture> = OnceLock::new();
	FIXTURE.get_or_init(|| {
		let modules = Path::new(CIRCOM_DIR).join("node_modules");
		assert!(
			modules.join("snarkjs").is_dir() && modules.join("circom2").is_dir(),
			"the circom/snarkjs npm packages are missing: run `npm ci --prefix prover/tests/circom`"
		);
		let dir = std::env::temp_dir().join(format!("zkpow-circom-backend-{}", std::process::id()));
		let _ = fs::remove_dir_all(&dir);
		run(Command::new("bash").arg(Path::new(CIRCOM_DIR).join("gen.sh")).arg(&dir));
		let wasm = fs::read(dir.join("statement10_js/statement10.wasm")).unwrap();
		let zkey = fs::read(dir.join("statement10.zkey")).unwrap();
		Fixture { dir, wasm, zkey }
	})
}

fn example_input() -> String {
	fs::read_to_string(Path::new(CIRCOM_DIR).join("input.json")).unwrap()
}

/// The example input with some signals replaced.
fn input_with(changes: &[(&str, Value)]) -> CircomInputs {
	let mut input: serde_json::Map<String, Value> = serde_json::from_str(&example_input()).unwrap();
	for (name, value) in changes {
		match value {
			Value::Null => input.remove(*name),
			value => input.insert(name.to_string(), value.clone()),
		};
	}
	CircomInputs::from_json(&Value::Object(input).to_string()).unwrap()
}

fn decimal_strings(json: &str) -> Vec<String> {
	let value: Value = serde_json::from_str(json).unwrap();
	value
		.as_array()
		.unwrap()
		.iter()
		.map(|v| v.as_str().unwrap().to_string())
		.collect()
}

#[test]
fn our_proof_verifies_with_snarkjs_and_with_the_chain_verifier() {
	let fx = fixture();
	let package = fx.package();
	let proof = package.prove(&CircomInputs::from_json(&example_input()).unwrap()).unwrap();
	let (proof_json, public_json) =
		(proof_to_snarkjs(&proof.proof).unwrap(), public_to_snarkjs(&proof.public).unwrap());
	fs::write(fx.path("ours-proof.json"), &proof_json).unwrap();
	fs::write(fx.path("ours-public.json"), &public_json).unwrap();
	let out = run(snarkjs(&fx.dir).args([
		"groth16",
		"verify",
		"verification_key.json",
		"ours-public.json",
		"ours-proof.json",
	]));
	assert!(String::from_utf8_lossy(&out.stdout).contains("OK!"), "snarkjs did not say OK");

	// The same public signals as snarkjs's own fullprove of the input.
	let theirs = fs::read_to_string(fx.path("public.json")).unwrap();
	assert_eq!(decimal_strings(&public_json), decimal_strings(&theirs));

	// The chain's verifier, with the key imported from snarkjs's verification_key.json.
	let vk =
		import::vk_from_snarkjs(&fs::read_to_string(fx.path("verification_key.json")).unwrap())
			.unwrap();
	let chain_proof = import::proof_from_snarkjs(&proof_json).unwrap();
	let inputs = import::public_inputs_from_snarkjs(&public_json).unwrap();
	groth16::verify(&vk, &chain_proof, &inputs).expect("the chain verifier accepts our proof");

	// A proof of another statement does not pass for this one.
	let other = package.prove(&input_with(&[("rollup_id", "8".into())])).unwrap();
	let other = import::proof_from_snarkjs(&proof_to_snarkjs(&other.proof).unwrap()).unwrap();
	assert!(groth16::verify(&vk, &other, &inputs).is_err());
}

#[test]
fn our_witness_equals_snarkjs_witness() {
	let fx = fixture();
	fs::write(fx.path("witness-input.json"), example_input()).unwrap();
	run(snarkjs(&fx.dir).args([
		"wtns",
		"calculate",
		"statement10_js/statement10.wasm",
		"witness-input.json",
		"theirs.wtns",
	]));
	run(snarkjs(&fx.dir).args(["wtns", "export", "json", "theirs.wtns", "theirs-wtns.json"]));
	let theirs = decimal_strings(&fs::read_to_string(fx.path("theirs-wtns.json")).unwrap());
	let ours = fx
		.package()
		.witness(&CircomInputs::from_json(&example_input()).unwrap())
		.unwrap();
	let ours: Vec<String> = ours.iter().map(|v| v.to_string()).collect();
	assert_eq!(ours.len(), fx.package().zkey().n_vars);
	assert_eq!(ours, theirs);
}

#[test]
fn cli_proves_into_files_snarkjs_accepts_and_prints_the_package_hash() {
	let fx = fixture();
	let prover = env!("CARGO_BIN_EXE_zkpow-prover");
	let (wasm, zkey) = (fx.path("statement10_js/statement10.wasm"), fx.path("statement10.zkey"));
	let files = ["--wasm", wasm.to_str().unwrap(), "--zkey", zkey.to_str().unwrap()];
	let out = run(Command::new(prover).args(["circom", "hash"]).args(files));
	let hash = format!("0x{}", hex::encode(package_hash(&fx.wasm, &fx.zkey)));
	assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), hash);

	let input = Path::new(CIRCOM_DIR).join("input.json");
	let cli_dir = fx.path("cli");
	fs::create_dir_all(&cli_dir).unwrap();
	run(Command::new(prover)
		.args(["circom", "prove"])
		.args(files)
		.arg("--input")
		.arg(&input)
		.args(["--expect-hash", &hash, "--out"])
		.arg(cli_dir.join("proof.json")));
	let out = run(snarkjs(&fx.dir).args([
		"groth16",
		"verify",
		"verification_key.json",
		"cli/public.json",
		"cli/proof.json",
	]));
	assert!(String::from_utf8_lossy(&out.stdout).contains("OK!"));

	// A wrong pin: refused, nothing written, the reason on stderr.
	let wrong = format!("0x{}", "00".repeat(32));
	let out = Command::new(prover)
		.args(["circom", "prove"])
		.args(files)
		.arg("--input")
		.arg(&input)
		.args(["--expect-hash", &wrong, "--out"])
		.arg(cli_dir.join("refused.json"))
		.output()
		.unwrap();
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("zkpow-prover: error: package hash mismatch"), "{stderr}");
	assert!(!cli_dir.join("refused.json").exists());
}

/// Attack: a host is handed a package other than the one the rollup pinned on chain (a
/// changed zkey or witness generator). It is refused before any of it is parsed or run.
#[test]
fn attack_package_whose_hash_does_not_match_is_refused() {
	let fx = fixture();
	let pinned = package_hash(&fx.wasm, &fx.zkey);
	CircomPackage::from_bytes(&fx.wasm, &fx.zkey, Some(pinned), SandboxLimits::default())
		.expect("the pinned package loads");
	let mut zkey = fx.zkey.clone();
	let last = zkey.len() - 1;
	zkey[last] ^= 1;
	let mut wasm = fx.wasm.clone();
	wasm.push(0);
	for (wasm, zkey) in [(&fx.wasm, &zkey), (&wasm, &fx.zkey), (&fx.zkey, &fx.wasm)] {
		match CircomPackage::from_bytes(wasm, zkey, Some(pinned), SandboxLimits::default()) {
			Err(PackageError::HashMismatch { expected, found }) => {
				assert_eq!(expected, pinned);
				assert_eq!(found, package_hash(wasm, zkey));
			},
			other => panic!("a package with another hash was not refused: {other:?}"),
		}
	}
}

fn tight() -> SandboxLimits {
	SandboxLimits { memory_bytes: 64 << 20, fuel: 50_000_000, ..SandboxLimits::default() }
}

/// The process keeps working after an attack: the example still proves.
fn still_proves() {
	{
		let fx = fixture();
		fx.package().prove(&CircomInputs::from_json(&example_input()).unwrap()).unwrap();
	}
}

/// Attack: a witness generator that never returns (an infinite loop in the first
/// protocol call) would hold a prover worker forever. The fuel budget stops it.
#[test]
fn attack_wasm_that_loops_forever_is_stopped_by_the_time_budget() {
	let wasm = handmade::fake_circom(&handmade::infinite_loop(), &[]);
	let started = Instant::now();
	match WitnessCalculator::new(&wasm, tight()) {
		Err(WitnessError::OutOfFuel { fuel }) => assert_eq!(fuel, tight().fuel),
		other => panic!("an endless loop was not stopped: {other:?}"),
	}
	assert!(
		started.elapsed() < Duration::from_secs(30),
		"stopped only after {:?}",
		started.elapsed()
	);
	// The real circuit with too little fuel for its witness is stopped the same way.
	{
		let fx = fixture();
		// (Loading takes little fuel: a handful of protocol calls.)
		let limits = SandboxLimits { fuel: 5_000, ..SandboxLimits::default() };
		let package = CircomPackage::from_bytes(&fx.wasm, &fx.zkey, None, limits).unwrap();
		let err = package.prove(&CircomInputs::from_json(&example_input()).unwrap()).unwrap_err();
		assert!(
			matches!(err, CircomError::Witness(WitnessError::OutOfFuel { fuel: 5_000 })),
			"{err}"
		);
	}
	still_proves();
}

/// Attack: a witness generator that grows its memory without bound would take the
/// host's RAM. The memory budget stops the growth with an error, at instantiation (a
/// memory that starts too large) and at run time (`memory.grow`).
#[test]
fn attack_wasm_that_grows_memory_beyond_the_budget_is_stopped() {
	let wasm = handmade::fake_circom(&handmade::grow_memory(20_000), &[]);
	match WitnessCalculator::new(&wasm, tight()) {
		Err(WitnessError::MemoryLimit { requested, limit }) => {
			assert_eq!(limit, 64 << 20);
			assert_eq!(requested, 20_001 * 65_536);
		},
		other => panic!("memory growth beyond the budget was not stopped: {other:?}"),
	}
	// Growth within the budget is fine (the module then fails on its field, 0 words).
	let wasm = handmade::fake_circom(&handmade::grow_memory(16), &[]);
	assert!(matches!(WitnessCalculator::new(&wasm, tight()), Err(WitnessError::WrongField)));
	{
		let fx = fixture();
		let limits = SandboxLimits { memory_bytes: 64 << 10, ..SandboxLimits::default() };
		let err = CircomPackage::from_bytes(&fx.wasm, &fx.zkey, None, limits).unwrap_err();
		assert!(matches!(err, PackageError::Witness(WitnessError::MemoryLimit { .. })), "{err}");
	}
	still_proves();
}

/// Attack: a witness generator that reaches for the host (WASI, arbitrary imports), or
/// traps. Imports beyond circom's runtime are refused before it runs; circom runtime
/// functions the host does not implement fail when called; a trap is reported as such.
#[test]
fn attack_wasm_that_imports_the_host_or_traps_is_refused() {
	let wasm =
		handmade::fake_circom(&handmade::version_2(), &[("wasi_snapshot_preview1", "fd_write")]);
	match WitnessCalculator::new(&wasm, tight()) {
		Err(WitnessError::UnsupportedImport { module, name }) => {
			assert_eq!((module.as_str(), name.as_str()), ("wasi_snapshot_preview1", "fd_write"))
		},
		other => panic!("a WASI import was not refused: {other:?}"),
	}
	let wasm = handmade::fake_circom(&handmade::call_import(), &[("runtime", "printDebug")]);
	let err = WitnessCalculator::new(&wasm, tight()).unwrap_err();
	assert!(matches!(&err, WitnessError::Protocol(m) if m.contains("runtime.printDebug")), "{err}");
	let wasm = handmade::fake_circom(&handmade::unreachable(), &[]);
	let err = WitnessCalculator::new(&wasm, tight()).unwrap_err();
	assert!(matches!(err, WitnessError::Trap(wasmtime::Trap::UnreachableCodeReached)), "{err}");
	let wasm = handmade::fake_circom(&handmade::recurse(), &[]);
	let err = WitnessCalculator::new(&wasm, tight()).unwrap_err();
	assert!(matches!(err, WitnessError::Trap(wasmtime::Trap::StackOverflow)), "{err}");
	let err = WitnessCalculator::new(b"not wasm at all", tight()).unwrap_err();
	assert!(matches!(err, WitnessError::Compile(_)), "{err}");
	still_proves();
}

/// Attack: inputs that violate the circuit (a wrong private fact, a rollup id beyond
/// u32, signals that do not exist or are missing) must give an error, never a proof.
#[test]
fn attack_inputs_that_violate_the_constraints_are_refused() {
	let fx = fixture();
	let package = fx.package();
	let prove = |changes: &[(&str, Value)]| package.prove(&input_with(changes)).unwrap_err();
	for changes in [
		&[("secret_squared", Value::from("152399026"))][..],
		&[("rollup_id", Value::from("4294967296"))],
		&[("sequence_index", Value::from("-1"))],
	] {
		match prove(changes) {
			CircomError::Witness(WitnessError::Rejected { code: 4, reason, message }) => {
				assert_eq!(reason, "assert failed");
				assert!(
					message.contains("Statement10") || message.contains("Num2Bits"),
					"{message}"
				);
			},
			other => panic!("{changes:?} was not rejected: {other}"),
		}
	}
	let err = prove(&[("not_a_signal", Value::from("1"))]);
	assert!(
		matches!(&err, CircomError::Witness(WitnessError::UnknownSignal(s)) if s == "not_a_signal"),
		"{err}"
	);
	let err = prove(&[("secret", Value::Null)]);
	assert!(
		matches!(err, CircomError::Witness(WitnessError::MissingInputs { set: 11, needed: 12 })),
		"{err}"
	);
	let err = prove(&[("secret", Value::from(vec!["1", "2"]))]);
	assert!(
		matches!(
			err,
			CircomError::Witness(WitnessError::SignalLength { expected: 1, found: 2, .. })
		),
		"{err}"
	);
	still_proves();
}

/// The sections of a zkey: (id, offset of the content, length).
fn sections(zkey: &[u8]) -> Vec<(u32, usize, usize)> {
	let word = |at: usize| u32::from_le_bytes(zkey[at..at + 4].try_into().unwrap());
	let (count, mut at, mut out) = (word(8), 12, Vec::new());
	for _ in 0..count {
		let len = u64::from_le_bytes(zkey[at + 4..at + 12].try_into().unwrap()) as usize;
		out.push((word(at), at + 12, len));
		at += 12 + len;
	}
	out
}

fn section_at(zkey: &[u8], id: u32) -> usize {
	sections(zkey).into_iter().find(|s| s.0 == id).unwrap().1
}

/// Attack: a zkey that is cut short or altered (a broken download, a hostile package that
/// matches its own pin) must be refused with the reason, not crash or prove garbage.
#[test]
fn attack_truncated_or_corrupted_zkey_is_refused() {
	let fx = fixture();
	let parse = |bytes: &[u8]| zkpow_prover::circom::Zkey::parse(bytes).unwrap_err();
	for len in [0, 3, 11, 40, fx.zkey.len() / 2, fx.zkey.len() - 1] {
		assert!(
			matches!(parse(&fx.zkey[..len]), ZkeyError::Truncated(_) | ZkeyError::BadMagic),
			"{len}"
		);
	}
	let edit = |at: usize, bytes: &[u8]| {
		let mut zkey = fx.zkey.clone();
		zkey[at..at + bytes.len()].copy_from_slice(bytes);
		parse(&zkey)
	};
	assert!(matches!(edit(0, b"wtns"), ZkeyError::BadMagic));
	assert!(matches!(edit(4, &2u32.to_le_bytes()), ZkeyError::UnsupportedVersion(2)));
	let header = section_at(&fx.zkey, 1);
	assert!(matches!(edit(header, &2u32.to_le_bytes()), ZkeyError::NotGroth16(2)));
	let groth = section_at(&fx.zkey, 2);
	assert!(matches!(edit(groth + 4, &[0x02]), ZkeyError::WrongCurve("base")));
	assert!(matches!(edit(groth + 40, &[0x02]), ZkeyError::WrongCurve("scalar")));
	// nVars one larger: the point sections no longer have the header's sizes.
	let n_vars = u32::from_le_bytes(fx.zkey[groth + 72..groth + 76].try_into().unwrap());
	assert!(matches!(edit(groth + 72, &(n_vars + 1).to_le_bytes()), ZkeyError::SectionSize { .. }));
	assert!(matches!(edit(groth + 80, &3u32.to_le_bytes()), ZkeyError::BadHeader(_)));
	// alpha1 moved off the curve; an A point's x beyond the modulus.
	assert!(matches!(edit(groth + 84, &[0x07]), ZkeyError::BadPoint { what: "alpha1", .. }));
	let a = section_at(&fx.zkey, 5);
	assert!(matches!(
		edit(a + 64, &[0xff; 32]),
		ZkeyError::NonCanonical { what: "A points", index: 1 }
	));
	// A coefficient naming a signal that does not exist.
	let coefs = section_at(&fx.zkey, 4);
	assert!(matches!(
		edit(coefs + 12, &u32::MAX.to_le_bytes()),
		ZkeyError::BadCoefficient { index: 0, .. }
	));
	// A package whose zkey fails loads with the zkey's reason.
	let mut zkey = fx.zkey.clone();
	zkey.truncate(zkey.len() - 10);
	let err =
		CircomPackage::from_bytes(&fx.wasm, &zkey, None, SandboxLimits::default()).unwrap_err();
	assert!(matches!(err, PackageError::Zkey(ZkeyError::Truncated(_))), "{err}");
	still_proves();
}
