//! The relayer's embedded database (redb, one file, ACID transactions).
//!
//! | table | key | value |
//! |-------|-----|-------|
//! | `meta` | `"cursor"` | last appchain block fully processed: number and hash |
//! | `batches` | (rollup, sequence) | batch headers seen in `SequenceSubmitted`, until the sequence is finalized |
//! | `payloads` | (rollup, sequence) | a finalized sequence still to deliver ([`SequenceDelivery`]) |
//! | `status` | (rollup, sequence) | where the sequence goes and how its delivery stands ([`Status`]) |
//! | `open` | rollup | destination and lowest undelivered sequence of rollups with work left |
//!
//! A processed block is one transaction: its new records and the cursor move together, so
//! a crash at any point resumes at the first block not fully recorded, with nothing lost
//! and nothing recorded twice. A delivered sequence keeps its (small) status as history
//! and drops its payload. Values are SCALE-encoded.

use crate::policy::Fees;
use codec::{Decode, Encode};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::path::Path;
use zkpow_contracts::SequenceDelivery;
use zkpow_primitives::{BatchHeader, RollupId, SequenceIndex};

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const BATCHES: TableDefinition<(u32, u64), &[u8]> = TableDefinition::new("batches");
const PAYLOADS: TableDefinition<(u32, u64), &[u8]> = TableDefinition::new("payloads");
const STATUS: TableDefinition<(u32, u64), &[u8]> = TableDefinition::new("status");
const OPEN: TableDefinition<u32, &[u8]> = TableDefinition::new("open");
const CURSOR: &str = "cursor";

/// A database failure (I/O, corruption) or an undecodable value.
#[derive(Debug, thiserror::Error)]
#[error("relayer database: {0}")]
pub struct StoreError(String);

impl StoreError {
	/// A sequence that is not delivered has lost its payload (should not happen).
	pub fn missing_payload(rollup: RollupId, index: SequenceIndex) -> Self {
		StoreError(format!("sequence {index} of rollup {rollup} has no payload"))
	}
}

fn db_err(e: impl std::fmt::Display) -> StoreError {
	StoreError(e.to_string())
}

/// The last appchain block whose events are fully recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Cursor {
	/// Block number.
	pub number: u32,
	/// Block hash.
	pub hash: [u8; 32],
}

/// Where a rollup's sequences are delivered: its base chain and inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Encode, Decode)]
pub struct Destination {
	/// EIP-155 chain id.
	pub chain_id: u64,
	/// Inbox contract address.
	pub inbox: [u8; 20],
}

/// How the delivery of one sequence stands.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum DeliveryState {
	/// Not sent yet.
	Pending,
	/// A transaction was signed and recorded before being broadcast; a restart re-sends
	/// exactly these bytes (same hash), so a crash never makes a second transaction.
	/// Written by earlier versions; read as an [`DeliveryState::InFlight`] of one
	/// transaction.
	Sent {
		/// Transaction hash.
		tx_hash: [u8; 32],
		/// The signed transaction (EIP-2718 encoding).
		raw: Vec<u8>,
		/// Its nonce.
		nonce: u64,
	},
	/// The inbox has the sequence.
	Delivered {
		/// Our transaction that delivered it; `None` when the inbox already had it.
		tx_hash: Option<[u8; 32]>,
	},
	/// The inbox will never accept the sequence as it stands; the reason says why. The
	/// rollup's later sequences wait; an operator retries it ([`Store::retry`]) or gives it
	/// up ([`Store::skip`]).
	Rejected {
		/// The inbox's error, in words.
		reason: String,
	},
	/// An operator gave the rejected sequence up: its payload is dropped, it is never sent
	/// again, and the rollup's later sequences still wait until the inbox moves past it
	/// by other means (another relayer, a redeployed inbox).
	Skipped {
		/// The rejection it was skipped at.
		reason: String,
	},
	/// Transactions were signed (and recorded before each broadcast) at one nonce; the
	/// delivery counts as done only once the block including one of them is final on the
	/// base chain. Until then the payload stays, and a reorg that drops the block makes the
	/// relayer send the same transaction again. (Replaces [`DeliveryState::Sent`], which
	/// databases of earlier versions may still hold.)
	InFlight {
		/// Every transaction signed for the delivery.
		attempt: Attempt,
		/// Where one of them was mined, as last seen (not final yet).
		included: Option<Inclusion>,
	},
	/// A transaction of it reverted on chain although the simulation accepted it (a
	/// broken or hostile inbox, or a race): pending again until it happened
	/// [`MAX_ONCHAIN_REVERTS`] times, then rejected.
	Reverted {
		/// On-chain reverts so far.
		count: u32,
		/// The last reverted transaction.
		tx_hash: [u8; 32],
	},
}

/// On-chain reverts (with the simulation passing) before a sequence is rejected: each one
/// costs gas, so a rollup whose inbox behaves differently on chain stops costing quickly.
pub const MAX_ONCHAIN_REVERTS: u32 = 2;

/// Every transaction signed for one delivery: one nonce, each later transaction replacing
/// the one before it by fee. A receipt of any of them counts.
#[derive(Clone, PartialEq, Eq, Encode, Decode)]
pub struct Attempt {
	/// The nonce they share.
	pub nonce: u64,
	/// Their gas limit.
	pub gas_limit: u64,
	/// Hashes of every transaction signed, oldest first (the last is the newest).
	pub hashes: Vec<[u8; 32]>,
	/// The newest transaction (EIP-2718 encoding), re-broadcast until one is mined.
	pub raw: Vec<u8>,
	/// Its fees.
	pub fees: Fees,
	/// The base chain's head when the newest was signed: replacements count blocks from it.
	pub sent_at: u64,
	/// How often earlier transactions for the sequence reverted on chain although the
	/// simulation passed.
	pub reverts: u32,
}

impl std::fmt::Debug for Attempt {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		let hashes: Vec<String> =
			self.hashes.iter().map(|h| format!("0x{}", hex::encode(h))).collect();
		f.debug_struct("Attempt")
			.field("nonce", &self.nonce)
			.field("gas_limit", &self.gas_limit)
			.field("hashes", &hashes)
			.field("raw_len", &self.raw.len())
			.field("fees", &self.fees)
			.field("sent_at", &self.sent_at)
			.field("reverts", &self.reverts)
			.finish()
	}
}

impl Attempt {
	/// The newest transaction's hash.
	pub fn newest(&self) -> [u8; 32] {
		*self.hashes.last().expect("an attempt has at least one transaction")
	}
}

/// A block that included a delivery's transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Inclusion {
	/// The transaction mined.
	pub tx_hash: [u8; 32],
	/// Block number.
	pub block_number: u64,
	/// Block hash.
	pub block_hash: [u8; 32],
}

impl DeliveryState {
	/// Whether nothing is left to do for the sequence: delivered, or skipped.
	pub fn is_settled(&self) -> bool {
		matches!(self, DeliveryState::Delivered { .. } | DeliveryState::Skipped { .. })
	}

	/// Transactions this state records that `before` did not (counted as attempts).
	fn signed_since(&self, before: &DeliveryState) -> u32 {
		let signed = |state: &DeliveryState| match state {
			DeliveryState::Sent { .. } => 1,
			DeliveryState::InFlight { attempt, .. } => attempt.hashes.len(),
			_ => 0,
		};
		let (now, then) = (signed(self), signed(before));
		let same_attempt = match (self, before) {
			(
				DeliveryState::InFlight { attempt: a, .. },
				DeliveryState::InFlight { attempt: b, .. },
			) => a.nonce == b.nonce && a.hashes.starts_with(&b.hashes),
			(
				DeliveryState::InFlight { attempt, .. },
				DeliveryState::Sent { tx_hash, nonce, .. },
			) => attempt.nonce == *nonce && attempt.hashes.first() == Some(tx_hash),
			_ => false,
		};
		if same_attempt {
			now.saturating_sub(then) as u32
		} else {
			now as u32
		}
	}
}

/// Why an operator's change to a delivery record was refused (nothing was changed).
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
	/// The database has no such sequence.
	#[error("no record of sequence {index} of rollup {rollup} (see `rejected list`)")]
	Unknown {
		/// The rollup.
		rollup: RollupId,
		/// The sequence.
		index: SequenceIndex,
	},
	/// Only a rejected sequence can be retried or skipped.
	#[error("sequence {index} of rollup {rollup} is {state}, not rejected: only a rejected sequence can be retried or skipped")]
	NotRejected {
		/// The rollup.
		rollup: RollupId,
		/// The sequence.
		index: SequenceIndex,
		/// What it is instead.
		state: &'static str,
	},
	/// The database failed.
	#[error(transparent)]
	Store(#[from] StoreError),
}

/// The delivery record of one finalized sequence.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Status {
	/// Where it goes.
	pub destination: Destination,
	/// How it stands.
	pub state: DeliveryState,
	/// Transactions signed for it so far.
	pub attempts: u32,
}

/// A rollup with sequences left to deliver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct OpenRollup {
	/// The rollup.
	pub rollup_id: RollupId,
	/// Where its sequences go.
	pub destination: Destination,
	/// Its lowest sequence not yet delivered.
	pub lowest: SequenceIndex,
}

/// Everything one processed block adds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockRecords {
	/// Batch headers of sequences submitted in the block.
	pub submitted: Vec<(RollupId, SequenceIndex, Vec<BatchHeader>)>,
	/// Sequences finalized in the block, with their destination.
	pub finalized: Vec<(Destination, SequenceDelivery)>,
}

fn decode<T: Decode>(bytes: &[u8]) -> Result<T, StoreError> {
	T::decode(&mut &bytes[..]).map_err(|e| StoreError(format!("undecodable record: {e}")))
}

/// The relayer's database.
pub struct Store {
	db: Database,
}

impl Store {
	/// Opens (or creates) the database at `path`.
	pub fn open(path: &Path) -> Result<Self, StoreError> {
		let db = Database::create(path)
			.map_err(|e| StoreError(format!("cannot open {}: {e}", path.display())))?;
		let txn = db.begin_write().map_err(db_err)?;
		{
			txn.open_table(META).map_err(db_err)?;
			txn.open_table(BATCHES).map_err(db_err)?;
			txn.open_table(PAYLOADS).map_err(db_err)?;
			txn.open_table(STATUS).map_err(db_err)?;
			txn.open_table(OPEN).map_err(db_err)?;
		}
		txn.commit().map_err(db_err)?;
		Ok(Self { db })
	}

	/// The last fully processed block, if any.
	pub fn cursor(&self) -> Result<Option<Cursor>, StoreError> {
		let txn = self.db.begin_read().map_err(db_err)?;
		let table = txn.open_table(META).map_err(db_err)?;
		let value = table.get(CURSOR).map_err(db_err)?;
		value.map(|v| decode(v.value())).transpose()
	}

	/// Records block `cursor` in one transaction: submitted batches, finalized sequences
	/// (each once: a sequence already recorded is left as it is) and the cursor. Returns
	/// the finalized sequences that were new.
	pub fn apply_block(
		&self,
		cursor: Cursor,
		records: &BlockRecords,
	) -> Result<Vec<(RollupId, SequenceIndex)>, StoreError> {
		let txn = self.db.begin_write().map_err(db_err)?;
		let mut added = Vec::new();
		{
			let mut batches = txn.open_table(BATCHES).map_err(db_err)?;
			for (rollup, index, headers) in &records.submitted {
				batches.insert((*rollup, *index), headers.encode().as_slice()).map_err(db_err)?;
			}
			for (destination, sequence) in &records.finalized {
				let key = (sequence.rollup_id, sequence.sequence_index);
				batches.remove(key).map_err(db_err)?;
				if insert_pending(&txn, *destination, sequence)? {
					added.push(key);
				}
			}
			let mut meta = txn.open_table(META).map_err(db_err)?;
			meta.insert(CURSOR, cursor.encode().as_slice()).map_err(db_err)?;
		}
		txn.commit().map_err(db_err)?;
		Ok(added)
	}

	/// Records one finalized sequence (found by a backfill, or given by a test); `false`
	/// if it was already recorded.
	pub fn insert_finalized(
		&self,
		destination: Destination,
		sequence: &SequenceDelivery,
	) -> Result<bool, StoreError> {
		let txn = self.db.begin_write().map_err(db_err)?;
		let added = insert_pending(&txn, destination, sequence)?;
		txn.commit().map_err(db_err)?;
		Ok(added)
	}

	/// Batch headers recorded from a `SequenceSubmitted` event.
	pub fn batches(
		&self,
		rollup: RollupId,
		index: SequenceIndex,
	) -> Result<Option<Vec<BatchHeader>>, StoreError> {
		let txn = self.db.begin_read().map_err(db_err)?;
		let table = txn.open_table(BATCHES).map_err(db_err)?;
		let value = table.get((rollup, index)).map_err(db_err)?;
		value.map(|v| decode(v.value())).transpose()
	}

	/// The delivery record of a sequence.
	pub fn status(
		&self,
		rollup: RollupId,
		index: SequenceIndex,
	) -> Result<Option<Status>, StoreError> {
		let txn = self.db.begin_read().map_err(db_err)?;
		let table = txn.open_table(STATUS).map_err(db_err)?;
		let value = table.get((rollup, index)).map_err(db_err)?;
		value.map(|v| decode(v.value())).transpose()
	}

	/// The payload of a sequence not yet delivered.
	pub fn payload(
		&self,
		rollup: RollupId,
		index: SequenceIndex,
	) -> Result<Option<SequenceDelivery>, StoreError> {
		let txn = self.db.begin_read().map_err(db_err)?;
		let table = txn.open_table(PAYLOADS).map_err(db_err)?;
		let value = table.get((rollup, index)).map_err(db_err)?;
		value.map(|v| decode(v.value())).transpose()
	}

	/// Every sequence the relayer stopped at: rejected by its inbox or skipped by an
	/// operator, in (rollup, index) order.
	pub fn stopped(&self) -> Result<Vec<(RollupId, SequenceIndex, Status)>, StoreError> {
		let txn = self.db.begin_read().map_err(db_err)?;
		let table = txn.open_table(STATUS).map_err(db_err)?;
		let mut out = Vec::new();
		for entry in table.iter().map_err(db_err)? {
			let (key, value) = entry.map_err(db_err)?;
			let status: Status = decode(value.value())?;
			if matches!(
				status.state,
				DeliveryState::Rejected { .. } | DeliveryState::Skipped { .. }
			) {
				let (rollup, index) = key.value();
				out.push((rollup, index, status));
			}
		}
		Ok(out)
	}

	/// The rejection reason of a sequence an operator acts on.
	fn rejection(&self, rollup: RollupId, index: SequenceIndex) -> Result<String, OperatorError> {
		let status = self.status(rollup, index)?.ok_or(OperatorError::Unknown { rollup, index })?;
		let state = match status.state {
			DeliveryState::Rejected { reason } => return Ok(reason),
			DeliveryState::Pending => "pending",
			DeliveryState::Sent { .. } => "sent",
			DeliveryState::Delivered { .. } => "delivered",
			DeliveryState::Skipped { .. } => "skipped",
			DeliveryState::InFlight { .. } => "in flight",
			DeliveryState::Reverted { .. } => "pending after an on-chain revert",
		};
		Err(OperatorError::NotRejected { rollup, index, state })
	}

	/// An operator's retry of a rejected sequence (after fixing what the reason names):
	/// it is pending again, and the next pass simulates it again before sending anything.
	pub fn retry(&self, rollup: RollupId, index: SequenceIndex) -> Result<(), OperatorError> {
		self.rejection(rollup, index)?;
		Ok(self.set_state(rollup, index, DeliveryState::Pending)?)
	}

	/// An operator gives a rejected sequence up ([`DeliveryState::Skipped`]); returns the
	/// reason it was rejected for.
	pub fn skip(&self, rollup: RollupId, index: SequenceIndex) -> Result<String, OperatorError> {
		let reason = self.rejection(rollup, index)?;
		self.set_state(rollup, index, DeliveryState::Skipped { reason: reason.clone() })?;
		Ok(reason)
	}

	/// Updates a sequence's delivery state. A settled state (`Delivered`, `Skipped`)
	/// drops the payload and moves the rollup's lowest undelivered index past it; `Sent`
	/// counts an attempt.
	pub fn set_state(
		&self,
		rollup: RollupId,
		index: SequenceIndex,
		state: DeliveryState,
	) -> Result<(), StoreError> {
		let txn = self.db.begin_write().map_err(db_err)?;
		let settled = state.is_settled();
		let destination = {
			let mut status_table = txn.open_table(STATUS).map_err(db_err)?;
			let current =
				status_table.get((rollup, index)).map_err(db_err)?.map(|v| v.value().to_vec());
			let mut status: Status = match current {
				Some(bytes) => decode(&bytes)?,
				None => {
					return Err(StoreError(format!(
						"no record of sequence {index} of rollup {rollup}"
					)))
				},
			};
			status.attempts += state.signed_since(&status.state);
			status.state = state;
			status_table
				.insert((rollup, index), status.encode().as_slice())
				.map_err(db_err)?;
			status.destination
		};
		if settled {
			txn.open_table(PAYLOADS)
				.map_err(db_err)?
				.remove((rollup, index))
				.map_err(db_err)?;
			refresh_open(&txn, rollup, destination)?;
		}
		txn.commit().map_err(db_err)
	}

	/// Rollups with sequences left to deliver.
	pub fn open_rollups(&self) -> Result<Vec<OpenRollup>, StoreError> {
		let txn = self.db.begin_read().map_err(db_err)?;
		let table = txn.open_table(OPEN).map_err(db_err)?;
		let mut out = Vec::new();
		for entry in table.iter().map_err(db_err)? {
			let (_, value) = entry.map_err(db_err)?;
			out.push(decode(value.value())?);
		}
		Ok(out)
	}

	/// The nonces of every attempt still in flight to `chain_id` (mined or not, not final).
	pub fn in_flight_nonces(&self, chain_id: u64) -> Result<Vec<u64>, StoreError> {
		let mut nonces = Vec::new();
		for open in self.open_rollups()? {
			if open.destination.chain_id != chain_id {
				continue;
			}
			for (_, status) in self.statuses(open.rollup_id, open.lowest)? {
				match status.state {
					DeliveryState::InFlight { attempt, .. } => nonces.push(attempt.nonce),
					DeliveryState::Sent { nonce, .. } => nonces.push(nonce),
					_ => {},
				}
			}
		}
		Ok(nonces)
	}

	/// Every delivery record of `rollup` from `from` on, in index order.
	pub fn statuses(
		&self,
		rollup: RollupId,
		from: SequenceIndex,
	) -> Result<Vec<(SequenceIndex, Status)>, StoreError> {
		let txn = self.db.begin_read().map_err(db_err)?;
		let table = txn.open_table(STATUS).map_err(db_err)?;
		let mut out = Vec::new();
		for entry in table.range((rollup, from)..=(rollup, u64::MAX)).map_err(db_err)? {
			let (key, value) = entry.map_err(db_err)?;
			out.push((key.value().1, decode(value.value())?));
		}
		Ok(out)
	}
}

/// Inserts a `Pending` record unless the sequence is already recorded.
fn insert_pending(
	txn: &redb::WriteTransaction,
	destination: Destination,
	sequence: &SequenceDelivery,
) -> Result<bool, StoreError> {
	let key = (sequence.rollup_id, sequence.sequence_index);
	let mut status_table = txn.open_table(STATUS).map_err(db_err)?;
	if status_table.get(key).map_err(db_err)?.is_some() {
		return Ok(false);
	}
	let status = Status { destination, state: DeliveryState::Pending, attempts: 0 };
	status_table.insert(key, status.encode().as_slice()).map_err(db_err)?;
	txn.open_table(PAYLOADS)
		.map_err(db_err)?
		.insert(key, sequence.encode().as_slice())
		.map_err(db_err)?;
	let mut open = txn.open_table(OPEN).map_err(db_err)?;
	let current: Option<OpenRollup> =
		open.get(key.0).map_err(db_err)?.map(|v| decode(v.value())).transpose()?;
	let lowest = current.map_or(key.1, |c| c.lowest.min(key.1));
	let entry = OpenRollup { rollup_id: key.0, destination, lowest };
	open.insert(key.0, entry.encode().as_slice()).map_err(db_err)?;
	Ok(true)
}

/// Recomputes a rollup's lowest undelivered sequence after a delivery (or closes it).
fn refresh_open(
	txn: &redb::WriteTransaction,
	rollup: RollupId,
	destination: Destination,
) -> Result<(), StoreError> {
	let mut open = txn.open_table(OPEN).map_err(db_err)?;
	let from = match open.get(rollup).map_err(db_err)? {
		Some(v) => decode::<OpenRollup>(v.value())?.lowest,
		None => 0,
	};
	let status_table = txn.open_table(STATUS).map_err(db_err)?;
	let mut lowest = None;
	for entry in status_table.range((rollup, from)..=(rollup, u64::MAX)).map_err(db_err)? {
		let (key, value) = entry.map_err(db_err)?;
		let status: Status = decode(value.value())?;
		if !status.state.is_settled() {
			lowest = Some(key.value().1);
			break;
		}
	}
	match lowest {
		Some(lowest) => {
			let entry = OpenRollup { rollup_id: rollup, destination, lowest };
			open.insert(rollup, entry.encode().as_slice()).map_err(db_err)?;
		},
		None => {
			open.remove(rollup).map_err(db_err)?;
		},
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn sequence(rollup: RollupId, index: SequenceIndex) -> SequenceDelivery {
		SequenceDelivery {
			rollup_id: rollup,
			sequence_index: index,
			start_batch: 1 + index,
			prev_state_root: [index as u8; 32],
			new_state_root: [index as u8 + 1; 32],
			data_commitment: [9; 32],
			proof: vec![1, 2, 3],
			prover: [7; 32],
			provers: vec![[7; 32]],
			batches: vec![BatchHeader { state_root: [index as u8 + 1; 32], data_hash: [5; 32] }],
		}
	}

	const DEST: Destination = Destination { chain_id: 31337, inbox: [0x11; 20] };

	#[test]
	fn a_block_and_its_cursor_are_recorded_together_and_once() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(&dir.path().join("db")).unwrap();
		assert_eq!(store.cursor().unwrap(), None);
		let records = BlockRecords {
			submitted: vec![(3, 2, sequence(3, 2).batches)],
			finalized: vec![(DEST, sequence(3, 0)), (DEST, sequence(3, 1))],
		};
		let cursor = Cursor { number: 10, hash: [1; 32] };
		assert_eq!(store.apply_block(cursor, &records).unwrap(), vec![(3, 0), (3, 1)]);
		assert_eq!(store.cursor().unwrap(), Some(cursor));
		assert_eq!(store.batches(3, 2).unwrap(), Some(sequence(3, 2).batches));
		// Seen again (a replayed block): nothing new.
		assert!(store.apply_block(cursor, &records).unwrap().is_empty());
		assert_eq!(store.payload(3, 1).unwrap(), Some(sequence(3, 1)));
		assert_eq!(
			store.open_rollups().unwrap(),
			vec![OpenRollup { rollup_id: 3, destination: DEST, lowest: 0 }]
		);
		// Finalizing sequence 2 drops its cached batches.
		let later = BlockRecords { submitted: vec![], finalized: vec![(DEST, sequence(3, 2))] };
		store.apply_block(Cursor { number: 11, hash: [2; 32] }, &later).unwrap();
		assert_eq!(store.batches(3, 2).unwrap(), None);
	}

	#[test]
	fn deliveries_move_the_lowest_index_and_drop_payloads() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("db");
		{
			let store = Store::open(&path).unwrap();
			for index in [0, 1, 2] {
				assert!(store.insert_finalized(DEST, &sequence(5, index)).unwrap());
			}
			assert!(!store.insert_finalized(DEST, &sequence(5, 1)).unwrap());
			let sent = DeliveryState::Sent { tx_hash: [3; 32], raw: vec![1], nonce: 0 };
			store.set_state(5, 0, sent.clone()).unwrap();
			assert_eq!(store.status(5, 0).unwrap().unwrap().attempts, 1);
			store
				.set_state(5, 0, DeliveryState::Delivered { tx_hash: Some([3; 32]) })
				.unwrap();
			assert_eq!(store.payload(5, 0).unwrap(), None);
			assert_eq!(store.open_rollups().unwrap()[0].lowest, 1);
		}
		// Reopened: everything is still there.
		let store = Store::open(&path).unwrap();
		assert_eq!(store.open_rollups().unwrap()[0].lowest, 1);
		store.set_state(5, 2, DeliveryState::Delivered { tx_hash: None }).unwrap();
		assert_eq!(store.open_rollups().unwrap()[0].lowest, 1);
		store.set_state(5, 1, DeliveryState::Delivered { tx_hash: None }).unwrap();
		assert!(store.open_rollups().unwrap().is_empty());
		let history = store.statuses(5, 0).unwrap();
		assert_eq!(history.len(), 3);
		assert_eq!(history[0].1.state, DeliveryState::Delivered { tx_hash: Some([3; 32]) });
		assert!(store.set_state(6, 0, DeliveryState::Pending).is_err());
	}

	/// Deliveries in flight keep their payload and every hash signed, count each
	/// transaction once, and are listed by nonce per chain; the variants keep their SCALE
	/// indices, so databases of earlier versions (`Sent`, `Skipped`) still decode.
	#[test]
	fn in_flight_attempts_are_kept_counted_and_listed() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("db");
		let other = Destination { chain_id: 56, inbox: [0x22; 20] };
		let store = Store::open(&path).unwrap();
		for index in [0, 1, 2] {
			store.insert_finalized(DEST, &sequence(6, index)).unwrap();
		}
		store.insert_finalized(other, &sequence(7, 0)).unwrap();
		let fees = Fees { max_fee_per_gas: 10, max_priority_fee_per_gas: 1 };
		let first = Attempt {
			nonce: 4,
			gas_limit: 100,
			hashes: vec![[1; 32]],
			raw: vec![1],
			fees,
			sent_at: 10,
			reverts: 0,
		};
		let in_flight = |attempt: &Attempt, included| DeliveryState::InFlight {
			attempt: attempt.clone(),
			included,
		};
		store.set_state(6, 0, in_flight(&first, None)).unwrap();
		let bumped = Attempt { hashes: vec![[1; 32], [2; 32]], raw: vec![2], ..first.clone() };
		store.set_state(6, 0, in_flight(&bumped, None)).unwrap();
		let mined = Inclusion { tx_hash: [2; 32], block_number: 12, block_hash: [9; 32] };
		store.set_state(6, 0, in_flight(&bumped, Some(mined))).unwrap();
		assert_eq!(store.status(6, 0).unwrap().unwrap().attempts, 2, "two transactions signed");
		assert_eq!(store.payload(6, 0).unwrap(), Some(sequence(6, 0)), "kept until final");
		store
			.set_state(6, 1, DeliveryState::Sent { tx_hash: [3; 32], raw: vec![3], nonce: 5 })
			.unwrap();
		let reverted = DeliveryState::Reverted { count: 1, tx_hash: [4; 32] };
		store.set_state(6, 2, reverted.clone()).unwrap();
		assert_eq!(store.in_flight_nonces(31337).unwrap(), vec![4, 5]);
		assert!(store.in_flight_nonces(56).unwrap().is_empty());
		drop(store);

		let store = Store::open(&path).unwrap();
		assert_eq!(store.status(6, 0).unwrap().unwrap().state, in_flight(&bumped, Some(mined)));
		assert_eq!(store.status(6, 2).unwrap().unwrap().state, reverted);
		let index = |state: DeliveryState| state.encode()[0];
		assert_eq!(index(DeliveryState::Skipped { reason: String::new() }), 4);
		assert_eq!(index(in_flight(&first, None)), 5);
		assert_eq!(index(reverted), 6);
	}

	/// The operator's way out of a stalled rollup: only a rejected sequence can be retried
	/// (pending again, payload kept) or skipped (settled, payload dropped, never retried);
	/// every other request is refused naming the state, and changes nothing.
	#[test]
	fn an_operator_retries_or_skips_only_a_rejected_sequence() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(&dir.path().join("db")).unwrap();
		for index in [0, 1] {
			store.insert_finalized(DEST, &sequence(4, index)).unwrap();
		}
		assert!(store.stopped().unwrap().is_empty());
		let refused = |e: OperatorError| match e {
			OperatorError::NotRejected { state, .. } => state,
			other => panic!("{other}"),
		};
		assert_eq!(refused(store.retry(4, 0).unwrap_err()), "pending");
		assert!(matches!(store.skip(4, 9), Err(OperatorError::Unknown { rollup: 4, index: 9 })));

		let rejected = DeliveryState::Rejected { reason: "WrongPrevStateRoot".into() };
		store.set_state(4, 0, rejected.clone()).unwrap();
		let stopped = store.stopped().unwrap();
		assert_eq!(stopped.len(), 1);
		assert_eq!((stopped[0].0, stopped[0].1, &stopped[0].2.state), (4, 0, &rejected));
		store.retry(4, 0).unwrap();
		assert_eq!(store.status(4, 0).unwrap().unwrap().state, DeliveryState::Pending);
		assert_eq!(store.payload(4, 0).unwrap(), Some(sequence(4, 0)), "a retry keeps the payload");

		store.set_state(4, 0, rejected).unwrap();
		assert_eq!(store.skip(4, 0).unwrap(), "WrongPrevStateRoot");
		let skipped = DeliveryState::Skipped { reason: "WrongPrevStateRoot".into() };
		assert_eq!(store.status(4, 0).unwrap().unwrap().state, skipped);
		assert_eq!(store.payload(4, 0).unwrap(), None);
		assert_eq!(
			store.open_rollups().unwrap(),
			vec![OpenRollup { rollup_id: 4, destination: DEST, lowest: 1 }],
			"the rollup's work moves past the skipped sequence"
		);
		assert_eq!(refused(store.retry(4, 0).unwrap_err()), "skipped");
		assert_eq!(refused(store.skip(4, 0).unwrap_err()), "skipped");
		assert_eq!(store.stopped().unwrap().len(), 1, "a skipped sequence is still listed");
		// Reopened, the records are as they were (the new state decodes).
		drop(store);
		let store = Store::open(&dir.path().join("db")).unwrap();
		assert_eq!(store.status(4, 0).unwrap().unwrap().state, skipped);
	}
}
