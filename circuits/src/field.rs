//! Field elements as 32-byte words, and hex (de)serialization of byte strings.

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

/// Parses a hex string, with or without `0x`.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
	let digits = text.strip_prefix("0x").unwrap_or(text);
	hex::decode(digits).map_err(|e| format!("invalid hex: {e}"))
}

/// Parses a 32-byte hex word.
pub fn parse_hex32(text: &str) -> Result<Bytes32, String> {
	let bytes = parse_hex(text)?;
	bytes
		.try_into()
		.map_err(|b: Vec<u8>| format!("expected 32 bytes of hex, got {}", b.len()))
}

/// `0x`-prefixed lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Serde helpers: `Bytes32` as a `0x` hex string.
pub mod hex32 {
	use super::*;
	use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

	/// Serializes as `0x` hex.
	pub fn serialize<S: Serializer>(value: &Bytes32, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&to_hex(value))
	}

	/// Deserializes `0x` hex of exactly 32 bytes.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes32, D::Error> {
		let text = String::deserialize(d)?;
		parse_hex32(&text).map_err(D::Error::custom)
	}
}

/// Serde helpers: `Vec<Bytes32>` as a list of `0x` hex strings.
pub mod hex32_vec {
	use super::*;
	use serde::{de::Error as _, ser::SerializeSeq, Deserialize, Deserializer, Serializer};

	/// Serializes as a list of `0x` hex strings.
	pub fn serialize<S: Serializer>(values: &[Bytes32], s: S) -> Result<S::Ok, S::Error> {
		let mut seq = s.serialize_seq(Some(values.len()))?;
		for v in values {
			seq.serialize_element(&to_hex(v))?;
		}
		seq.end()
	}

	/// Deserializes a list of 32-byte hex strings.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Bytes32>, D::Error> {
		let texts = Vec::<String>::deserialize(d)?;
		texts.iter().map(|t| parse_hex32(t).map_err(D::Error::custom)).collect()
	}
}

/// Serde helpers: `Vec<u8>` as a `0x` hex string.
pub mod hex_bytes {
	use super::*;
	use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

	/// Serializes as `0x` hex.
	pub fn serialize<S: Serializer>(value: &[u8], s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&to_hex(value))
	}

	/// Deserializes `0x` hex.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
		let text = String::deserialize(d)?;
		parse_hex(&text).map_err(D::Error::custom)
	}
}
