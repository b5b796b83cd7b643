//! Parsing and checking command configurations: defaults, every refusal, and that each
//! refusal names the file and the entry.

use super::*;
use std::io::Write;

const VECTORS: &str =
	concat!(env!("CARGO_MANIFEST_DIR"), "/../primitives/test-vectors/snarkjs-statement10");

fn hash_hex(byte: u8) -> String {
	format!("0x{}", hex::encode([byte; 32]))
}

/// The hash of the committed example key (`verifying_key` must match `key_hash`).
fn example_key_hash() -> String {
	let text = std::fs::read_to_string(format!("{VECTORS}/vk.hex")).unwrap();
	hex::encode(key_hash(&decode(text.trim()).unwrap()))
}

fn parse(text: &str) -> Result<CommandConfig, ConfigError> {
	CommandConfig::parse(Path::new("/etc/zkpow/commands.toml"), text)
}

/// The entry problem of a refused configuration, after checking the message names the
/// file and the entry.
fn entry_problem(text: &str, entry: &str) -> EntryError {
	let err = parse(text).unwrap_err();
	let message = err.to_string();
	assert!(message.starts_with("/etc/zkpow/commands.toml: "), "{message}");
	assert!(message.contains(entry), "{message} names {entry}");
	match err {
		ConfigError::Entry { problem, .. } => problem,
		other => panic!("an entry error, not {other}"),
	}
}

fn entry(extra: &str) -> String {
	format!("[[command]]\nkey_hash = \"{}\"\nprogram = \"/bin/sh\"\n{extra}\n", hash_hex(1))
}

#[test]
fn an_entry_takes_documented_defaults() {
	let config = parse(&entry("")).unwrap();
	assert_eq!(config.file, Path::new("/etc/zkpow/commands.toml"));
	let [spec] = &config.commands[..] else { panic!("one command") };
	assert_eq!(spec.name, "sh", "named after the program");
	assert_eq!(spec.key_hash, [1; 32]);
	assert_eq!(spec.program, Path::new("/bin/sh"));
	assert!(spec.args.is_empty() && spec.env.is_empty() && spec.verifying_key.is_none());
	assert_eq!(spec.timeout, Duration::from_secs(600));
	assert_eq!(spec.max_output_bytes, 1 << 20);
}

#[test]
fn every_field_is_read() {
	let text = format!(
		"{}\n[[command]]\nname = \"gnark\"\nkey_hash = \"{}\"\nprogram = \"/bin/sh\"\n\
		 args = [\"-c\", \"echo\"]\ntimeout_secs = 86400\nmax_output_bytes = 67108864\n\
		 env = {{ GNARK_THREADS = \"8\" }}\nverifying_key = \"{VECTORS}/vk.hex\"\n",
		entry(""),
		example_key_hash()
	);
	let config = parse(&text).unwrap();
	let spec = &config.commands[1];
	assert_eq!(spec.name, "gnark");
	assert_eq!(spec.args, ["-c", "echo"]);
	assert_eq!(spec.timeout, Duration::from_secs(MAX_TIMEOUT_SECS));
	assert_eq!(spec.max_output_bytes as u64, MAX_OUTPUT_BYTES);
	assert_eq!(spec.env.get("GNARK_THREADS").map(String::as_str), Some("8"));
	assert_eq!(spec.verifying_key.as_ref().map(Vec::len), Some(1152));
}

/// Two entries for one key would make which program runs depend on the order; refused.
#[test]
fn refuse_a_key_hash_configured_twice() {
	let text = format!(
		"{}[[command]]\nname = \"second\"\nkey_hash = \"{}\"\nprogram = \"/bin/sh\"\n",
		entry(""),
		hash_hex(1)
	);
	let problem = entry_problem(&text, "command 2 (`second`)");
	assert!(matches!(problem, EntryError::Duplicate { first, .. } if first == "command 1"));
}

#[test]
fn refuse_programs_that_cannot_be_run_as_configured() {
	let relative = "[[command]]\nkey_hash = \"0x{h}\"\nprogram = \"bin/prover\"\n"
		.replace("{h}", &"01".repeat(32));
	assert!(matches!(entry_problem(&relative, "command 1"), EntryError::RelativeProgram(_)));

	let missing = relative.replace("bin/prover", "/nonexistent/zkpow/prover");
	let problem = entry_problem(&missing, "command 1");
	assert!(matches!(problem, EntryError::MissingProgram { .. }), "{problem}");
	assert!(problem.to_string().contains("/nonexistent/zkpow/prover"), "{problem}");

	let dir = tempfile::tempdir().unwrap();
	let directory = relative.replace("bin/prover", &dir.path().display().to_string());
	assert!(matches!(entry_problem(&directory, "command 1"), EntryError::NotAFile(_)));

	let script = dir.path().join("prover.sh");
	std::fs::File::create(&script).unwrap().write_all(b"#!/bin/sh\n").unwrap();
	std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
	let plain = relative.replace("bin/prover", &script.display().to_string());
	assert!(matches!(entry_problem(&plain, "command 1"), EntryError::NotExecutable(_)));
	std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
	assert!(parse(&plain).is_ok());
}

#[test]
fn refuse_limits_out_of_range() {
	let cases: [(&str, fn(&EntryError) -> bool); 5] = [
		("timeout_secs = 0", |p| matches!(p, EntryError::ZeroTimeout)),
		("timeout_secs = 86401", |p| matches!(p, EntryError::TimeoutTooLong(86401))),
		("max_output_bytes = 0", |p| matches!(p, EntryError::OutputLimit(0))),
		("max_output_bytes = 67108865", |p| matches!(p, EntryError::OutputLimit(_))),
		("env = { \"A=B\" = \"1\" }", |p| matches!(p, EntryError::EnvName(_))),
	];
	for (line, expected) in cases {
		let problem = entry_problem(&entry(line), "command 1");
		assert!(expected(&problem), "{line}: {problem}");
	}
	let problem = entry_problem(&entry("args = [\"a\\u0000b\"]"), "command 1");
	assert_eq!(problem.to_string(), "`args[0]` contains a NUL byte");
	// A negative number is not a u64: refused by the parser, with its position.
	let err = parse(&entry("timeout_secs = -5")).unwrap_err();
	assert!(matches!(err, ConfigError::Syntax { .. }), "{err}");
}

#[test]
fn refuse_malformed_files() {
	let bad_hash = entry("").replace(&hash_hex(1), "0x1234");
	let problem = entry_problem(&bad_hash, "command 1");
	assert!(matches!(problem, EntryError::KeyHash(HexError::Length { expected: 32, got: 2 })));

	for text in [
		entry("shell = true"),                         // unknown field
		"[[command]]\nprogram = \"/bin/sh\"\n".into(), // no key hash
		"command = 3".into(),                          // not tables
		"[[command]\n".into(),                         // not TOML
	] {
		let err = parse(&text).unwrap_err();
		assert!(matches!(err, ConfigError::Syntax { .. }), "{text}: {err}");
		assert!(err.to_string().starts_with("/etc/zkpow/commands.toml: "), "{err}");
	}
	assert!(matches!(parse(""), Err(ConfigError::Empty { .. })));
	let err = CommandConfig::load(Path::new("/nonexistent/commands.toml")).unwrap_err();
	assert!(
		err.to_string().contains("cannot read the command configuration /nonexistent"),
		"{err}"
	);
}

/// A `verifying_key` that is not the key `key_hash` names (the operator copied the wrong
/// file) would make the host refuse every good proof, or pass a wrong one: refused.
#[test]
fn refuse_a_verifying_key_that_is_not_the_hashed_one() {
	let problem =
		entry_problem(&entry(&format!("verifying_key = \"{VECTORS}/vk.hex\"")), "command 1");
	assert!(matches!(problem, EntryError::KeyMismatch { .. }), "{problem}");
	let problem =
		entry_problem(&entry(&format!("verifying_key = \"{VECTORS}/proof.hex\"")), "command 1");
	assert!(matches!(problem, EntryError::KeyInvalid { .. }), "{problem}");
	let problem =
		entry_problem(&entry(&format!("verifying_key = \"{VECTORS}/public.json\"")), "command 1");
	assert!(matches!(problem, EntryError::KeyHex { .. }), "{problem}");
	let problem = entry_problem(&entry("verifying_key = \"/nonexistent/vk.hex\""), "command 1");
	assert!(matches!(problem, EntryError::KeyRead { .. }), "{problem}");
}
