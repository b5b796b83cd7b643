//! Groth16 fixtures for benchmarks, computed in the runtime itself (no prover needed).
//!
//! Benchmarks run inside the WASM runtime, where no proving key or prover is available.
//! They need a verifying key that passes full validation and, for any statement, a proof
//! that verifies, so that `reveal_proof` is measured on its real (worst-case) path.
//!
//! The key below is built from a *known trapdoor*: `alpha = G1`, `beta = gamma = delta = G2`
//! (the generators) and `IC[j] = (j + 2)·G1`. For public inputs `x`, the verifier checks
//! `e(A, B) = e(alpha, beta) · e(L, gamma) · e(C, delta)` with
//! `L = IC[0] + Σ x_i·IC[i+1]`, that is `a = 1 + l + c` in the exponent, where `A = a·G1`,
//! `B = G2`, `C = c·G1`, `L = l·G1`. Choosing `c = a − 1 − l` gives a proof for any
//! statement. Such a key is worthless for a real rollup (anyone can "prove" anything) but
//! costs exactly what a real key with ten public inputs costs to validate and verify.

use alloc::vec::Vec;
use ark_bn254::{Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use zkpow_primitives::{
	groth16::{decode_fr, encode_g1, encode_g2},
	statement::STATEMENT_PUBLIC_INPUTS,
	SequenceStatement,
};

fn ic_scalar(j: usize) -> Fr {
	Fr::from(j as u64 + 2)
}

/// A verifying key (ten public inputs) with a known trapdoor; see the module docs.
pub fn trapdoor_verifying_key() -> Vec<u8> {
	let g1 = G1Affine::generator();
	let g2 = G2Affine::generator();
	let mut key = Vec::new();
	key.extend_from_slice(&encode_g1(&g1));
	for _ in 0..3 {
		key.extend_from_slice(&encode_g2(&g2));
	}
	for j in 0..=STATEMENT_PUBLIC_INPUTS {
		key.extend_from_slice(&encode_g1(&(g1 * ic_scalar(j)).into_affine()));
	}
	key
}

/// A proof of `statement` that verifies against [`trapdoor_verifying_key`].
pub fn trapdoor_proof(statement: &SequenceStatement) -> Vec<u8> {
	let mut l = ic_scalar(0);
	for (i, input) in statement.public_inputs().iter().enumerate() {
		let x = decode_fr(input).expect("statement inputs are below 2^128; qed");
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
