//! Why an imported key, proof or set of public inputs was refused.

use crate::{groth16::VerifyError, statement::STATEMENT_PUBLIC_INPUTS};
use std::fmt;

/// Which BN254 field a number must be an element of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
	/// The base field Fq: point coordinates.
	Base,
	/// The scalar field Fr: public inputs.
	Scalar,
}

impl Field {
	fn name(self) -> &'static str {
		match self {
			Field::Base => "BN254 base field modulus",
			Field::Scalar => "BN254 scalar field modulus",
		}
	}
}

/// Why an import or export failed. `field` names the offending item as it appears in the
/// input (`vk_beta_2`, `IC[3]`, `pi_a`, `gamma_abc_g1[2]`, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
	/// The input is not well-formed JSON.
	Json {
		/// 1-based line of the error, as serde_json reports it.
		line: usize,
		/// 1-based column of the error.
		column: usize,
		/// serde_json's description.
		message: String,
	},
	/// A required field is missing.
	Missing {
		/// The field.
		field: String,
	},
	/// A field does not have the shape the format prescribes.
	Shape {
		/// The field.
		field: String,
		/// What was expected there.
		expected: &'static str,
	},
	/// The file is for another proof system (snarkjs `plonk`, `fflonk`, …).
	Protocol {
		/// The `protocol` the file names.
		found: String,
	},
	/// The file is for another curve (`bls12381`, …).
	Curve {
		/// The `curve` the file names.
		found: String,
	},
	/// The key or the public inputs are not for the ten-input sequence statement.
	PublicInputs {
		/// How many public inputs the input has.
		found: usize,
	},
	/// A snarkjs key's `IC` does not have `nPublic + 1` points.
	IcLength {
		/// The key's `nPublic`.
		n_public: usize,
		/// The number of `IC` points.
		ic: usize,
	},
	/// A number is not a decimal integer.
	NotANumber {
		/// The field.
		field: String,
		/// The value as written.
		value: String,
	},
	/// A number is not below the field's modulus (a non-canonical encoding).
	NonCanonical {
		/// The field.
		field: String,
		/// The field it must be an element of.
		modulus: Field,
	},
	/// A point is not on the BN254 curve.
	NotOnCurve {
		/// The point.
		field: String,
	},
	/// A G2 point is on the curve but not in the prime-order subgroup.
	NotInSubgroup {
		/// The point.
		field: String,
	},
	/// A snarkjs point's projective `z` is neither 1 (affine) nor 0 (infinity).
	NotAffine {
		/// The point.
		field: String,
	},
	/// A key element that must not be the point at infinity is.
	PointAtInfinity {
		/// The point.
		field: String,
	},
	/// The input carries Pedersen commitment data (gnark's Groth16 extension), which the
	/// chain's plain Groth16 verifier cannot check.
	Commitments {
		/// What was found.
		detail: String,
	},
	/// Binary input of a length that matches no supported layout.
	Length {
		/// What was read (`arkworks VerifyingKey<Bn254>`, …).
		what: &'static str,
		/// Its length.
		len: usize,
		/// The lengths that would have been accepted.
		expected: &'static str,
	},
	/// arkworks point flags that are not valid (infinity and negative `y` together).
	Flags {
		/// The point.
		field: String,
	},
	/// A public input is too large for the statement field it encodes.
	InputRange {
		/// Position of the input (0-based).
		index: usize,
		/// The statement field.
		name: &'static str,
		/// How many bits the field has.
		bits: u32,
	},
	/// The chain's own validation rejected the bytes.
	Chain(VerifyError),
}

/// Describes a [`VerifyError`] in words.
pub fn describe_verify_error(error: &VerifyError) -> &'static str {
	match error {
		VerifyError::BadLength => "wrong number of bytes",
		VerifyError::NonCanonicalField => "a coordinate is not below the base field modulus",
		VerifyError::PointNotOnCurve => "a point is not on the BN254 curve",
		VerifyError::PointNotInSubgroup => "a G2 point is not in the prime-order subgroup",
		VerifyError::DegenerateKey => "alpha, beta, gamma or delta is the point at infinity",
		VerifyError::InputCountMismatch => "the key is not for the ten-input sequence statement",
		VerifyError::NonCanonicalInput => "a public input is not below the scalar field modulus",
		VerifyError::ProofRejected => "the proof does not verify for these public inputs",
	}
}

/// Where the statement's layout is documented, for messages.
const LAYOUT: &str = "rollup_id, sequence_index, then the high and low 128 bits of \
	prev_state_root, new_state_root, data_commitment and prover, in the order documented \
	on `SequenceStatement::public_inputs` in primitives/src/statement.rs";

impl fmt::Display for ImportError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Json { line, column, message } => {
				write!(f, "malformed JSON at line {line} column {column}: {message}")
			},
			Self::Missing { field } => write!(f, "missing field `{field}`"),
			Self::Shape { field, expected } => write!(f, "{field}: expected {expected}"),
			Self::Protocol { found } => write!(
				f,
				"protocol \"{found}\" is not supported: only groth16 keys and proofs can be \
				 imported"
			),
			Self::Curve { found } => {
				write!(f, "curve \"{found}\" is not supported: only bn128 (BN254) is supported")
			},
			Self::PublicInputs { found } => write!(
				f,
				"{found} public inputs, but the chain's sequence statement has \
				 {STATEMENT_PUBLIC_INPUTS} public inputs ({LAYOUT})"
			),
			Self::IcLength { n_public, ic } => write!(
				f,
				"IC has {ic} points but nPublic is {n_public}: a Groth16 key has nPublic + 1"
			),
			Self::NotANumber { field, value } => {
				write!(f, "{field}: \"{value}\" is not a decimal number")
			},
			Self::NonCanonical { field, modulus } => {
				write!(f, "{field}: non-canonical number, not below the {}", modulus.name())
			},
			Self::NotOnCurve { field } => write!(f, "{field}: point is not on the BN254 curve"),
			Self::NotInSubgroup { field } => {
				write!(f, "{field}: point is not in the prime-order subgroup of BN254 G2")
			},
			Self::NotAffine { field } => write!(
				f,
				"{field}: projective z must be 1 (affine) or 0 (infinity); normalize the point"
			),
			Self::PointAtInfinity { field } => {
				write!(f, "{field}: the point at infinity is not a valid key element")
			},
			Self::Commitments { detail } => write!(
				f,
				"{detail}: Groth16 with Pedersen commitments (gnark's extension) is not \
				 supported; the chain verifies plain Groth16 only"
			),
			Self::Length { what, len, expected } => {
				write!(f, "{what}: {len} bytes match no layout (expected {expected})")
			},
			Self::Flags { field } => write!(f, "{field}: invalid arkworks point flags"),
			Self::InputRange { index, name, bits } => {
				write!(f, "public input {index} ({name}) does not fit in {bits} bits ({LAYOUT})")
			},
			Self::Chain(error) => {
				write!(f, "rejected by the chain's validation: {}", describe_verify_error(error))
			},
		}
	}
}

impl std::error::Error for ImportError {}

impl From<serde_json::Error> for ImportError {
	fn from(error: serde_json::Error) -> Self {
		// serde_json's Display appends " at line L column C"; keep the description only.
		let full = error.to_string();
		let message = match full.rfind(" at line ") {
			Some(cut) => full[..cut].to_string(),
			None => full,
		};
		Self::Json { line: error.line(), column: error.column(), message }
	}
}
