//! Numbers and points shared by the importers: decimal parsing with canonicity checks and
//! curve and subgroup checks that name the offending point.

use super::error::{Field, ImportError};
use ark_bn254::{Fq, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, PrimeField};

/// Parses a decimal string into a 256-bit integer; `Ok(None)` when it does not fit in
/// 256 bits, `Err(())` when it is not a plain decimal number.
fn parse_decimal(text: &str) -> Result<Option<BigInt<4>>, ()> {
	if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
		return Err(());
	}
	let mut limbs = [0u64; 4];
	for digit in text.bytes().map(|b| u64::from(b - b'0')) {
		let mut carry = digit as u128;
		for limb in limbs.iter_mut() {
			let wide = (*limb as u128) * 10 + carry;
			*limb = wide as u64;
			carry = wide >> 64;
		}
		if carry != 0 {
			return Ok(None);
		}
	}
	Ok(Some(BigInt::new(limbs)))
}

fn element<F: PrimeField<BigInt = BigInt<4>>>(
	field: &str,
	text: &str,
	modulus: Field,
) -> Result<F, ImportError> {
	let non_canonical = || ImportError::NonCanonical { field: field.to_string(), modulus };
	match parse_decimal(text) {
		Err(()) => {
			Err(ImportError::NotANumber { field: field.to_string(), value: text.to_string() })
		},
		Ok(None) => Err(non_canonical()),
		Ok(Some(value)) => F::from_bigint(value).ok_or_else(non_canonical),
	}
}

/// A base-field element from its decimal string, refusing values ≥ the modulus.
pub(super) fn fq_decimal(field: &str, text: &str) -> Result<Fq, ImportError> {
	element(field, text, Field::Base)
}

/// A scalar-field element from its decimal string, refusing values ≥ the modulus.
pub(super) fn fr_decimal(field: &str, text: &str) -> Result<Fr, ImportError> {
	element(field, text, Field::Scalar)
}

/// A base-field element from 32 little-endian bytes (arkworks), refusing values ≥ the
/// modulus. `flags` masks the two top bits arkworks keeps its point flags in.
pub(super) fn check_fq_le(field: &str, bytes: &[u8], flags: bool) -> Result<(), ImportError> {
	let mut limbs = [0u64; 4];
	for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
		let mut word = [0u8; 8];
		word.copy_from_slice(chunk);
		*limb = u64::from_le_bytes(word);
	}
	if flags {
		limbs[3] &= u64::MAX >> 2;
	}
	match Fq::from_bigint(BigInt::new(limbs)) {
		Some(_) => Ok(()),
		None => Err(ImportError::NonCanonical { field: field.to_string(), modulus: Field::Base }),
	}
}

/// Checks that a G1 point is on the curve (G1 has cofactor 1, so it is then in the
/// prime-order group).
pub(super) fn check_g1(field: &str, point: G1Affine) -> Result<G1Affine, ImportError> {
	if point.is_zero() {
		return Ok(point);
	}
	if !point.is_on_curve() {
		return Err(ImportError::NotOnCurve { field: field.to_string() });
	}
	Ok(point)
}

/// Checks that a G2 point is on the curve and in the prime-order subgroup.
pub(super) fn check_g2(field: &str, point: G2Affine) -> Result<G2Affine, ImportError> {
	if point.is_zero() {
		return Ok(point);
	}
	if !point.is_on_curve() {
		return Err(ImportError::NotOnCurve { field: field.to_string() });
	}
	if !point.is_in_correct_subgroup_assuming_on_curve() {
		return Err(ImportError::NotInSubgroup { field: field.to_string() });
	}
	Ok(point)
}

/// Refuses the point at infinity where a key needs a real point.
pub(super) fn not_infinity<P: AffineRepr>(field: &str, point: P) -> Result<P, ImportError> {
	if point.is_zero() {
		return Err(ImportError::PointAtInfinity { field: field.to_string() });
	}
	Ok(point)
}
