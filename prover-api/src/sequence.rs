//! Sequence files: what a rollup's data endpoint serves at `GET {url}/sequences/{index}`
//! (written by `zkpow-prover sequencer`, served by `zkpow-prover publish`).
//!
//! [`SequenceData`] is the part a miner reads. A file may carry more (its configuration,
//! index, new root, the published batch data and transfers); readers ignore it. Nothing a
//! data endpoint serves is trusted: [`SequenceData::check`] compares it with the chain.

use crate::hex::hex32;
use serde::{Deserialize, Serialize};
use zkpow_primitives::{BatchHeader, Bytes32};

/// One batch of a sequence file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchData<W> {
	/// Root after the batch.
	#[serde(with = "hex32")]
	pub state_root: Bytes32,
	/// The batch's data hash.
	#[serde(with = "hex32")]
	pub data_hash: Bytes32,
	/// The prover's witness for the batch.
	pub witness: W,
}

/// A sequence file as a miner reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceData<W> {
	/// Root before the sequence.
	#[serde(with = "hex32")]
	pub prev_root: Bytes32,
	/// The batches, in order.
	pub batches: Vec<BatchData<W>>,
}

/// How served data differs from the chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SequenceMismatch {
	/// The previous root is not the chain's.
	#[error("`prev_root` is not the sequence's previous state root on chain")]
	PrevRoot,
	/// Another number of batches.
	#[error("{served} batches served, {on_chain} on chain")]
	BatchCount {
		/// Batches in the file.
		served: usize,
		/// Batches on chain.
		on_chain: usize,
	},
	/// A batch's header differs.
	#[error("batch {0} has another state root or data hash than on chain")]
	Header(usize),
}

impl<W> SequenceData<W> {
	/// Checks the file against the chain's `prev_root` and `batches`, and returns its
	/// witnesses in order.
	pub fn check(
		self,
		prev_root: &Bytes32,
		batches: &[BatchHeader],
	) -> Result<Vec<W>, SequenceMismatch> {
		if &self.prev_root != prev_root {
			return Err(SequenceMismatch::PrevRoot);
		}
		if self.batches.len() != batches.len() {
			return Err(SequenceMismatch::BatchCount {
				served: self.batches.len(),
				on_chain: batches.len(),
			});
		}
		for (i, (served, header)) in self.batches.iter().zip(batches).enumerate() {
			if served.state_root != header.state_root || served.data_hash != header.data_hash {
				return Err(SequenceMismatch::Header(i));
			}
		}
		Ok(self.batches.into_iter().map(|b| b.witness).collect())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::hex::encode;
	use serde_json::{json, Value};

	/// Attack: a data endpoint serves witnesses for other roots than the chain's (to make
	/// the miner prove something that cannot be revealed); the miner refuses them.
	#[test]
	fn served_data_must_match_the_chain() {
		let headers = [
			BatchHeader { state_root: [1; 32], data_hash: [2; 32] },
			BatchHeader { state_root: [3; 32], data_hash: [4; 32] },
		];
		let file = |prev: Bytes32, second_root: Bytes32| -> SequenceData<Value> {
			serde_json::from_value(json!({
				"config": "test",
				"prev_root": encode(&prev),
				"batches": [
					{"state_root": encode(&[1; 32]), "data_hash": encode(&[2; 32]), "witness": {"n": 0}, "data": "0x"},
					{"state_root": encode(&second_root), "data_hash": encode(&[4; 32]), "witness": {"n": 1}},
				]
			}))
			.unwrap()
		};
		let witnesses = file([9; 32], [3; 32]).check(&[9; 32], &headers).unwrap();
		assert_eq!(witnesses, vec![json!({"n": 0}), json!({"n": 1})]);
		assert_eq!(
			file([8; 32], [3; 32]).check(&[9; 32], &headers),
			Err(SequenceMismatch::PrevRoot)
		);
		assert_eq!(
			file([9; 32], [5; 32]).check(&[9; 32], &headers),
			Err(SequenceMismatch::Header(1))
		);
		assert_eq!(
			file([9; 32], [3; 32]).check(&[9; 32], &headers[..1]),
			Err(SequenceMismatch::BatchCount { served: 2, on_chain: 1 })
		);
	}
}
