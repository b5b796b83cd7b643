//! `0x`-prefixed hex on the wire.

use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};
use zkpow_primitives::Bytes32;

/// Why a hex string was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HexError {
	/// Not hex digits (or an odd number of them).
	#[error("invalid hex: {0}")]
	Digits(#[from] ::hex::FromHexError),
	/// Another length than expected.
	#[error("expected {expected} bytes, got {got}")]
	Length {
		/// Bytes expected.
		expected: usize,
		/// Bytes given.
		got: usize,
	},
}

/// Decodes `0x…` (the prefix is optional).
pub fn decode(text: &str) -> Result<Vec<u8>, HexError> {
	Ok(::hex::decode(text.strip_prefix("0x").unwrap_or(text))?)
}

/// Decodes exactly 32 bytes of `0x…`.
pub fn decode32(text: &str) -> Result<Bytes32, HexError> {
	let bytes = decode(text)?;
	let got = bytes.len();
	bytes.try_into().map_err(|_| HexError::Length { expected: 32, got })
}

/// Encodes as `0x…`.
pub fn encode(bytes: &[u8]) -> String {
	format!("0x{}", ::hex::encode(bytes))
}

/// A byte string carried as `0x` hex.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hex(pub Vec<u8>);

impl Serialize for Hex {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&encode(&self.0))
	}
}

impl<'de> Deserialize<'de> for Hex {
	fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		let text = String::deserialize(d)?;
		decode(&text).map(Hex).map_err(D::Error::custom)
	}
}

/// `#[serde(with = "hex32")]` for a [`Bytes32`] carried as `0x` + 64 hex digits.
pub mod hex32 {
	use super::*;

	/// Writes `0x…`.
	pub fn serialize<S: Serializer>(value: &Bytes32, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&encode(value))
	}

	/// Reads `0x…` of exactly 32 bytes.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes32, D::Error> {
		let text = String::deserialize(d)?;
		decode32(&text).map_err(D::Error::custom)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn read_what_is_written_and_refuse_the_wrong_length() {
		assert_eq!(decode32(&encode(&[7; 32])).unwrap(), [7; 32]);
		assert_eq!(decode("0x0a0b").unwrap(), vec![10, 11]);
		assert_eq!(decode("0a0b").unwrap(), vec![10, 11]);
		assert_eq!(decode32("0x0a0b"), Err(HexError::Length { expected: 32, got: 2 }));
		assert!(matches!(decode("0xzz"), Err(HexError::Digits(_))));
		let hex: Hex = serde_json::from_str("\"0x00ff\"").unwrap();
		assert_eq!(hex, Hex(vec![0, 255]));
		assert_eq!(serde_json::to_string(&hex).unwrap(), "\"0x00ff\"");
	}
}
