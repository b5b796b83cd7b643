//! Groth16 fixtures for benchmarks, computed in the runtime itself (no prover needed).
//!
//! Benchmarks run inside the WASM runtime, where no proving key or prover is available.
//! They need verifying keys that pass full validation and, for any public inputs, proofs
//! that verify, so that `reveal_proof` is measured on its real (worst-case) path.
//!
//! Every key below is built from a *known trapdoor*: `alpha = G1`, `beta = gamma = delta =
//! G2` (the generators) and `IC[j] = (j + 2)·G1`. For public inputs `x`, the verifier
//! checks `e(A, B) = e(alpha, beta) · e(L, gamma) · e(C, delta)` with
//! `L = IC[0] + Σ x_i·IC[i+1]`, that is `a = 1 + l + c` in the exponent, where `A = a·G1`,
//! `B = G2`, `C = c·G1`, `L = l·G1`. Choosing `c = a − 1 − l` gives a proof for any
//! inputs. Such keys are worthless for a real rollup (anyone can "prove" anything) but
//! cost exactly what real keys with as many public inputs cost to validate and verify.
//!
//! The same construction gives a whole verifying-key set (batch, aggregator and final
//! keys) and a multi-proof artifact for any sequence: each of its proofs satisfies its own
//! pairing equation, so the randomized batched check over all of them holds too.

use alloc::vec::Vec;
use ark_bn254::{Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use zkpow_primitives::{
	artifact::{
		aggregator_input_count, derive_public_inputs, encode_artifact, encode_vk_set,
		BATCH_PUBLIC_INPUTS, FINAL_PUBLIC_INPUTS,
	},
	groth16::{decode_fr, encode_g1, encode_g2},
	statement::STATEMENT_PUBLIC_INPUTS,
	BatchHeader, Bytes32, SequenceStatement,
};

fn ic_scalar(j: usize) -> Fr {
	Fr::from(j as u64 + 2)
}

/// A verifying key with `inputs` public inputs and a known trapdoor; see the module docs.
pub fn trapdoor_key(inputs: usize) -> Vec<u8> {
	let g1 = G1Affine::generator();
	let g2 = G2Affine::generator();
	let mut key = Vec::new();
	key.extend_from_slice(&encode_g1(&g1));
	for _ in 0..3 {
		key.extend_from_slice(&encode_g2(&g2));
	}
	for j in 0..=inputs {
		key.extend_from_slice(&encode_g1(&(g1 * ic_scalar(j)).into_affine()));
	}
	key
}

/// A proof for public `inputs` that verifies against [`trapdoor_key`]`(inputs.len())`.
pub fn trapdoor_proof_for(inputs: &[Bytes32]) -> Vec<u8> {
	let mut l = ic_scalar(0);
	for (i, input) in inputs.iter().enumerate() {
		let x = decode_fr(input).expect("derived inputs are below 2^128; qed");
		l += x * ic_scalar(i + 1);
	}
	let a = Fr::from(7u64);
	let c = a - Fr::from(1u64) - l;
	let g1 = G1Affine::generator();
	let mut proof = Vec::new();
	proof.extend_from_slice(&encode_g1(&(g1 * a).into_affine()));
	proof.extend_from_slice(&encode_g2(&G2Affine::generator()));
	proof.extend_from_slice(&encode_g1(&(g1 * c).into_affine()));
	proof
}

/// The single-proof key (ten public inputs, the sequence statement).
pub fn trapdoor_verifying_key() -> Vec<u8> {
	trapdoor_key(STATEMENT_PUBLIC_INPUTS)
}

/// A single proof of `statement` that verifies against [`trapdoor_verifying_key`].
pub fn trapdoor_proof(statement: &SequenceStatement) -> Vec<u8> {
	trapdoor_proof_for(&statement.public_inputs())
}

/// A verifying-key set for sequences of up to `capacity` batches.
pub fn trapdoor_key_set(capacity: usize) -> Vec<u8> {
	encode_vk_set(
		capacity,
		&trapdoor_key(BATCH_PUBLIC_INPUTS),
		&trapdoor_key(aggregator_input_count(capacity)),
		&trapdoor_key(FINAL_PUBLIC_INPUTS),
	)
	.expect("capacity is within bounds; qed")
}

/// An artifact for `statement` and its `batches` that verifies against
/// [`trapdoor_key_set`]`(capacity)`.
pub fn trapdoor_artifact(
	capacity: usize,
	statement: &SequenceStatement,
	batches: &[BatchHeader],
) -> Vec<u8> {
	let with_aggregator = batches.len() > 1;
	let proofs: Vec<Vec<u8>> = derive_public_inputs(capacity, statement, batches, with_aggregator)
		.iter()
		.map(|(_, inputs)| trapdoor_proof_for(inputs))
		.collect();
	let batch_proofs = &proofs[1..=batches.len()];
	let aggregator = with_aggregator.then(|| proofs[batches.len() + 1].as_slice());
	encode_artifact(&proofs[0], batch_proofs, aggregator).expect("one proof per batch; qed")
}
