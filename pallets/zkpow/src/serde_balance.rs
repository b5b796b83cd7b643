//! Balances in JSON as decimal strings (`"1000000000000"`), for every type the node's RPC
//! answers with or the genesis config holds.
//!
//! JSON numbers become IEEE doubles in JavaScript, which are exact only up to 2^53: at 12
//! decimals that is about 9,007 UNIT, so pools, bonds and rewards above it would reach
//! polkadot.js rounded. A string carries every planck; `BigInt(value)` reads it back.
//! Deserialization also takes a JSON number, so configuration written with numbers keeps
//! working.
//!
//! Use it as `#[serde(with = "crate::serde_balance")]` on a balance field, with the
//! container's bounds spelled out (serde does not infer bounds for such fields).

use core::{fmt, marker::PhantomData, str::FromStr};
use serde::{de, Deserializer, Serializer};

/// Writes `value` as a decimal string. (`TryInto<u128>` rather than `Display`: every FRAME
/// balance type has it, so generic configs such as the genesis config serialize too.)
pub fn serialize<S, B>(value: &B, serializer: S) -> Result<S::Ok, S::Error>
where
	S: Serializer,
	B: Clone + TryInto<u128>,
{
	let value: u128 = value
		.clone()
		.try_into()
		.map_err(|_| serde::ser::Error::custom("balance does not fit 128 bits"))?;
	serializer.collect_str(&value)
}

/// Reads a decimal string or a non-negative integer.
pub fn deserialize<'de, D, B>(deserializer: D) -> Result<B, D::Error>
where
	D: Deserializer<'de>,
	B: TryFrom<u128>,
{
	struct Balance<B>(PhantomData<B>);

	impl<B: TryFrom<u128>> de::Visitor<'_> for Balance<B> {
		type Value = B;

		fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
			f.write_str("a balance: a decimal string of planck, or a non-negative integer")
		}

		fn visit_str<E: de::Error>(self, v: &str) -> Result<B, E> {
			let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
			digits
				.then(|| u128::from_str(v).ok())
				.flatten()
				.and_then(|v| B::try_from(v).ok())
				.ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
		}

		fn visit_u64<E: de::Error>(self, v: u64) -> Result<B, E> {
			B::try_from(v.into()).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
		}

		fn visit_u128<E: de::Error>(self, v: u128) -> Result<B, E> {
			B::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Other("u128"), &self))
		}
	}

	deserializer.deserialize_any(Balance(PhantomData))
}

#[cfg(test)]
mod tests {
	#[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
	struct Pool {
		#[serde(with = "super")]
		amount: u128,
	}

	#[test]
	fn balances_travel_as_exact_decimal_strings() {
		let big = Pool { amount: u128::MAX };
		let json = serde_json::to_string(&big).unwrap();
		assert_eq!(json, format!("{{\"amount\":\"{}\"}}", u128::MAX));
		assert_eq!(serde_json::from_str::<Pool>(&json).unwrap(), big);
		// Above 2^53, where a JSON number would lose planck in JavaScript.
		let odd = Pool { amount: (1 << 60) + 1 };
		assert_eq!(serde_json::to_string(&odd).unwrap(), "{\"amount\":\"1152921504606846977\"}");
	}

	#[test]
	fn numbers_are_still_read_and_junk_refused() {
		assert_eq!(serde_json::from_str::<Pool>("{\"amount\":42}").unwrap(), Pool { amount: 42 });
		for bad in ["\"-1\"", "\"1e3\"", "\"\"", "\" 1\"", "-1", "1.5", "null"] {
			let json = format!("{{\"amount\":{bad}}}");
			assert!(serde_json::from_str::<Pool>(&json).is_err(), "{json}");
		}
	}
}
