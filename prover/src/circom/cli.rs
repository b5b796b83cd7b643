//! `zkpow-prover circom prove|hash|bench`.

use super::{
	bench::{self, CircomBenchError},
	error::{CircomError, InputError, PackageError},
	input::CircomInputs,
	package::{package_hash, CircomPackage},
	witness::SandboxLimits,
};
use clap::{Args, Subcommand};
use std::{
	fs,
	path::{Path, PathBuf},
};
use zkpow_primitives::import::{proof_to_snarkjs, public_to_snarkjs, ImportError};

/// The two files of a circom package.
#[derive(Args, Clone, Debug)]
pub struct PackageArgs {
	/// The witness generator circom wrote (`<name>_js/<name>.wasm`).
	#[arg(long)]
	pub wasm: PathBuf,
	/// The Groth16 proving key (snarkjs `.zkey`).
	#[arg(long)]
	pub zkey: PathBuf,
}

/// The sandbox budgets of the witness calculation.
#[derive(Args, Clone, Copy, Debug)]
pub struct LimitArgs {
	/// Most memory the witness generator may use, in MiB.
	#[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u32).range(1..=65536))]
	pub memory_mib: u32,
	/// Fuel of one witness calculation (about one unit per WASM instruction).
	#[arg(long, default_value_t = SandboxLimits::default().fuel)]
	pub fuel: u64,
}

impl LimitArgs {
	/// The budgets these options give.
	pub fn limits(&self) -> SandboxLimits {
		SandboxLimits {
			memory_bytes: (self.memory_mib as usize) << 20,
			fuel: self.fuel,
			..SandboxLimits::default()
		}
	}
}

/// `zkpow-prover circom …`.
#[derive(Subcommand, Debug)]
pub enum CircomCommand {
	/// Compute the witness of an input in the sandbox and prove it with the package's
	/// zkey; writes snarkjs `proof.json` and `public.json`.
	Prove {
		/// The package's files.
		#[command(flatten)]
		package: PackageArgs,
		/// The input (snarkjs `input.json`: signal name to value or array).
		#[arg(long)]
		input: PathBuf,
		/// Refuse the package unless its hash is this (0x-hex of 32 bytes).
		#[arg(long, value_parser = parse_hash, value_name = "0xHASH")]
		expect_hash: Option<[u8; 32]>,
		/// Where to write the proof.
		#[arg(long, default_value = "proof.json")]
		out: PathBuf,
		/// Where to write the public signals (default: `public.json` next to `--out`).
		#[arg(long)]
		public: Option<PathBuf>,
		/// The sandbox budgets.
		#[command(flatten)]
		limits: LimitArgs,
	},
	/// Time each stage of proving an input in process (load, witness, proof), `--runs`
	/// times each, and print their medians as a table.
	Bench {
		/// The package's files.
		#[command(flatten)]
		package: PackageArgs,
		/// The input (snarkjs `input.json`).
		#[arg(long)]
		input: PathBuf,
		/// Runs of each stage.
		#[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u16).range(1..=100))]
		runs: u16,
		/// The sandbox budgets.
		#[command(flatten)]
		limits: LimitArgs,
	},
	/// Print the package's content hash: keccak256(keccak256(wasm) ++ keccak256(zkey)).
	Hash {
		/// The package's files.
		#[command(flatten)]
		package: PackageArgs,
	},
}

/// A `--expect-hash` that is not 32 bytes of hex.
#[derive(Debug, thiserror::Error)]
#[error("expected 0x followed by 64 hex digits")]
pub struct BadHash;

fn parse_hash(text: &str) -> Result<[u8; 32], BadHash> {
	let digits = text.strip_prefix("0x").unwrap_or(text);
	let bytes = hex::decode(digits).map_err(|_| BadHash)?;
	bytes.try_into().map_err(|_| BadHash)
}

/// Why a `circom` command failed.
#[derive(Debug, thiserror::Error)]
pub enum CircomCliError {
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
	/// The package was refused.
	#[error(transparent)]
	Package(#[from] PackageError),
	/// The input file was refused.
	#[error("{}: {source}", path.display())]
	Input {
		/// The input file.
		path: PathBuf,
		/// The cause.
		source: InputError,
	},
	/// The witness could not be computed or proven.
	#[error(transparent)]
	Prove(#[from] CircomError),
	/// The benchmark failed.
	#[error(transparent)]
	Bench(#[from] CircomBenchError),
	/// The proof or its public signals could not be written as snarkjs JSON.
	#[error("cannot write snarkjs JSON: {0}")]
	Json(#[from] ImportError),
}

fn read(path: &Path) -> Result<Vec<u8>, CircomCliError> {
	fs::read(path).map_err(|source| CircomCliError::Io {
		action: "read",
		path: path.into(),
		source,
	})
}

fn read_inputs(path: &Path) -> Result<CircomInputs, CircomCliError> {
	let text = fs::read_to_string(path).map_err(|source| CircomCliError::Io {
		action: "read",
		path: path.into(),
		source,
	})?;
	CircomInputs::from_json(&text)
		.map_err(|source| CircomCliError::Input { path: path.into(), source })
}

fn write_json(path: &Path, json: &str) -> Result<(), CircomCliError> {
	let text = format!("{}\n", json.trim_end());
	fs::write(path, text).map_err(|source| CircomCliError::Io {
		action: "write",
		path: path.into(),
		source,
	})?;
	println!("{}", path.display());
	Ok(())
}

/// Runs a `circom` command.
pub fn run(command: CircomCommand) -> Result<(), CircomCliError> {
	match command {
		CircomCommand::Hash { package } => {
			let hash = package_hash(&read(&package.wasm)?, &read(&package.zkey)?);
			println!("0x{}", hex::encode(hash));
			Ok(())
		},
		CircomCommand::Bench { package, input, runs, limits } => {
			let inputs = read_inputs(&input)?;
			let (wasm, zkey) = (read(&package.wasm)?, read(&package.zkey)?);
			print!("{}", bench::run(&wasm, &zkey, &inputs, limits.limits(), runs.into())?);
			Ok(())
		},
		CircomCommand::Prove { package, input, expect_hash, out, public, limits } => {
			let inputs = read_inputs(&input)?;
			let wasm = read(&package.wasm)?;
			let zkey = read(&package.zkey)?;
			let package = CircomPackage::from_bytes(&wasm, &zkey, expect_hash, limits.limits())?;
			let proof = package.prove(&inputs)?;
			let public = public.unwrap_or_else(|| out.with_file_name("public.json"));
			write_json(&out, &proof_to_snarkjs(&proof.proof)?)?;
			write_json(&public, &public_to_snarkjs(&proof.public)?)
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn hashes_parse_only_as_32_bytes_of_hex() {
		let hex64 = "ab".repeat(32);
		assert_eq!(parse_hash(&format!("0x{hex64}")).unwrap(), [0xab; 32]);
		assert_eq!(parse_hash(&hex64).unwrap(), [0xab; 32]);
		for bad in ["0x", "0xabcd", "zz", &format!("0x{hex64}00")] {
			assert!(parse_hash(bad).is_err(), "{bad}");
		}
	}
}
