//! Circuit parameters: how deep the state tree is, how many transfers a batch holds and
//! how many batches a sequence may have.

use crate::error::Error;

/// Shape of the reference rollup's circuits. Keys are specific to one configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CircuitConfig {
	/// Name used on the command line and in key file names.
	pub name: &'static str,
	/// Depth of the account tree: the rollup has `2^tree_depth` accounts.
	pub tree_depth: u32,
	/// Transfers per batch (shorter batches are padded with disabled slots).
	pub batch_size: usize,
	/// Most batches per sequence: the aggregator's capacity.
	pub max_batches: usize,
}

/// Small configuration: proofs in about a second on two cores, for tests.
pub const TEST: CircuitConfig =
	CircuitConfig { name: "test", tree_depth: 8, batch_size: 2, max_batches: 4 };

/// A realistic configuration: a million accounts, 16 transfers per batch, up to 16
/// batches per sequence.
pub const REALISTIC: CircuitConfig =
	CircuitConfig { name: "realistic", tree_depth: 20, batch_size: 16, max_batches: 16 };

/// Every built-in configuration.
pub const ALL: [CircuitConfig; 2] = [TEST, REALISTIC];

impl CircuitConfig {
	/// Looks a built-in configuration up by name.
	pub fn by_name(name: &str) -> Result<Self, Error> {
		ALL.iter().copied().find(|c| c.name == name).ok_or_else(|| {
			Error::InvalidInput(format!(
				"unknown circuit configuration `{name}` (known: {})",
				ALL.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
			))
		})
	}

	/// Number of accounts the tree can hold.
	pub fn accounts(&self) -> u64 {
		1u64 << self.tree_depth
	}

	/// Bytes that identify the shape (bound into key fingerprints).
	pub fn fingerprint_bytes(&self) -> Vec<u8> {
		let mut out = self.name.as_bytes().to_vec();
		out.extend_from_slice(&self.tree_depth.to_be_bytes());
		out.extend_from_slice(&(self.batch_size as u64).to_be_bytes());
		out.extend_from_slice(&(self.max_batches as u64).to_be_bytes());
		out
	}
}
