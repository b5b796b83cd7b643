//! Proof verification behind one trait, one implementation per proof system.
//!
//! The protocol (windows, rewards, penalties) only ever calls [`VerifierKind::validate_key`]
//! at registration and [`VerifierKind::verify`] at reveal. A new proof system is a new
//! [`VerifierKind`] variant plus a [`ProofVerifier`] implementation; nothing else changes.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use zkpow_primitives::{
	groth16::{VerifyError, PROOF_LEN},
	host::zkpow_crypto,
	statement::STATEMENT_PUBLIC_INPUTS,
	SequenceStatement,
};

/// The proof system a rollup's final proofs use, chosen at registration.
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
pub enum VerifierKind {
	/// Groth16 over BN254: a single 256-byte proof (`A ++ B ++ C`, EVM encoding) over the ten
	/// public inputs of the sequence statement. The verifying key is in the EVM encoding too:
	/// `alpha ++ beta ++ gamma ++ delta ++ IC[0..=10]`, 1,152 bytes.
	#[codec(index = 0)]
	Groth16Bn254,
}

/// A proof system the pallet can check final proofs with.
pub trait ProofVerifier {
	/// Fully validates a verifying key once, when a rollup registers: encoding, every point
	/// on its curve and in its subgroup, the number of public inputs.
	fn validate_key(key: &[u8]) -> Result<(), VerifyError>;

	/// Checks `proof` for `statement` against a key that passed [`Self::validate_key`].
	fn verify(key: &[u8], proof: &[u8], statement: &SequenceStatement) -> Result<(), VerifyError>;
}

/// Groth16/BN254 through the node's native `zkpow_crypto` host functions.
pub struct Groth16Bn254Verifier;

impl ProofVerifier for Groth16Bn254Verifier {
	fn validate_key(key: &[u8]) -> Result<(), VerifyError> {
		zkpow_crypto::groth16_bn254_validate_key(key, STATEMENT_PUBLIC_INPUTS as u32)
	}

	fn verify(key: &[u8], proof: &[u8], statement: &SequenceStatement) -> Result<(), VerifyError> {
		// Cheap checks first so that obviously malformed input never crosses into the host.
		if proof.len() != PROOF_LEN {
			return Err(VerifyError::BadLength);
		}
		zkpow_crypto::groth16_bn254_verify(key, proof, statement.public_inputs().to_vec())
	}
}

impl VerifierKind {
	/// Validates a verifying key for this proof system.
	pub fn validate_key(&self, key: &[u8]) -> Result<(), VerifyError> {
		match self {
			VerifierKind::Groth16Bn254 => Groth16Bn254Verifier::validate_key(key),
		}
	}

	/// Verifies a final proof for this proof system.
	pub fn verify(
		&self,
		key: &[u8],
		proof: &[u8],
		statement: &SequenceStatement,
	) -> Result<(), VerifyError> {
		match self {
			VerifierKind::Groth16Bn254 => Groth16Bn254Verifier::verify(key, proof, statement),
		}
	}
}
