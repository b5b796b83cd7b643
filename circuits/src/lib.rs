#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! - [`rollup`]: the reference rollup — accounts in a Poseidon sparse Merkle tree,
//!   transfers, native batch execution that records the circuit witness.
//! - [`stages`]: the batch, aggregator and final circuits.
//! - [`keys`]: deterministic development keys, cached on disk.
//! - [`backend`]: the stage interfaces and the non-recursive Groth16 backend whose
//!   final output is the artifact of `zkpow_primitives::artifact`.
//! - [`export`]: verifying keys for the chain and for Solidity.
//! - [`vectors`]: the shared artifact test vectors.

#![cfg_attr(not(test), warn(unreachable_pub))]

pub mod backend;
pub mod config;
pub mod error;
pub mod export;
pub mod field;
pub mod gadgets;
pub mod keys;
pub mod poseidon;
pub mod prove;
pub mod rollup;
pub mod stages;
pub mod vectors;

pub use backend::{
	prove_sequence, AggregatorInput, AggregatorStage, BatchProof, BatchStage, FinalInput,
	FinalStage, Groth16Bundle, ProofBackend,
};
pub use config::CircuitConfig;
pub use error::Error;
pub use keys::{KeySet, DEV_SEED};
