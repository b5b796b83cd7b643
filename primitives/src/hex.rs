//! `0x`-prefixed hex, as byte strings travel in JSON between the services (sequence
//! files, prover tasks and results), with the serde adapters for them.

use alloc::{format, string::String, vec::Vec};
use serde::{de::Error as _, ser::SerializeSeq, Deserialize, Deserializer, Serialize, Serializer};

use crate::Bytes32;

/// Why a hex string was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum HexError {
	/// Not hex digits (or an odd number of them).
	Digits(::hex::FromHexError),
	/// Another length than expected.
	Length {
		/// Bytes expected.
		expected: usize,
		/// Bytes given.
		got: usize,
	},
}

impl core::fmt::Display for HexError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			HexError::Digits(e) => write!(f, "invalid hex: {e}"),
			HexError::Length { expected, got } => write!(f, "expected {expected} bytes, got {got}"),
		}
	}
}

impl std::error::Error for HexError {
	fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
		match self {
			HexError::Digits(e) => Some(e),
			HexError::Length { .. } => None,
		}
	}
}

impl From<::hex::FromHexError> for HexError {
	fn from(e: ::hex::FromHexError) -> Self {
		HexError::Digits(e)
	}
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

/// Encodes as `0x…` (lowercase).
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

/// `#[serde(with = "hex32")]`: a [`Bytes32`] as `0x` + 64 hex digits.
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

/// `#[serde(with = "hex32_vec")]`: a `Vec<Bytes32>` as a list of `0x` hex strings.
pub mod hex32_vec {
	use super::*;

	/// Writes a list of `0x…`.
	pub fn serialize<S: Serializer>(values: &[Bytes32], s: S) -> Result<S::Ok, S::Error> {
		let mut seq = s.serialize_seq(Some(values.len()))?;
		for v in values {
			seq.serialize_element(&encode(v))?;
		}
		seq.end()
	}

	/// Reads a list of `0x…`, each exactly 32 bytes.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Bytes32>, D::Error> {
		let texts = Vec::<String>::deserialize(d)?;
		texts.iter().map(|t| decode32(t).map_err(D::Error::custom)).collect()
	}
}

/// `#[serde(with = "hex_bytes")]`: a `Vec<u8>` as a `0x` hex string.
pub mod hex_bytes {
	use super::*;

	/// Writes `0x…`.
	pub fn serialize<S: Serializer>(value: &[u8], s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&encode(value))
	}

	/// Reads `0x…`.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
		let text = String::deserialize(d)?;
		decode(&text).map_err(D::Error::custom)
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

	#[test]
	fn serde_adapters_round_trip_and_name_the_bad_word() {
		#[derive(Serialize, Deserialize, PartialEq, Debug)]
		struct Carrier {
			#[serde(with = "hex32")]
			root: Bytes32,
			#[serde(with = "hex32_vec")]
			roots: Vec<Bytes32>,
			#[serde(with = "hex_bytes")]
			data: Vec<u8>,
		}
		let value = Carrier { root: [1; 32], roots: vec![[2; 32], [3; 32]], data: vec![4, 5] };
		let text = serde_json::to_string(&value).unwrap();
		assert_eq!(serde_json::from_str::<Carrier>(&text).unwrap(), value);
		let short = text.replacen(&encode(&[3; 32]), "0x03", 1);
		let err = serde_json::from_str::<Carrier>(&short).unwrap_err();
		assert!(err.to_string().contains("expected 32 bytes, got 1"), "{err}");
	}
}
