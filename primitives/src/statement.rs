//! The public statement of a sequence and its encoding as Groth16 public inputs.
//!
//! The chain derives the statement from stored data and the revealing miner's account;
//! it is never taken from a caller. The same encoding is used by the prover (to build
//! the witness), the pallet (to verify), and the EVM inbox (to verify again).

use crate::{sequence_commitment, Bytes32, RollupId, SequenceIndex};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Number of public inputs of a sequence statement.
pub const STATEMENT_PUBLIC_INPUTS: usize = 10;

/// One batch of a sequence as posted by the rollup's sequencer.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct BatchHeader {
	/// The rollup's state root after this batch is applied.
	pub state_root: Bytes32,
	/// 32-byte digest of the batch's transaction data, defined by the rollup (the
	/// reference rollup uses a Poseidon hash of its transfers, cheap to prove in the batch
	/// circuit); the chain treats it as opaque. The data itself is published by the
	/// rollup's sequencer.
	pub data_hash: Bytes32,
}

/// What a final proof proves about a sequence, bound to the miner who made it.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct SequenceStatement {
	/// The rollup the sequence belongs to.
	pub rollup_id: RollupId,
	/// The sequence's index within its rollup.
	pub sequence_index: SequenceIndex,
	/// State root before the first batch.
	pub prev_state_root: Bytes32,
	/// State root after the last batch.
	pub new_state_root: Bytes32,
	/// [`sequence_commitment`] of the sequence's batches.
	pub data_commitment: Bytes32,
	/// The account of the miner the proof is bound to (32 bytes).
	pub prover: Bytes32,
}

impl SequenceStatement {
	/// Builds the statement of a sequence from its stored parts.
	pub fn new(
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
		prev_state_root: Bytes32,
		batches: &[BatchHeader],
		prover: Bytes32,
	) -> Self {
		let new_state_root = batches.last().map(|b| b.state_root).unwrap_or(prev_state_root);
		Self {
			rollup_id,
			sequence_index,
			prev_state_root,
			new_state_root,
			data_commitment: sequence_commitment(batches),
			prover,
		}
	}

	/// The statement as BN254 scalar-field elements, each 32 bytes big-endian, in this
	/// order:
	///
	/// | # | input |
	/// |---|-------|
	/// | 0 | `rollup_id` |
	/// | 1 | `sequence_index` |
	/// | 2, 3 | `prev_state_root` high and low 128 bits |
	/// | 4, 5 | `new_state_root` high and low 128 bits |
	/// | 6, 7 | `data_commitment` high and low 128 bits |
	/// | 8, 9 | `prover` high and low 128 bits |
	///
	/// Splitting 32-byte values into halves keeps every input below the field modulus
	/// whatever the value, and is one shift and one mask in Solidity.
	pub fn public_inputs(&self) -> [Bytes32; STATEMENT_PUBLIC_INPUTS] {
		let mut out = [[0u8; 32]; STATEMENT_PUBLIC_INPUTS];
		out[0][28..].copy_from_slice(&self.rollup_id.to_be_bytes());
		out[1][24..].copy_from_slice(&self.sequence_index.to_be_bytes());
		let halves = [self.prev_state_root, self.new_state_root, self.data_commitment, self.prover];
		for (i, value) in halves.iter().enumerate() {
			let (hi, lo) = split_halves(value);
			out[2 + 2 * i] = hi;
			out[3 + 2 * i] = lo;
		}
		out
	}
}

/// Splits a 32-byte big-endian value into its high and low 128 bits, each as a 32-byte
/// big-endian field element.
pub fn split_halves(value: &Bytes32) -> (Bytes32, Bytes32) {
	let mut hi = [0u8; 32];
	let mut lo = [0u8; 32];
	hi[16..].copy_from_slice(&value[..16]);
	lo[16..].copy_from_slice(&value[16..]);
	(hi, lo)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn public_inputs_follow_the_documented_layout() {
		let mut root = [0u8; 32];
		root[0] = 0xaa;
		root[31] = 0xbb;
		let s = SequenceStatement {
			rollup_id: 7,
			sequence_index: 0x0102,
			prev_state_root: root,
			new_state_root: [0; 32],
			data_commitment: [0xff; 32],
			prover: [0x11; 32],
		};
		let inputs = s.public_inputs();
		assert_eq!(inputs[0][31], 7);
		assert_eq!(&inputs[1][30..], &[1, 2]);
		assert_eq!(inputs[2][16], 0xaa);
		assert_eq!(inputs[3][31], 0xbb);
		assert!(inputs[4].iter().all(|b| *b == 0));
		assert_eq!(&inputs[6][..16], &[0u8; 16]);
		assert_eq!(&inputs[6][16..], &[0xffu8; 16]);
		assert_eq!(&inputs[9][16..], &[0x11u8; 16]);
	}

	#[test]
	fn new_root_is_last_batch_root() {
		let batches = [
			BatchHeader { state_root: [1; 32], data_hash: [9; 32] },
			BatchHeader { state_root: [2; 32], data_hash: [9; 32] },
		];
		let s = SequenceStatement::new(1, 0, [0; 32], &batches, [5; 32]);
		assert_eq!(s.new_state_root, [2; 32]);
		assert_eq!(s.data_commitment, sequence_commitment(&batches));
	}
}
