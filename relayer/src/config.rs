//! Configuration: a TOML file, overridden by command-line flags.
//!
//! ```toml
//! appchain_url = "ws://127.0.0.1:9944"
//! db_path = "zkpow-relayer.db"
//! metrics_addr = "127.0.0.1:9616"   # omit to serve no metrics
//! poll_interval_ms = 2000
//! start_block = 0                   # first block to scan when the database has no cursor
//! key_env = "ZKPOW_RELAYER_KEY"     # default key for every chain (or key_file = "...")
//!
//! rpc_timeout_s = 30                # deadline of every base-chain RPC request
//!
//! [[chains]]
//! chain_id = 31337
//! rpc = ["http://127.0.0.1:8545"]   # several endpoints: tried in turn on failures
//! # key_file / key_env here override the default for this chain
//! finality = "finalized"            # or "safe", or "confirmations" (with `confirmations = N`)
//! confirmations = 64                # also the fallback where the chain has no such tag
//! fee_bump_percent = 20             # replacement fee raise, 10..=1000 %
//! bump_after_blocks = 3             # blocks without inclusion before a replacement
//! max_fee_per_gas = "500 gwei"      # never offer more per gas (bumps stop here)
//! max_gas_per_delivery = 10000000   # gas limit cap of one delivery
//! rollups = [0, 3]                  # serve only these rollups (omit: all routed here)
//! [[chains.inboxes]]                # the code hash `deploy` printed for a rollup's inbox
//! rollup_id = 0
//! code_hash = "0x…"
//! ```
//!
//! The per-chain fields, their defaults and ranges are in [`crate::policy`].
//!
//! Keys are never part of the configuration itself: only where to read them (a file or an
//! environment variable, see [`crate::keys`]).

use crate::policy::ChainPolicy;
use serde::Deserialize;
use std::{collections::BTreeSet, net::SocketAddr, path::PathBuf, time::Duration};

/// Where a signing key comes from.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KeySource {
	/// A file holding the hex private key (one line, `0x` optional).
	pub key_file: Option<PathBuf>,
	/// An environment variable holding the hex private key.
	pub key_env: Option<String>,
}

impl KeySource {
	/// `self`, or `fallback` where `self` names nothing.
	pub fn or(&self, fallback: &KeySource) -> KeySource {
		if self.key_file.is_some() || self.key_env.is_some() {
			self.clone()
		} else {
			fallback.clone()
		}
	}
}

/// One EVM base chain.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
	/// EIP-155 chain id: rollups registered with this base chain id are routed here.
	pub chain_id: u64,
	/// JSON-RPC endpoints (HTTP or HTTPS), tried in turn when one fails.
	pub rpc: Vec<String>,
	/// This chain's signing key, if not the default one.
	#[serde(flatten)]
	pub key: KeySource,
	/// Finality, fee, gas and inbox rules of this chain.
	#[serde(flatten)]
	pub policy: ChainPolicy,
}

impl ChainConfig {
	/// Chain `chain_id` at `rpc` with the default key and policy.
	pub fn new(chain_id: u64, rpc: Vec<String>) -> Self {
		Self { chain_id, rpc, key: KeySource::default(), policy: ChainPolicy::default() }
	}
}

/// Retry policy for transient failures (RPC unreachable, timeouts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
	/// First delay.
	pub initial: Duration,
	/// Longest delay.
	pub max: Duration,
}

impl Backoff {
	/// The delay after `failures` consecutive failures (doubling, capped).
	pub fn delay(&self, failures: u32) -> Duration {
		let factor = 1u32.checked_shl(failures.saturating_sub(1).min(16)).unwrap_or(u32::MAX);
		self.initial.saturating_mul(factor).min(self.max)
	}
}

/// The relayer's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
	/// WebSocket JSON-RPC endpoint of an appchain node.
	pub appchain_url: String,
	/// Path of the embedded database (created if missing).
	pub db_path: PathBuf,
	/// Where to serve Prometheus metrics, if anywhere.
	pub metrics_addr: Option<SocketAddr>,
	/// How often to look for newly finalized blocks and to retry pending deliveries.
	pub poll_interval: Duration,
	/// First block to scan when the database has no cursor yet.
	pub start_block: u32,
	/// Retry policy for transient failures.
	pub backoff: Backoff,
	/// How long to wait for a sent transaction's receipt before checking again later.
	pub receipt_timeout: Duration,
	/// Deadline of every base-chain RPC request.
	pub rpc_timeout: Duration,
	/// The default signing key.
	pub key: KeySource,
	/// The EVM base chains served.
	pub chains: Vec<ChainConfig>,
}

/// The file format (every field optional; defaults filled by [`Config::from_file`]).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
	appchain_url: Option<String>,
	db_path: Option<PathBuf>,
	metrics_addr: Option<SocketAddr>,
	poll_interval_ms: Option<u64>,
	start_block: Option<u32>,
	backoff_initial_ms: Option<u64>,
	backoff_max_ms: Option<u64>,
	receipt_timeout_s: Option<u64>,
	rpc_timeout_s: Option<u64>,
	#[serde(flatten)]
	key: KeySource,
	#[serde(default)]
	chains: Vec<ChainConfig>,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
	/// The file could not be read.
	#[error("cannot read config file {path}: {error}")]
	Read {
		/// The file.
		path: PathBuf,
		/// Why.
		error: std::io::Error,
	},
	/// The file is not valid TOML for this format.
	#[error("invalid config file {path}: {error}")]
	Parse {
		/// The file.
		path: PathBuf,
		/// Why.
		error: toml::de::Error,
	},
	/// A consistency rule is broken.
	#[error("invalid configuration: {0}")]
	Invalid(String),
}

impl Default for Config {
	fn default() -> Self {
		Self::from_parsed(ConfigFile::default())
	}
}

impl Config {
	/// Reads a TOML configuration file.
	pub fn from_file(path: &std::path::Path) -> Result<Self, ConfigError> {
		let text = std::fs::read_to_string(path)
			.map_err(|error| ConfigError::Read { path: path.into(), error })?;
		Self::from_toml(&text).map_err(|e| match e {
			ConfigError::Parse { error, .. } => ConfigError::Parse { path: path.into(), error },
			other => other,
		})
	}

	/// Parses a TOML configuration.
	pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
		let parsed: ConfigFile = toml::from_str(text)
			.map_err(|error| ConfigError::Parse { path: PathBuf::from("<inline>"), error })?;
		Ok(Self::from_parsed(parsed))
	}

	fn from_parsed(file: ConfigFile) -> Self {
		Self {
			appchain_url: file.appchain_url.unwrap_or_else(|| "ws://127.0.0.1:9944".into()),
			db_path: file.db_path.unwrap_or_else(|| PathBuf::from("zkpow-relayer.db")),
			metrics_addr: file.metrics_addr,
			poll_interval: Duration::from_millis(file.poll_interval_ms.unwrap_or(2_000)),
			start_block: file.start_block.unwrap_or(0),
			backoff: Backoff {
				initial: Duration::from_millis(file.backoff_initial_ms.unwrap_or(1_000)),
				max: Duration::from_millis(file.backoff_max_ms.unwrap_or(60_000)),
			},
			receipt_timeout: Duration::from_secs(file.receipt_timeout_s.unwrap_or(120)),
			rpc_timeout: Duration::from_secs(file.rpc_timeout_s.unwrap_or(30)),
			key: file.key,
			chains: file.chains,
		}
	}

	/// Checks the rules a usable configuration follows.
	pub fn validate(&self) -> Result<(), ConfigError> {
		let invalid = |msg: String| Err(ConfigError::Invalid(msg));
		let mut ids = BTreeSet::new();
		for chain in &self.chains {
			if !ids.insert(chain.chain_id) {
				return invalid(format!("chain {} is configured twice", chain.chain_id));
			}
			if chain.rpc.is_empty() {
				return invalid(format!("chain {} has no rpc endpoint", chain.chain_id));
			}
			let key = chain.key.or(&self.key);
			if key.key_file.is_none() && key.key_env.is_none() {
				return invalid(format!(
					"chain {} has no signing key: set key_file or key_env (for the chain or as the default)",
					chain.chain_id
				));
			}
			if chain.policy.max_fee_per_gas.0 == 0 {
				return invalid(format!(
					"chain {}: max_fee_per_gas must be above 0",
					chain.chain_id
				));
			}
			let mut expected = BTreeSet::new();
			for inbox in &chain.policy.inboxes {
				if !expected.insert(inbox.rollup_id) {
					return invalid(format!(
						"chain {}: rollup {} has two inbox code hashes",
						chain.chain_id, inbox.rollup_id
					));
				}
			}
		}
		if self.poll_interval.is_zero() {
			return invalid("poll_interval_ms must be above 0".into());
		}
		if self.backoff.initial.is_zero() || self.backoff.initial > self.backoff.max {
			return invalid("backoff needs 0 < backoff_initial_ms <= backoff_max_ms".into());
		}
		if self.rpc_timeout.is_zero() {
			return invalid("rpc_timeout_s must be above 0".into());
		}
		Ok(())
	}

	/// The configuration of base chain `chain_id`.
	pub fn chain(&self, chain_id: u64) -> Option<&ChainConfig> {
		self.chains.iter().find(|c| c.chain_id == chain_id)
	}
}

/// Parses a `--chain CHAIN_ID=URL[,URL...]` flag.
pub fn parse_chain_flag(flag: &str) -> Result<(u64, Vec<String>), String> {
	let (id, urls) = flag
		.split_once('=')
		.ok_or_else(|| format!("`{flag}`: expected CHAIN_ID=URL[,URL...]"))?;
	let id = id.trim().parse().map_err(|_| format!("`{id}` is not a chain id"))?;
	let urls: Vec<String> = urls.split(',').map(|u| u.trim().to_string()).collect();
	if urls.iter().any(String::is_empty) {
		return Err(format!("`{flag}`: empty URL"));
	}
	Ok((id, urls))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_full_file_parses_and_validates() {
		let config = Config::from_toml(
			r#"
			appchain_url = "ws://node:9944"
			db_path = "/var/lib/relayer.db"
			metrics_addr = "0.0.0.0:9616"
			poll_interval_ms = 500
			start_block = 12
			key_env = "RELAYER_KEY"

			[[chains]]
			chain_id = 1
			rpc = ["https://a", "https://b"]

			[[chains]]
			chain_id = 56
			rpc = ["https://bsc"]
			key_file = "/keys/bsc"
			"#,
		)
		.unwrap();
		config.validate().unwrap();
		assert_eq!(config.poll_interval, Duration::from_millis(500));
		assert_eq!(config.start_block, 12);
		assert_eq!(config.chain(1).unwrap().rpc.len(), 2);
		let bsc = config.chain(56).unwrap().key.or(&config.key);
		assert_eq!(bsc.key_file, Some(PathBuf::from("/keys/bsc")));
		assert_eq!(
			config.chain(1).unwrap().key.or(&config.key).key_env.as_deref(),
			Some("RELAYER_KEY")
		);
	}

	#[test]
	fn defaults_apply_to_an_empty_file() {
		let config = Config::from_toml("").unwrap();
		assert_eq!(config.appchain_url, "ws://127.0.0.1:9944");
		assert_eq!(config.metrics_addr, None);
		assert!(config.chains.is_empty());
		config.validate().unwrap();
	}

	#[test]
	fn mistakes_are_reported() {
		assert!(matches!(Config::from_toml("poll_intervl_ms = 3"), Err(ConfigError::Parse { .. })));
		let twice = Config::from_toml(
			"key_env = \"K\"\n[[chains]]\nchain_id = 1\nrpc = [\"http://a\"]\n[[chains]]\nchain_id = 1\nrpc = [\"http://b\"]",
		)
		.unwrap();
		assert!(twice.validate().unwrap_err().to_string().contains("configured twice"));
		let keyless = Config::from_toml("[[chains]]\nchain_id = 5\nrpc = [\"http://a\"]").unwrap();
		assert!(keyless.validate().unwrap_err().to_string().contains("no signing key"));
	}

	/// Every per-chain rule parses from the file with its type and range; defaults fill
	/// what is left out.
	#[test]
	fn chain_policies_parse_typed_and_ranged() {
		use crate::policy::{Finality, Wei};
		let config = Config::from_toml(
			r#"
			key_env = "K"
			rpc_timeout_s = 5
			[[chains]]
			chain_id = 1
			rpc = ["https://a"]
			finality = "safe"
			confirmations = 12
			fee_bump_percent = 25
			bump_after_blocks = 2
			max_fee_per_gas = "150 gwei"
			max_gas_per_delivery = 3_000_000
			rollups = [0, 4]
			[[chains.inboxes]]
			rollup_id = 4
			code_hash = "0x1111111111111111111111111111111111111111111111111111111111111111"

			[[chains]]
			chain_id = 56
			rpc = ["https://bsc"]
			finality = "confirmations"
			max_fee_per_gas = 3000000000
			"#,
		)
		.unwrap();
		config.validate().unwrap();
		assert_eq!(config.rpc_timeout, Duration::from_secs(5));
		let eth = &config.chain(1).unwrap().policy;
		assert_eq!(eth.finality, Finality::Safe);
		assert_eq!(eth.confirmations.get(), 12);
		assert_eq!(eth.fee_bump_percent.get(), 25);
		assert_eq!(eth.bump_after_blocks.get(), 2);
		assert_eq!(eth.max_fee_per_gas, Wei::gwei(150));
		assert_eq!(eth.max_gas_per_delivery.get(), 3_000_000);
		assert!(eth.serves(4) && !eth.serves(1));
		assert_eq!(eth.expected_code_hash(4), Some(alloy::primitives::B256::repeat_byte(0x11)));
		assert_eq!(eth.expected_code_hash(0), None);
		let bsc = &config.chain(56).unwrap().policy;
		assert_eq!(bsc.finality, Finality::Confirmations);
		assert_eq!(bsc.confirmations.get(), 64, "the default depth");
		assert_eq!(bsc.max_fee_per_gas, Wei::gwei(3));
		assert!(bsc.serves(123), "no list: every rollup routed here");
		assert_eq!(bsc.fee_bump_percent.get(), 20);

		let chain = |field: &str| {
			Config::from_toml(&format!(
				"key_env = \"K\"\n[[chains]]\nchain_id = 1\nrpc = [\"http://a\"]\n{field}"
			))
		};
		for bad in [
			"confirmations = 0",
			"confirmations = 10001",
			"fee_bump_percent = 5",
			"bump_after_blocks = 0",
			"max_gas_per_delivery = 100",
			"finality = \"latest\"",
			"max_fee_per_gas = \"3 btc\"",
			"max_fee_per_gas = -1",
			"rollups = [-1]",
			"finalty = \"safe\"",
		] {
			assert!(matches!(chain(bad), Err(ConfigError::Parse { .. })), "{bad} parsed");
		}
		let zero = chain("max_fee_per_gas = 0").unwrap();
		assert!(zero.validate().unwrap_err().to_string().contains("max_fee_per_gas"));
	}

	#[test]
	fn the_example_file_is_valid() {
		let config = Config::from_toml(include_str!("../relayer.example.toml")).unwrap();
		config.validate().unwrap();
		assert_eq!(config.chain(31337).unwrap().rpc, vec!["http://127.0.0.1:8545".to_string()]);
	}

	#[test]
	fn chain_flags_parse() {
		assert_eq!(
			parse_chain_flag("31337=http://a,http://b").unwrap(),
			(31337, vec!["http://a".to_string(), "http://b".to_string()])
		);
		assert!(parse_chain_flag("x=http://a").is_err());
		assert!(parse_chain_flag("1").is_err());
	}

	#[test]
	fn backoff_doubles_up_to_the_cap() {
		let b = Backoff { initial: Duration::from_secs(1), max: Duration::from_secs(10) };
		assert_eq!(b.delay(1), Duration::from_secs(1));
		assert_eq!(b.delay(2), Duration::from_secs(2));
		assert_eq!(b.delay(4), Duration::from_secs(8));
		assert_eq!(b.delay(5), Duration::from_secs(10));
		assert_eq!(b.delay(100), Duration::from_secs(10));
	}
}
