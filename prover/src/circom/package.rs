//! A circom prover package: the witness generator's WASM and the Groth16 `.zkey`,
//! pinned by a content hash.

use super::{
	error::{CircomError, PackageError},
	input::CircomInputs,
	prove::{self, public_signals},
	witness::{SandboxLimits, WitnessCalculator},
	zkey::Zkey,
};
use ark_bn254::{Bn254, Fr};
use ark_groth16::Proof;
use sp_crypto_hashing::keccak_256;
use std::{fs, path::Path};

/// The content hash of a circom package:
/// `keccak256(keccak256(wasm) ++ keccak256(zkey))`, over the files' exact bytes.
pub fn package_hash(wasm: &[u8], zkey: &[u8]) -> [u8; 32] {
	let mut both = [0u8; 64];
	both[..32].copy_from_slice(&keccak_256(wasm));
	both[32..].copy_from_slice(&keccak_256(zkey));
	keccak_256(&both)
}

/// A proof with the public signals it proves.
#[derive(Clone, Debug, PartialEq)]
pub struct CircomProof {
	/// The Groth16 proof.
	pub proof: Proof<Bn254>,
	/// The public signals (outputs, then public inputs), as `public.json` lists them.
	pub public: Vec<Fr>,
}

/// A loaded, checked circom package, ready to prove inputs.
#[derive(Debug)]
pub struct CircomPackage {
	hash: [u8; 32],
	zkey: Zkey,
	calculator: WitnessCalculator,
}

fn read(path: &Path) -> Result<Vec<u8>, PackageError> {
	fs::read(path).map_err(|source| PackageError::Io { path: path.to_path_buf(), source })
}

impl CircomPackage {
	/// Loads a package from its two files; see [`CircomPackage::from_bytes`].
	pub fn load(
		wasm: &Path,
		zkey: &Path,
		expected_hash: Option<[u8; 32]>,
		limits: SandboxLimits,
	) -> Result<CircomPackage, PackageError> {
		CircomPackage::from_bytes(&read(wasm)?, &read(zkey)?, expected_hash, limits)
	}

	/// Checks the package's hash against `expected_hash` (when given) before anything of
	/// it is parsed or run, then parses the zkey, compiles the WASM and checks that both
	/// are of the same circuit.
	pub fn from_bytes(
		wasm: &[u8],
		zkey: &[u8],
		expected_hash: Option<[u8; 32]>,
		limits: SandboxLimits,
	) -> Result<CircomPackage, PackageError> {
		let hash = package_hash(wasm, zkey);
		if let Some(expected) = expected_hash {
			if expected != hash {
				return Err(PackageError::HashMismatch { expected, found: hash });
			}
		}
		let zkey = Zkey::parse(zkey)?;
		let calculator = WitnessCalculator::new(wasm, limits)?;
		if calculator.witness_size() != zkey.n_vars {
			return Err(PackageError::Mismatch {
				wasm: calculator.witness_size(),
				zkey: zkey.n_vars,
			});
		}
		Ok(CircomPackage { hash, zkey, calculator })
	}

	/// The package's content hash ([`package_hash`]).
	pub fn hash(&self) -> [u8; 32] {
		self.hash
	}

	/// The parsed zkey.
	pub fn zkey(&self) -> &Zkey {
		&self.zkey
	}

	/// The sandboxed witness generator.
	pub fn calculator(&self) -> &WitnessCalculator {
		&self.calculator
	}

	/// Computes the witness of `inputs` in the sandbox.
	pub fn witness(&self, inputs: &CircomInputs) -> Result<Vec<Fr>, CircomError> {
		Ok(self.calculator.calculate(inputs)?)
	}

	/// Computes the witness of `inputs` and proves it (the proof is checked against the
	/// zkey's verifying key before it is returned).
	pub fn prove(&self, inputs: &CircomInputs) -> Result<CircomProof, CircomError> {
		let witness = self.witness(inputs)?;
		let proof = prove::prove(&self.zkey, &witness)?;
		Ok(CircomProof { proof, public: public_signals(&self.zkey, &witness).to_vec() })
	}
}
