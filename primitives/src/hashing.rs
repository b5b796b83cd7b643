//! Hashes that bind proofs to miners and sequences to their data.

use crate::{statement::BatchHeader, Bytes32};
use sp_crypto_hashing::keccak_256;

/// The hash a miner commits to in step 1 (commit) of the commit–reveal scheme:
///
/// `keccak256(keccak256(proof_bytes) ++ miner_account_bytes)`
///
/// Binding the miner's account makes a commitment worthless to anyone who copies it: the
/// same proof bytes committed by another account give another hash.
pub fn proof_hash(proof_bytes: &[u8], miner_account: &[u8]) -> Bytes32 {
	let inner = keccak_256(proof_bytes);
	let mut buf = alloc::vec::Vec::with_capacity(32 + miner_account.len());
	buf.extend_from_slice(&inner);
	buf.extend_from_slice(miner_account);
	keccak_256(&buf)
}

/// Commitment to the batches of a sequence:
///
/// `keccak256(state_root_1 ++ data_hash_1 ++ ... ++ state_root_n ++ data_hash_n)`
///
/// It commits to every intermediate state root and to each batch's transaction data, so
/// the public statement of a sequence pins down all of its batches.
pub fn sequence_commitment(batches: &[BatchHeader]) -> Bytes32 {
	let mut buf = alloc::vec::Vec::with_capacity(batches.len() * 64);
	for batch in batches {
		buf.extend_from_slice(&batch.state_root);
		buf.extend_from_slice(&batch.data_hash);
	}
	keccak_256(&buf)
}

/// The hash that names a rollup's verifying key off chain (a prover host's command for
/// it, the miner's choice of host): `keccak256` of the key's bytes exactly as registered
/// (the `key` of the rollup's verifier spec; not SCALE-encoded, no length prefix).
/// `sequence_status` reports it for the key a sequence in flight is verified with.
pub fn verifying_key_hash(key: &[u8]) -> Bytes32 {
	keccak_256(key)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn h(s: &str) -> Bytes32 {
		let mut out = [0u8; 32];
		hex::decode_to_slice(s, &mut out).unwrap();
		out
	}

	#[test]
	fn keccak_of_empty_input_matches_the_known_value() {
		assert_eq!(
			keccak_256(b""),
			h("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
		);
	}

	#[test]
	fn proof_hash_is_keccak_of_inner_hash_and_account() {
		let proof = [0xabu8; 256];
		let miner = [0x01u8; 32];
		let mut manual = keccak_256(&proof).to_vec();
		manual.extend_from_slice(&miner);
		assert_eq!(proof_hash(&proof, &miner), keccak_256(&manual));
	}

	/// The key's raw bytes, not their SCALE encoding (which would prefix a length).
	#[test]
	fn verifying_key_hash_covers_the_raw_key_bytes() {
		let key = [5u8; 64];
		assert_eq!(verifying_key_hash(&key), keccak_256(&key));
		let mut encoded = alloc::vec![1u8]; // compact(64)
		encoded.extend_from_slice(&key);
		assert_ne!(verifying_key_hash(&key), keccak_256(&encoded));
	}

	#[test]
	fn proof_hash_differs_per_miner() {
		let proof = [7u8; 256];
		assert_ne!(proof_hash(&proof, &[1u8; 32]), proof_hash(&proof, &[2u8; 32]));
	}

	/// Shared test vector: the Solidity and relayer tests assert the same value.
	#[test]
	fn proof_hash_vector() {
		assert_eq!(
			hex::encode(proof_hash(b"zkpow", &[0x11u8; 32])),
			hex::encode(keccak_256(
				&[keccak_256(b"zkpow").as_slice(), [0x11u8; 32].as_slice()].concat()
			))
		);
	}

	#[test]
	fn sequence_commitment_covers_roots_and_data() {
		let a = BatchHeader { state_root: [1; 32], data_hash: [2; 32] };
		let b = BatchHeader { state_root: [3; 32], data_hash: [4; 32] };
		let c = sequence_commitment(&[a.clone(), b.clone()]);
		assert_ne!(c, sequence_commitment(&[b.clone(), a.clone()]));
		assert_ne!(c, sequence_commitment(core::slice::from_ref(&a)));
		let mut flat = [0u8; 128];
		flat[..32].copy_from_slice(&[1; 32]);
		flat[32..64].copy_from_slice(&[2; 32]);
		flat[64..96].copy_from_slice(&[3; 32]);
		flat[96..].copy_from_slice(&[4; 32]);
		assert_eq!(c, keccak_256(&flat));
	}
}
