//! arkworks `CanonicalSerialize` bytes, made by ark-serialize itself from the snarkjs
//! vectors, both modes, and each bad input.

use super::*;
use crate::groth16::{decode_proof, decode_verifying_key};
use ark_serialize::{CanonicalSerialize, Compress};

fn ark_vk(compress: Compress) -> Vec<u8> {
	let key = decode_verifying_key(&vector_vk()).unwrap();
	let mut out = Vec::new();
	key.serialize_with_mode(&mut out, compress).unwrap();
	out
}

fn ark_proof(compress: Compress) -> Vec<u8> {
	let proof = decode_proof(&vector_proof()).unwrap();
	let mut out = Vec::new();
	proof.serialize_with_mode(&mut out, compress).unwrap();
	out
}

fn field(name: &str) -> String {
	name.to_string()
}

#[test]
fn both_modes_import_to_the_chain_bytes_and_verify() {
	let compressed = ark_vk(Compress::Yes);
	let uncompressed = ark_vk(Compress::No);
	assert_eq!(compressed.len(), ARKWORKS_VK_COMPRESSED_LEN);
	assert_eq!((ARKWORKS_VK_COMPRESSED_LEN, ARKWORKS_VK_UNCOMPRESSED_LEN), (584, 1160));
	assert_eq!(uncompressed.len(), ARKWORKS_VK_UNCOMPRESSED_LEN);
	for bytes in [&compressed, &uncompressed] {
		assert_eq!(vk_from_arkworks(bytes).unwrap(), vector_vk());
	}
	for compress in [Compress::Yes, Compress::No] {
		let proof = proof_from_arkworks(&ark_proof(compress)).unwrap();
		assert_eq!(proof, vector_proof());
		assert_eq!(chain_verify(&vector_vk(), &proof, &vector_statement()), Ok(()));
	}
	assert_eq!(vk_to_arkworks(&vector_vk(), true).unwrap(), compressed);
	assert_eq!(vk_to_arkworks(&vector_vk(), false).unwrap(), uncompressed);
}

#[test]
fn extra_data_is_not_supported() {
	// A key with trailing data (e.g. commitment keys appended) and a proof with extra
	// points (`ds`/commitments, as in arkworks forks with a commitment extension).
	let mut key = ark_vk(Compress::Yes);
	key.extend_from_slice(&[0u8; 40]);
	let error = vk_from_arkworks(&key).unwrap_err();
	assert!(matches!(error, ImportError::Commitments { .. }), "{error:?}");
	assert!(error.to_string().contains("not supported"), "{error}");
	let mut proof = ark_proof(Compress::Yes);
	proof.extend_from_slice(&1u64.to_le_bytes());
	proof.extend_from_slice(&ark_proof(Compress::Yes)[..32]);
	let error = proof_from_arkworks(&proof).unwrap_err();
	assert!(matches!(error, ImportError::Commitments { .. }), "{error:?}");
}

#[test]
fn wrong_lengths_and_input_counts() {
	let error = vk_from_arkworks(&[7u8; 100]).unwrap_err();
	assert!(matches!(error, ImportError::Length { len: 100, .. }), "{error:?}");
	assert!(error.to_string().contains("584"), "{error}");
	let error = proof_from_arkworks(&[0u8; 200]).unwrap_err();
	assert!(matches!(error, ImportError::Length { len: 200, .. }), "{error:?}");
	// A key for nine inputs: one IC point fewer and its count lowered.
	let mut nine = ark_vk(Compress::Yes);
	nine.truncate(nine.len() - 32);
	nine[224..232].copy_from_slice(&10u64.to_le_bytes());
	let error = vk_from_arkworks(&nine).unwrap_err();
	assert_eq!(error, ImportError::PublicInputs { found: 9 });
	assert!(error.to_string().contains("primitives/src/statement.rs"), "{error}");
	// A huge count never allocates.
	let mut huge = ark_vk(Compress::No);
	huge[448..456].copy_from_slice(&u64::MAX.to_le_bytes());
	assert!(matches!(vk_from_arkworks(&huge), Err(ImportError::Length { .. })));
}

#[test]
fn bad_points_are_named() {
	// Uncompressed alpha: y + 1 is off the curve.
	let mut key = ark_vk(Compress::No);
	key[32] ^= 1;
	assert_eq!(vk_from_arkworks(&key), Err(ImportError::NotOnCurve { field: field("alpha_g1") }));
	// A coordinate equal to the modulus p (little-endian) is non-canonical.
	let p = ark_ff::BigInteger::to_bytes_le(&<Fq as ark_ff::PrimeField>::MODULUS);
	let mut key = ark_vk(Compress::No);
	let ic3 = 448 + 8 + 3 * 64;
	key[ic3..ic3 + 32].copy_from_slice(&p);
	assert_eq!(
		vk_from_arkworks(&key),
		Err(ImportError::NonCanonical { field: field("gamma_abc_g1[3]"), modulus: Field::Base })
	);
	// Both flag bits set.
	let mut key = ark_vk(Compress::Yes);
	key[31] |= 0xc0;
	assert_eq!(vk_from_arkworks(&key), Err(ImportError::Flags { field: field("alpha_g1") }));
	// Infinity where the key needs a point.
	let mut key = ark_vk(Compress::Yes);
	key[32..96].fill(0);
	key[95] = 0x40;
	assert_eq!(
		vk_from_arkworks(&key),
		Err(ImportError::PointAtInfinity { field: field("beta_g2") })
	);
	// A twist point outside the subgroup as delta.
	let mut outside = Vec::new();
	g2_outside_subgroup().serialize_uncompressed(&mut outside).unwrap();
	let mut key = ark_vk(Compress::No);
	key[64 + 256..64 + 384].copy_from_slice(&outside);
	assert_eq!(
		vk_from_arkworks(&key),
		Err(ImportError::NotInSubgroup { field: field("delta_g2") })
	);
}

#[test]
fn compressed_x_without_a_point_is_off_the_curve() {
	// Find an x for which x^3 + 3 has no square root and write it as the proof's C.
	let x = (1u64..)
		.map(Fq::from)
		.find(|x| ark_bn254::G1Affine::get_ys_from_x_unchecked(*x).is_none())
		.unwrap();
	let mut proof = ark_proof(Compress::Yes);
	let mut bytes = Vec::new();
	x.serialize_compressed(&mut bytes).unwrap();
	proof[96..128].copy_from_slice(&bytes);
	assert_eq!(proof_from_arkworks(&proof), Err(ImportError::NotOnCurve { field: field("c") }));
}
