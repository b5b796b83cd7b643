//! Tests of the importers against vectors made by the real tools: circom 2.2 (circom2
//! 0.2.23) and snarkjs 0.7.6 on `prover/tests/circom/statement10.circom`
//! (`prover/tests/circom/gen.sh`). `vk.hex` and `proof.hex` were computed from the JSON
//! independently of this code.

mod arkworks;
mod snarkjs;

use super::*;
use crate::{groth16::VerifyError, host::zkpow_crypto, SequenceStatement};
use ark_bn254::{Fq, Fq2, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::One;

const VK_JSON: &str =
	include_str!("../../../test-vectors/snarkjs-statement10/verification_key.json");
const PROOF_JSON: &str = include_str!("../../../test-vectors/snarkjs-statement10/proof.json");
const PUBLIC_JSON: &str = include_str!("../../../test-vectors/snarkjs-statement10/public.json");
const VK_HEX: &str = include_str!("../../../test-vectors/snarkjs-statement10/vk.hex");
const PROOF_HEX: &str = include_str!("../../../test-vectors/snarkjs-statement10/proof.hex");

fn unhex(text: &str) -> Vec<u8> {
	hex::decode(text.trim().trim_start_matches("0x")).expect("test vector is hex")
}

fn vector_vk() -> Vec<u8> {
	unhex(VK_HEX)
}

fn vector_proof() -> Vec<u8> {
	unhex(PROOF_HEX)
}

/// The statement `input.json` encodes.
fn vector_statement() -> SequenceStatement {
	let mut prev = [0u8; 32];
	for (i, b) in prev.iter_mut().enumerate() {
		*b = i as u8 + 1;
	}
	let mut new = [0xeeu8; 32];
	new[..16].fill(0xff);
	let bytes32 = |h: &str| unhex(h).try_into().expect("32 bytes");
	SequenceStatement {
		rollup_id: 7,
		sequence_index: 42,
		prev_state_root: prev,
		new_state_root: new,
		data_commitment: bytes32(
			"9c22ff5f21f0b81b113e63f7db6da94fedef11b2119b4088b89664fb9a3cb658",
		),
		prover: bytes32("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"),
	}
}

/// Verifies through the functions the pallet calls (`zkpow_crypto`, run natively here).
fn chain_verify(vk: &[u8], proof: &[u8], statement: &SequenceStatement) -> Result<(), VerifyError> {
	zkpow_crypto::groth16_bn254_validate_key(vk, STATEMENT_PUBLIC_INPUTS as u32)?;
	zkpow_crypto::groth16_bn254_verify(vk, proof, statement.public_inputs().to_vec())
}

/// A point on the BN254 twist that is not in the prime-order subgroup of G2.
fn g2_outside_subgroup() -> G2Affine {
	(1u64..)
		.filter_map(|i| {
			G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(i), Fq::one()), true)
		})
		.find(|p| !p.is_in_correct_subgroup_assuming_on_curve())
		.expect("the twist has points outside the subgroup")
}

#[test]
fn vectors_verify_through_the_chain() {
	let statement =
		statement_from_public_inputs(&public_inputs_from_snarkjs(PUBLIC_JSON).unwrap()).unwrap();
	assert_eq!(statement, vector_statement());
	assert_eq!(chain_verify(&vector_vk(), &vector_proof(), &statement), Ok(()));
	assert_eq!(vector_vk().len(), 1152);
}

#[test]
fn tampered_proof_key_or_statement_is_rejected() {
	let (vk, proof, statement) = (vector_vk(), vector_proof(), vector_statement());
	// Another valid point as A: the encoding is fine, the pairing check fails.
	let mut other_a = proof.clone();
	other_a[..64].copy_from_slice(&vk[..64]);
	assert_eq!(chain_verify(&vk, &other_a, &statement), Err(VerifyError::ProofRejected));
	let mut flipped = proof.clone();
	flipped[200] ^= 1;
	assert!(chain_verify(&vk, &flipped, &statement).is_err());
	// Swapping two IC points keeps a valid key that no longer accepts the proof.
	let mut swapped = vk.clone();
	let (ic1, ic2) = (448 + 64, 448 + 128);
	let point = swapped[ic1..ic1 + 64].to_vec();
	swapped.copy_within(ic2..ic2 + 64, ic1);
	swapped[ic2..ic2 + 64].copy_from_slice(&point);
	assert_eq!(chain_verify(&swapped, &proof, &statement), Err(VerifyError::ProofRejected));
	// The proof is bound to its prover.
	let other = SequenceStatement { prover: [0x11; 32], ..statement };
	assert_eq!(chain_verify(&vk, &proof, &other), Err(VerifyError::ProofRejected));
}

#[test]
fn public_inputs_outside_their_fields_are_refused() {
	let mut inputs = vector_statement().public_inputs();
	inputs[0][27] = 1;
	assert_eq!(
		statement_from_public_inputs(&inputs),
		Err(ImportError::InputRange { index: 0, name: "rollup_id", bits: 32 })
	);
	let mut inputs = vector_statement().public_inputs();
	inputs[9][15] = 1;
	let error = statement_from_public_inputs(&inputs).unwrap_err();
	assert_eq!(error, ImportError::InputRange { index: 9, name: "prover_lo", bits: 128 });
	assert!(error.to_string().contains("primitives/src/statement.rs"), "{error}");
}

#[test]
fn input_names_follow_the_statement() {
	assert_eq!(STATEMENT_INPUT_NAMES.len(), STATEMENT_PUBLIC_INPUTS);
	assert_eq!(STATEMENT_INPUT_NAMES[0], "rollup_id");
	assert_eq!(STATEMENT_INPUT_NAMES[9], "prover_lo");
}

#[test]
fn circom_input_of_a_statement_is_what_circom_was_given() {
	// `input.json` is what gen.sh proved the vectors from: its public part must be exactly
	// what `circom_public_input` writes for the vectors' statement.
	let given: serde_json::Map<String, serde_json::Value> =
		serde_json::from_str(include_str!("../../../test-vectors/snarkjs-statement10/input.json"))
			.unwrap();
	let written = circom_public_input(&vector_statement());
	assert_eq!(written.len(), STATEMENT_PUBLIC_INPUTS);
	for (name, value) in &written {
		assert_eq!(Some(value), given.get(name), "{name}");
	}
}
