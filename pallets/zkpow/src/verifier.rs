//! Proof verification behind one trait, one implementation per proof system.
//!
//! The protocol (windows, rewards, penalties) only ever calls [`VerifierKind::validate_key`]
//! at registration and [`VerifierKind::verify`] at reveal. A new proof system is a new
//! [`VerifierKind`] variant plus a [`ProofVerifier`] implementation; nothing else changes.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use zkpow_primitives::{
	artifact::ArtifactError,
	groth16::{VerifyError, PROOF_LEN},
	host::zkpow_crypto,
	statement::STATEMENT_PUBLIC_INPUTS,
	BatchHeader, SequenceStatement,
};

/// Why a verifying key or a proof was rejected, per proof system.
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
pub enum VerificationError {
	/// A single Groth16/BN254 key or proof was rejected.
	#[codec(index = 0)]
	Groth16(VerifyError),
	/// A multi-proof artifact or its key set was rejected.
	#[codec(index = 1)]
	Artifact(ArtifactError),
}

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
	/// The reference rollup's multi-proof artifact (version 1): a final proof over the
	/// sequence statement, one batch proof per batch and, for more than one batch, an
	/// aggregator proof, checked together with one randomized batched pairing check. The
	/// key is a verifying-key set (batch, aggregator and final keys). Every proof's public
	/// inputs are derived from the stored batch headers and bound to the revealer.
	#[codec(index = 1)]
	ReferenceArtifactV1,
}

/// A proof system the pallet can check final proofs with.
pub trait ProofVerifier {
	/// Fully validates a verifying key once, when a rollup registers: encoding, every point
	/// on its curve and in its subgroup, the number of public inputs.
	fn validate_key(key: &[u8]) -> Result<(), VerificationError>;

	/// Checks `proof` for `statement` (and the sequence's `batches`) against a key that
	/// passed [`Self::validate_key`].
	fn verify(
		key: &[u8],
		proof: &[u8],
		statement: &SequenceStatement,
		batches: &[BatchHeader],
	) -> Result<(), VerificationError>;
}

/// Groth16/BN254 through the node's native `zkpow_crypto` host functions.
pub struct Groth16Bn254Verifier;

impl ProofVerifier for Groth16Bn254Verifier {
	fn validate_key(key: &[u8]) -> Result<(), VerificationError> {
		zkpow_crypto::groth16_bn254_validate_key(key, STATEMENT_PUBLIC_INPUTS as u32)
			.map_err(VerificationError::Groth16)
	}

	fn verify(
		key: &[u8],
		proof: &[u8],
		statement: &SequenceStatement,
		_batches: &[BatchHeader],
	) -> Result<(), VerificationError> {
		// Cheap checks first so that obviously malformed input never crosses into the host.
		if proof.len() != PROOF_LEN {
			return Err(VerificationError::Groth16(VerifyError::BadLength));
		}
		zkpow_crypto::groth16_bn254_verify(key, proof, statement.public_inputs().to_vec())
			.map_err(VerificationError::Groth16)
	}
}

/// The reference rollup's multi-proof artifact through the `zkpow_crypto` host functions.
pub struct ReferenceArtifactVerifier;

impl ProofVerifier for ReferenceArtifactVerifier {
	fn validate_key(key: &[u8]) -> Result<(), VerificationError> {
		zkpow_crypto::artifact_validate_key_set(key)
			.map(|_capacity| ())
			.map_err(VerificationError::Artifact)
	}

	fn verify(
		key: &[u8],
		proof: &[u8],
		statement: &SequenceStatement,
		batches: &[BatchHeader],
	) -> Result<(), VerificationError> {
		if proof.len() != zkpow_primitives::artifact::artifact_len(batches.len()) {
			return Err(VerificationError::Artifact(ArtifactError::MalformedArtifact));
		}
		zkpow_crypto::artifact_verify(key, proof, statement.clone(), batches.to_vec())
			.map_err(VerificationError::Artifact)
	}
}

impl VerifierKind {
	/// Validates a verifying key for this proof system.
	pub fn validate_key(&self, key: &[u8]) -> Result<(), VerificationError> {
		match self {
			VerifierKind::Groth16Bn254 => Groth16Bn254Verifier::validate_key(key),
			VerifierKind::ReferenceArtifactV1 => ReferenceArtifactVerifier::validate_key(key),
		}
	}

	/// The most batches per sequence a (validated) key can prove: the aggregator capacity
	/// of a reference key set; `None` for a single Groth16 proof, which proves a sequence
	/// of any length.
	pub fn batch_capacity(&self, key: &[u8]) -> Option<u32> {
		match self {
			VerifierKind::Groth16Bn254 => None,
			VerifierKind::ReferenceArtifactV1 => {
				zkpow_primitives::artifact::split_vk_set(key).ok().map(|(n, _)| n as u32)
			},
		}
	}

	/// Verifies a final proof for this proof system.
	pub fn verify(
		&self,
		key: &[u8],
		proof: &[u8],
		statement: &SequenceStatement,
		batches: &[BatchHeader],
	) -> Result<(), VerificationError> {
		match self {
			VerifierKind::Groth16Bn254 => {
				Groth16Bn254Verifier::verify(key, proof, statement, batches)
			},
			VerifierKind::ReferenceArtifactV1 => {
				ReferenceArtifactVerifier::verify(key, proof, statement, batches)
			},
		}
	}
}
