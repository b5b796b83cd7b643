//! Field elements as 32-byte words, and the hex (de)serialization of byte strings
//! (shared with the other services, from [`zkpow_primitives::hex`]).

use crate::error::{invalid, Error};
use ark_bn254::Fr;
use zkpow_primitives::{
	groth16::{decode_fr, encode_fr},
	Bytes32,
};

/// A field element as 32 bytes big-endian (the encoding of state roots and data hashes).
pub fn fr_to_bytes(value: &Fr) -> Bytes32 {
	encode_fr(value)
}

/// A 32-byte big-endian word as a field element; `what` names it in the error when the
/// word is not below the BN254 scalar modulus.
pub fn fr_from_bytes(bytes: &Bytes32, what: &str) -> Result<Fr, Error> {
	decode_fr(bytes).map_err(|_| invalid(format!("{what} is not a canonical BN254 scalar")))
}

pub use zkpow_primitives::hex::{hex32, hex32_vec, hex_bytes, HexError};

/// Parses a hex string, with or without `0x`.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
	zkpow_primitives::hex::decode(text)
}

/// Parses a 32-byte hex word.
pub fn parse_hex32(text: &str) -> Result<Bytes32, HexError> {
	zkpow_primitives::hex::decode32(text)
}

/// `0x`-prefixed lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
	zkpow_primitives::hex::encode(bytes)
}
