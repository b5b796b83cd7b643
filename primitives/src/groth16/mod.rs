//! Groth16 over BN254: the byte encoding of keys and proofs, and their verification.
//!
//! The encoding is the one the EVM precompiles use (EIP-196/197), so the same bytes are
//! stored on the appchain, sent by the relayer and checked by the Solidity inbox:
//!
//! | item | bytes | layout |
//! |------|-------|--------|
//! | field element | 32 | big-endian, canonical (below the modulus) |
//! | G1 point | 64 | `x ++ y`; the point at infinity is 64 zero bytes |
//! | G2 point | 128 | `x.c1 ++ x.c0 ++ y.c1 ++ y.c0`; infinity is all zeros |
//! | proof | 256 | `A (G1) ++ B (G2) ++ C (G1)` |
//! | verifying key | 448 + 64·(n+1) | `alpha (G1) ++ beta (G2) ++ gamma (G2) ++ delta (G2) ++ IC[0..=n] (G1)` for `n` public inputs |

mod encoding;
mod verify;

pub use encoding::{
	decode_fr, decode_g1, decode_g2, decode_proof, decode_verifying_key, encode_fr, encode_g1,
	encode_g2, encode_proof, encode_verifying_key, G1_LEN, G2_LEN, PROOF_LEN, VK_HEADER_LEN,
};
pub use verify::{validate_verifying_key, verify, verify_prepared, VerifyError};

/// Number of public inputs a verifying key of `len` bytes accepts, if `len` is a valid
/// key length.
pub const fn vk_public_inputs(len: usize) -> Option<usize> {
	if len < VK_HEADER_LEN + G1_LEN || !(len - VK_HEADER_LEN).is_multiple_of(G1_LEN) {
		return None;
	}
	Some((len - VK_HEADER_LEN) / G1_LEN - 1)
}

/// Length in bytes of a verifying key for `public_inputs` inputs.
pub const fn vk_len(public_inputs: usize) -> usize {
	VK_HEADER_LEN + G1_LEN * (public_inputs + 1)
}
