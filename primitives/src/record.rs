//! The record of a finalized sequence that the appchain's validators sign for the EVM.
//!
//! Every block's BEEFY MMR leaf carries, as its extra data, [`records_root`]: the Merkle
//! root over the [`FinalizedRecord::hash`]es of the sequences finalized in that block, in
//! the order of their `SequenceFinalized` events. An inbox on an EVM base chain accepts a
//! sequence only with a proof that its record is under a root the validators signed, so
//! what reaches the inbox is exactly what the appchain finalized, provers included.
//!
//! The tree is `binary-merkle-tree`'s (the one BEEFY uses for its validator sets) with
//! keccak-256: each leaf is `keccak256(record_hash)`, each inner node
//! `keccak256(left ++ right)`, an odd node at the end of a row moves up unchanged, and an
//! empty block's root is 32 zero bytes. `contracts/sol/MerkleProof.sol` verifies its
//! proofs on the EVM and `contracts/sol/FinalizedRecord.sol` hashes records the same way as
//! [`FinalizedRecord::hash`].

use crate::{BatchNumber, Bytes32, RollupId, SequenceIndex};
use alloc::vec::Vec;
use sp_crypto_hashing::keccak_256;

/// What the appchain finalized about one sequence, as its `SequenceFinalized` event
/// carries it (the batch headers are covered by `data_commitment`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FinalizedRecord<'a> {
	/// The rollup.
	pub rollup_id: RollupId,
	/// The sequence's index within its rollup.
	pub sequence_index: SequenceIndex,
	/// Number of its first batch.
	pub start_batch: BatchNumber,
	/// Number of batches.
	pub batch_count: u32,
	/// State root before the first batch.
	pub prev_state_root: Bytes32,
	/// State root after the last batch.
	pub new_state_root: Bytes32,
	/// [`crate::sequence_commitment`] of the batches.
	pub data_commitment: Bytes32,
	/// The accepted proof's bytes.
	pub proof: &'a [u8],
	/// The account the accepted proof is bound to.
	pub prover: Bytes32,
	/// Every account that revealed a valid proof, in the event's order.
	pub provers: &'a [Bytes32],
}

impl FinalizedRecord<'_> {
	/// Length of the preimage [`Self::hash`] hashes.
	pub const ENCODED_LEN: usize = 4 + 8 + 8 + 4 + 32 * 6;

	/// `keccak256` of the packed fields, integers big-endian:
	///
	/// `rollup_id (4) ++ sequence_index (8) ++ start_batch (8) ++ batch_count (4) ++
	/// prev_state_root ++ new_state_root ++ data_commitment ++ keccak256(proof) ++ prover ++
	/// keccak256(provers[0] ++ … ++ provers[n-1])`
	///
	/// which is Solidity's `keccak256(abi.encodePacked(...))` of the same values.
	pub fn hash(&self) -> Bytes32 {
		let mut buf = Vec::with_capacity(Self::ENCODED_LEN);
		buf.extend_from_slice(&self.rollup_id.to_be_bytes());
		buf.extend_from_slice(&self.sequence_index.to_be_bytes());
		buf.extend_from_slice(&self.start_batch.to_be_bytes());
		buf.extend_from_slice(&self.batch_count.to_be_bytes());
		buf.extend_from_slice(&self.prev_state_root);
		buf.extend_from_slice(&self.new_state_root);
		buf.extend_from_slice(&self.data_commitment);
		buf.extend_from_slice(&keccak_256(self.proof));
		buf.extend_from_slice(&self.prover);
		buf.extend_from_slice(&keccak_256(&self.provers.concat()));
		keccak_256(&buf)
	}
}

/// The keccak-256 [`hash_db::Hasher`] the record tree is built with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Keccak256;

impl hash_db::Hasher for Keccak256 {
	type Out = Bytes32;
	type StdHasher = FirstBytesHasher;
	const LENGTH: usize = 32;

	fn hash(x: &[u8]) -> Bytes32 {
		keccak_256(x)
	}
}

/// The `core::hash::Hasher` [`hash_db::Hasher`] asks for: a digest is already uniform, so
/// its first eight bytes are the hash (unused by the tree itself).
#[derive(Clone, Copy, Debug, Default)]
pub struct FirstBytesHasher(u64);

impl core::hash::Hasher for FirstBytesHasher {
	fn finish(&self) -> u64 {
		self.0
	}

	fn write(&mut self, bytes: &[u8]) {
		let mut first = [0u8; 8];
		let n = bytes.len().min(8);
		first[..n].copy_from_slice(&bytes[..n]);
		self.0 = u64::from_le_bytes(first);
	}
}

/// The Merkle root over the record hashes of one block (32 zero bytes when none).
pub fn records_root(record_hashes: &[Bytes32]) -> Bytes32 {
	binary_merkle_tree::merkle_root::<Keccak256, _>(record_hashes.iter())
}

/// The proof that `record_hashes[index]` is under [`records_root`]`(record_hashes)`: the
/// sibling hashes from the leaf up. `None` when `index` is out of range.
pub fn record_proof(record_hashes: &[Bytes32], index: usize) -> Option<Vec<Bytes32>> {
	(index < record_hashes.len()).then(|| {
		binary_merkle_tree::merkle_proof::<Keccak256, _, _>(record_hashes.iter(), index as u32)
			.proof
	})
}

/// Checks a [`record_proof`] (what `MerkleProof.sol` does on the EVM).
pub fn verify_record_proof(
	root: &Bytes32,
	proof: &[Bytes32],
	record_count: usize,
	index: usize,
	record_hash: &Bytes32,
) -> bool {
	binary_merkle_tree::verify_proof::<Keccak256, _, _>(
		root,
		proof.iter().copied(),
		record_count as u32,
		index as u32,
		record_hash,
	)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn record<'a>(provers: &'a [Bytes32], proof: &'a [u8]) -> FinalizedRecord<'a> {
		FinalizedRecord {
			rollup_id: 7,
			sequence_index: 3,
			start_batch: 12,
			batch_count: 2,
			prev_state_root: [1; 32],
			new_state_root: [2; 32],
			data_commitment: [3; 32],
			proof,
			prover: [4; 32],
			provers,
		}
	}

	#[test]
	fn the_hash_is_keccak_of_the_documented_packing() {
		let provers = [[4u8; 32], [5u8; 32]];
		let r = record(&provers, b"proof");
		let mut pre = Vec::new();
		pre.extend_from_slice(&[0, 0, 0, 7]);
		pre.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 3]);
		pre.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 12]);
		pre.extend_from_slice(&[0, 0, 0, 2]);
		pre.extend_from_slice(&[1; 32]);
		pre.extend_from_slice(&[2; 32]);
		pre.extend_from_slice(&[3; 32]);
		pre.extend_from_slice(&keccak_256(b"proof"));
		pre.extend_from_slice(&[4; 32]);
		let mut both = [4u8; 64];
		both[32..].copy_from_slice(&[5; 32]);
		pre.extend_from_slice(&keccak_256(&both));
		assert_eq!(pre.len(), FinalizedRecord::ENCODED_LEN);
		assert_eq!(r.hash(), keccak_256(&pre));
	}

	/// Every field is bound: a record that differs in any one of them, the provers'
	/// order included, hashes differently.
	#[test]
	fn every_field_changes_the_hash() {
		let provers = [[4u8; 32], [5u8; 32]];
		let swapped = [[5u8; 32], [4u8; 32]];
		let base = record(&provers, b"proof");
		let variants = [
			FinalizedRecord { rollup_id: 8, ..base },
			FinalizedRecord { sequence_index: 4, ..base },
			FinalizedRecord { start_batch: 13, ..base },
			FinalizedRecord { batch_count: 3, ..base },
			FinalizedRecord { prev_state_root: [9; 32], ..base },
			FinalizedRecord { new_state_root: [9; 32], ..base },
			FinalizedRecord { data_commitment: [9; 32], ..base },
			FinalizedRecord { proof: b"other", ..base },
			FinalizedRecord { prover: [9; 32], ..base },
			FinalizedRecord { provers: &swapped, ..base },
			FinalizedRecord { provers: &provers[..1], ..base },
		];
		for v in variants {
			assert_ne!(v.hash(), base.hash(), "{v:?}");
		}
	}

	#[test]
	fn every_record_of_every_tree_size_proves_and_no_other_does() {
		assert_eq!(records_root(&[]), [0u8; 32]);
		for n in 1..=17usize {
			let hashes: Vec<Bytes32> = (0..n).map(|i| keccak_256(&[i as u8])).collect();
			let root = records_root(&hashes);
			for i in 0..n {
				let proof = record_proof(&hashes, i).unwrap();
				assert!(verify_record_proof(&root, &proof, n, i, &hashes[i]), "n {n} i {i}");
				let other = keccak_256(b"not a record");
				assert!(!verify_record_proof(&root, &proof, n, i, &other), "n {n} i {i}");
			}
			assert_eq!(record_proof(&hashes, n), None);
		}
	}

	#[test]
	fn a_single_record_tree_is_its_hashed_leaf() {
		let h = [7u8; 32];
		assert_eq!(records_root(&[h]), keccak_256(&h));
	}
}
