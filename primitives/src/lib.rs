//! Types and encodings shared by every ZKPoW component.
//!
//! Everything that more than one process must agree on byte for byte lives here, once:
//!
//! - identifiers ([`RollupId`], [`SequenceIndex`], [`BatchNumber`]);
//! - the public statement of a sequence and its public-input encoding ([`statement`]);
//! - the commit–reveal proof hash and the sequence data commitment ([`hashing`]);
//! - the EVM-compatible byte encoding of Groth16/BN254 keys and proofs and their
//!   verification ([`groth16`]);
//! - the final-proof artifact of a sequence, its verifying-key set and its batched
//!   verification ([`artifact`]);
//! - the host function that lets the WASM runtime verify proofs natively ([`host`]);
//! - the record of a finalized sequence the validators sign for the EVM, and the Merkle
//!   tree of a block's records ([`record`]).
//!
//! The crate is `no_std` so that the runtime can use it; the pallet, node, prover and
//! relayer all link the same code.

#![cfg_attr(not(test), warn(unreachable_pub))]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod artifact;
pub mod groth16;
pub mod hashing;
#[cfg(feature = "std")]
pub mod hex;
pub mod host;
#[cfg(feature = "std")]
pub mod import;
pub mod record;
pub mod statement;
#[cfg(feature = "test-circuits")]
pub mod testing;

pub use hashing::{proof_hash, sequence_commitment, verifying_key_hash};
pub use statement::{BatchHeader, SequenceStatement};

/// Identifier of a registered rollup, assigned by the chain in registration order.
pub type RollupId = u32;
/// Position of a sequence within its rollup, starting at 0.
pub type SequenceIndex = u64;
/// Rollup batch number; sequences continue the rollup's batch numbers without gaps.
pub type BatchNumber = u64;
/// A 32-byte value: state roots, hashes, account ids.
pub type Bytes32 = [u8; 32];
