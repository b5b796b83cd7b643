//! The crate's error type.

use zkpow_primitives::{artifact::ArtifactError, groth16::VerifyError};

/// Why a circuit operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
	/// The input (a witness, a batch, a header, a proof) is not acceptable; the message
	/// says what is wrong with it.
	InvalidInput(String),
	/// An artifact or key set was rejected by the shared verifier.
	Artifact(ArtifactError),
	/// A single Groth16 proof was rejected.
	Proof(VerifyError),
	/// Constraint synthesis or proving failed.
	Synthesis(String),
	/// Reading or writing key files failed.
	Io(String),
}

impl std::fmt::Display for Error {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Error::InvalidInput(msg) => write!(f, "invalid input: {msg}"),
			Error::Artifact(e) => write!(f, "artifact rejected: {} ({e:?})", <&str>::from(*e)),
			Error::Proof(e) => write!(f, "proof rejected: {e:?}"),
			Error::Synthesis(msg) => write!(f, "proving failed: {msg}"),
			Error::Io(msg) => write!(f, "key storage: {msg}"),
		}
	}
}

impl std::error::Error for Error {}

impl From<ArtifactError> for Error {
	fn from(e: ArtifactError) -> Self {
		Error::Artifact(e)
	}
}

impl From<ark_relations::r1cs::SynthesisError> for Error {
	fn from(e: ark_relations::r1cs::SynthesisError) -> Self {
		Error::Synthesis(e.to_string())
	}
}

/// Shorthand for an [`Error::InvalidInput`].
pub(crate) fn invalid(msg: impl Into<String>) -> Error {
	Error::InvalidInput(msg.into())
}
