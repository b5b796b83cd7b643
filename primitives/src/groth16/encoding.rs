//! Byte encoding of BN254 field elements, points, Groth16 proofs and verifying keys.

use super::VerifyError;
use alloc::vec::Vec;
use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::{Proof, VerifyingKey};

/// Bytes of an encoded G1 point.
pub const G1_LEN: usize = 64;
/// Bytes of an encoded G2 point.
pub const G2_LEN: usize = 128;
/// Bytes of an encoded Groth16 proof.
pub const PROOF_LEN: usize = G1_LEN + G2_LEN + G1_LEN;
/// Bytes of a verifying key before its IC points.
pub const VK_HEADER_LEN: usize = G1_LEN + 3 * G2_LEN;

fn bigint_be<F: PrimeField<BigInt = ark_ff::BigInt<4>>>(bytes: &[u8]) -> Option<F> {
	// Both BN254 fields fit in four 64-bit limbs (least significant first).
	let mut limbs = [0u64; 4];
	for (i, chunk) in bytes.chunks_exact(8).enumerate() {
		let mut word = [0u8; 8];
		word.copy_from_slice(chunk);
		limbs[3 - i] = u64::from_be_bytes(word);
	}
	F::from_bigint(ark_ff::BigInt::new(limbs))
}

fn fq(bytes: &[u8]) -> Result<Fq, VerifyError> {
	bigint_be::<Fq>(bytes).ok_or(VerifyError::NonCanonicalField)
}

/// Decodes a 32-byte big-endian scalar-field element, rejecting values ≥ the modulus.
pub fn decode_fr(bytes: &[u8; 32]) -> Result<Fr, VerifyError> {
	bigint_be::<Fr>(bytes).ok_or(VerifyError::NonCanonicalInput)
}

/// Encodes a scalar-field element as 32 bytes big-endian.
pub fn encode_fr(value: &Fr) -> [u8; 32] {
	to_32(value.into_bigint().to_bytes_be())
}

fn encode_fq(value: &Fq) -> [u8; 32] {
	to_32(value.into_bigint().to_bytes_be())
}

fn to_32(bytes: Vec<u8>) -> [u8; 32] {
	let mut out = [0u8; 32];
	out[32 - bytes.len()..].copy_from_slice(&bytes);
	out
}

/// Decodes a G1 point, checking that it lies on the curve (G1 has cofactor 1, so that
/// also places it in the prime-order group).
pub fn decode_g1(bytes: &[u8]) -> Result<G1Affine, VerifyError> {
	if bytes.len() != G1_LEN {
		return Err(VerifyError::BadLength);
	}
	if bytes.iter().all(|b| *b == 0) {
		return Ok(G1Affine::zero());
	}
	let point = G1Affine::new_unchecked(fq(&bytes[..32])?, fq(&bytes[32..])?);
	if !point.is_on_curve() {
		return Err(VerifyError::PointNotOnCurve);
	}
	Ok(point)
}

/// Decodes a G2 point, checking that it is on the curve and in the prime-order subgroup.
pub fn decode_g2(bytes: &[u8]) -> Result<G2Affine, VerifyError> {
	if bytes.len() != G2_LEN {
		return Err(VerifyError::BadLength);
	}
	if bytes.iter().all(|b| *b == 0) {
		return Ok(G2Affine::zero());
	}
	let x = Fq2::new(fq(&bytes[32..64])?, fq(&bytes[..32])?);
	let y = Fq2::new(fq(&bytes[96..128])?, fq(&bytes[64..96])?);
	let point = G2Affine::new_unchecked(x, y);
	if !point.is_on_curve() {
		return Err(VerifyError::PointNotOnCurve);
	}
	if !point.is_in_correct_subgroup_assuming_on_curve() {
		return Err(VerifyError::PointNotInSubgroup);
	}
	Ok(point)
}

/// Encodes a G1 point (infinity as zeros).
pub fn encode_g1(point: &G1Affine) -> [u8; G1_LEN] {
	let mut out = [0u8; G1_LEN];
	if let Some((x, y)) = point.xy() {
		out[..32].copy_from_slice(&encode_fq(&x));
		out[32..].copy_from_slice(&encode_fq(&y));
	}
	out
}

/// Encodes a G2 point in the EVM order `x.c1, x.c0, y.c1, y.c0` (infinity as zeros).
pub fn encode_g2(point: &G2Affine) -> [u8; G2_LEN] {
	let mut out = [0u8; G2_LEN];
	if let Some((x, y)) = point.xy() {
		out[..32].copy_from_slice(&encode_fq(&x.c1));
		out[32..64].copy_from_slice(&encode_fq(&x.c0));
		out[64..96].copy_from_slice(&encode_fq(&y.c1));
		out[96..].copy_from_slice(&encode_fq(&y.c0));
	}
	out
}

/// Decodes a 256-byte proof with full point validation.
pub fn decode_proof(bytes: &[u8]) -> Result<Proof<Bn254>, VerifyError> {
	if bytes.len() != PROOF_LEN {
		return Err(VerifyError::BadLength);
	}
	Ok(Proof {
		a: decode_g1(&bytes[..G1_LEN])?,
		b: decode_g2(&bytes[G1_LEN..G1_LEN + G2_LEN])?,
		c: decode_g1(&bytes[G1_LEN + G2_LEN..])?,
	})
}

/// Encodes a proof as `A ++ B ++ C`.
pub fn encode_proof(proof: &Proof<Bn254>) -> Vec<u8> {
	let mut out = Vec::with_capacity(PROOF_LEN);
	out.extend_from_slice(&encode_g1(&proof.a));
	out.extend_from_slice(&encode_g2(&proof.b));
	out.extend_from_slice(&encode_g1(&proof.c));
	out
}

/// Decodes a verifying key with full point validation.
pub fn decode_verifying_key(bytes: &[u8]) -> Result<VerifyingKey<Bn254>, VerifyError> {
	let inputs = super::vk_public_inputs(bytes.len()).ok_or(VerifyError::BadLength)?;
	let g2 = |i: usize| decode_g2(&bytes[G1_LEN + i * G2_LEN..G1_LEN + (i + 1) * G2_LEN]);
	let ic = bytes[VK_HEADER_LEN..]
		.chunks_exact(G1_LEN)
		.map(decode_g1)
		.collect::<Result<Vec<_>, _>>()?;
	debug_assert_eq!(ic.len(), inputs + 1);
	Ok(VerifyingKey {
		alpha_g1: decode_g1(&bytes[..G1_LEN])?,
		beta_g2: g2(0)?,
		gamma_g2: g2(1)?,
		delta_g2: g2(2)?,
		gamma_abc_g1: ic,
	})
}

/// Encodes a verifying key.
pub fn encode_verifying_key(vk: &VerifyingKey<Bn254>) -> Vec<u8> {
	let mut out = Vec::with_capacity(super::vk_len(vk.gamma_abc_g1.len().saturating_sub(1)));
	out.extend_from_slice(&encode_g1(&vk.alpha_g1));
	out.extend_from_slice(&encode_g2(&vk.beta_g2));
	out.extend_from_slice(&encode_g2(&vk.gamma_g2));
	out.extend_from_slice(&encode_g2(&vk.delta_g2));
	for p in &vk.gamma_abc_g1 {
		out.extend_from_slice(&encode_g1(p));
	}
	out
}

/// `true` when a G1 point is the identity; used to reject degenerate keys.
pub(crate) fn g1_is_zero(p: &G1Affine) -> bool {
	p.is_zero()
}

/// `true` when a G2 point is the identity; used to reject degenerate keys.
pub(crate) fn g2_is_zero(p: &G2Affine) -> bool {
	p.is_zero()
}
