//! `keys import|export` and `proofs import`: verifying keys and proofs from the tools
//! rollup developers use (snarkjs, arkworks) into the chain's encoding, and keys back.
//!
//! A command either succeeds and writes its whole output, or fails and writes nothing:
//! `--out` files are written to a temporary file next to the target and renamed over it.

use clap::{Subcommand, ValueEnum};
use std::{
	fs,
	path::{Path, PathBuf},
};
use zkpow_primitives::{
	groth16,
	import::{self, describe_verify_error, ImportError},
};

/// The tool a key or proof comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
	/// snarkjs JSON (`verification_key.json`, `proof.json`), as circom projects produce.
	Snarkjs,
	/// arkworks `CanonicalSerialize` bytes (compressed or uncompressed), binary or hex.
	Arkworks,
}

/// `zkpow-prover keys …`.
#[derive(Subcommand)]
pub enum KeysCommand {
	/// Convert a Groth16/BN254 verifying key for the ten-input sequence statement into the
	/// chain's encoding: prints (or writes) the 0x-hex to register the rollup with.
	Import {
		/// Format of the input.
		#[arg(long, value_enum)]
		format: Format,
		/// The key: `verification_key.json` (snarkjs) or a binary/hex file (arkworks).
		#[arg(long)]
		vk: PathBuf,
		/// Write the hex here instead of printing it.
		#[arg(long)]
		out: Option<PathBuf>,
	},
	/// Convert a chain verifying key (a file with its 0x-hex) into a tool's format:
	/// snarkjs `verification_key.json`, or arkworks compressed bytes as 0x-hex.
	Export {
		/// Format of the output.
		#[arg(long, value_enum)]
		format: Format,
		/// File with the chain key's hex.
		#[arg(long)]
		vk: PathBuf,
		/// Write the output here instead of printing it.
		#[arg(long)]
		out: Option<PathBuf>,
	},
	/// Print a chain verifying key's hash (keccak256 of its bytes as registered), the
	/// `key_hash` of command tasks and of `serve --commands` entries.
	Hash {
		/// File with the chain key's hex (as `keys import` writes it).
		#[arg(long)]
		vk: PathBuf,
	},
}

/// `zkpow-prover proofs …`.
#[derive(Subcommand)]
pub enum ProofsCommand {
	/// Convert a Groth16/BN254 proof into the chain's 256-byte encoding: prints (or
	/// writes) its 0x-hex.
	Import {
		/// Format of the input.
		#[arg(long, value_enum)]
		format: Format,
		/// The proof: `proof.json` (snarkjs) or a binary/hex file (arkworks).
		#[arg(long)]
		proof: PathBuf,
		/// Write the hex here instead of printing it.
		#[arg(long)]
		out: Option<PathBuf>,
		/// Also verify the proof with the chain's verifier against this chain key (a file
		/// with its hex) for the statement in `--public`.
		#[arg(long, requires = "public")]
		check_vk: Option<PathBuf>,
		/// snarkjs `public.json` with the ten public signals, for `--check-vk`.
		#[arg(long, requires = "check_vk")]
		public: Option<PathBuf>,
	},
}

/// Why a `keys` or `proofs` command failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportCommandError {
	/// A file could not be read or written.
	#[error("cannot {action} {}: {source}", path.display())]
	Io {
		/// `read` or `write`.
		action: &'static str,
		/// The file.
		path: PathBuf,
		/// The cause.
		source: std::io::Error,
	},
	/// A file that must hold 0x-hex does not.
	#[error("{}: not 0x-hex: {source}", path.display())]
	NotHex {
		/// The file.
		path: PathBuf,
		/// The cause.
		source: hex::FromHexError,
	},
	/// A key, proof or statement was refused by the importer.
	#[error("{}: {source}", path.display())]
	Import {
		/// The file it came from.
		path: PathBuf,
		/// The cause.
		source: ImportError,
	},
	/// `--out` names a directory, not a file.
	#[error("{}: not a file name", .0.display())]
	NotAFileName(PathBuf),
	/// `--check-vk`: the proof does not verify.
	#[error(
		"the proof does not verify against {} for the statement in {}: {reason}",
		vk.display(),
		public.display()
	)]
	DoesNotVerify {
		/// The chain key.
		vk: PathBuf,
		/// The statement.
		public: PathBuf,
		/// The verifier's answer.
		reason: String,
	},
}

fn io<'a>(
	action: &'static str,
	path: &'a Path,
) -> impl FnOnce(std::io::Error) -> ImportCommandError + 'a {
	move |source| ImportCommandError::Io { action, path: path.to_path_buf(), source }
}

fn not_hex(path: &Path) -> impl FnOnce(hex::FromHexError) -> ImportCommandError + '_ {
	move |source| ImportCommandError::NotHex { path: path.to_path_buf(), source }
}

fn read_text(path: &Path) -> Result<String, ImportCommandError> {
	fs::read_to_string(path).map_err(io("read", path))
}

/// The bytes of a file holding 0x-hex (whitespace around it is ignored).
fn read_hex(path: &Path) -> Result<Vec<u8>, ImportCommandError> {
	let text = read_text(path)?;
	let digits = text.trim();
	let digits = digits.strip_prefix("0x").unwrap_or(digits);
	hex::decode(digits).map_err(not_hex(path))
}

/// A file's bytes, hex-decoded when the whole file is (0x-)hex text.
fn read_binary_or_hex(path: &Path) -> Result<Vec<u8>, ImportCommandError> {
	let bytes = fs::read(path).map_err(io("read", path))?;
	let text = std::str::from_utf8(&bytes).map(str::trim).unwrap_or("");
	let digits = text.strip_prefix("0x").unwrap_or(text);
	if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
		return hex::decode(digits).map_err(not_hex(path));
	}
	Ok(bytes)
}

fn named(path: &Path) -> impl Fn(ImportError) -> ImportCommandError + '_ {
	move |source| ImportCommandError::Import { path: path.to_path_buf(), source }
}

/// Writes `contents` to `path` atomically (temporary file in the same directory, then
/// rename), or prints it when there is no path.
fn emit(out: Option<&Path>, contents: &str) -> Result<(), ImportCommandError> {
	let Some(path) = out else {
		println!("{}", contents.trim_end());
		return Ok(());
	};
	let name = path
		.file_name()
		.ok_or_else(|| ImportCommandError::NotAFileName(path.to_path_buf()))?;
	let tmp =
		path.with_file_name(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
	let written = fs::write(&tmp, contents).and_then(|()| fs::rename(&tmp, path));
	if let Err(e) = written {
		let _ = fs::remove_file(&tmp);
		return Err(io("write", path)(e));
	}
	println!("{}", path.display());
	Ok(())
}

fn hex_line(bytes: &[u8]) -> String {
	format!("0x{}\n", hex::encode(bytes))
}

/// Runs a `keys` command.
pub fn keys(command: KeysCommand) -> Result<(), ImportCommandError> {
	match command {
		KeysCommand::Import { format, vk, out } => {
			let chain = match format {
				Format::Snarkjs => import::vk_from_snarkjs(&read_text(&vk)?),
				Format::Arkworks => import::vk_from_arkworks(&read_binary_or_hex(&vk)?),
			}
			.map_err(named(&vk))?;
			emit(out.as_deref(), &hex_line(&chain))
		},
		KeysCommand::Export { format, vk, out } => {
			let chain = read_hex(&vk)?;
			let text = match format {
				Format::Snarkjs => import::vk_to_snarkjs(&chain),
				Format::Arkworks => import::vk_to_arkworks(&chain, true).map(|b| hex_line(&b)),
			}
			.map_err(named(&vk))?;
			emit(out.as_deref(), &text)
		},
		KeysCommand::Hash { vk } => {
			let chain = read_hex(&vk)?;
			emit(None, &hex_line(&zkpow_prover_api::key_hash(&chain)))
		},
	}
}

/// Runs a `proofs` command.
pub fn proofs(command: ProofsCommand) -> Result<(), ImportCommandError> {
	let ProofsCommand::Import { format, proof, out, check_vk, public } = command;
	let chain = match format {
		Format::Snarkjs => import::proof_from_snarkjs(&read_text(&proof)?),
		Format::Arkworks => import::proof_from_arkworks(&read_binary_or_hex(&proof)?),
	}
	.map_err(named(&proof))?;
	if let (Some(vk), Some(public)) = (check_vk, public) {
		check(&chain, &vk, &public)?;
	}
	emit(out.as_deref(), &hex_line(&chain))
}

/// Verifies a chain proof as the chain would, for the statement `public.json` encodes.
fn check(proof: &[u8], vk: &Path, public: &Path) -> Result<(), ImportCommandError> {
	let key = read_hex(vk)?;
	let inputs = import::public_inputs_from_snarkjs(&read_text(public)?).map_err(named(public))?;
	let statement = import::statement_from_public_inputs(&inputs).map_err(named(public))?;
	groth16::verify(&key, proof, &statement.public_inputs()).map_err(|e| {
		ImportCommandError::DoesNotVerify {
			vk: vk.to_path_buf(),
			public: public.to_path_buf(),
			reason: describe_verify_error(&e).to_string(),
		}
	})
}
