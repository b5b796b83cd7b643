//! The full state of the reference rollup, kept by its sequencer.

use super::{
	smt::SparseMerkleTree,
	transfer::Transfer,
	witness::{BatchWitness, LeafOpening, TransferAccess},
	Account,
};
use crate::{
	error::{invalid, Error},
	field::fr_to_bytes,
};
use ark_bn254::Fr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zkpow_primitives::Bytes32;

/// Accounts and their tree.
#[derive(Clone, Debug)]
pub struct RollupState {
	tree: SparseMerkleTree,
	accounts: BTreeMap<u32, Account>,
}

/// The persisted form of a state: its depth and its non-empty accounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateSnapshot {
	/// Tree depth.
	pub tree_depth: u32,
	/// Non-empty accounts by index.
	pub accounts: BTreeMap<u32, Account>,
}

impl RollupState {
	/// An empty state (every account `(0, 0)`).
	pub fn new(tree_depth: u32) -> Self {
		Self { tree: SparseMerkleTree::new(tree_depth), accounts: BTreeMap::new() }
	}

	/// A genesis state with the given balances.
	pub fn genesis(tree_depth: u32, balances: &[(u32, u64)]) -> Result<Self, Error> {
		let mut state = Self::new(tree_depth);
		for (index, balance) in balances {
			state.set(*index, Account { balance: *balance, nonce: 0 })?;
		}
		Ok(state)
	}

	/// Rebuilds a state from its snapshot.
	pub fn from_snapshot(snapshot: &StateSnapshot) -> Result<Self, Error> {
		let mut state = Self::new(snapshot.tree_depth);
		for (index, account) in &snapshot.accounts {
			state.set(*index, *account)?;
		}
		Ok(state)
	}

	/// The persisted form.
	pub fn snapshot(&self) -> StateSnapshot {
		StateSnapshot { tree_depth: self.tree.depth(), accounts: self.accounts.clone() }
	}

	/// Tree depth.
	pub fn tree_depth(&self) -> u32 {
		self.tree.depth()
	}

	/// The state root.
	pub fn root(&self) -> Fr {
		self.tree.root()
	}

	/// The state root as 32 bytes big-endian.
	pub fn root_bytes(&self) -> Bytes32 {
		fr_to_bytes(&self.root())
	}

	/// Account `index` (`(0, 0)` if never touched).
	pub fn account(&self, index: u32) -> Account {
		self.accounts.get(&index).copied().unwrap_or_default()
	}

	/// Non-empty accounts.
	pub fn accounts(&self) -> &BTreeMap<u32, Account> {
		&self.accounts
	}

	fn set(&mut self, index: u32, account: Account) -> Result<(), Error> {
		if (index as u64) >> self.tree.depth() != 0 {
			return Err(invalid(format!(
				"account {index} outside a tree of depth {}",
				self.tree.depth()
			)));
		}
		self.tree.set(index as u64, account.leaf());
		if account == Account::default() {
			self.accounts.remove(&index);
		} else {
			self.accounts.insert(index, account);
		}
		Ok(())
	}

	fn opening(&self, index: u32) -> LeafOpening {
		let account = self.account(index);
		LeafOpening {
			balance: account.balance,
			nonce: account.nonce,
			siblings: self.tree.path(index as u64).iter().map(fr_to_bytes).collect(),
		}
	}

	/// Checks a transfer against the current state without applying it.
	pub fn check_transfer(&self, t: &Transfer) -> Result<(), Error> {
		for index in [t.from, t.to] {
			if (index as u64) >> self.tree.depth() != 0 {
				return Err(invalid(format!("account {index} outside the tree")));
			}
		}
		let sender = self.account(t.from);
		if t.nonce != sender.nonce {
			return Err(invalid(format!("nonce {} but the sender's is {}", t.nonce, sender.nonce)));
		}
		if sender.balance < t.amount {
			return Err(invalid(format!("overspend: {} < {}", sender.balance, t.amount)));
		}
		if sender.nonce == u64::MAX {
			return Err(invalid("sender nonce overflows"));
		}
		let receiver_balance =
			if t.from == t.to { sender.balance - t.amount } else { self.account(t.to).balance };
		receiver_balance
			.checked_add(t.amount)
			.ok_or_else(|| invalid("receiver balance overflows"))?;
		Ok(())
	}

	/// Applies a batch atomically and returns its witness; on error the state is
	/// unchanged and the error names the failing transfer.
	pub fn apply_batch(&mut self, transfers: &[Transfer]) -> Result<BatchWitness, Error> {
		let mut next = self.clone();
		let prev_root = self.root_bytes();
		let mut accesses = Vec::with_capacity(transfers.len());
		for (i, t) in transfers.iter().enumerate() {
			next.check_transfer(t)
				.map_err(|e| invalid(format!("transfer {i} ({} -> {}): {e}", t.from, t.to)))?;
			let sender = next.opening(t.from);
			next.set(
				t.from,
				Account { balance: sender.balance - t.amount, nonce: sender.nonce + 1 },
			)?;
			let receiver = next.opening(t.to);
			next.set(
				t.to,
				Account { balance: receiver.balance + t.amount, nonce: receiver.nonce },
			)?;
			accesses.push(TransferAccess { sender, receiver });
		}
		*self = next;
		Ok(BatchWitness { prev_root, transfers: transfers.to_vec(), accesses })
	}
}
