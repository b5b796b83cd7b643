//! Groth16 verification over the byte encoding of [`super`].

use super::encoding::{decode_fr, decode_proof, decode_verifying_key, g1_is_zero, g2_is_zero};
use alloc::vec::Vec;
use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, PreparedVerifyingKey};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Why a key, a proof or a set of public inputs was rejected.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum VerifyError {
	/// A key or proof has the wrong number of bytes.
	BadLength,
	/// A coordinate is not below the base-field modulus.
	NonCanonicalField,
	/// A point is not on the BN254 curve.
	PointNotOnCurve,
	/// A G2 point is not in the prime-order subgroup.
	PointNotInSubgroup,
	/// A key element that must not be the point at infinity is.
	DegenerateKey,
	/// The key's number of public inputs differs from what the statement needs.
	InputCountMismatch,
	/// A public input is not below the scalar-field modulus.
	NonCanonicalInput,
	/// The encoding is fine but the pairing check failed: the proof is not valid for
	/// these public inputs.
	ProofRejected,
}

/// Fully validates an encoded verifying key: length, canonical coordinates, every point
/// on the curve and in its subgroup, non-degenerate `alpha`, `beta`, `gamma`, `delta`,
/// and exactly `expected_inputs` public inputs.
pub fn validate_verifying_key(vk: &[u8], expected_inputs: usize) -> Result<(), VerifyError> {
	let key = decode_verifying_key(vk)?;
	if g1_is_zero(&key.alpha_g1)
		|| g2_is_zero(&key.beta_g2)
		|| g2_is_zero(&key.gamma_g2)
		|| g2_is_zero(&key.delta_g2)
	{
		return Err(VerifyError::DegenerateKey);
	}
	if key.gamma_abc_g1.len() != expected_inputs + 1 {
		return Err(VerifyError::InputCountMismatch);
	}
	Ok(())
}

fn decode_inputs(inputs: &[[u8; 32]]) -> Result<Vec<Fr>, VerifyError> {
	inputs.iter().map(decode_fr).collect()
}

/// Verifies an encoded proof against an encoded key and big-endian public inputs.
pub fn verify(vk: &[u8], proof: &[u8], inputs: &[[u8; 32]]) -> Result<(), VerifyError> {
	let key = decode_verifying_key(vk)?;
	if key.gamma_abc_g1.len() != inputs.len() + 1 {
		return Err(VerifyError::InputCountMismatch);
	}
	verify_prepared(&ark_groth16::prepare_verifying_key(&key), proof, inputs)
}

/// Verifies an encoded proof against an already prepared key (e(α, β) precomputed).
pub fn verify_prepared(
	pvk: &PreparedVerifyingKey<Bn254>,
	proof: &[u8],
	inputs: &[[u8; 32]],
) -> Result<(), VerifyError> {
	if pvk.vk.gamma_abc_g1.len() != inputs.len() + 1 {
		return Err(VerifyError::InputCountMismatch);
	}
	let proof = decode_proof(proof)?;
	let inputs = decode_inputs(inputs)?;
	match Groth16::<Bn254>::verify_proof(pvk, &proof, &inputs) {
		Ok(true) => Ok(()),
		_ => Err(VerifyError::ProofRejected),
	}
}
