//! Which sequences the miner takes: the operator's rules over a rollup's terms.
//!
//! A rollup's owner sets its reward and penalties, and may announce new terms (they take
//! effect after the protocol's notice period). The miner takes a sequence only when:
//!
//! - the rollup is one of `--miner-rollup` (when given);
//! - the sequence's reward is at least `--miner-min-reward-ratio` times the penalties the
//!   miner puts at risk by committing (the no-proof plus the invalid-proof penalty);
//! - the rollup has no change of terms announced (`pending_terms`): a miner does not start
//!   work whose rules change under it, and an owner who keeps announcing changes is left
//!   alone until they settle.

use pallet_zkpow_runtime_api::RollupSummary;

/// The operator's rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
	/// Rollups to mine (empty: all).
	pub rollups: Vec<u32>,
	/// Least reward, as a multiple of the penalties at risk.
	pub min_reward_ratio: f64,
}

/// Why a `--miner-min-reward-ratio` value is refused.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum RatioError {
	/// Not a number.
	#[error("`{0}` is not a number")]
	NotANumber(String),
	/// Not finite, or outside 0..=1000.
	#[error("`{0}` is not between 0 and 1000")]
	OutOfRange(String),
}

/// Parses `--miner-min-reward-ratio`: a finite number from 0 to 1000.
pub fn parse_ratio(s: &str) -> Result<f64, RatioError> {
	let ratio: f64 = s.parse().map_err(|_| RatioError::NotANumber(s.into()))?;
	if !ratio.is_finite() || !(0.0..=1000.0).contains(&ratio) {
		return Err(RatioError::OutOfRange(s.into()));
	}
	Ok(ratio)
}

impl Policy {
	/// Whether to mine rollup `rollup_id` at all.
	pub fn mines(&self, rollup_id: u32) -> bool {
		self.rollups.is_empty() || self.rollups.contains(&rollup_id)
	}

	/// Why a sequence of `rollup` with `reward` is not taken, if it is not.
	pub fn refusal<A, B: Copy + Into<u128>, N: std::fmt::Display>(
		&self,
		rollup: &RollupSummary<A, B, N>,
		reward: B,
	) -> Option<String> {
		if let Some(pending) = &rollup.pending_terms {
			return Some(format!(
				"its terms change at block {} (announced); waiting until they apply",
				pending.effective_at
			));
		}
		let at_risk = rollup
			.terms
			.no_proof_penalty
			.into()
			.saturating_add(rollup.terms.invalid_proof_penalty.into());
		let reward: u128 = reward.into();
		if (reward as f64) < self.min_reward_ratio * at_risk as f64 {
			return Some(format!(
				"its reward {reward} is below {} times the penalties at risk ({at_risk})",
				self.min_reward_ratio
			));
		}
		None
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use pallet_zkpow::{
		BaseChain, PendingTerms, RollupGenesis, RollupStats, RollupStatus, RollupTerms,
		VerifierKind,
	};

	fn rollup(no_proof: u128, invalid: u128) -> RollupSummary<u8, u128, u32> {
		RollupSummary {
			rollup_id: 3,
			owner: 1,
			name: vec![],
			base_chain: BaseChain { chain_id: 1, inbox: [0; 20] },
			verifier: VerifierKind::ReferenceArtifactV1,
			sequencer: 1,
			terms: RollupTerms {
				commit_window: 20,
				reveal_window: 32,
				reward_per_sequence: 100,
				min_miner_bond: 1000,
				no_proof_penalty: no_proof,
				invalid_proof_penalty: invalid,
			},
			pending_terms: None,
			genesis: RollupGenesis::default(),
			batch_capacity: 16,
			status: RollupStatus::Active,
			deposit: 0,
			pool: 0,
			escrowed: 0,
			in_flight: 0,
			last_batch: 0,
			last_state_root: [0; 32],
			next_sequence: 0,
			stats: RollupStats::default(),
			data_url: None,
			prover_package: None,
		}
	}

	#[test]
	fn parse_ratios_in_range_only() {
		assert_eq!(parse_ratio("0"), Ok(0.0));
		assert_eq!(parse_ratio("1.5"), Ok(1.5));
		for bad in ["-1", "1001", "NaN", "inf"] {
			assert_eq!(parse_ratio(bad), Err(RatioError::OutOfRange(bad.into())), "{bad}");
		}
		assert_eq!(parse_ratio("x"), Err(RatioError::NotANumber("x".into())));
	}

	/// Attack: a honeypot rollup pays 10 per sequence and slashes 1,000 for a missed
	/// reveal. A miner with a ratio of 1 leaves it alone; one with 0 takes any reward.
	#[test]
	fn refuse_a_reward_below_the_ratio_of_the_penalties_at_risk() {
		let honeypot = rollup(800, 200);
		let careful = Policy { min_reward_ratio: 1.0, ..Default::default() };
		let refusal = careful.refusal(&honeypot, 10).expect("refused");
		assert!(refusal.contains("below 1 times the penalties at risk (1000)"), "{refusal}");
		assert_eq!(careful.refusal(&honeypot, 1000), None);
		assert_eq!(Policy::default().refusal(&honeypot, 10), None);
	}

	/// Attack: an owner announces harsher terms while miners work. A miner takes no new
	/// sequence of that rollup until the new terms apply.
	#[test]
	fn wait_while_a_change_of_terms_is_announced() {
		let mut r = rollup(1, 1);
		r.pending_terms = Some(PendingTerms { terms: r.terms.clone(), effective_at: 500 });
		let refusal = Policy::default().refusal(&r, 1_000).expect("refused");
		assert!(refusal.contains("change at block 500"), "{refusal}");
	}

	#[test]
	fn mine_only_the_rollups_listed() {
		assert!(Policy::default().mines(9));
		let some = Policy { rollups: vec![1, 2], ..Default::default() };
		assert!(some.mines(2) && !some.mines(3));
	}
}
