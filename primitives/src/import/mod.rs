//! Importing Groth16/BN254 keys and proofs from the tools rollup developers use, into the
//! chain's encoding of [`crate::groth16`] (std only).
//!
//! | source | key | proof |
//! |--------|-----|-------|
//! | snarkjs (circom) | [`vk_from_snarkjs`] (`verification_key.json`), back with [`vk_to_snarkjs`] | [`proof_from_snarkjs`] (`proof.json`) |
//! | arkworks `CanonicalSerialize` | [`vk_from_arkworks`], back with [`vk_to_arkworks`] | [`proof_from_arkworks`] |
//!
//! Keys must be for the chain's ten-input sequence statement
//! ([`SequenceStatement::public_inputs`](crate::SequenceStatement::public_inputs)): the
//! circuit's public signals are, in this order, [`STATEMENT_INPUT_NAMES`]. Every number
//! must be canonical (below its field's modulus) and every point on the curve and in its
//! prime-order subgroup; an imported key has passed
//! [`validate_verifying_key`] for the statement, the check the pallet runs
//! when a rollup registers. Groth16 with Pedersen commitments (gnark's extension) is
//! refused: the chain verifies plain Groth16. [`ImportError`]'s messages name the
//! offending field.
//!
//! snarkjs's `public.json` converts with [`public_inputs_from_snarkjs`] and back into a
//! statement with [`statement_from_public_inputs`]; the other way,
//! [`circom_public_input`] writes a statement as the public part of a circom `input.json`.

mod arkworks;
mod error;
mod inputs;
mod points;
mod snarkjs;
#[cfg(test)]
mod tests;

pub use arkworks::{
	proof_from_arkworks, vk_from_arkworks, vk_to_arkworks, ARKWORKS_VK_COMPRESSED_LEN,
	ARKWORKS_VK_UNCOMPRESSED_LEN,
};
pub use error::{describe_verify_error, Field, ImportError};
pub use inputs::{circom_public_input, statement_from_public_inputs, STATEMENT_INPUT_NAMES};
pub use snarkjs::{
	proof_from_snarkjs, proof_to_snarkjs, public_inputs_from_snarkjs, public_to_snarkjs,
	vk_from_snarkjs, vk_to_snarkjs,
};

use crate::{
	groth16::{encode_verifying_key, validate_verifying_key},
	statement::STATEMENT_PUBLIC_INPUTS,
};
use ark_bn254::Bn254;
use ark_groth16::VerifyingKey;

/// Encodes a parsed key and runs the chain's own key validation on the result.
fn finish_vk(vk: &VerifyingKey<Bn254>) -> Result<Vec<u8>, ImportError> {
	let bytes = encode_verifying_key(vk);
	validate_verifying_key(&bytes, STATEMENT_PUBLIC_INPUTS).map_err(ImportError::Chain)?;
	Ok(bytes)
}
