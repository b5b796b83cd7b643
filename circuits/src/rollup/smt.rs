//! A Poseidon sparse Merkle tree of fixed depth.
//!
//! Level 0 holds the leaves; node `(l + 1, i)` is `hash2(node(l, 2i), node(l, 2i + 1))`.
//! Only nodes that differ from the empty tree are stored; an empty subtree of level `l`
//! has the precomputed hash `empty[l]`, with `empty[0]` = the leaf of the `(0, 0)`
//! account. Merkle paths list the siblings from the leaf level up.

use super::Account;
use crate::poseidon::hash2;
use ark_bn254::Fr;
use std::collections::HashMap;

/// A sparse Merkle tree of `depth` levels above its leaves.
#[derive(Clone, Debug)]
pub struct SparseMerkleTree {
	depth: u32,
	/// Non-empty nodes keyed by `(level, index)`.
	nodes: HashMap<(u32, u64), Fr>,
	/// Hash of an empty subtree per level, `0..=depth`.
	empty: Vec<Fr>,
}

impl SparseMerkleTree {
	/// An empty tree (every account `(0, 0)`). `depth` is at most 32.
	pub fn new(depth: u32) -> Self {
		assert!(depth <= 32, "tree depth {depth} above 32");
		Self { depth, nodes: HashMap::new(), empty: empty_hashes(depth) }
	}

	/// The tree's depth.
	pub fn depth(&self) -> u32 {
		self.depth
	}

	/// The root.
	pub fn root(&self) -> Fr {
		self.node(self.depth, 0)
	}

	fn node(&self, level: u32, index: u64) -> Fr {
		self.nodes.get(&(level, index)).copied().unwrap_or(self.empty[level as usize])
	}

	/// The siblings of leaf `index`, leaf level first.
	pub fn path(&self, index: u64) -> Vec<Fr> {
		(0..self.depth).map(|level| self.node(level, (index >> level) ^ 1)).collect()
	}

	/// Sets leaf `index` and updates its path.
	pub fn set(&mut self, index: u64, leaf: Fr) {
		assert!(index >> self.depth == 0, "leaf {index} outside a tree of depth {}", self.depth);
		let mut hash = leaf;
		let mut at = index;
		for level in 0..self.depth {
			self.store(level, at, hash);
			let sibling = self.node(level, at ^ 1);
			hash = if at & 1 == 0 { hash2(hash, sibling) } else { hash2(sibling, hash) };
			at >>= 1;
		}
		self.store(self.depth, 0, hash);
	}

	fn store(&mut self, level: u32, index: u64, hash: Fr) {
		if hash == self.empty[level as usize] {
			self.nodes.remove(&(level, index));
		} else {
			self.nodes.insert((level, index), hash);
		}
	}
}

/// `empty[l]` for `l = 0..=depth`.
pub fn empty_hashes(depth: u32) -> Vec<Fr> {
	let mut out = vec![Account::default().leaf()];
	for level in 0..depth as usize {
		out.push(hash2(out[level], out[level]));
	}
	out
}

/// The root reached from `leaf` at `index` with `siblings` (leaf level first).
pub fn root_from_path(leaf: Fr, index: u64, siblings: &[Fr]) -> Fr {
	siblings.iter().enumerate().fold(leaf, |hash, (level, sibling)| {
		if (index >> level) & 1 == 0 {
			hash2(hash, *sibling)
		} else {
			hash2(*sibling, hash)
		}
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn paths_lead_to_the_root() {
		let mut tree = SparseMerkleTree::new(6);
		let empty_root = tree.root();
		assert_eq!(empty_root, empty_hashes(6)[6]);
		tree.set(5, Fr::from(11u64));
		tree.set(40, Fr::from(12u64));
		for index in [0u64, 5, 40, 63] {
			let leaf = if index == 5 {
				Fr::from(11u64)
			} else if index == 40 {
				Fr::from(12u64)
			} else {
				Account::default().leaf()
			};
			assert_eq!(root_from_path(leaf, index, &tree.path(index)), tree.root());
		}
		tree.set(5, Account::default().leaf());
		tree.set(40, Account::default().leaf());
		assert_eq!(tree.root(), empty_root);
		assert!(tree.nodes.is_empty());
	}
}
