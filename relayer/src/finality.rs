//! Which blocks of a base chain are final: the chain's `finalized` (or `safe`) block tag
//! where it answers one, else the block `confirmations` deep (`head - block + 1 >=
//! confirmations`). A delivery counts as done only once the block including it is final,
//! and the inbox reads that settle sequences (what the inbox already has) are made at the
//! final block, never at the head.

use crate::{
	evm::{EvmChain, EvmError},
	policy::{Confirmations, Finality},
};
use alloy::eips::BlockNumberOrTag;
use std::sync::atomic::{AtomicBool, Ordering};

/// How one chain's final block is found.
#[derive(Debug)]
pub struct FinalityRule {
	finality: Finality,
	confirmations: Confirmations,
	warned: AtomicBool,
}

impl FinalityRule {
	/// The rule of a chain's policy.
	pub fn new(finality: Finality, confirmations: Confirmations) -> Self {
		Self { finality, confirmations, warned: AtomicBool::new(false) }
	}

	/// The newest final block's number (`None`: nothing is final yet).
	pub async fn final_block(&self, chain: &EvmChain) -> Result<Option<u64>, EvmError> {
		let tag = match self.finality {
			Finality::Finalized => Some(BlockNumberOrTag::Finalized),
			Finality::Safe => Some(BlockNumberOrTag::Safe),
			Finality::Confirmations => None,
		};
		if let Some(tag) = tag {
			match chain.tagged_block(tag).await {
				Ok(block) => return Ok(block),
				Err(Err(transient)) => return Err(transient),
				Err(Ok(message)) => {
					if !self.warned.swap(true, Ordering::Relaxed) {
						tracing::warn!(
							"chain {}: the node does not answer the `{tag}` block tag ({message}); counting {} confirmations instead",
							chain.chain_id,
							self.confirmations
						);
					}
				},
			}
		}
		let head = chain.head().await?;
		Ok(deep_block(head, self.confirmations))
	}
}

/// The newest block with `confirmations` confirmations when the head is `head`.
pub fn deep_block(head: u64, confirmations: Confirmations) -> Option<u64> {
	(head + 1).checked_sub(u64::from(confirmations.get()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_block_is_final_once_deep_enough() {
		let three: Confirmations = "3".parse().unwrap();
		assert_eq!(deep_block(1, three), None, "blocks 0 and 1 have under 3 confirmations");
		assert_eq!(deep_block(2, three), Some(0));
		assert_eq!(deep_block(10, three), Some(8));
		assert_eq!(deep_block(10, "1".parse().unwrap()), Some(10), "1: included is final");
	}
}
