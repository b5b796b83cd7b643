//! Delivery to one base chain: every rollup routed there (and served by the operator) gets
//! its finalized sequences in index order, each exactly once, and a delivery counts as
//! done only when the block including it is final on the base chain ([`crate::finality`]).
//!
//! For each rollup with work left, a pass:
//!
//! 1. refuses an inbox whose code hash differs from the one the operator expects;
//! 2. reads the inbox's `nextSequenceIndex` **at the final block** and settles everything
//!    below it: ours if one of our transactions for it is mined, else skipped (someone
//!    else delivered it). A sequence the inbox has only at the head is not settled: a
//!    reorg may still drop it;
//! 3. from the index the inbox expects **at the head**: a pending sequence is simulated
//!    (a permanent inbox error marks it rejected; a gas estimate above the cap too), priced,
//!    checked against the account's balance, signed at the next free nonce, **recorded
//!    before broadcasting**, broadcast and waited for briefly (module `send`); a sequence in
//!    flight is looked up by every hash signed for it, re-broadcast, or replaced by fee
//!    at the same nonce once stuck; one whose including block a reorg dropped is sent again
//!    (the same bytes); a mined one moves on to the next index;
//! 4. goes on with the next index until one is missing (not finalized yet) or unresolved.
//!
//! A delivery is never signed at two nonces while its first nonce can still be mined:
//! only a nonce that a foreign transaction took in a final block frees it. Errors are
//! isolated per rollup (one rollup's broken inbox does not hold up the others); only an
//! unreachable endpoint or a database failure ends the pass, and the caller retries with
//! backoff.

mod send;

use crate::{
	evm::{EvmChain, EvmError, Mined},
	finality::FinalityRule,
	metrics::Metrics,
	policy::ChainPolicy,
	store::{Attempt, DeliveryState, OpenRollup, Store, StoreError},
};
use alloy::{
	eips::BlockId,
	primitives::{Address, U256},
};
use std::{
	collections::BTreeSet,
	sync::{Arc, Mutex as SyncMutex},
	time::Duration,
};
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
	/// Sequences delivered by our transactions, final on the base chain.
	pub delivered: Vec<(RollupId, SequenceIndex)>,
	/// Sequences the inbox already had at the final block (nothing of ours delivered them).
	pub skipped: Vec<(RollupId, SequenceIndex)>,
	/// Sequences rejected for good in this pass, with the reason.
	pub rejected: Vec<(RollupId, SequenceIndex, String)>,
	/// Transactions broadcast (new, re-sent or replacements).
	pub broadcasts: u32,
	/// Sequences whose transaction was seen mined, not final yet.
	pub included: Vec<(RollupId, SequenceIndex)>,
	/// Sequences whose including block a reorg dropped (they are sent again).
	pub reorged: Vec<(RollupId, SequenceIndex)>,
	/// Replacement transactions signed (fee bumps).
	pub bumps: u32,
	/// Sequences whose next replacement would exceed the fee cap (they keep waiting).
	pub capped: Vec<(RollupId, SequenceIndex)>,
	/// Sequences the account could not pay for, with what they need (wei).
	pub unfunded: Vec<(RollupId, SequenceIndex, U256)>,
	/// Rollups nothing was sent to, with why (not served, inbox code differs).
	pub refused: Vec<(RollupId, String)>,
	/// Rollups whose pass failed, with the error (the other rollups went on).
	pub failed: Vec<(RollupId, String)>,
}

/// Sequences a pass found missing from the database (finalized before the relayer's
/// first block, or unreadable): the follower looks them up on the appchain.
pub type MissingSequences = Arc<Mutex<BTreeSet<(RollupId, SequenceIndex)>>>;

/// Delivers to one chain.
pub struct ChainWorker {
	chain: EvmChain,
	store: Arc<Store>,
	metrics: Metrics,
	policy: ChainPolicy,
	finality: FinalityRule,
	receipt_timeout: Duration,
	receipt_poll: Duration,
	missing: MissingSequences,
	/// Conditions already logged (so a pass every few seconds does not repeat them).
	logged: SyncMutex<BTreeSet<String>>,
}

/// What to do after one sequence.
enum Step {
	/// The sequence is on the inbox now (at the head): go on with the next.
	Next,
	/// Stop this rollup for this pass.
	Stop,
}

/// The rollup a pass is working on.
#[derive(Clone, Copy)]
struct Target {
	id: RollupId,
	inbox: Address,
}

impl ChainWorker {
	/// A worker for `chain` with the default [`ChainPolicy`].
	pub fn new(
		chain: EvmChain,
		store: Arc<Store>,
		metrics: Metrics,
		receipt_timeout: Duration,
		missing: MissingSequences,
	) -> Self {
		let policy = ChainPolicy::default();
		Self {
			finality: FinalityRule::new(policy.finality, policy.confirmations),
			chain,
			store,
			metrics,
			policy,
			receipt_timeout,
			receipt_poll: Duration::from_millis(250),
			missing,
			logged: SyncMutex::default(),
		}
	}

	/// The same worker under `policy`.
	pub fn with_policy(mut self, policy: ChainPolicy) -> Self {
		self.finality = FinalityRule::new(policy.finality, policy.confirmations);
		self.policy = policy;
		self
	}

	/// The chain served.
	pub fn chain(&self) -> &EvmChain {
		&self.chain
	}

	/// The policy applied.
	pub fn policy(&self) -> &ChainPolicy {
		&self.policy
	}

	/// The metrics it updates.
	pub fn metrics(&self) -> &Metrics {
		&self.metrics
	}

	fn label(&self) -> String {
		self.chain.chain_id.to_string()
	}

	/// Logs `line` (at warn) unless `key` was logged before; `forget` clears it.
	fn warn_once(&self, key: String, line: impl FnOnce() -> String) {
		if self.logged.lock().unwrap_or_else(|e| e.into_inner()).insert(key) {
			tracing::warn!("{}", line());
		}
	}

	fn forget(&self, key: &str) {
		self.logged.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
	}

	/// One pass over every rollup routed to this chain.
	pub async fn run_once(&self) -> Result<PassReport, DeliveryError> {
		let mut report = PassReport::default();
		self.refresh_balance().await;
		let rollups: Vec<OpenRollup> = self
			.store
			.open_rollups()?
			.into_iter()
			.filter(|r| r.destination.chain_id == self.chain.chain_id)
			.collect();
		if rollups.is_empty() {
			self.metrics.in_flight.with_label_values(&[&self.label()]).set(0);
			return Ok(report);
		}
		let final_block = self.final_block().await?;
		for rollup in rollups {
			if !self.policy.serves(rollup.rollup_id) {
				self.not_served(&rollup, &mut report);
				continue;
			}
			if let Err(e) = self.deliver_rollup(&rollup, final_block, &mut report).await {
				self.rollup_failed(rollup.rollup_id, e, &mut report)?;
			}
		}
		let waiting = self.store.in_flight_nonces(self.chain.chain_id)?.len();
		self.metrics.in_flight.with_label_values(&[&self.label()]).set(waiting as u64);
		Ok(report)
	}

	/// A rollup's failure: an unreachable chain or a database failure ends the pass,
	/// anything else is reported and the other rollups go on.
	fn rollup_failed(
		&self,
		id: RollupId,
		error: DeliveryError,
		report: &mut PassReport,
	) -> Result<(), DeliveryError> {
		match error {
			DeliveryError::Evm(EvmError::NoContract { inbox, .. }) => tracing::warn!(
				"rollup {id}: no inbox contract at {inbox} on chain {}; deploy it (`zkpow-relayer deploy`) or fix the registration",
				self.chain.chain_id
			),
			DeliveryError::Evm(e @ EvmError::Unreachable { .. }) => {
				self.metrics.rpc_errors.with_label_values(&[&self.label()]).inc();
				return Err(e.into());
			},
			DeliveryError::Store(e) => return Err(e.into()),
			DeliveryError::Evm(e) => {
				tracing::warn!("rollup {id}: {e}; its other sequences wait, other rollups go on");
				report.failed.push((id, e.to_string()));
			},
		}
		Ok(())
	}

	fn not_served(&self, rollup: &OpenRollup, report: &mut PassReport) {
		let id = rollup.rollup_id;
		let chain_id = self.chain.chain_id;
		self.metrics.inbox_refused.with_label_values(&[&self.label()]).inc();
		report.refused.push((id, "not served".into()));
		self.warn_once(format!("not-served {id}"), || {
			format!("rollup {id}: its sequences go to chain {chain_id}, where this relayer does not serve it (not in `rollups`); they wait in the database")
		});
	}

	/// Sets the balance gauge (a failure to read it is left to the delivery calls).
	async fn refresh_balance(&self) {
		if let Ok(balance) = self.chain.balance().await {
			self.metrics
				.balance_wei
				.with_label_values(&[&self.label()])
				.set(f64::from(balance));
		}
	}

	/// The newest final block of the chain.
	async fn final_block(&self) -> Result<Option<u64>, EvmError> {
		self.finality.final_block(&self.chain).await
	}

	async fn deliver_rollup(
		&self,
		rollup: &OpenRollup,
		final_block: Option<u64>,
		report: &mut PassReport,
	) -> Result<(), DeliveryError> {
		let target =
			Target { id: rollup.rollup_id, inbox: Address::from(rollup.destination.inbox) };
		if !self.inbox_code_matches(target, report).await? {
			return Ok(());
		}
		let at_head = self.chain.next_index(target.inbox).await?;
		if let Some(block) = final_block {
			match self.chain.next_index_at(target.inbox, BlockId::number(block)).await {
				Ok(at_final) => {
					self.settle_below(target, rollup.lowest, at_final, block, report).await?
				},
				// The inbox itself is not final yet: nothing can be settled.
				Err(EvmError::NoContract { .. }) => {},
				Err(e) => return Err(e.into()),
			}
		}
		let mut index = at_head;
		loop {
			match self.next_step(target, index, final_block, report).await? {
				Some(Step::Next) => index += 1,
				Some(Step::Stop) => return Ok(()),
				None => continue,
			}
		}
	}

	/// What the sequence at `index` (the inbox expects it at the head) needs; `None` to
	/// look at it again.
	async fn next_step(
		&self,
		target: Target,
		index: SequenceIndex,
		final_block: Option<u64>,
		report: &mut PassReport,
	) -> Result<Option<Step>, DeliveryError> {
		let id = target.id;
		let Some(status) = self.store.status(id, index)? else {
			if self.store.statuses(id, index)?.iter().any(|(_, s)| !s.state.is_settled()) {
				// Later sequences are recorded but this one is not: look it up.
				self.missing.lock().await.insert((id, index));
			}
			return Ok(Some(Step::Stop));
		};
		let step = match status.state {
			DeliveryState::Delivered { .. } => {
				tracing::error!(
					"rollup {id}: sequence {index} is recorded as delivered but the inbox expects it next (inbox redeployed?); delivering it again"
				);
				self.store.set_state(id, index, DeliveryState::Pending)?;
				return Ok(None);
			},
			DeliveryState::Rejected { .. } | DeliveryState::Skipped { .. } => Step::Stop,
			DeliveryState::Pending => self.send_new(target, index, 0, report).await?,
			DeliveryState::Reverted { count, .. } => {
				self.send_new(target, index, count, report).await?
			},
			DeliveryState::Sent { tx_hash, raw, nonce } => {
				let mut attempt = send::legacy_attempt(tx_hash, raw, nonce);
				attempt.sent_at = self.chain.head().await?;
				self.store.set_state(
					id,
					index,
					DeliveryState::InFlight { attempt, included: None },
				)?;
				return Ok(None);
			},
			DeliveryState::InFlight { attempt, included } => {
				self.follow_up(target, index, attempt, included, final_block, report).await?
			},
		};
		Ok(Some(step))
	}

	/// Refuses (reported, once logged) an inbox whose code hash is not the expected one.
	async fn inbox_code_matches(
		&self,
		target: Target,
		report: &mut PassReport,
	) -> Result<bool, EvmError> {
		let Some(expected) = self.policy.expected_code_hash(target.id) else { return Ok(true) };
		let actual = self.chain.code_hash(target.inbox).await?;
		let key = format!("code {}", target.id);
		if actual == Some(expected) {
			self.forget(&key);
			return Ok(true);
		}
		let (id, chain_id, inbox) = (target.id, self.chain.chain_id, target.inbox);
		let found = actual.map_or("no code".to_string(), |h| format!("code hash {h}"));
		self.metrics.inbox_refused.with_label_values(&[&self.label()]).inc();
		report.refused.push((id, format!("inbox code differs: {found}")));
		self.warn_once(key, || {
			format!("rollup {id}: the inbox {inbox} on chain {chain_id} has {found}, not the expected code hash {expected}; nothing is sent to it (its sequences wait)")
		});
		Ok(false)
	}

	/// Settles every sequence below `at_final` (the inbox's next index at the final block
	/// `block`): delivered by us when one of our transactions for it is mined, else
	/// skipped.
	async fn settle_below(
		&self,
		target: Target,
		lowest: SequenceIndex,
		at_final: SequenceIndex,
		block: u64,
		report: &mut PassReport,
	) -> Result<(), DeliveryError> {
		let id = target.id;
		for (index, status) in self.store.statuses(id, lowest)? {
			if index >= at_final {
				break;
			}
			let ours = match status.state {
				DeliveryState::Delivered { .. } => continue,
				DeliveryState::InFlight { attempt, .. } => self.mined(&attempt).await?,
				DeliveryState::Sent { tx_hash, .. } => {
					self.chain.receipt(tx_hash).await?.map(|mined| (tx_hash, mined))
				},
				_ => None,
			};
			match ours.filter(|(_, mined)| mined.success && mined.block_number <= block) {
				Some((hash, mined)) => self.delivered(target, index, hash, mined, report)?,
				None => {
					self.store.set_state(id, index, DeliveryState::Delivered { tx_hash: None })?;
					self.metrics.skipped.with_label_values(&[&self.label()]).inc();
					report.skipped.push((id, index));
					tracing::info!("rollup {id}: sequence {index} already on the inbox, skipped");
				},
			}
		}
		Ok(())
	}

	/// The first of `attempt`'s transactions that is mined (newest first).
	async fn mined(&self, attempt: &Attempt) -> Result<Option<([u8; 32], Mined)>, EvmError> {
		for hash in attempt.hashes.iter().rev() {
			if let Some(mined) = self.chain.receipt(*hash).await? {
				return Ok(Some((*hash, mined)));
			}
		}
		Ok(None)
	}

	/// Records a final delivery by our transaction `hash`.
	fn delivered(
		&self,
		target: Target,
		index: SequenceIndex,
		hash: [u8; 32],
		mined: Mined,
		report: &mut PassReport,
	) -> Result<(), StoreError> {
		let id = target.id;
		self.store
			.set_state(id, index, DeliveryState::Delivered { tx_hash: Some(hash) })?;
		let label = self.label();
		self.metrics.deliveries.with_label_values(&[&label]).inc();
		self.metrics.gas_used.with_label_values(&[&label]).inc_by(mined.gas_used);
		report.delivered.push((id, index));
		tracing::info!(
			"rollup {id}: sequence {index} delivered to chain {} (tx 0x{}, block #{}, final; {} gas)",
			self.chain.chain_id,
			hex::encode(hash),
			mined.block_number,
			mined.gas_used
		);
		Ok(())
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
				// The inbox has it at the head (someone else's transaction, maybe not
				// final): it is settled once the final block shows it.
				tracing::info!(
					"rollup {id}: the inbox has sequence {index} already; waiting for it to be final"
				);
				Ok(Step::Stop)
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
