//! The verifier interface with real Groth16 fixtures, and the benchmark fixtures.

use super::*;
use crate::benchmark_fixtures::{trapdoor_proof, trapdoor_verifying_key};
use crate::VerificationError;
use zkpow_primitives::{groth16::VerifyError, SequenceStatement};

fn statement(prover: u8) -> SequenceStatement {
	SequenceStatement::new(3, 9, [1; 32], &batches(2, 5), [prover; 32])
}

#[test]
fn accept_a_real_proof_for_its_statement_only() {
	let kind = VerifierKind::Groth16Bn254;
	assert_eq!(kind.validate_key(&keys().vk_bytes), Ok(()));
	let proof = testing::prove(keys(), &statement(1), 3);
	assert_eq!(kind.verify(&keys().vk_bytes, &proof, &statement(1), &batches(2, 5)), Ok(()));
	assert_eq!(
		kind.verify(&keys().vk_bytes, &proof, &statement(2), &batches(2, 5)),
		Err(VerificationError::Groth16(VerifyError::ProofRejected))
	);
	assert_eq!(
		kind.verify(&keys().vk_bytes, &proof[..255], &statement(1), &batches(2, 5)),
		Err(VerificationError::Groth16(VerifyError::BadLength))
	);
}

#[test]
fn make_benchmark_fixtures_that_verify_like_real_ones() {
	let kind = VerifierKind::Groth16Bn254;
	let key = trapdoor_verifying_key();
	assert_eq!(key.len(), keys().vk_bytes.len());
	assert_eq!(kind.validate_key(&key), Ok(()));
	let proof = trapdoor_proof(&statement(1));
	assert_eq!(kind.verify(&key, &proof, &statement(1), &batches(2, 5)), Ok(()));
	assert_eq!(
		kind.verify(&key, &proof, &statement(2), &batches(2, 5)),
		Err(VerificationError::Groth16(VerifyError::ProofRejected))
	);
}
