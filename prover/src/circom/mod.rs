//! The circom backend: proves a rollup's own circom circuit from its prover package, the
//! witness generator circom compiled to WASM and the Groth16 `.zkey` snarkjs set up.
//!
//! - [`package_hash`] and [`CircomPackage`]: the package's content hash,
//!   `keccak256(keccak256(wasm) ++ keccak256(zkey))`, checked before anything of the
//!   package is parsed or run;
//! - [`WitnessCalculator`]: circom's witness protocol in a wasmtime sandbox with memory
//!   and fuel budgets ([`SandboxLimits`]);
//! - [`Zkey`]: a parser of snarkjs's binary `.zkey` into an arkworks proving key and the
//!   constraint matrices;
//! - [`prove()`] with [`CircomReduction`]: Groth16 proving with arkworks, with the
//!   QAP reduction snarkjs keys are made for, so proofs verify against the circuit's
//!   snarkjs `verification_key.json`;
//! - [`proof_to_snarkjs`], [`public_to_snarkjs`]: `proof.json` and `public.json`;
//! - [`host`]: circom tasks on the prover host: packages fetched from the rollup's URL,
//!   checked against its registered hash, cached on disk, proven with the statement's
//!   inputs filled in by the host;
//! - [`cli`]: `zkpow-prover circom prove|hash|bench`; [`mod@bench`]: where a proof's time
//!   goes, stage by stage.

pub mod bench;
mod binfile;
pub mod cli;
mod error;
pub mod host;
mod input;
mod package;
mod prove;
mod witness;
mod zkey;

pub use error::{CircomError, InputError, PackageError, ProveError, WitnessError, ZkeyError};
pub use input::{fnv1a_64, CircomInputs};
pub use package::{package_hash, CircomPackage, CircomProof};
pub use prove::{prove, public_signals, CircomReduction};
pub use witness::{SandboxLimits, WitnessCalculator};
pub use zkey::Zkey;
pub use zkpow_primitives::import::{proof_to_snarkjs, public_to_snarkjs};
