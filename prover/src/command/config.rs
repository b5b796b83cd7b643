//! The operator's command configuration, `zkpow-prover serve --commands FILE`: which
//! installed native prover proves the sequences of which verifying key, read and checked
//! once at start-up (a host with an unusable entry does not start).
//!
//! ```toml
//! [[command]]
//! name = "rapidsnark-balances"              # optional: for logs and messages
//! key_hash = "0x…"                          # zkpow_prover_api::key_hash of the rollup's key
//! program = "/opt/provers/balances.sh"      # absolute, an executable file
//! args = ["--threads", "8"]                 # optional
//! timeout_secs = 600                        # optional, 1 ..= 86400, default 600
//! max_output_bytes = 1048576                # optional, stdout cap, default 1 MiB
//! env = { RAPIDSNARK = "/opt/rapidsnark" }  # optional; the rest of the environment is cleared
//! verifying_key = "/opt/provers/vk.hex"     # optional: check every proof before answering
//! ```

use serde::Deserialize;
use std::{
	collections::{BTreeMap, HashMap},
	os::unix::fs::PermissionsExt,
	path::{Path, PathBuf},
	time::Duration,
};
use zkpow_primitives::{
	groth16::validate_verifying_key,
	hex::{decode, decode32, HexError},
	import::describe_verify_error,
	statement::STATEMENT_PUBLIC_INPUTS,
	Bytes32,
};
use zkpow_prover_api::key_hash;

/// `timeout_secs` when an entry gives none.
pub const DEFAULT_TIMEOUT_SECS: u64 = 600;
/// The longest `timeout_secs` (a day).
pub const MAX_TIMEOUT_SECS: u64 = 86_400;
/// `max_output_bytes` when an entry gives none (1 MiB).
pub const DEFAULT_MAX_OUTPUT_BYTES: u64 = 1 << 20;
/// The largest `max_output_bytes` (64 MiB).
pub const MAX_OUTPUT_BYTES: u64 = 64 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
	#[serde(default)]
	command: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
	name: Option<String>,
	key_hash: String,
	program: PathBuf,
	#[serde(default)]
	args: Vec<String>,
	#[serde(default = "default_timeout")]
	timeout_secs: u64,
	#[serde(default = "default_max_output")]
	max_output_bytes: u64,
	#[serde(default)]
	env: BTreeMap<String, String>,
	verifying_key: Option<PathBuf>,
}

fn default_timeout() -> u64 {
	DEFAULT_TIMEOUT_SECS
}

fn default_max_output() -> u64 {
	DEFAULT_MAX_OUTPUT_BYTES
}

/// One configured command, checked: what runs for tasks of one verifying key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandSpec {
	/// The entry's `name`, or the program's file name.
	pub name: String,
	/// The verifying-key hash whose tasks it proves.
	pub key_hash: Bytes32,
	/// The program (absolute, an executable file when the configuration was read).
	pub program: PathBuf,
	/// Its arguments.
	pub args: Vec<String>,
	/// Wall-clock time one run may take before it is killed.
	pub timeout: Duration,
	/// Most bytes it may write to stdout before it is killed.
	pub max_output_bytes: usize,
	/// Its environment besides `PATH` (nothing else of the host's is passed on).
	pub env: BTreeMap<String, String>,
	/// The chain encoding of the rollup's verifying key, if the entry names one: every
	/// proof is then verified against it before it is answered.
	pub verifying_key: Option<Vec<u8>>,
}

/// A whole command configuration file, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandConfig {
	/// The file it was read from.
	pub file: PathBuf,
	/// Its commands, in file order, each key hash once.
	pub commands: Vec<CommandSpec>,
}

/// Why a command configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
	/// The file cannot be read.
	#[error("cannot read the command configuration {}: {source}", path.display())]
	Read {
		/// The file.
		path: PathBuf,
		/// The cause.
		source: std::io::Error,
	},
	/// Not TOML of the documented shape (unknown fields, wrong types, …).
	#[error("{}: {source}", path.display())]
	Syntax {
		/// The file.
		path: PathBuf,
		/// What and where, as the TOML parser reports it.
		source: toml::de::Error,
	},
	/// The file has no `[[command]]` table.
	#[error("{}: names no command (add a [[command]] table)", path.display())]
	Empty {
		/// The file.
		path: PathBuf,
	},
	/// One entry is unusable.
	#[error("{}: {entry}: {problem}", path.display())]
	Entry {
		/// The file.
		path: PathBuf,
		/// Which entry: `command N` (1-based, in file order) and its name if it has one.
		entry: String,
		/// What is wrong with it.
		problem: EntryError,
	},
}

/// What is wrong with one `[[command]]` entry.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
	/// `key_hash` is not 32 bytes of hex.
	#[error("`key_hash` is not 0x and 32 bytes of hex: {0}")]
	KeyHash(HexError),
	/// Another entry has the same `key_hash`.
	#[error("`key_hash` 0x{} is also the key hash of {first}", hex::encode(key_hash))]
	Duplicate {
		/// The hash.
		key_hash: Bytes32,
		/// The entry that has it first.
		first: String,
	},
	/// `program` is a relative path (it would depend on the host's working directory).
	#[error("`program` {} is not an absolute path", .0.display())]
	RelativeProgram(PathBuf),
	/// `program` does not exist or cannot be inspected.
	#[error("`program` {}: {source}", path.display())]
	MissingProgram {
		/// The program.
		path: PathBuf,
		/// The cause.
		source: std::io::Error,
	},
	/// `program` is a directory or another non-file.
	#[error("`program` {} is not a file", .0.display())]
	NotAFile(PathBuf),
	/// `program` has no execute permission.
	#[error("`program` {} is not executable", .0.display())]
	NotExecutable(PathBuf),
	/// `timeout_secs = 0`.
	#[error("`timeout_secs` must be at least 1")]
	ZeroTimeout,
	/// `timeout_secs` beyond [`MAX_TIMEOUT_SECS`].
	#[error("`timeout_secs` {0} is more than {MAX_TIMEOUT_SECS}")]
	TimeoutTooLong(u64),
	/// `max_output_bytes` is 0 or beyond [`MAX_OUTPUT_BYTES`].
	#[error("`max_output_bytes` must be between 1 and {MAX_OUTPUT_BYTES}, not {0}")]
	OutputLimit(u64),
	/// An `env` name that no environment can hold.
	#[error("`env` name {0:?} is not a variable name (empty, or with `=` or NUL)")]
	EnvName(String),
	/// An argument or `env` value with a NUL byte (no program can receive it).
	#[error("{0} contains a NUL byte")]
	Nul(String),
	/// `verifying_key` cannot be read.
	#[error("`verifying_key` {}: {source}", path.display())]
	KeyRead {
		/// The key file.
		path: PathBuf,
		/// The cause.
		source: std::io::Error,
	},
	/// `verifying_key` is not a file of 0x-hex.
	#[error("`verifying_key` {} is not 0x-hex: {source}", path.display())]
	KeyHex {
		/// The key file.
		path: PathBuf,
		/// The cause.
		source: HexError,
	},
	/// `verifying_key` is not a key the chain would register.
	#[error("`verifying_key` {} is not a ten-input Groth16 key: {reason}", path.display())]
	KeyInvalid {
		/// The key file.
		path: PathBuf,
		/// What the chain's check says.
		reason: &'static str,
	},
	/// `verifying_key` is another key than `key_hash` names.
	#[error("`verifying_key` {} hashes to 0x{}, not to `key_hash`", path.display(), hex::encode(found))]
	KeyMismatch {
		/// The key file.
		path: PathBuf,
		/// Its hash.
		found: Bytes32,
	},
}

impl CommandConfig {
	/// Reads and checks `path` (see the module docs for the format).
	pub fn load(path: &Path) -> Result<Self, ConfigError> {
		let text = std::fs::read_to_string(path)
			.map_err(|source| ConfigError::Read { path: path.into(), source })?;
		Self::parse(path, &text)
	}

	/// Checks the configuration `text`, read from `path` (named in errors; programs and
	/// keys are looked up on the file system).
	pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
		let raw: RawFile = toml::from_str(text)
			.map_err(|source| ConfigError::Syntax { path: path.into(), source })?;
		if raw.command.is_empty() {
			return Err(ConfigError::Empty { path: path.into() });
		}
		let mut seen: HashMap<Bytes32, String> = HashMap::new();
		let mut commands = Vec::with_capacity(raw.command.len());
		for (index, entry) in raw.command.into_iter().enumerate() {
			let label = match &entry.name {
				Some(name) => format!("command {} (`{name}`)", index + 1),
				None => format!("command {}", index + 1),
			};
			let failed =
				|problem| ConfigError::Entry { path: path.into(), entry: label.clone(), problem };
			let spec = check(entry).map_err(failed)?;
			if let Some(first) = seen.get(&spec.key_hash) {
				let first = first.clone();
				return Err(failed(EntryError::Duplicate { key_hash: spec.key_hash, first }));
			}
			seen.insert(spec.key_hash, label.clone());
			commands.push(spec);
		}
		Ok(Self { file: path.into(), commands })
	}
}

/// Checks one entry.
fn check(entry: RawEntry) -> Result<CommandSpec, EntryError> {
	let key_hash = decode32(&entry.key_hash).map_err(EntryError::KeyHash)?;
	check_program(&entry.program)?;
	match entry.timeout_secs {
		0 => return Err(EntryError::ZeroTimeout),
		t if t > MAX_TIMEOUT_SECS => return Err(EntryError::TimeoutTooLong(t)),
		_ => {},
	}
	if !(1..=MAX_OUTPUT_BYTES).contains(&entry.max_output_bytes) {
		return Err(EntryError::OutputLimit(entry.max_output_bytes));
	}
	if let Some(i) = entry.args.iter().position(|a| a.contains('\0')) {
		return Err(EntryError::Nul(format!("`args[{i}]`")));
	}
	for (name, value) in &entry.env {
		if name.is_empty() || name.contains(['=', '\0']) {
			return Err(EntryError::EnvName(name.clone()));
		}
		if value.contains('\0') {
			return Err(EntryError::Nul(format!("`env.{name}`")));
		}
	}
	let verifying_key = match &entry.verifying_key {
		Some(path) => Some(read_key(path, &key_hash)?),
		None => None,
	};
	let name = entry.name.clone().unwrap_or_else(|| {
		entry.program.file_name().map_or_else(
			|| entry.program.display().to_string(),
			|n| n.to_string_lossy().into_owned(),
		)
	});
	Ok(CommandSpec {
		name,
		key_hash,
		program: entry.program,
		args: entry.args,
		timeout: Duration::from_secs(entry.timeout_secs),
		max_output_bytes: entry.max_output_bytes as usize,
		env: entry.env,
		verifying_key,
	})
}

/// An absolute path to an existing file with execute permission.
fn check_program(program: &Path) -> Result<(), EntryError> {
	if !program.is_absolute() {
		return Err(EntryError::RelativeProgram(program.into()));
	}
	let meta = std::fs::metadata(program)
		.map_err(|source| EntryError::MissingProgram { path: program.into(), source })?;
	if !meta.is_file() {
		return Err(EntryError::NotAFile(program.into()));
	}
	if meta.permissions().mode() & 0o111 == 0 {
		return Err(EntryError::NotExecutable(program.into()));
	}
	Ok(())
}

/// The key in `path` (0x-hex, as `zkpow-prover keys import` writes it), checked as the
/// chain checks keys at registration and against `key_hash`.
fn read_key(path: &Path, expected: &Bytes32) -> Result<Vec<u8>, EntryError> {
	let text = std::fs::read_to_string(path)
		.map_err(|source| EntryError::KeyRead { path: path.into(), source })?;
	let key =
		decode(text.trim()).map_err(|source| EntryError::KeyHex { path: path.into(), source })?;
	validate_verifying_key(&key, STATEMENT_PUBLIC_INPUTS).map_err(|e| EntryError::KeyInvalid {
		path: path.into(),
		reason: describe_verify_error(&e),
	})?;
	let found = key_hash(&key);
	if found != *expected {
		return Err(EntryError::KeyMismatch { path: path.into(), found });
	}
	Ok(key)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
