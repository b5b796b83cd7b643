//! Poseidon over the BN254 scalar field: the parameters, a native two-to-one hash and
//! the same hash as an R1CS gadget.
//!
//! # Parameters
//!
//! | parameter | value |
//! |-----------|-------|
//! | field | BN254 scalar field `r` (254 bits) |
//! | width `t` | 3 (rate 2, capacity 1) |
//! | S-box | `x^5` (`alpha = 5`; `gcd(5, r − 1) = 1`) |
//! | full rounds `R_F` | 8 |
//! | partial rounds `R_P` | 57 |
//! | round constants, MDS | Grain LFSR of the Poseidon paper's reference script, as implemented by `ark_crypto_primitives::sponge::poseidon::find_poseidon_ark_and_mds` with `prime_bits = 254`, `rate = 2`, `skip_matrices = 0` |
//!
//! `R_F = 8, R_P = 57` are the round numbers the Poseidon paper (Table 2, 128-bit
//! security, `x^5`, `t = 3`, 254-bit field) gives, the same as circomlib's `t = 3`
//! instance; the constants are generated, not copied, so hashes differ from circomlib's.
//! The parameters are derived deterministically at first use and pinned by the test
//! vectors below.
//!
//! # Hash
//!
//! `hash2(a, b)`: a fresh duplex sponge (state `[0, 0, 0]`), absorb `a`, `b` into the
//! rate, squeeze one element (one permutation). In-circuit: 240 constraints (3 per
//! S-box; the first round's S-box on the constant capacity element is free).

use ark_bn254::Fr;
use ark_crypto_primitives::sponge::{
	constraints::CryptographicSpongeVar,
	poseidon::{
		constraints::PoseidonSpongeVar, find_poseidon_ark_and_mds, PoseidonConfig, PoseidonSponge,
	},
	CryptographicSponge, FieldBasedCryptographicSponge,
};
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::r1cs::{ConstraintSystemRef, SynthesisError};
use std::sync::OnceLock;

/// Full rounds.
pub const FULL_ROUNDS: usize = 8;
/// Partial rounds.
pub const PARTIAL_ROUNDS: usize = 57;
/// S-box exponent.
pub const ALPHA: u64 = 5;
/// Rate (field elements absorbed per permutation).
pub const RATE: usize = 2;
/// Capacity.
pub const CAPACITY: usize = 1;

/// The Poseidon parameters, generated once.
pub fn config() -> &'static PoseidonConfig<Fr> {
	static CONFIG: OnceLock<PoseidonConfig<Fr>> = OnceLock::new();
	CONFIG.get_or_init(|| {
		let (ark, mds) = find_poseidon_ark_and_mds::<Fr>(
			254,
			RATE,
			FULL_ROUNDS as u64,
			PARTIAL_ROUNDS as u64,
			0,
		);
		PoseidonConfig::new(FULL_ROUNDS, PARTIAL_ROUNDS, ALPHA, mds, ark, RATE, CAPACITY)
	})
}

/// Two-to-one Poseidon hash.
pub fn hash2(a: Fr, b: Fr) -> Fr {
	let mut sponge = PoseidonSponge::new(config());
	sponge.absorb(&vec![a, b]);
	sponge.squeeze_native_field_elements(1)[0]
}

/// [`hash2`] as a gadget.
pub fn hash2_var(
	cs: ConstraintSystemRef<Fr>,
	a: &FpVar<Fr>,
	b: &FpVar<Fr>,
) -> Result<FpVar<Fr>, SynthesisError> {
	let mut sponge = PoseidonSpongeVar::new(cs, config());
	sponge.absorb(&vec![a.clone(), b.clone()])?;
	Ok(sponge.squeeze_field_elements(1)?.remove(0))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::field::fr_to_bytes;
	use ark_r1cs_std::{alloc::AllocVar, R1CSVar};
	use ark_relations::r1cs::ConstraintSystem;

	/// Pins the generated parameters: any change of constants changes these values.
	#[test]
	fn hash_vectors() {
		assert_eq!(
			hex::encode(fr_to_bytes(&hash2(Fr::from(0u64), Fr::from(0u64)))),
			"13a545a13f1d91dddb87f46679dfaec0900ce24791a924bee7fa4d69a9569d85"
		);
		assert_eq!(
			hex::encode(fr_to_bytes(&hash2(Fr::from(1u64), Fr::from(2u64)))),
			"0fca49b798923ab0239de1c9e7a4a9a2210312b6a2f616d18b5a87f9b628ae29"
		);
	}

	#[test]
	fn gadget_matches_native_hash() {
		let cs = ConstraintSystem::<Fr>::new_ref();
		let a = FpVar::new_witness(cs.clone(), || Ok(Fr::from(7u64))).unwrap();
		let b = FpVar::new_witness(cs.clone(), || Ok(Fr::from(9u64))).unwrap();
		let h = hash2_var(cs.clone(), &a, &b).unwrap();
		assert_eq!(h.value().unwrap(), hash2(Fr::from(7u64), Fr::from(9u64)));
		assert!(cs.is_satisfied().unwrap());
		assert_eq!(cs.num_constraints(), 240);
	}

	#[test]
	fn parameters_have_the_documented_shape() {
		let c = config();
		assert_eq!(
			(c.full_rounds, c.partial_rounds, c.alpha, c.rate, c.capacity),
			(8, 57, 5, 2, 1)
		);
		assert_eq!(c.ark.len(), 65);
		assert_eq!(c.mds.len(), 3);
	}
}
