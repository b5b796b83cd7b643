//! Transfers, their byte encoding (the batch data a sequencer publishes) and the batch
//! data digest bound by the batch proof.
//!
//! # Byte encoding
//!
//! A batch's data is its transfers concatenated, 24 bytes each, big-endian:
//!
//! | bytes | field |
//! |-------|-------|
//! | 4 | `from` (account index) |
//! | 4 | `to` (account index) |
//! | 8 | `amount` |
//! | 8 | `nonce` |
//!
//! # Data digest (the batch's `data_hash`)
//!
//! Each transfer packs into one field element,
//! `packed = from + to·2^32 + amount·2^64 + nonce·2^128` (injective: every part is range
//! checked in the circuit). Then `h_0 = 0`, `h_i = hash2(h_{i-1}, packed_i)`, and the
//! digest is `hash2(h_k, k)` for `k` transfers. The batch's `BatchHeader::data_hash` is
//! that digest as 32 bytes big-endian. A Poseidon digest instead of `keccak256(data)`
//! keeps the binding between the proven transfers and the published data at one
//! permutation (240 constraints) per transfer instead of ~150,000 per keccak-f block;
//! anyone holding the data recomputes it with [`data_hash`].

use crate::{
	error::{invalid, Error},
	field::fr_to_bytes,
	poseidon::hash2,
};
use ark_bn254::Fr;
use ark_ff::Field;
use serde::{Deserialize, Serialize};
use zkpow_primitives::Bytes32;

/// Bytes of one encoded transfer.
pub const TRANSFER_LEN: usize = 24;

/// A transfer of `amount` from account `from` to account `to`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Transfer {
	/// Sender account index.
	pub from: u32,
	/// Receiver account index.
	pub to: u32,
	/// Amount moved.
	pub amount: u64,
	/// The sender's nonce before this transfer.
	pub nonce: u64,
}

impl Transfer {
	/// The 24-byte encoding.
	pub fn encode(&self) -> [u8; TRANSFER_LEN] {
		let mut out = [0u8; TRANSFER_LEN];
		out[..4].copy_from_slice(&self.from.to_be_bytes());
		out[4..8].copy_from_slice(&self.to.to_be_bytes());
		out[8..16].copy_from_slice(&self.amount.to_be_bytes());
		out[16..].copy_from_slice(&self.nonce.to_be_bytes());
		out
	}

	/// Decodes the 24-byte encoding.
	pub fn decode(bytes: &[u8; TRANSFER_LEN]) -> Self {
		let word4 = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
		let word8 = |i: usize| u64::from_be_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
		Self { from: word4(0), to: word4(4), amount: word8(8), nonce: word8(16) }
	}

	/// The transfer as one field element (see the module docs).
	pub fn packed(&self) -> Fr {
		pack(
			Fr::from(self.from as u64),
			Fr::from(self.to as u64),
			Fr::from(self.amount),
			Fr::from(self.nonce),
		)
	}
}

/// `from + to·2^32 + amount·2^64 + nonce·2^128` over field values.
pub fn pack(from: Fr, to: Fr, amount: Fr, nonce: Fr) -> Fr {
	from + to * shift(32) + amount * shift(64) + nonce * shift(128)
}

/// `2^bits` as a field element.
pub fn shift(bits: u32) -> Fr {
	Fr::from(2u64).pow([bits as u64])
}

/// Encodes a batch's transfers as its published data.
pub fn encode_batch(transfers: &[Transfer]) -> Vec<u8> {
	transfers.iter().flat_map(|t| t.encode()).collect()
}

/// Decodes published batch data.
pub fn decode_batch(bytes: &[u8]) -> Result<Vec<Transfer>, Error> {
	if !bytes.len().is_multiple_of(TRANSFER_LEN) {
		return Err(invalid(format!(
			"batch data is {} bytes, not a multiple of {TRANSFER_LEN}",
			bytes.len()
		)));
	}
	Ok(bytes
		.chunks_exact(TRANSFER_LEN)
		.map(|c| Transfer::decode(c.try_into().expect("exact chunk")))
		.collect())
}

/// The running hash `h_k` over packed transfers.
pub fn data_chain(packed: impl IntoIterator<Item = Fr>) -> Fr {
	packed.into_iter().fold(Fr::from(0u64), hash2)
}

/// The batch data digest of `transfers` as a field element.
pub fn data_digest(transfers: &[Transfer]) -> Fr {
	hash2(data_chain(transfers.iter().map(Transfer::packed)), Fr::from(transfers.len() as u64))
}

/// The batch's `data_hash`: [`data_digest`] as 32 bytes big-endian.
pub fn data_hash(transfers: &[Transfer]) -> Bytes32 {
	fr_to_bytes(&data_digest(transfers))
}

#[cfg(test)]
mod tests {
	use super::*;
	use ark_ff::{BigInteger, PrimeField};

	#[test]
	fn transfer_encoding_roundtrips() {
		let t = Transfer { from: 0x01020304, to: 5, amount: u64::MAX, nonce: 7 };
		let bytes = t.encode();
		assert_eq!(&bytes[..4], &[1, 2, 3, 4]);
		assert_eq!(Transfer::decode(&bytes), t);
		let batch = [t, Transfer::default()];
		assert_eq!(decode_batch(&encode_batch(&batch)).unwrap(), batch);
		assert!(decode_batch(&[0u8; 25]).is_err());
	}

	#[test]
	fn packing_places_fields_in_disjoint_bit_ranges() {
		let t = Transfer { from: 1, to: 2, amount: 3, nonce: 4 };
		let bytes = t.packed().into_bigint().to_bytes_be();
		assert_eq!(bytes[31], 1);
		assert_eq!(bytes[27], 2);
		assert_eq!(bytes[23], 3);
		assert_eq!(bytes[15], 4);
	}

	#[test]
	fn digest_depends_on_order_and_count() {
		let a = Transfer { from: 1, to: 2, amount: 3, nonce: 0 };
		let b = Transfer { from: 2, to: 1, amount: 1, nonce: 0 };
		assert_ne!(data_hash(&[a, b]), data_hash(&[b, a]));
		assert_ne!(data_hash(&[a]), data_hash(&[a, a]));
		assert_ne!(data_hash(&[]), data_hash(&[Transfer::default()]));
	}
}
