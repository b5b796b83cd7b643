//! A sequence the miner works on, and its persistence in the node's off-chain database.
//!
//! Every change is written before the miner acts on it (an extrinsic is recorded before it
//! is submitted), so a restarted node resumes exactly where it stopped: tasks already
//! proven are not proven again, extrinsics already sent are not sent again.

use codec::{Decode, Encode};
use pallet_zkpow_runtime_api::TaskInfo;
use sp_core::offchain::{OffchainStorage, STORAGE_PREFIX};
use std::collections::BTreeMap;

/// A task dispatched to a prover host.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct TaskRef {
	/// Base URL of the host.
	pub host: String,
	/// The task id the host gave.
	pub id: String,
}

/// One proving step.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Stage<T> {
	/// Not dispatched.
	Todo,
	/// Being proven on a host.
	Dispatched(TaskRef),
	/// Proven.
	Done(T),
}

impl<T> Stage<T> {
	pub fn done(&self) -> Option<&T> {
		match self {
			Stage::Done(t) => Some(t),
			_ => None,
		}
	}
}

/// The final proof: what is committed and revealed.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct FinalProof {
	/// The artifact (revealed).
	pub artifact: Vec<u8>,
	/// `proof_hash(artifact, miner)` (committed).
	pub proof_hash: [u8; 32],
}

/// An extrinsic the miner sent.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Sent {
	/// The encoded signed extrinsic (resubmitted as is while its nonce is unused).
	pub extrinsic: Vec<u8>,
	/// Its nonce.
	pub nonce: u32,
	/// Best block when it was (last) submitted.
	pub submitted_at: u32,
}

/// A sequence the miner proves.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Job {
	pub rollup_id: u32,
	pub sequence_index: u64,
	pub start_batch: u64,
	pub batch_count: u32,
	/// The batch proofs, in order.
	pub batches: Vec<Stage<Vec<u8>>>,
	/// The aggregator proof (only for more than one batch).
	pub aggregator: Stage<Vec<u8>>,
	/// The final proof.
	pub final_proof: Stage<FinalProof>,
	/// Failed prover tasks so far (the job is given up after a few).
	pub failures: u32,
	/// Why the job was given up, if it was.
	pub given_up: Option<String>,
	/// The window attempt the commit and reveal below belong to.
	pub attempt: u32,
	/// The commit sent in this attempt.
	pub commit: Option<Sent>,
	/// The reveal sent in this attempt.
	pub reveal: Option<Sent>,
}

impl Job {
	/// A new job for an open task.
	pub fn new<B, N>(task: &TaskInfo<B, N>) -> Self {
		Job {
			rollup_id: task.rollup_id,
			sequence_index: task.sequence_index,
			start_batch: task.start_batch,
			batch_count: task.batch_count,
			batches: (0..task.batch_count).map(|_| Stage::Todo).collect(),
			aggregator: Stage::Todo,
			final_proof: Stage::Todo,
			failures: 0,
			given_up: None,
			attempt: task.attempt,
			commit: None,
			reveal: None,
		}
	}

	/// (rollup, sequence).
	pub fn key(&self) -> (u32, u64) {
		(self.rollup_id, self.sequence_index)
	}

	/// How log lines name it.
	pub fn name(&self) -> String {
		format!("rollup {} sequence {}", self.rollup_id, self.sequence_index)
	}

	/// The final proof, once proven.
	pub fn proof(&self) -> Option<&FinalProof> {
		self.final_proof.done()
	}

	/// Tasks dispatched and not finished.
	pub fn tasks_in_flight(&self) -> usize {
		let dispatched = |s: bool| usize::from(s);
		self.batches.iter().filter(|b| matches!(b, Stage::Dispatched(_))).count()
			+ dispatched(matches!(self.aggregator, Stage::Dispatched(_)))
			+ dispatched(matches!(self.final_proof, Stage::Dispatched(_)))
	}

	/// Where the job stands, for the logs.
	pub fn stage(&self) -> String {
		if let Some(reason) = &self.given_up {
			return format!("given up: {reason}");
		}
		if self.proof().is_some() {
			return match (&self.commit, &self.reveal) {
				(_, Some(_)) => format!("reveal sent (attempt {})", self.attempt),
				(Some(_), None) => format!("commit sent (attempt {})", self.attempt),
				(None, None) => "final proof ready".into(),
			};
		}
		let proven = self.batches.iter().filter(|b| b.done().is_some()).count();
		format!("{proven}/{} batch proofs", self.batch_count)
	}
}

const INDEX_KEY: &[u8] = b"zkpow-miner/jobs";
const TOTALS_KEY: &[u8] = b"zkpow-miner/totals";
const REFUSALS_KEY: &[u8] = b"zkpow-miner/host-refusals";

fn job_key((rollup, sequence): (u32, u64)) -> Vec<u8> {
	format!("zkpow-miner/job/{rollup}/{sequence}").into_bytes()
}

/// Jobs in the node's off-chain database (the `PERSISTENT` off-chain storage that runtime
/// off-chain workers also use), with an index of their keys.
pub struct JobStore<S> {
	db: S,
	index: Vec<(u32, u64)>,
}

impl<S: OffchainStorage> JobStore<S> {
	/// Opens the store.
	pub fn new(db: S) -> Self {
		let index = db
			.get(STORAGE_PREFIX, INDEX_KEY)
			.and_then(|raw| Vec::<(u32, u64)>::decode(&mut &raw[..]).ok())
			.unwrap_or_default();
		Self { db, index }
	}

	/// Every stored job.
	pub fn load(&self) -> Vec<Job> {
		self.index
			.iter()
			.filter_map(|key| self.db.get(STORAGE_PREFIX, &job_key(*key)))
			.filter_map(|raw| Job::decode(&mut &raw[..]).ok())
			.collect()
	}

	/// Writes a job (and adds it to the index).
	pub fn save(&mut self, job: &Job) {
		let key = job.key();
		self.db.set(STORAGE_PREFIX, &job_key(key), &job.encode());
		if !self.index.contains(&key) {
			self.index.push(key);
			self.db.set(STORAGE_PREFIX, INDEX_KEY, &self.index.encode());
		}
	}

	/// The miner's reward and slash totals last seen (to report what changed while the
	/// node was down).
	pub fn totals(&self) -> Option<(u128, u128)> {
		self.db
			.get(STORAGE_PREFIX, TOTALS_KEY)
			.and_then(|raw| Decode::decode(&mut &raw[..]).ok())
	}

	/// Records the totals last seen.
	pub fn save_totals(&mut self, totals: (u128, u128)) {
		self.db.set(STORAGE_PREFIX, TOTALS_KEY, &totals.encode());
	}

	/// Refused artifacts per prover host, as last recorded.
	pub fn host_refusals(&self) -> BTreeMap<String, u32> {
		self.db
			.get(STORAGE_PREFIX, REFUSALS_KEY)
			.and_then(|raw| Decode::decode(&mut &raw[..]).ok())
			.unwrap_or_default()
	}

	/// Records the prover hosts' refused artifacts for the next start.
	pub fn save_host_refusals(&mut self, counts: &BTreeMap<String, u32>) {
		self.db.set(STORAGE_PREFIX, REFUSALS_KEY, &counts.encode());
	}

	/// Removes a job.
	pub fn remove(&mut self, key: (u32, u64)) {
		self.db.remove(STORAGE_PREFIX, &job_key(key));
		self.index.retain(|k| *k != key);
		self.db.set(STORAGE_PREFIX, INDEX_KEY, &self.index.encode());
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::offchain::storage::InMemOffchainStorage;

	fn job(rollup: u32, index: u64, batches: u32) -> Job {
		let task = TaskInfo::<u128, u32> {
			rollup_id: rollup,
			sequence_index: index,
			start_batch: 1 + index * 4,
			batch_count: batches,
			reward: 5,
			attempt: 0,
			phase: pallet_zkpow_runtime_api::WindowPhase::Pending,
			committers: 0,
		};
		Job::new(&task)
	}

	#[test]
	fn jobs_survive_a_reopened_store_and_removal() {
		let db = InMemOffchainStorage::default();
		let mut store = JobStore::new(db);
		let mut a = job(1, 0, 2);
		a.batches[0] = Stage::Done(vec![7; 256]);
		a.batches[1] = Stage::Dispatched(TaskRef { host: "http://h".into(), id: "ab".into() });
		a.commit = Some(Sent { extrinsic: vec![1, 2, 3], nonce: 4, submitted_at: 9 });
		store.save(&a);
		store.save(&job(2, 5, 1));
		store.save(&a);

		let reopened = JobStore::new(store.db.clone());
		let loaded = reopened.load();
		assert_eq!(loaded.len(), 2);
		assert_eq!(loaded[0], a);
		assert_eq!(loaded[0].tasks_in_flight(), 1);
		assert_eq!(loaded[0].stage(), "1/2 batch proofs");

		let mut store = reopened;
		store.remove((1, 0));
		let loaded = JobStore::new(store.db.clone()).load();
		assert_eq!(loaded.iter().map(Job::key).collect::<Vec<_>>(), vec![(2, 5)]);
	}

	#[test]
	fn host_refusals_survive_a_reopened_store() {
		let mut store = JobStore::new(InMemOffchainStorage::default());
		assert!(store.host_refusals().is_empty());
		let counts = BTreeMap::from([("http://bad".to_string(), 3)]);
		store.save_host_refusals(&counts);
		assert_eq!(JobStore::new(store.db.clone()).host_refusals(), counts);
	}
}
