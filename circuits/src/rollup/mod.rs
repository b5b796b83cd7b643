//! The reference rollup: a small account-based state machine.
//!
//! - **State**: `2^depth` accounts, each a `(balance: u64, nonce: u64)` pair, in a
//!   Poseidon sparse Merkle tree ([`smt`]). Leaf `i` is `hash2(balance_i, nonce_i)`;
//!   an inner node is `hash2(left, right)`; an untouched account is `(0, 0)`. The state
//!   root is the tree root, published as 32 bytes big-endian.
//! - **Transactions**: transfers ([`transfer`]) `from → to` of `amount` with the
//!   sender's current `nonce`. A transfer is valid if the sender's nonce matches, the
//!   sender holds at least `amount`, and the receiver's balance does not overflow `u64`;
//!   it debits the sender and increments its nonce, then credits the receiver
//!   (`from == to` is allowed and only bumps the nonce). The reference rollup has no
//!   signatures: its sequencer is trusted to order only authorized transfers (a real
//!   rollup would verify signatures in the batch circuit).
//! - **Batches**: up to `batch_size` transfers; the batch's data hash is a Poseidon
//!   digest of its transfers ([`transfer::data_digest`]).
//! - **Execution**: [`state::RollupState`] applies a batch natively and records the
//!   [`witness::BatchWitness`] the batch circuit needs (every touched leaf with its
//!   Merkle path); [`witness::BatchWitness::execute`] replays a witness without the full
//!   state, which is what a prover host does.

pub mod generator;
pub mod smt;
pub mod state;
pub mod transfer;
pub mod witness;

use crate::poseidon::hash2;
use ark_bn254::Fr;
use serde::{Deserialize, Serialize};

/// An account of the reference rollup.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
	/// Spendable balance.
	pub balance: u64,
	/// Number of transfers sent so far; the next transfer must carry this value.
	pub nonce: u64,
}

impl Account {
	/// The account's leaf in the state tree: `hash2(balance, nonce)`.
	pub fn leaf(&self) -> Fr {
		leaf_hash(Fr::from(self.balance), Fr::from(self.nonce))
	}
}

/// Leaf hash of raw field values (the circuit's view of an account).
pub fn leaf_hash(balance: Fr, nonce: Fr) -> Fr {
	hash2(balance, nonce)
}
