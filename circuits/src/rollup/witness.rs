//! What a prover needs to prove one batch, and its native replay.
//!
//! A [`BatchWitness`] holds the batch's transfers and, for each, the sender's and the
//! receiver's leaf with its Merkle path as they were when the transfer touched them
//! (the receiver's path is taken after the sender was debited). It is self-contained:
//! a prover host proves a batch from it without holding the rollup's state.

use super::{
	leaf_hash,
	smt::root_from_path,
	transfer::{data_digest, Transfer},
};
use crate::{
	config::CircuitConfig,
	error::{invalid, Error},
	field::{fr_from_bytes, fr_to_bytes, hex32, hex32_vec},
};
use ark_bn254::Fr;
use serde::{Deserialize, Serialize};
use zkpow_primitives::{BatchHeader, Bytes32};

/// A leaf as read by a transfer, with its Merkle path (siblings, leaf level first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeafOpening {
	/// Balance before the transfer.
	pub balance: u64,
	/// Nonce before the transfer.
	pub nonce: u64,
	/// Siblings from the leaf level up, `tree_depth` of them.
	#[serde(with = "hex32_vec")]
	pub siblings: Vec<Bytes32>,
}

/// The two leaves a transfer reads and rewrites.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferAccess {
	/// The sender's leaf against the root before the transfer.
	pub sender: LeafOpening,
	/// The receiver's leaf against the root after the sender was debited.
	pub receiver: LeafOpening,
}

/// Everything needed to prove one batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchWitness {
	/// State root before the batch.
	#[serde(with = "hex32")]
	pub prev_root: Bytes32,
	/// The batch's transfers, in order.
	pub transfers: Vec<Transfer>,
	/// One access record per transfer.
	pub accesses: Vec<TransferAccess>,
}

/// The outcome of a batch: what its proof's public inputs say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchTransition {
	/// Root before the batch.
	pub prev_root: Fr,
	/// Root after the batch.
	pub new_root: Fr,
	/// Batch data digest.
	pub data_digest: Fr,
}

impl BatchTransition {
	/// The batch's header as posted on chain.
	pub fn header(&self) -> BatchHeader {
		BatchHeader {
			state_root: fr_to_bytes(&self.new_root),
			data_hash: fr_to_bytes(&self.data_digest),
		}
	}
}

impl LeafOpening {
	fn siblings_fr(&self, what: &str) -> Result<Vec<Fr>, Error> {
		self.siblings.iter().map(|s| fr_from_bytes(s, what)).collect()
	}
}

impl BatchWitness {
	/// Checks that the witness fits `config`: at most `batch_size` transfers, one access
	/// per transfer, paths of `tree_depth` siblings, account indices inside the tree.
	pub fn check_shape(&self, config: &CircuitConfig) -> Result<(), Error> {
		if self.transfers.len() > config.batch_size {
			return Err(invalid(format!(
				"batch has {} transfers, the `{}` circuits take at most {}",
				self.transfers.len(),
				config.name,
				config.batch_size
			)));
		}
		if self.accesses.len() != self.transfers.len() {
			return Err(invalid(format!(
				"{} transfers but {} access records",
				self.transfers.len(),
				self.accesses.len()
			)));
		}
		for (i, (t, a)) in self.transfers.iter().zip(&self.accesses).enumerate() {
			for (who, index) in [("sender", t.from), ("receiver", t.to)] {
				if (index as u64) >= config.accounts() {
					return Err(invalid(format!(
						"transfer {i}: {who} account {index} outside a tree of {} accounts",
						config.accounts()
					)));
				}
			}
			for (who, opening) in [("sender", &a.sender), ("receiver", &a.receiver)] {
				if opening.siblings.len() != config.tree_depth as usize {
					return Err(invalid(format!(
						"transfer {i}: {who} path has {} siblings, the tree depth is {}",
						opening.siblings.len(),
						config.tree_depth
					)));
				}
			}
		}
		Ok(())
	}

	/// Replays the batch: checks the shape, every opening against the running root and
	/// every transfer against the rollup's rules, and returns the transition.
	pub fn execute(&self, config: &CircuitConfig) -> Result<BatchTransition, Error> {
		self.check_shape(config)?;
		let prev_root = fr_from_bytes(&self.prev_root, "prev_root")?;
		let mut root = prev_root;
		for (i, (t, a)) in self.transfers.iter().zip(&self.accesses).enumerate() {
			root = execute_transfer(i, t, a, root)?;
		}
		Ok(BatchTransition { prev_root, new_root: root, data_digest: data_digest(&self.transfers) })
	}
}

fn execute_transfer(i: usize, t: &Transfer, a: &TransferAccess, root: Fr) -> Result<Fr, Error> {
	let fail = |msg: String| invalid(format!("transfer {i} ({} -> {}): {msg}", t.from, t.to));
	let s = &a.sender;
	let s_path = s.siblings_fr("sender sibling")?;
	let s_leaf = leaf_hash(Fr::from(s.balance), Fr::from(s.nonce));
	if root_from_path(s_leaf, t.from as u64, &s_path) != root {
		return Err(fail("the sender's leaf and path do not match the state root".into()));
	}
	if t.nonce != s.nonce {
		return Err(fail(format!("nonce {} but the sender's nonce is {}", t.nonce, s.nonce)));
	}
	let debited = s.balance.checked_sub(t.amount).ok_or_else(|| {
		fail(format!("overspend: balance {} is less than amount {}", s.balance, t.amount))
	})?;
	let bumped = s.nonce.checked_add(1).ok_or_else(|| fail("sender nonce overflows".into()))?;
	let mid =
		root_from_path(leaf_hash(Fr::from(debited), Fr::from(bumped)), t.from as u64, &s_path);

	let r = &a.receiver;
	let r_path = r.siblings_fr("receiver sibling")?;
	let r_leaf = leaf_hash(Fr::from(r.balance), Fr::from(r.nonce));
	if root_from_path(r_leaf, t.to as u64, &r_path) != mid {
		return Err(fail("the receiver's leaf and path do not match the state root".into()));
	}
	let credited = r
		.balance
		.checked_add(t.amount)
		.ok_or_else(|| fail(format!("receiver balance {} + {} overflows", r.balance, t.amount)))?;
	Ok(root_from_path(leaf_hash(Fr::from(credited), Fr::from(r.nonce)), t.to as u64, &r_path))
}
