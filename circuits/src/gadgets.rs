//! Small R1CS building blocks shared by the circuits: public 32-byte words as hi/lo
//! halves, range checks, canonical encodings and Merkle paths.

use crate::poseidon::hash2_var;
use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use ark_r1cs_std::{
	alloc::AllocVar,
	boolean::Boolean,
	convert::ToBitsGadget,
	eq::EqGadget,
	fields::{fp::FpVar, FieldVar},
	select::CondSelectGadget,
	R1CSVar,
};
use ark_relations::r1cs::{ConstraintSystemRef, SynthesisError};
use zkpow_primitives::{groth16::decode_fr, statement::split_halves, Bytes32};

/// A 32-byte public value as two public inputs: its high and low 128 bits.
#[derive(Clone)]
pub struct WordVar {
	/// High 128 bits.
	pub hi: FpVar<Fr>,
	/// Low 128 bits.
	pub lo: FpVar<Fr>,
}

impl WordVar {
	/// Allocates `value` as two public inputs (high half first), the layout of
	/// `zkpow_primitives::statement::split_halves`.
	pub fn new_input(cs: ConstraintSystemRef<Fr>, value: &Bytes32) -> Result<Self, SynthesisError> {
		let (hi, lo) = split_halves(value);
		let as_fr = |half: Bytes32| decode_fr(&half).expect("a 128-bit half is below r");
		Ok(Self {
			hi: FpVar::new_input(cs.clone(), || Ok(as_fr(hi)))?,
			lo: FpVar::new_input(cs, || Ok(as_fr(lo)))?,
		})
	}

	/// Enforces that both halves are below `2^128` (so the word is a 32-byte value).
	pub fn enforce_range(&self) -> Result<(), SynthesisError> {
		range_check(&self.hi, 128)?;
		range_check(&self.lo, 128)?;
		Ok(())
	}

	/// Enforces that the word is the canonical 32-byte big-endian encoding of `value`:
	/// `value`'s unique bits below the modulus, split at bit 128, equal the halves. This
	/// also range-checks the halves.
	pub fn enforce_encodes(&self, value: &FpVar<Fr>) -> Result<(), SynthesisError> {
		let bits = value.to_bits_le()?;
		Boolean::le_bits_to_fp(&bits[..128])?.enforce_equal(&self.lo)?;
		Boolean::le_bits_to_fp(&bits[128..])?.enforce_equal(&self.hi)?;
		Ok(())
	}
}

/// Allocates `bits` little-endian witness bits of `value` (the value's low bits; the
/// caller constrains what they sum to).
pub fn witness_bits(
	cs: ConstraintSystemRef<Fr>,
	value: Option<Fr>,
	bits: usize,
) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
	let big = value.map(|v| v.into_bigint());
	(0..bits)
		.map(|i| {
			Boolean::new_witness(cs.clone(), || {
				big.map(|b| b.get_bit(i)).ok_or(SynthesisError::AssignmentMissing)
			})
		})
		.collect()
}

/// Enforces `0 <= v < 2^bits` (`bits` < 254) and returns the bits, little-endian.
pub fn range_check(v: &FpVar<Fr>, bits: usize) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
	assert!(bits < Fr::MODULUS_BIT_SIZE as usize);
	let out = witness_bits(v.cs(), v.value().ok(), bits)?;
	Boolean::le_bits_to_fp(&out)?.enforce_equal(v)?;
	Ok(out)
}

/// Allocates a witness `value < 2^bits` as its bits, little-endian.
pub fn small_witness(
	cs: ConstraintSystemRef<Fr>,
	value: u64,
	bits: usize,
) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
	witness_bits(cs, Some(Fr::from(value)), bits)
}

/// The root reached from `leaf` along `siblings` (leaf level first), with the leaf's
/// index given by `index_bits` (little-endian: bit `l` set = right child at level `l`).
/// Costs one Poseidon permutation and one selection per level.
pub fn merkle_root(
	cs: ConstraintSystemRef<Fr>,
	leaf: &FpVar<Fr>,
	index_bits: &[Boolean<Fr>],
	siblings: &[FpVar<Fr>],
) -> Result<FpVar<Fr>, SynthesisError> {
	assert_eq!(index_bits.len(), siblings.len());
	let mut node = leaf.clone();
	for (bit, sibling) in index_bits.iter().zip(siblings) {
		let left = FpVar::conditionally_select(bit, sibling, &node)?;
		let right = &node + sibling - &left;
		node = hash2_var(cs.clone(), &left, &right)?;
	}
	Ok(node)
}

/// `1 − b` as a field variable.
pub fn not_fp(b: &Boolean<Fr>) -> FpVar<Fr> {
	FpVar::one() - FpVar::from(b.clone())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{poseidon::hash2, rollup::smt::SparseMerkleTree};
	use ark_relations::r1cs::ConstraintSystem;

	#[test]
	fn range_check_accepts_in_range_and_rejects_out_of_range() {
		for (value, ok) in
			[(Fr::from(u64::MAX), true), (Fr::from(0u64), true), (-Fr::from(1u64), false)]
		{
			let cs = ConstraintSystem::<Fr>::new_ref();
			let v = FpVar::new_witness(cs.clone(), || Ok(value)).unwrap();
			range_check(&v, 64).unwrap();
			assert_eq!(cs.is_satisfied().unwrap(), ok);
		}
	}

	#[test]
	fn word_encodes_only_its_canonical_value() {
		let value = hash2(Fr::from(1u64), Fr::from(2u64));
		let bytes = crate::field::fr_to_bytes(&value);
		for (claimed, ok) in [(value, true), (value + Fr::from(1u64), false)] {
			let cs = ConstraintSystem::<Fr>::new_ref();
			let word = WordVar::new_input(cs.clone(), &bytes).unwrap();
			let v = FpVar::new_witness(cs.clone(), || Ok(claimed)).unwrap();
			word.enforce_encodes(&v).unwrap();
			assert_eq!(cs.is_satisfied().unwrap(), ok);
		}
	}

	#[test]
	fn merkle_gadget_matches_the_native_tree() {
		let mut tree = SparseMerkleTree::new(4);
		tree.set(9, Fr::from(5u64));
		tree.set(2, Fr::from(6u64));
		let cs = ConstraintSystem::<Fr>::new_ref();
		let leaf = FpVar::new_witness(cs.clone(), || Ok(Fr::from(5u64))).unwrap();
		let bits = small_witness(cs.clone(), 9, 4).unwrap();
		let siblings: Vec<_> = tree
			.path(9)
			.into_iter()
			.map(|s| FpVar::new_witness(cs.clone(), || Ok(s)).unwrap())
			.collect();
		let root = merkle_root(cs.clone(), &leaf, &bits, &siblings).unwrap();
		assert_eq!(root.value().unwrap(), tree.root());
		assert!(cs.is_satisfied().unwrap());
	}
}
