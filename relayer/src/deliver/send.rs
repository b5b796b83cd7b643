//! Sending one delivery and seeing it through: a new attempt (simulated, priced within
//! the gas and fee caps, paid for, signed at a free nonce, recorded, broadcast), and an
//! attempt in flight (found mined by any of its hashes, re-broadcast, replaced by fee at
//! the same nonce when stuck, sent again after a reorg dropped its block).

use super::{ChainWorker, DeliveryError, PassReport, Step, Target};
use crate::{
	evm::{Broadcast, EvmError, Mined},
	policy::{Bump, Fees},
	store::{Attempt, DeliveryState, Inclusion, StoreError, MAX_ONCHAIN_REVERTS},
};
use alloy::{
	consensus::{Transaction, TxEnvelope},
	eips::{BlockId, Decodable2718},
	primitives::U256,
};
use zkpow_contracts::{InboxRejection, SequenceDelivery};
use zkpow_primitives::SequenceIndex;

/// An attempt from a transaction recorded by an earlier version (`DeliveryState::Sent`):
/// its fees and gas limit are read back from the signed bytes.
pub(super) fn legacy_attempt(hash: [u8; 32], raw: Vec<u8>, nonce: u64) -> Attempt {
	let decoded = TxEnvelope::decode_2718(&mut raw.as_slice()).ok();
	let fees = decoded.as_ref().map_or(Fees::default(), |tx| Fees {
		max_fee_per_gas: tx.max_fee_per_gas(),
		max_priority_fee_per_gas: tx.max_priority_fee_per_gas().unwrap_or_default(),
	});
	let gas_limit = decoded.as_ref().map_or(0, |tx| tx.gas_limit());
	Attempt { nonce, gas_limit, hashes: vec![hash], raw, fees, sent_at: 0, reverts: 0 }
}

fn short(hash: [u8; 32]) -> String {
	format!("0x{}", hex::encode(hash))
}

impl ChainWorker {
	fn payload(
		&self,
		target: Target,
		index: SequenceIndex,
	) -> Result<SequenceDelivery, StoreError> {
		self.store
			.payload(target.id, index)?
			.ok_or_else(|| StoreError::missing_payload(target.id, index))
	}

	/// Simulates, prices, checks the balance, signs, records and broadcasts a sequence that
	/// has no transaction in flight (`reverts`: its on-chain reverts so far).
	pub(super) async fn send_new(
		&self,
		target: Target,
		index: SequenceIndex,
		reverts: u32,
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		let payload = self.payload(target, index)?;
		match self.chain.simulate(target.inbox, &payload).await {
			Ok(()) => {},
			Err(EvmError::Rejected(rejection)) => {
				return self.rejected(target.id, index, rejection, report)
			},
			Err(e) => return Err(e.into()),
		}
		let quote = self.chain.quote(target.inbox, &payload).await?;
		let cap = self.policy.max_gas_per_delivery.get();
		if quote.gas > cap {
			let reason = format!(
				"the delivery needs {} gas, above this chain's max_gas_per_delivery of {cap} (raise it, then `rejected retry`)",
				quote.gas
			);
			return self.rejected(target.id, index, InboxRejection::Permanent(reason), report);
		}
		// The verifier's cost depends only on the artifact, so a small margin suffices.
		let gas_limit = (quote.gas + quote.gas / 5).min(cap);
		let fees = self.policy.first_fees(quote.fees);
		if !self.can_pay(target, index, gas_limit, fees, report).await? {
			return Ok(Step::Stop);
		}
		let nonce = self.free_nonce().await?;
		let sent_at = self.chain.head().await?;
		let signed = self.chain.sign(target.inbox, &payload, nonce, gas_limit, fees).await?;
		let hashes = vec![signed.hash];
		let attempt = Attempt { nonce, gas_limit, hashes, raw: signed.raw, fees, sent_at, reverts };
		self.store.set_state(
			target.id,
			index,
			DeliveryState::InFlight { attempt: attempt.clone(), included: None },
		)?;
		tracing::info!(
			"rollup {}: sending sequence {index} to chain {} (tx {}, nonce {nonce}, {} wei/gas at most{})",
			target.id,
			self.chain.chain_id,
			short(signed.hash),
			fees.max_fee_per_gas,
			if reverts > 0 { format!(", after {reverts} on-chain revert(s)") } else { String::new() }
		);
		self.push(target, index, attempt, true, report).await
	}

	/// The lowest nonce at or above the node's pending nonce that no attempt in flight
	/// holds: never two live transactions of ours at one nonce, and no gap left.
	async fn free_nonce(&self) -> Result<u64, DeliveryError> {
		let taken = self.store.in_flight_nonces(self.chain.chain_id)?;
		let mut nonce = self.chain.pending_nonce().await?;
		while taken.contains(&nonce) {
			nonce += 1;
		}
		Ok(nonce)
	}

	/// Whether the account can pay `gas_limit` at `fees`; if not, says so (warn line,
	/// gauge, report) and nothing is signed.
	async fn can_pay(
		&self,
		target: Target,
		index: SequenceIndex,
		gas_limit: u64,
		fees: Fees,
		report: &mut PassReport,
	) -> Result<bool, EvmError> {
		let needed = U256::from(gas_limit) * U256::from(fees.max_fee_per_gas);
		let balance = self.chain.balance().await?;
		let label = self.label();
		self.metrics.balance_wei.with_label_values(&[&label]).set(f64::from(balance));
		let key = format!("unfunded {} {index}", target.id);
		if balance >= needed {
			self.metrics.funds_needed_wei.with_label_values(&[&label]).set(0.0);
			self.forget(&key);
			return Ok(true);
		}
		let why = format!(
			"it needs {needed} wei ({gas_limit} gas at {} wei/gas) and has {balance} wei",
			fees.max_fee_per_gas
		);
		self.unfunded(target, index, needed, key, why, report);
		Ok(false)
	}

	/// Reports a delivery the account cannot pay for (warned once until it is paid for).
	fn unfunded(
		&self,
		target: Target,
		index: SequenceIndex,
		needed: U256,
		key: String,
		why: String,
		report: &mut PassReport,
	) {
		self.metrics
			.funds_needed_wei
			.with_label_values(&[&self.label()])
			.set(f64::from(needed));
		report.unfunded.push((target.id, index, needed));
		let (chain_id, account, id) = (self.chain.chain_id, self.chain.sender, target.id);
		self.warn_once(key, || {
			format!("chain {chain_id}: account {account} cannot pay for sequence {index} of rollup {id}: {why}; the sequence waits (nothing is lost) until the account is funded")
		});
	}

	/// Broadcasts the newest transaction of `attempt` and waits briefly for any of them
	/// to be mined. `may_bump`: a price refusal may sign a replacement right away.
	async fn push(
		&self,
		target: Target,
		index: SequenceIndex,
		attempt: Attempt,
		may_bump: bool,
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		match self.chain.broadcast(&attempt.raw).await? {
			Broadcast::Accepted => report.broadcasts += 1,
			Broadcast::NonceTaken => {},
			Broadcast::Underpriced(why) if may_bump => {
				tracing::info!(
					"rollup {}: chain {} refuses the price of tx {} for sequence {index} ({why}); replacing it",
					target.id,
					self.chain.chain_id,
					short(attempt.newest())
				);
				// Boxed: a replacement is pushed in turn (without bumping again).
				return Box::pin(self.bump(target, index, attempt, report)).await;
			},
			Broadcast::Underpriced(_) => return Ok(Step::Stop),
			Broadcast::Unfunded(why) => {
				let needed =
					U256::from(attempt.gas_limit) * U256::from(attempt.fees.max_fee_per_gas);
				let key = format!("unfunded {} {index}", target.id);
				let why = format!("the node says `{why}`; it needs {needed} wei");
				self.unfunded(target, index, needed, key, why, report);
				return Ok(Step::Stop);
			},
		}
		self.await_mined(target, index, attempt, None, report).await
	}

	/// Polls every hash of `attempt` for up to the receipt timeout.
	async fn await_mined(
		&self,
		target: Target,
		index: SequenceIndex,
		attempt: Attempt,
		included: Option<Inclusion>,
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		let started = std::time::Instant::now();
		loop {
			if let Some(found) = self.mined(&attempt).await? {
				return self.on_mined(target, index, attempt, included, found, report).await;
			}
			if started.elapsed() >= self.receipt_timeout {
				tracing::info!(
					"rollup {}: tx {} for sequence {index} not mined yet; checking again at the next pass",
					target.id,
					short(attempt.newest())
				);
				return Ok(Step::Stop);
			}
			tokio::time::sleep(self.receipt_poll).await;
		}
	}

	/// One of the attempt's transactions is mined: final (delivered), or included and
	/// waiting for finality (the next sequence can go), or reverted.
	async fn on_mined(
		&self,
		target: Target,
		index: SequenceIndex,
		attempt: Attempt,
		included: Option<Inclusion>,
		(hash, mined): ([u8; 32], Mined),
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		if !mined.success {
			return self.on_reverted(target, index, hash, mined, attempt.reverts, report).await;
		}
		if self.final_block().await?.is_some_and(|block| mined.block_number <= block) {
			self.delivered(target, index, hash, mined, report)?;
			return Ok(Step::Next);
		}
		let inclusion = Inclusion {
			tx_hash: hash,
			block_number: mined.block_number,
			block_hash: mined.block_hash,
		};
		if included != Some(inclusion) {
			self.store.set_state(
				target.id,
				index,
				DeliveryState::InFlight { attempt, included: Some(inclusion) },
			)?;
			report.included.push((target.id, index));
			tracing::info!(
				"rollup {}: sequence {index} included in block #{} of chain {} (tx {}); it counts once that block is final",
				target.id,
				mined.block_number,
				self.chain.chain_id,
				short(hash)
			);
		}
		Ok(Step::Next)
	}

	/// Our transaction reverted on chain: the simulation says why (or that the inbox
	/// accepts it as a call, which after [`MAX_ONCHAIN_REVERTS`] rejects the sequence).
	async fn on_reverted(
		&self,
		target: Target,
		index: SequenceIndex,
		hash: [u8; 32],
		mined: Mined,
		reverts: u32,
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		let payload = self.payload(target, index)?;
		match self.chain.simulate(target.inbox, &payload).await {
			Err(EvmError::Rejected(rejection)) => {
				self.store.set_state(target.id, index, DeliveryState::Pending)?;
				self.rejected(target.id, index, rejection, report)
			},
			Err(e) => Err(e.into()),
			Ok(()) => {
				let count = reverts + 1;
				let id = target.id;
				let what = format!(
					"tx {} for sequence {index} reverted on chain {} in block #{} ({} gas) although the inbox accepts it as a call",
					short(hash),
					self.chain.chain_id,
					mined.block_number,
					mined.gas_used
				);
				if count >= MAX_ONCHAIN_REVERTS {
					let reason = format!("{what}; {count} such reverts: the inbox behaves differently on chain (broken or hostile?)");
					return self.rejected(id, index, InboxRejection::Permanent(reason), report);
				}
				tracing::warn!("rollup {id}: {what}; sending it again at the next pass ({count} of {MAX_ONCHAIN_REVERTS} reverts before it is rejected)");
				self.store.set_state(
					id,
					index,
					DeliveryState::Reverted { count, tx_hash: hash },
				)?;
				Ok(Step::Stop)
			},
		}
	}

	/// A sequence whose attempt the inbox (at the head) does not show: mined since, dropped
	/// by a reorg, stuck, or its nonce taken by a foreign transaction.
	pub(super) async fn follow_up(
		&self,
		target: Target,
		index: SequenceIndex,
		attempt: Attempt,
		included: Option<Inclusion>,
		final_block: Option<u64>,
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		if let Some(found) = self.mined(&attempt).await? {
			return self.on_mined(target, index, attempt, included, found, report).await;
		}
		if let Some(block) = included {
			self.metrics.reorged.with_label_values(&[&self.label()]).inc();
			report.reorged.push((target.id, index));
			tracing::warn!(
				"rollup {}: block #{} (0x{}) of chain {} that included sequence {index} is no longer in the chain (reorg); sending tx {} again",
				target.id,
				block.block_number,
				hex::encode(block.block_hash),
				self.chain.chain_id,
				short(attempt.newest())
			);
			self.store.set_state(
				target.id,
				index,
				DeliveryState::InFlight { attempt: attempt.clone(), included: None },
			)?;
		}
		if let Some(block) = final_block {
			if self.chain.nonce_at(BlockId::number(block)).await? > attempt.nonce {
				// A final foreign transaction took the nonce: this attempt can never be
				// mined, so a new one (at a new nonce) cannot make a second delivery.
				tracing::warn!(
					"rollup {}: nonce {} of tx {} for sequence {index} was taken by another transaction (final); signing a new one",
					target.id,
					attempt.nonce,
					short(attempt.newest())
				);
				self.store.set_state(target.id, index, DeliveryState::Pending)?;
				return self.send_new(target, index, 0, report).await;
			}
		}
		if self.chain.nonce().await? > attempt.nonce {
			// Taken by a transaction that is not final: wait for it to be, or to vanish.
			return Ok(Step::Stop);
		}
		let head = self.chain.head().await?;
		if head >= attempt.sent_at + u64::from(self.policy.bump_after_blocks.get()) {
			return self.bump(target, index, attempt, report).await;
		}
		self.push(target, index, attempt, true, report).await
	}

	/// Replaces the attempt's newest transaction by one paying more, at the same nonce; at
	/// the fee cap it stops (logged once) and keeps re-sending the newest.
	async fn bump(
		&self,
		target: Target,
		index: SequenceIndex,
		mut attempt: Attempt,
		report: &mut PassReport,
	) -> Result<Step, DeliveryError> {
		let estimate = self.chain.fee_estimate().await?;
		let fees = match self.policy.bump(attempt.fees, estimate) {
			Bump::Replace(fees) => fees,
			Bump::Capped { wanted, cap } => {
				report.capped.push((target.id, index));
				let (id, chain_id, newest) =
					(target.id, self.chain.chain_id, short(attempt.newest()));
				let key = format!("capped {id} {index} {newest}");
				if !self.logged.lock().unwrap_or_else(|e| e.into_inner()).contains(&key) {
					self.metrics.fee_capped.with_label_values(&[&self.label()]).inc();
				}
				self.warn_once(key, || {
					format!("rollup {id}: tx {newest} for sequence {index} is not mined and a replacement would need {wanted} wei/gas, above chain {chain_id}'s max_fee_per_gas of {cap} wei: not bumping further (it stays in flight at {} wei/gas; raise the cap or wait for fees to fall)", attempt.fees.max_fee_per_gas)
				});
				return self.push(target, index, attempt, false, report).await;
			},
		};
		if !self.can_pay(target, index, attempt.gas_limit, fees, report).await? {
			return Ok(Step::Stop);
		}
		let payload = self.payload(target, index)?;
		let signed = self
			.chain
			.sign(target.inbox, &payload, attempt.nonce, attempt.gas_limit, fees)
			.await?;
		let replaced = attempt.newest();
		let old_fee = attempt.fees.max_fee_per_gas;
		attempt.hashes.push(signed.hash);
		attempt.raw = signed.raw;
		attempt.fees = fees;
		attempt.sent_at = self.chain.head().await?;
		self.store.set_state(
			target.id,
			index,
			DeliveryState::InFlight { attempt: attempt.clone(), included: None },
		)?;
		self.metrics.fee_bumps.with_label_values(&[&self.label()]).inc();
		report.bumps += 1;
		tracing::info!(
			"rollup {}: replacing tx {} for sequence {index} by {} (nonce {}, {old_fee} -> {} wei/gas)",
			target.id,
			short(replaced),
			short(signed.hash),
			attempt.nonce,
			fees.max_fee_per_gas
		);
		self.push(target, index, attempt, false, report).await
	}
}
