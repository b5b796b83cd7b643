//! circom inputs as snarkjs reads `input.json`: an object mapping each input signal's name
//! to a value or a (nested) array of values; a value is a JSON integer or a string holding
//! a decimal (optionally negative) or `0x`-hex number. Values are reduced modulo the
//! field, as snarkjs does.

use super::error::InputError;
use ark_bn254::Fr;
use ark_ff::{One, Zero};
use serde_json::Value;

/// Most digits a value may have (a BN254 element has 77 decimal digits; more is noise).
const MAX_DIGITS: usize = 256;
/// Deepest array nesting accepted in a value.
const MAX_DEPTH: usize = 32;

/// A parsed circom input: every signal with its values, flattened in row-major order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CircomInputs {
	signals: Vec<(String, Vec<Fr>)>,
}

impl CircomInputs {
	/// Parses snarkjs's `input.json` format.
	pub fn from_json(text: &str) -> Result<CircomInputs, InputError> {
		let value: Value = serde_json::from_str(text)?;
		let Value::Object(map) = value else {
			return Err(InputError::NotAnObject);
		};
		let mut signals = Vec::with_capacity(map.len());
		for (name, value) in map {
			let mut values = Vec::new();
			flatten(&value, 0, &mut values)
				.map_err(|reason| InputError::BadValue { signal: name.clone(), reason })?;
			signals.push((name, values));
		}
		Ok(CircomInputs { signals })
	}

	/// Inputs from already reduced field elements.
	pub fn from_signals(signals: Vec<(String, Vec<Fr>)>) -> CircomInputs {
		CircomInputs { signals }
	}

	/// The signals and their values.
	pub fn signals(&self) -> &[(String, Vec<Fr>)] {
		&self.signals
	}
}

/// Appends the values of `value` (a number, a string or nested arrays) to `out`.
fn flatten(value: &Value, depth: usize, out: &mut Vec<Fr>) -> Result<(), String> {
	if depth > MAX_DEPTH {
		return Err(format!("arrays nested deeper than {MAX_DEPTH}"));
	}
	match value {
		Value::Array(items) => items.iter().try_for_each(|item| flatten(item, depth + 1, out)),
		Value::String(text) => {
			out.push(parse_number(text)?);
			Ok(())
		},
		Value::Number(number) => {
			if let Some(n) = number.as_u64() {
				out.push(Fr::from(n));
			} else if let Some(n) = number.as_i64() {
				out.push(-Fr::from(n.unsigned_abs()));
			} else {
				return Err(format!("{number} is not an integer"));
			}
			Ok(())
		},
		Value::Bool(b) => {
			out.push(if *b { Fr::one() } else { Fr::zero() });
			Ok(())
		},
		Value::Null | Value::Object(_) => Err("expected a number, a string or an array".into()),
	}
}

/// A decimal (optionally with a leading `-`) or `0x`-hex number, reduced modulo the field.
pub(crate) fn parse_number(text: &str) -> Result<Fr, String> {
	let text = text.trim();
	let (negative, digits) = match text.strip_prefix('-') {
		Some(rest) => (true, rest),
		None => (false, text),
	};
	let (radix, digits) = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
		Some(hex) => (16u32, hex),
		None => (10u32, digits),
	};
	if digits.is_empty() || digits.len() > MAX_DIGITS {
		return Err(format!("`{text}` is not a number of 1 to {MAX_DIGITS} digits"));
	}
	let base = Fr::from(u64::from(radix));
	let mut value = Fr::zero();
	for c in digits.chars() {
		let digit = c.to_digit(radix).ok_or_else(|| format!("`{text}` is not a number"))?;
		value = value * base + Fr::from(u64::from(digit));
	}
	Ok(if negative { -value } else { value })
}

/// 64-bit FNV-1a of a signal name, the key circom's witness generator looks inputs up by,
/// split into its high and low 32 bits.
pub fn fnv1a_64(name: &str) -> (u32, u32) {
	const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
	const PRIME: u64 = 0x0000_0100_0000_01b3;
	let hash = name
		.bytes()
		.fold(OFFSET, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(PRIME));
	((hash >> 32) as u32, hash as u32)
}

#[cfg(test)]
mod tests {
	use super::*;
	use ark_ff::PrimeField;

	#[test]
	fn fnv_matches_circom() {
		// FNV-1a test vectors: "" is the offset basis, "a" a known value.
		assert_eq!(fnv1a_64(""), (0xcbf29ce4, 0x84222325));
		assert_eq!(fnv1a_64("a"), (0xaf63dc4c, 0x8601ec8c));
	}

	#[test]
	fn values_are_reduced_like_snarkjs() {
		let p = Fr::MODULUS.to_string();
		let json = format!(r#"{{"a": "{p}", "b": ["-1", 2, ["0x10"]], "c": true}}"#);
		let inputs = CircomInputs::from_json(&json).unwrap();
		let get = |n: &str| inputs.signals().iter().find(|(s, _)| s == n).unwrap().1.clone();
		assert_eq!(get("a"), vec![Fr::zero()]);
		assert_eq!(get("b"), vec![-Fr::one(), Fr::from(2u64), Fr::from(16u64)]);
		assert_eq!(get("c"), vec![Fr::one()]);
	}

	#[test]
	fn bad_values_name_the_signal() {
		for bad in [r#"{"x": "12a"}"#, r#"{"x": 1.5}"#, r#"{"x": null}"#, r#"{"x": ""}"#] {
			match CircomInputs::from_json(bad) {
				Err(InputError::BadValue { signal, .. }) => assert_eq!(signal, "x"),
				other => panic!("{bad}: {other:?}"),
			}
		}
		assert!(matches!(CircomInputs::from_json("[1]"), Err(InputError::NotAnObject)));
		assert!(matches!(CircomInputs::from_json("{"), Err(InputError::Json(_))));
	}
}
