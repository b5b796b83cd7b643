//! Following the appchain's finalized blocks: each block after the cursor is read (its
//! events, and for each finalized sequence its batches and its rollup's base chain) and
//! recorded with the cursor in one database transaction.
//!
//! Batch headers come from the `SequenceFinalized` event itself. (For an event without them,
//! from the `SequenceSubmitted` event when the relayer saw it, else from `SequenceBatches`
//! in the state of the finalizing block's parent; a node that pruned that state cannot
//! give them: the sequence is reported, metric and error log, and skipped.)

use crate::{
	appchain::{Appchain, AppchainError},
	deliver::MissingSequences,
	extract::extract,
	metrics::Metrics,
	store::{BlockRecords, Cursor, Destination, Store, StoreError},
};
use sp_core::H256;
use std::sync::Arc;
use zkpow_contracts::SequenceDelivery;
use zkpow_primitives::{RollupId, SequenceIndex};

/// Why following stopped (every case is retried by the caller).
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
	/// The appchain failed.
	#[error(transparent)]
	Appchain(#[from] AppchainError),
	/// The database failed.
	#[error(transparent)]
	Store(#[from] StoreError),
	/// The database was filled from another chain.
	#[error("the database's cursor is block #{number} {recorded:?} but the appchain's block #{number} is {actual:?}: wrong appchain or database")]
	WrongChain {
		/// Block number.
		number: u32,
		/// Hash recorded.
		recorded: H256,
		/// Hash on the appchain.
		actual: H256,
	},
}

/// What a pass recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowReport {
	/// Blocks processed.
	pub blocks: u32,
	/// Finalized sequences newly recorded, with their base chain.
	pub finalized: Vec<(RollupId, SequenceIndex, u64)>,
}

/// Reads finalized blocks into the store.
pub struct Follower {
	appchain: Arc<Appchain>,
	store: Arc<Store>,
	metrics: Metrics,
	start_block: u32,
	missing: MissingSequences,
	checked_cursor: bool,
}

impl Follower {
	/// A follower starting at `start_block` when the store has no cursor.
	pub fn new(
		appchain: Arc<Appchain>,
		store: Arc<Store>,
		metrics: Metrics,
		start_block: u32,
		missing: MissingSequences,
	) -> Self {
		Self { appchain, store, metrics, start_block, missing, checked_cursor: false }
	}

	/// Processes every finalized block after the cursor, then looks up sequences the
	/// delivery workers found missing.
	pub async fn run_once(&mut self) -> Result<FollowReport, FollowError> {
		let mut report = FollowReport::default();
		let (head, _) = self.appchain.finalized_head().await?;
		self.metrics.finalized_block.set(head.into());
		let cursor = self.store.cursor()?;
		if let (Some(cursor), false) = (cursor, self.checked_cursor) {
			let actual = self.appchain.block_hash(cursor.number).await?;
			if actual.0 != cursor.hash {
				return Err(FollowError::WrongChain {
					number: cursor.number,
					recorded: H256(cursor.hash),
					actual,
				});
			}
			self.checked_cursor = true;
		}
		let from = cursor.map_or(self.start_block, |c| c.number + 1);
		for number in from..=head {
			let hash = self.appchain.block_hash(number).await?;
			let records = self.block_records(number, hash).await?;
			let added = self.store.apply_block(Cursor { number, hash: hash.0 }, &records)?;
			for (destination, sequence) in &records.finalized {
				let key = (sequence.rollup_id, sequence.sequence_index);
				if added.contains(&key) {
					report.finalized.push((key.0, key.1, destination.chain_id));
				}
			}
			self.metrics.sequences_finalized.inc_by(added.len() as u64);
			self.metrics.cursor_block.set(number.into());
			report.blocks += 1;
		}
		report.finalized.extend(self.backfill().await?);
		Ok(report)
	}

	/// The records of block `number`.
	async fn block_records(&self, number: u32, hash: H256) -> Result<BlockRecords, FollowError> {
		let extracted = extract(&self.appchain.events(hash).await?);
		let mut records = BlockRecords { submitted: extracted.submitted, finalized: Vec::new() };
		if extracted.finalized.is_empty() {
			return Ok(records);
		}
		let parent = self.appchain.parent_hash(hash).await?;
		for (sequence, batch_count) in extracted.finalized {
			match self.complete(sequence, batch_count, parent).await? {
				Some(found) => records.finalized.push(found),
				None => {
					tracing::error!("block #{number}: a finalized sequence was skipped (see above)")
				},
			}
		}
		Ok(records)
	}

	/// Adds batches and destination to a finalized sequence read from an event; `None`
	/// (reported) when the batches or the rollup cannot be read.
	async fn complete(
		&self,
		mut sequence: SequenceDelivery,
		batch_count: u32,
		parent: H256,
	) -> Result<Option<(Destination, SequenceDelivery)>, FollowError> {
		let (id, index) = (sequence.rollup_id, sequence.sequence_index);
		let batches = if sequence.batches.len() == batch_count as usize {
			Some(std::mem::take(&mut sequence.batches))
		} else {
			match self.store.batches(id, index)? {
				Some(batches) => Some(batches),
				None => {
					self.appchain.sequence_batches(id, index, parent).await?.map(|b| b.into_inner())
				},
			}
		};
		let Some(batches) = batches.filter(|b| b.len() == batch_count as usize) else {
			self.metrics.unavailable.inc();
			tracing::error!(
				"rollup {id}: the batches of finalized sequence {index} cannot be read (the node pruned the state of block {parent:?}? use an archive node); it cannot be delivered by this relayer"
			);
			return Ok(None);
		};
		sequence.batches = batches;
		let Some(rollup) = self.appchain.rollup(id, parent).await? else {
			tracing::error!(
				"rollup {id} is not registered at block {parent:?}; sequence {index} skipped"
			);
			return Ok(None);
		};
		let destination =
			Destination { chain_id: rollup.base_chain.chain_id, inbox: rollup.base_chain.inbox };
		Ok(Some((destination, sequence)))
	}

	/// Looks up sequences the workers found missing: a finalized sequence's record names
	/// the block that finalized it, whose events and parent state complete it.
	async fn backfill(&self) -> Result<Vec<(RollupId, SequenceIndex, u64)>, FollowError> {
		let wanted: Vec<_> = std::mem::take(&mut *self.missing.lock().await).into_iter().collect();
		let mut found = Vec::new();
		if wanted.is_empty() {
			return Ok(found);
		}
		let (_, head) = self.appchain.finalized_head().await?;
		for (id, index) in wanted {
			let Some(record) = self.appchain.finalized_sequence(id, index, head).await? else {
				continue;
			};
			let block = self.appchain.block_hash(record.finalized_at).await?;
			let extracted = extract(&self.appchain.events(block).await?);
			let parent = self.appchain.parent_hash(block).await?;
			for (sequence, count) in extracted.finalized {
				if (sequence.rollup_id, sequence.sequence_index) != (id, index) {
					continue;
				}
				if let Some((destination, sequence)) =
					self.complete(sequence, count, parent).await?
				{
					if self.store.insert_finalized(destination, &sequence)? {
						tracing::info!(
							"rollup {id}: sequence {index} recovered from block #{}",
							record.finalized_at
						);
						self.metrics.sequences_finalized.inc();
						found.push((id, index, destination.chain_id));
					}
				}
			}
		}
		Ok(found)
	}
}
