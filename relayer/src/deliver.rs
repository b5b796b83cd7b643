//! Delivery to one base chain: every rollup routed there gets its finalized sequences in
//! index order, each exactly once.
//!
//! For each rollup with work left, a pass:
//!
//! 1. reads the inbox's `nextSequenceIndex` and marks everything below it delivered
//!    (sequences someone else delivered are skipped: nothing is sent);
//! 2. for the sequence the inbox expects next: simulates `finalizeSequence`; a permanent
//!    inbox error marks it rejected (reported, the rollup waits for an operator's
//!    `rejected retry` or `rejected skip`, other rollups go on); otherwise signs the transaction, **records it before broadcasting**,
//!    broadcasts and waits for the receipt;
//! 3. goes on with the next index until one is missing (not finalized yet) or unresolved.
//!
//! A sequence recorded as sent is never signed again while its transaction can still be
//! mined: after a restart its recorded bytes (same hash) are broadcast again, and only a
//! nonce taken by another transaction lets it be re-signed. Transient failures end the pass
//! with an error; the caller retries with backoff.

use crate::{
	evm::{EvmChain, EvmError, SignedTx},
	metrics::Metrics,
	store::{DeliveryState, OpenRollup, Store, StoreError},
};
use alloy::primitives::Address;
use std::{collections::BTreeSet, sync::Arc, time::Duration};
use tokio::sync::Mutex;
use zkpow_contracts::InboxRejection;
use zkpow_primitives::{RollupId, SequenceIndex};

/// Why a pass stopped early.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
	/// The chain failed (transient: retry later).
	#[error(transparent)]
	Evm(#[from] EvmError),
	/// The database failed.
	#[error(transparent)]
	Store(#[from] StoreError),
}

/// What a pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassReport {
	/// Sequences delivered by our transactions.
	pub delivered: Vec<(RollupId, SequenceIndex)>,
	/// Sequences the inbox already had.
	pub skipped: Vec<(RollupId, SequenceIndex)>,
	/// Sequences rejected for good in this pass, with the reason.
	pub rejected: Vec<(RollupId, SequenceIndex, String)>,
	/// Transactions broadcast (new or re-sent).
	pub broadcasts: u32,
}

/// Sequences a pass found missing from the database (finalized before the relayer's
/// first block, or unreadable): the follower looks them up on the appchain.
pub type MissingSequences = Arc<Mutex<BTreeSet<(RollupId, SequenceIndex)>>>;

/// Delivers to one chain.
pub struct ChainWorker {
	chain: EvmChain,
	store: Arc<Store>,
	metrics: Metrics,
	receipt_timeout: Duration,
	receipt_poll: Duration,
	missing: MissingSequences,
}

enum Step {
	/// The sequence is on the inbox now: go on with the next.
	Next,
	/// Stop this rollup for this pass.
	Stop,
}

impl ChainWorker {
	/// A worker for `chain`.
	pub fn new(
		chain: EvmChain,
		store: Arc<Store>,
		metrics: Metrics,
		receipt_timeout: Duration,
		missing: MissingSequences,
	) -> Self {
		Self {
			chain,
			store,
			metrics,
			receipt_timeout,
			receipt_poll: Duration::from_millis(250),
			missing,
		}
	}

	/// The chain served.
	pub fn chain(&self) -> &EvmChain {
		&self.chain
	}

	fn label(&self) -> String {
		self.chain.chain_id.to_string()
	}

	/// One pass over every rollup routed to this chain.
	pub async fn run_once(&self) -> Result<PassReport, DeliveryError> {
		let mut report = PassReport::default();
		let rollups: Vec<OpenRollup> = self
			.store
			.open_rollups()?
			.into_iter()
			.filter(|r| r.destination.chain_id == self.chain.chain_id)
			.collect();
		for rollup in rollups {
			match self.deliver_rollup(&rollup, &mut report).await {
				Ok(()) => {},
				Err(DeliveryError::Evm(EvmError::NoContract { inbox, .. })) => tracing::warn!(
					"rollup {}: no inbox contract at {inbox} on chain {}; deploy it (`zkpow-relayer deploy`) or fix the registration",
					rollup.rollup_id,
					self.chain.chain_id
				),
				Err(e) => {
					if matches!(&e, DeliveryError::Evm(e) if e.is_transient()) {
						self.metrics.rpc_errors.with_label_values(&[&self.label()]).inc();
					}
					return Err(e);
				},
			}
		}
		Ok(report)
	}

	async fn deliver_rollup(
		&self,
		rollup: &OpenRollup,
		report: &mut PassReport,
	) -> Result<(), DeliveryError> {
		let inbox = Address::from(rollup.destination.inbox);
		let id = rollup.rollup_id;
		let on_chain = self.chain.next_index(inbox).await?;
		for (index, status) in self.store.statuses(id, rollup.lowest)? {
			if index >= on_chain {
				break;
			}
			if matches!(status.state, DeliveryState::Delivered { .. }) {
				continue;
			}
			let ours = match status.state {
				DeliveryState::Sent { tx_hash, .. } => {
					self.chain.receipt(tx_hash).await?.filter(|m| m.success).map(|_| tx_hash)
				},
				_ => None,
			};
			self.store.set_state(id, index, DeliveryState::Delivered { tx_hash: ours })?;
			if ours.is_some() {
				report.delivered.push((id, index));
			} else {
				self.metrics.skipped.with_label_values(&[&self.label()]).inc();
				report.skipped.push((id, index));
				tracing::info!("rollup {id}: sequence {index} already on the inbox, skipped");
			}
		}
		let mut index = on_chain;
		loop {
			let Some(status) = self.store.status(id, index)? else {
				if self.store.statuses(id, index)?.iter().any(|(_, s)| !s.state.is_settled()) {
					// Later sequences are recorded but this one is not: look it up.
					self.missing.lock().await.insert((id, index));
				}
				return Ok(());
			};
			let step = match status.state {
				DeliveryState::Delivered { .. } => {
					tracing::error!(
						"rollup {id}: sequence {index} is recorded as delivered but the inbox expects it next (inbox redeployed?); delivering it again"
					);
					self.store.set_state(id, index, DeliveryState::Pending)?;
					Step::Next
				},
				DeliveryState::Rejected { .. } | DeliveryState::Skipped { .. } => Step::Stop,
				DeliveryState::Sent { tx_hash, raw, nonce } => {
					self.resume_sent(
						inbox,
						id,
						index,
						SignedTx { hash: tx_hash, raw, nonce },
						report,
					)
					.await?
				},
				DeliveryState::Pending => self.send(inbox, id, index, report).await?,
			};
			match step {
				Step::Next => index += 1,
				Step::Stop => return Ok(()),
			}
		}
	}

	/// Simulates, signs, records, broadcasts and waits for a pending sequence.
	async fn send(
		&self,
		inbox: Address,
		id: RollupId,
		index: SequenceIndex,
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		let Some(payload) = self.store.payload(id, index)? else {
			return Err(StoreError::missing_payload(id, index).into());
		};
		match self.chain.simulate(inbox, &payload).await {
			Ok(()) => {},
			Err(EvmError::Rejected(rejection)) => {
				return self.rejected(id, index, rejection, report)
			},
			Err(e) => return Err(e.into()),
		}
		let signed = self.chain.sign(inbox, &payload).await?;
		self.store.set_state(
			id,
			index,
			DeliveryState::Sent {
				tx_hash: signed.hash,
				raw: signed.raw.clone(),
				nonce: signed.nonce,
			},
		)?;
		tracing::info!(
			"rollup {id}: sending sequence {index} to chain {} (tx 0x{})",
			self.chain.chain_id,
			hex::encode(signed.hash)
		);
		self.chain.broadcast(&signed.raw).await?;
		report.broadcasts += 1;
		self.await_receipt(inbox, id, index, &signed, report).await
	}

	/// Picks up a transaction recorded before a restart (or an earlier pass).
	async fn resume_sent(
		&self,
		inbox: Address,
		id: RollupId,
		index: SequenceIndex,
		signed: SignedTx,
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		if self.chain.receipt(signed.hash).await?.is_none() {
			if self.chain.nonce().await? > signed.nonce {
				// Another transaction took the nonce: ours can never be mined.
				tracing::warn!(
					"rollup {id}: transaction 0x{} for sequence {index} was replaced; signing a new one",
					hex::encode(signed.hash)
				);
				self.store.set_state(id, index, DeliveryState::Pending)?;
				return self.send(inbox, id, index, report).await;
			}
			self.chain.broadcast(&signed.raw).await?;
			report.broadcasts += 1;
		}
		self.await_receipt(inbox, id, index, &signed, report).await
	}

	async fn await_receipt(
		&self,
		inbox: Address,
		id: RollupId,
		index: SequenceIndex,
		signed: &SignedTx,
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		let started = std::time::Instant::now();
		let mined = loop {
			if let Some(mined) = self.chain.receipt(signed.hash).await? {
				break mined;
			}
			if started.elapsed() > self.receipt_timeout {
				tracing::warn!(
					"rollup {id}: transaction 0x{} for sequence {index} not mined after {:?}; checking again later",
					hex::encode(signed.hash),
					self.receipt_timeout
				);
				return Ok(Step::Stop);
			}
			tokio::time::sleep(self.receipt_poll).await;
		};
		if mined.success {
			self.store.set_state(
				id,
				index,
				DeliveryState::Delivered { tx_hash: Some(signed.hash) },
			)?;
			let label = self.label();
			self.metrics.deliveries.with_label_values(&[&label]).inc();
			self.metrics.gas_used.with_label_values(&[&label]).inc_by(mined.gas_used);
			report.delivered.push((id, index));
			tracing::info!(
				"rollup {id}: sequence {index} delivered to chain {} ({} gas)",
				self.chain.chain_id,
				mined.gas_used
			);
			return Ok(Step::Next);
		}
		// Reverted on chain although the simulation passed: find out why.
		match self
			.chain
			.simulate(
				inbox,
				&self.store.payload(id, index)?.unwrap_or_else(|| {
					unreachable!("a sequence that is not delivered keeps its payload")
				}),
			)
			.await
		{
			Err(EvmError::Rejected(rejection)) => self.rejected(id, index, rejection, report),
			Err(e) => Err(e.into()),
			Ok(()) => {
				self.store.set_state(id, index, DeliveryState::Pending)?;
				Err(EvmError::Other {
					chain_id: self.chain.chain_id,
					message: format!(
						"transaction 0x{} for sequence {index} of rollup {id} reverted; retrying later",
						hex::encode(signed.hash)
					),
				}
				.into())
			},
		}
	}

	fn rejected(
		&self,
		id: RollupId,
		index: SequenceIndex,
		rejection: InboxRejection,
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		match rejection {
			InboxRejection::AlreadyFinalized => {
				self.store.set_state(id, index, DeliveryState::Delivered { tx_hash: None })?;
				self.metrics.skipped.with_label_values(&[&self.label()]).inc();
				report.skipped.push((id, index));
				Ok(Step::Next)
			},
			InboxRejection::Gap { next } => {
				tracing::info!("rollup {id}: inbox now expects sequence {next}; re-reading it");
				Ok(Step::Stop)
			},
			InboxRejection::Permanent(reason) => {
				tracing::error!(
					"rollup {id}: chain {} permanently rejects sequence {index}: {reason}; later sequences of this rollup wait until an operator intervenes",
					self.chain.chain_id
				);
				self.metrics.rejections.with_label_values(&[&self.label()]).inc();
				report.rejected.push((id, index, reason.clone()));
				self.store.set_state(id, index, DeliveryState::Rejected { reason })?;
				Ok(Step::Stop)
			},
		}
	}
}
