//! How the relayer treats one base chain: when a delivery counts as final, how stuck
//! transactions are replaced, what a delivery may cost, and which rollups (and inboxes) it
//! serves. Every value is typed and range-checked where it is parsed (TOML and flags alike).
//!
//! | field | default | range | meaning |
//! |-------|---------|-------|---------|
//! | `finality` | `"finalized"` | `finalized`, `safe`, `confirmations` | which blocks are final: the chain's `finalized` or `safe` tag, or `confirmations` blocks deep |
//! | `confirmations` | 64 | 1–10 000 | depth when `finality = "confirmations"`, and the fallback when the chain answers no `finalized`/`safe` tag (a block has 1 confirmation once included) |
//! | `fee_bump_percent` | 20 | 10–1 000 | each replacement raises both the fee cap and the priority fee by at least this much (nodes refuse replacements under 10%) |
//! | `bump_after_blocks` | 3 | 1–10 000 | new blocks without the delivery before a replacement is signed |
//! | `max_fee_per_gas` | `"500 gwei"` | above 0 | the most any delivery offers per gas: the first fee is clamped to it and bumps stop there (logged) |
//! | `max_gas_per_delivery` | 10 000 000 | 21 000–1 000 000 000 | gas limit cap: a delivery estimated above it is rejected, none is signed with more |
//! | `rollups` | every rollup | rollup ids | the rollups this relayer serves on the chain; others wait in the database |
//! | `[[chains.inboxes]]` | none | `rollup_id`, `code_hash` | the inbox code hash (`deploy` prints it) a rollup's inbox must have before anything is sent to it |
//!
//! Amounts of wei are an integer (wei) or a string with a unit: `"30 gwei"`, `"0.5 gwei"`,
//! `"0.01 ether"`, `"1000 wei"`.

use alloy::primitives::B256;
use serde::Deserialize;
use std::{collections::BTreeSet, fmt, str::FromStr};
use zkpow_primitives::RollupId;

/// A value outside its range, or text that is not one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
	/// A number outside the allowed range.
	#[error("{what} must be in {min}..={max}, not {value}")]
	OutOfRange {
		/// The setting.
		what: &'static str,
		/// The value given.
		value: u128,
		/// Smallest allowed.
		min: u128,
		/// Largest allowed.
		max: u128,
	},
	/// Text that does not parse.
	#[error("{what}: `{text}` is not {expected}")]
	Malformed {
		/// The setting.
		what: &'static str,
		/// The text given.
		text: String,
		/// What was expected.
		expected: &'static str,
	},
}

/// A `u32`/`u64` setting with a range, parsed from TOML integers and flag text alike.
macro_rules! ranged {
	($(#[$doc:meta])* $name:ident($int:ty), $what:literal, $min:expr, $max:expr, $default:expr) => {
		$(#[$doc])*
		#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
		#[serde(try_from = "u64")]
		pub struct $name($int);

		impl $name {
			/// Smallest allowed value.
			pub const MIN: $int = $min;
			/// Largest allowed value.
			pub const MAX: $int = $max;
			/// The value.
			pub fn get(self) -> $int {
				self.0
			}
		}

		impl Default for $name {
			fn default() -> Self {
				Self($default)
			}
		}

		impl TryFrom<u64> for $name {
			type Error = PolicyError;
			fn try_from(value: u64) -> Result<Self, PolicyError> {
				if (Self::MIN as u64..=Self::MAX as u64).contains(&value) {
					Ok(Self(value as $int))
				} else {
					Err(PolicyError::OutOfRange {
						what: $what,
						value: value.into(),
						min: Self::MIN.into(),
						max: Self::MAX.into(),
					})
				}
			}
		}

		impl FromStr for $name {
			type Err = PolicyError;
			fn from_str(text: &str) -> Result<Self, PolicyError> {
				let value = text.trim().replace('_', "").parse::<u64>().map_err(|_| {
					PolicyError::Malformed { what: $what, text: text.into(), expected: "a whole number" }
				})?;
				Self::try_from(value)
			}
		}

		impl fmt::Display for $name {
			fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
				self.0.fmt(f)
			}
		}
	};
}

ranged!(
	/// Confirmations a block needs to be final (`head - block + 1`).
	Confirmations(u32), "confirmations", 1, 10_000, 64
);
ranged!(
	/// The least a replacement raises each fee, in percent.
	BumpPercent(u32), "fee_bump_percent", 10, 1_000, 20
);
ranged!(
	/// Blocks without the delivery before a replacement is signed.
	BumpAfterBlocks(u32), "bump_after_blocks", 1, 10_000, 3
);
ranged!(
	/// The largest gas limit of a delivery.
	GasCap(u64), "max_gas_per_delivery", 21_000, 1_000_000_000, 10_000_000
);

/// Which base-chain blocks the relayer treats as final.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Finality {
	/// The chain's `finalized` block tag (the default).
	#[default]
	Finalized,
	/// The chain's `safe` block tag.
	Safe,
	/// `confirmations` blocks deep (for chains without the tags).
	Confirmations,
}

impl FromStr for Finality {
	type Err = PolicyError;
	fn from_str(text: &str) -> Result<Self, PolicyError> {
		match text.trim() {
			"finalized" => Ok(Finality::Finalized),
			"safe" => Ok(Finality::Safe),
			"confirmations" => Ok(Finality::Confirmations),
			_ => Err(PolicyError::Malformed {
				what: "finality",
				text: text.into(),
				expected: "`finalized`, `safe` or `confirmations`",
			}),
		}
	}
}

/// An amount of wei: an integer, or text with a unit (`wei`, `gwei`, `ether`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Wei(pub u128);

impl Wei {
	/// `n` gwei.
	pub const fn gwei(n: u64) -> Wei {
		Wei(n as u128 * 1_000_000_000)
	}
}

impl FromStr for Wei {
	type Err = PolicyError;
	fn from_str(text: &str) -> Result<Self, PolicyError> {
		let malformed = || PolicyError::Malformed {
			what: "amount",
			text: text.into(),
			expected: "an amount such as `1000000000`, `30 gwei` or `0.01 ether`",
		};
		let trimmed = text.trim().replace('_', "");
		let split = trimmed.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(trimmed.len());
		let (number, unit) = trimmed.split_at(split);
		let decimals = match unit.trim() {
			"" | "wei" => 0,
			"gwei" => 9,
			"ether" | "eth" => 18,
			_ => return Err(malformed()),
		};
		let number = number.trim();
		let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
		if whole.is_empty() && fraction.is_empty()
			|| fraction.len() > decimals
			|| !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())
		{
			return Err(malformed());
		}
		let digits = format!("{whole}{fraction:0<decimals$}");
		digits.parse::<u128>().map(Wei).map_err(|_| malformed())
	}
}

impl<'de> Deserialize<'de> for Wei {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		#[derive(Deserialize)]
		#[serde(untagged)]
		enum Raw {
			Integer(u64),
			Text(String),
		}
		match Raw::deserialize(deserializer)? {
			Raw::Integer(n) => Ok(Wei(n.into())),
			Raw::Text(text) => text.parse().map_err(serde::de::Error::custom),
		}
	}
}

impl fmt::Display for Wei {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "{} wei", self.0)
	}
}

/// The inbox a rollup's deliveries may go to: its runtime code hash, as `deploy` printed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedInbox {
	/// The rollup.
	pub rollup_id: RollupId,
	/// keccak256 of the inbox's runtime code.
	pub code_hash: B256,
}

/// How one base chain is treated (the per-chain fields of the configuration file).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ChainPolicy {
	/// Which blocks are final.
	#[serde(default)]
	pub finality: Finality,
	/// The depth of `Finality::Confirmations`, and the fallback for chains without tags.
	#[serde(default)]
	pub confirmations: Confirmations,
	/// Least fee raise of a replacement, in percent.
	#[serde(default)]
	pub fee_bump_percent: BumpPercent,
	/// Blocks without inclusion before a replacement.
	#[serde(default)]
	pub bump_after_blocks: BumpAfterBlocks,
	/// The most any delivery offers per gas.
	#[serde(default = "default_max_fee")]
	pub max_fee_per_gas: Wei,
	/// The largest gas limit of a delivery.
	#[serde(default)]
	pub max_gas_per_delivery: GasCap,
	/// The rollups served on this chain (`None`: every rollup routed here).
	#[serde(default)]
	pub rollups: Option<BTreeSet<RollupId>>,
	/// Inbox code hashes that must match before anything is sent.
	#[serde(default)]
	pub inboxes: Vec<ExpectedInbox>,
}

fn default_max_fee() -> Wei {
	Wei::gwei(500)
}

impl Default for ChainPolicy {
	fn default() -> Self {
		Self {
			finality: Finality::default(),
			confirmations: Confirmations::default(),
			fee_bump_percent: BumpPercent::default(),
			bump_after_blocks: BumpAfterBlocks::default(),
			max_fee_per_gas: default_max_fee(),
			max_gas_per_delivery: GasCap::default(),
			rollups: None,
			inboxes: Vec::new(),
		}
	}
}

impl ChainPolicy {
	/// Whether the operator serves `rollup` on this chain.
	pub fn serves(&self, rollup: RollupId) -> bool {
		self.rollups.as_ref().is_none_or(|ids| ids.contains(&rollup))
	}

	/// The code hash `rollup`'s inbox must have, if the operator named one.
	pub fn expected_code_hash(&self, rollup: RollupId) -> Option<B256> {
		self.inboxes.iter().find(|i| i.rollup_id == rollup).map(|i| i.code_hash)
	}

	/// The fees of a first transaction: the chain's estimate, clamped to the cap.
	pub fn first_fees(&self, estimate: Fees) -> Fees {
		let max_fee = estimate.max_fee_per_gas.min(self.max_fee_per_gas.0);
		Fees { max_fee_per_gas: max_fee, max_priority_fee_per_gas: estimate.tip().min(max_fee) }
	}

	/// The fees of a replacement for a transaction offering `old`, given the chain's
	/// current `estimate`: both fees up by at least `fee_bump_percent` (and at least the
	/// estimate), within `max_fee_per_gas`; [`Bump::Capped`] when no valid replacement
	/// fits under the cap.
	pub fn bump(&self, old: Fees, estimate: Fees) -> Bump {
		let raise = |fee: u128| {
			let percent = 100 + u128::from(self.fee_bump_percent.get());
			// Rounded up, and at least 1 wei more, so a tiny fee still grows.
			fee.saturating_mul(percent).div_ceil(100).max(fee.saturating_add(1))
		};
		let least_fee = raise(old.max_fee_per_gas);
		let cap = self.max_fee_per_gas.0;
		if least_fee > cap {
			return Bump::Capped { wanted: least_fee, cap };
		}
		let max_fee = least_fee.max(estimate.max_fee_per_gas).min(cap);
		let tip = raise(old.max_priority_fee_per_gas).max(estimate.tip()).min(max_fee);
		Bump::Replace(Fees { max_fee_per_gas: max_fee, max_priority_fee_per_gas: tip })
	}
}

/// EIP-1559 fees of a transaction (wei per gas).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, codec::Encode, codec::Decode)]
pub struct Fees {
	/// `maxFeePerGas`.
	pub max_fee_per_gas: u128,
	/// `maxPriorityFeePerGas`.
	pub max_priority_fee_per_gas: u128,
}

impl Fees {
	fn tip(&self) -> u128 {
		self.max_priority_fee_per_gas.min(self.max_fee_per_gas)
	}
}

/// What [`ChainPolicy::bump`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bump {
	/// Sign a replacement with these fees.
	Replace(Fees),
	/// The least valid replacement (`wanted` wei per gas) is above the cap: keep waiting.
	Capped {
		/// The fee cap a replacement would need.
		wanted: u128,
		/// `max_fee_per_gas`.
		cap: u128,
	},
}

/// Parses a per-chain flag `CHAIN_ID=VALUE` with `VALUE`'s own parser.
pub fn parse_chain_value<T>(flag: &str) -> Result<(u64, T), String>
where
	T: FromStr,
	T::Err: fmt::Display,
{
	let (id, value) = flag
		.split_once('=')
		.ok_or_else(|| format!("`{flag}`: expected CHAIN_ID=VALUE"))?;
	let id = id.trim().parse().map_err(|_| format!("`{id}` is not a chain id"))?;
	let value = value.parse().map_err(|e: T::Err| e.to_string())?;
	Ok((id, value))
}

/// The rollups a relayer serves on a chain: `ID,ID,...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupList(pub BTreeSet<RollupId>);

impl FromStr for RollupList {
	type Err = PolicyError;
	fn from_str(text: &str) -> Result<Self, PolicyError> {
		text.split(',')
			.map(|id| {
				id.trim().parse::<RollupId>().map_err(|_| PolicyError::Malformed {
					what: "rollups",
					text: text.into(),
					expected: "a comma-separated list of rollup ids",
				})
			})
			.collect::<Result<_, _>>()
			.map(RollupList)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ranged_values_parse_and_refuse_what_is_out_of_range() {
		assert_eq!("12".parse::<Confirmations>().unwrap().get(), 12);
		assert_eq!(Confirmations::default().get(), 64);
		assert!(matches!(
			"0".parse::<Confirmations>(),
			Err(PolicyError::OutOfRange { what: "confirmations", value: 0, .. })
		));
		assert!("10001".parse::<Confirmations>().is_err());
		assert!("twelve".parse::<Confirmations>().is_err());
		assert!(matches!(
			"9".parse::<BumpPercent>(),
			Err(PolicyError::OutOfRange { what: "fee_bump_percent", min: 10, .. })
		));
		assert_eq!("10".parse::<BumpPercent>().unwrap().get(), 10);
		assert_eq!("5_000_000".parse::<GasCap>().unwrap().get(), 5_000_000);
		assert!("20999".parse::<GasCap>().is_err());
		assert!("0".parse::<BumpAfterBlocks>().is_err());
	}

	#[test]
	fn finality_and_amounts_parse() {
		assert_eq!("safe".parse::<Finality>().unwrap(), Finality::Safe);
		assert_eq!("finalized".parse::<Finality>().unwrap(), Finality::Finalized);
		assert_eq!("confirmations".parse::<Finality>().unwrap(), Finality::Confirmations);
		assert!("latest".parse::<Finality>().is_err());
		assert_eq!("1000".parse::<Wei>().unwrap(), Wei(1000));
		assert_eq!("30 gwei".parse::<Wei>().unwrap(), Wei::gwei(30));
		assert_eq!("0.5gwei".parse::<Wei>().unwrap(), Wei(500_000_000));
		assert_eq!("0.01 ether".parse::<Wei>().unwrap(), Wei(10_000_000_000_000_000));
		for bad in ["", "gwei", "1.5 wei", "0.0000000001 gwei", "3 btc", "-1", "1e9"] {
			assert!(bad.parse::<Wei>().is_err(), "{bad:?} parsed");
		}
	}

	#[test]
	fn chain_flags_name_a_chain_and_a_typed_value() {
		assert_eq!(parse_chain_value::<Finality>("1=safe").unwrap(), (1, Finality::Safe));
		assert_eq!(
			parse_chain_value::<Confirmations>("56=15").unwrap(),
			(56, "15".parse().unwrap())
		);
		let error = parse_chain_value::<Confirmations>("56=0").unwrap_err();
		assert!(error.contains("1..=10000"), "{error}");
		assert!(parse_chain_value::<Finality>("safe").is_err());
		assert!(parse_chain_value::<Finality>("x=safe").is_err());
		assert_eq!(parse_chain_value::<RollupList>("1=0, 3").unwrap().1, RollupList([0, 3].into()));
		assert!(parse_chain_value::<RollupList>("1=0,x").is_err());
		assert_eq!(parse_chain_value::<Wei>("1=2 gwei").unwrap().1, Wei::gwei(2));
	}

	#[test]
	fn bumps_raise_both_fees_and_stop_at_the_cap() {
		let policy = ChainPolicy { max_fee_per_gas: Wei::gwei(100), ..ChainPolicy::default() };
		let old = Fees { max_fee_per_gas: 10_000_000_000, max_priority_fee_per_gas: 1_000_000_000 };
		let quiet = Fees { max_fee_per_gas: 1, max_priority_fee_per_gas: 1 };
		// 20% more of each, the estimate being lower.
		assert_eq!(
			policy.bump(old, quiet),
			Bump::Replace(Fees {
				max_fee_per_gas: 12_000_000_000,
				max_priority_fee_per_gas: 1_200_000_000
			})
		);
		// The market moved further: the estimate wins.
		let busy =
			Fees { max_fee_per_gas: 60_000_000_000, max_priority_fee_per_gas: 3_000_000_000 };
		assert_eq!(policy.bump(old, busy), Bump::Replace(busy));
		// Above the cap: clamped to it while a 20% raise still fits…
		let hot = Fees { max_fee_per_gas: 900_000_000_000, max_priority_fee_per_gas: 2 };
		let Bump::Replace(clamped) = policy.bump(old, hot) else { panic!() };
		assert_eq!(clamped.max_fee_per_gas, 100_000_000_000);
		// …then no replacement fits.
		assert_eq!(
			policy.bump(clamped, hot),
			Bump::Capped { wanted: 120_000_000_000, cap: 100_000_000_000 }
		);
		// A 1-wei fee still grows.
		let tiny = Fees { max_fee_per_gas: 1, max_priority_fee_per_gas: 0 };
		let Bump::Replace(up) = policy.bump(tiny, Fees::default()) else { panic!() };
		assert!(up.max_fee_per_gas >= 2 && up.max_priority_fee_per_gas >= 1);
		// The first fee is clamped too.
		assert_eq!(policy.first_fees(hot).max_fee_per_gas, 100_000_000_000);
	}
}
