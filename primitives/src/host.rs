//! The `zkpow_crypto` host functions: Groth16/BN254 verification run natively by the node.
//!
//! Pairing arithmetic compiled to WASM is several times slower than native code, so the
//! runtime calls into the node for it. The node registers [`zkpow_crypto::HostFunctions`]
//! in its executor (and in `benchmark pallet`); inside the runtime the calls below cross
//! the WASM boundary, in native tests they run directly.

use crate::{
	artifact::ArtifactError,
	groth16::VerifyError,
	statement::{BatchHeader, SequenceStatement},
};
use alloc::vec::Vec;
use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndDecode, PassFatPointerAndRead},
	runtime_interface,
};

/// Native Groth16 verification for the runtime.
#[runtime_interface]
pub trait ZkpowCrypto {
	/// Verifies `proof` against the verifying key `vk` and the big-endian public `inputs`
	/// (all in the encoding of [`crate::groth16`]).
	fn groth16_bn254_verify(
		vk: PassFatPointerAndRead<&[u8]>,
		proof: PassFatPointerAndRead<&[u8]>,
		inputs: PassFatPointerAndDecode<Vec<[u8; 32]>>,
	) -> AllocateAndReturnByCodec<Result<(), VerifyError>> {
		crate::groth16::verify(vk, proof, &inputs)
	}

	/// Fully validates a verifying key for `expected_inputs` public inputs.
	fn groth16_bn254_validate_key(
		vk: PassFatPointerAndRead<&[u8]>,
		expected_inputs: u32,
	) -> AllocateAndReturnByCodec<Result<(), VerifyError>> {
		crate::groth16::validate_verifying_key(vk, expected_inputs as usize)
	}

	/// Fully validates a verifying-key set of the multi-proof artifact (see
	/// [`crate::artifact`]) and returns its aggregator capacity (most batches per
	/// sequence).
	fn artifact_validate_key_set(
		vk_set: PassFatPointerAndRead<&[u8]>,
	) -> AllocateAndReturnByCodec<Result<u32, ArtifactError>> {
		crate::artifact::validate_vk_set(vk_set).map(|capacity| capacity as u32)
	}

	/// Verifies a sequence's multi-proof artifact against a key set, the sequence
	/// statement and its batch headers, with one batched pairing check.
	fn artifact_verify(
		vk_set: PassFatPointerAndRead<&[u8]>,
		artifact: PassFatPointerAndRead<&[u8]>,
		statement: PassFatPointerAndDecode<SequenceStatement>,
		batches: PassFatPointerAndDecode<Vec<BatchHeader>>,
	) -> AllocateAndReturnByCodec<Result<(), ArtifactError>> {
		crate::artifact::verify_sequence_artifact(vk_set, artifact, &statement, &batches)
	}
}
