//! Random valid transfers, for the sequencer tool, tests and benchmarks.

use super::{state::RollupState, transfer::Transfer, witness::BatchWitness};
use crate::error::{invalid, Error};
use ark_std::rand::{rngs::StdRng, Rng, SeedableRng};

/// Draws random transfers that are valid against an evolving state.
pub struct TransferGenerator {
	rng: StdRng,
	/// Accounts transfers are drawn between.
	accounts: Vec<u32>,
}

impl TransferGenerator {
	/// A generator over `accounts` (at least one), reproducible from `seed`.
	pub fn new(seed: u64, accounts: Vec<u32>) -> Result<Self, Error> {
		if accounts.is_empty() {
			return Err(invalid("the transfer generator needs at least one account"));
		}
		Ok(Self { rng: StdRng::seed_from_u64(seed), accounts })
	}

	/// `count` transfers valid in order against `state` (which is not modified). A
	/// sender is drawn among accounts with a positive balance when there are any; the
	/// amount is up to a quarter of its balance.
	pub fn batch(&mut self, state: &RollupState, count: usize) -> Vec<Transfer> {
		let mut scratch = state.clone();
		let mut out = Vec::with_capacity(count);
		for _ in 0..count {
			let funded: Vec<u32> = self
				.accounts
				.iter()
				.copied()
				.filter(|a| scratch.account(*a).balance > 0)
				.collect();
			let pool = if funded.is_empty() { &self.accounts } else { &funded };
			let from = pool[self.rng.gen_range(0..pool.len())];
			let to = self.accounts[self.rng.gen_range(0..self.accounts.len())];
			let sender = scratch.account(from);
			let amount =
				if sender.balance == 0 { 0 } else { self.rng.gen_range(0..=sender.balance / 4) };
			let t = Transfer { from, to, amount, nonce: sender.nonce };
			scratch.apply_batch(&[t]).expect("generated transfers are valid");
			out.push(t);
		}
		out
	}

	/// Applies `batches` random batches of `batch_size` transfers to `state` and returns
	/// their witnesses: one sequence.
	pub fn sequence(
		&mut self,
		state: &mut RollupState,
		batches: usize,
		batch_size: usize,
	) -> Vec<BatchWitness> {
		(0..batches)
			.map(|_| {
				let transfers = self.batch(state, batch_size);
				state.apply_batch(&transfers).expect("generated transfers are valid")
			})
			.collect()
	}
}

/// A genesis state funding accounts `0..funded` with `balance` each.
pub fn funded_genesis(tree_depth: u32, funded: u32, balance: u64) -> Result<RollupState, Error> {
	let balances: Vec<(u32, u64)> = (0..funded).map(|a| (a, balance)).collect();
	RollupState::genesis(tree_depth, &balances)
}
