//! The HTTP/JSON wire types: tasks, results, job status, errors.
//!
//! Byte strings are `0x`-prefixed hex. A task is one JSON object tagged by `kind`:
//!
//! ```json
//! {"kind": "batch", "prover": "0x…32 bytes", "witness": { "prev_root": "0x…", "transfers": [...], "accesses": [...] }}
//! {"kind": "aggregator", "prover": "0x…", "prev_root": "0x…", "batches": [{"state_root": "0x…", "data_hash": "0x…"}], "batch_proofs": ["0x…256 bytes"]}
//! {"kind": "final", "rollup_id": 1, "sequence_index": 0, "prover": "0x…", "prev_root": "0x…", "batches": [...], "batch_proofs": [...], "aggregator_proof": "0x…" or null}
//! ```
//!
//! The batch `witness` is what `zkpow-prover sequencer` writes for each batch.

use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};
use sp_crypto_hashing::keccak_256;
use zkpow_circuits::{
	field::{hex32, parse_hex, to_hex},
	rollup::witness::BatchWitness,
	AggregatorInput, CircuitConfig, FinalInput,
};
use zkpow_primitives::{groth16::PROOF_LEN, BatchHeader, Bytes32};

/// A byte string carried as `0x` hex.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hex(pub Vec<u8>);

impl Serialize for Hex {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&to_hex(&self.0))
	}
}

impl<'de> Deserialize<'de> for Hex {
	fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		let text = String::deserialize(d)?;
		parse_hex(&text).map(Hex).map_err(D::Error::custom)
	}
}

/// A batch header as posted on chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
	/// State root after the batch.
	#[serde(with = "hex32")]
	pub state_root: Bytes32,
	/// The batch's data hash.
	#[serde(with = "hex32")]
	pub data_hash: Bytes32,
}

impl From<&Header> for BatchHeader {
	fn from(h: &Header) -> Self {
		BatchHeader { state_root: h.state_root, data_hash: h.data_hash }
	}
}

impl From<&BatchHeader> for Header {
	fn from(h: &BatchHeader) -> Self {
		Header { state_root: h.state_root, data_hash: h.data_hash }
	}
}

/// A proof task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Task {
	/// Prove one batch.
	Batch {
		/// Miner account the proof is bound to.
		#[serde(with = "hex32")]
		prover: Bytes32,
		/// The batch's witness.
		witness: BatchWitness,
	},
	/// Prove the continuity of a sequence of several batches.
	Aggregator {
		/// Miner account.
		#[serde(with = "hex32")]
		prover: Bytes32,
		/// Root before the first batch.
		#[serde(with = "hex32")]
		prev_root: Bytes32,
		/// The sequence's batch headers.
		batches: Vec<Header>,
		/// The batch proofs, in order.
		batch_proofs: Vec<Hex>,
	},
	/// Prove the sequence statement and package the artifact.
	Final {
		/// Rollup id.
		rollup_id: u32,
		/// Sequence index.
		sequence_index: u64,
		/// Miner account.
		#[serde(with = "hex32")]
		prover: Bytes32,
		/// Root before the first batch.
		#[serde(with = "hex32")]
		prev_root: Bytes32,
		/// The sequence's batch headers.
		batches: Vec<Header>,
		/// The batch proofs, in order.
		batch_proofs: Vec<Hex>,
		/// The aggregator proof (only for more than one batch).
		#[serde(default)]
		aggregator_proof: Option<Hex>,
	},
}

/// The identity of a task: `keccak256` of its canonical JSON (fields in declaration
/// order, no whitespace), as 64 hex digits. The same content always gets the same id.
pub type TaskId = String;

impl Task {
	/// Parses a request body, with a message fit for the client on failure.
	pub fn parse(body: &[u8]) -> Result<Self, String> {
		serde_json::from_slice(body).map_err(|e| format!("malformed task: {e}"))
	}

	/// The task's content id.
	pub fn id(&self) -> TaskId {
		let canonical = serde_json::to_vec(self).expect("tasks serialize");
		hex::encode(keccak_256(&canonical))
	}

	/// `batch`, `aggregator` or `final`.
	pub fn kind(&self) -> &'static str {
		match self {
			Task::Batch { .. } => "batch",
			Task::Aggregator { .. } => "aggregator",
			Task::Final { .. } => "final",
		}
	}

	/// Cheap checks done before a task is queued, so that a malformed task gets a 4xx
	/// at once instead of failing later. A batch witness is replayed natively.
	pub fn validate(&self, config: &CircuitConfig) -> Result<(), String> {
		match self {
			Task::Batch { witness, .. } => {
				witness.execute(config).map(|_| ()).map_err(|e| e.to_string())
			},
			Task::Aggregator { batches, batch_proofs, .. } => {
				if batches.len() < 2 {
					return Err("an aggregator task needs at least two batches".into());
				}
				check_proofs(config, batches, batch_proofs)
			},
			Task::Final { batches, batch_proofs, aggregator_proof, .. } => {
				check_proofs(config, batches, batch_proofs)?;
				match (batches.len() > 1, aggregator_proof) {
					(true, None) => {
						Err("a sequence of several batches needs `aggregator_proof`".into())
					},
					(false, Some(_)) => {
						Err("a single-batch sequence takes no `aggregator_proof`".into())
					},
					(_, Some(p)) if p.0.len() != PROOF_LEN => Err(format!(
						"`aggregator_proof` is {} bytes, a proof is {PROOF_LEN}",
						p.0.len()
					)),
					_ => Ok(()),
				}
			},
		}
	}

	/// The aggregator stage's input (for an aggregator task).
	pub fn aggregator_input(&self) -> Option<AggregatorInput> {
		match self {
			Task::Aggregator { prover, prev_root, batches, batch_proofs } => {
				Some(AggregatorInput {
					prover: *prover,
					prev_root: *prev_root,
					batches: batches.iter().map(BatchHeader::from).collect(),
					batch_proofs: batch_proofs.iter().map(|p| p.0.clone()).collect(),
				})
			},
			_ => None,
		}
	}

	/// The final stage's input (for a final task).
	pub fn final_input(&self) -> Option<FinalInput> {
		match self {
			Task::Final {
				rollup_id,
				sequence_index,
				prover,
				prev_root,
				batches,
				batch_proofs,
				aggregator_proof,
			} => Some(FinalInput {
				rollup_id: *rollup_id,
				sequence_index: *sequence_index,
				prover: *prover,
				prev_root: *prev_root,
				batches: batches.iter().map(BatchHeader::from).collect(),
				batch_proofs: batch_proofs.iter().map(|p| p.0.clone()).collect(),
				aggregator_proof: aggregator_proof.as_ref().map(|p| p.0.clone()),
			}),
			_ => None,
		}
	}
}

fn check_proofs(config: &CircuitConfig, batches: &[Header], proofs: &[Hex]) -> Result<(), String> {
	if batches.is_empty() {
		return Err("`batches` is empty".into());
	}
	if batches.len() > config.max_batches {
		return Err(format!(
			"{} batches, this prover's `{}` circuits take at most {} per sequence",
			batches.len(),
			config.name,
			config.max_batches
		));
	}
	if proofs.len() != batches.len() {
		return Err(format!("{} batches but {} batch proofs", batches.len(), proofs.len()));
	}
	if let Some((i, p)) = proofs.iter().enumerate().find(|(_, p)| p.0.len() != PROOF_LEN) {
		return Err(format!("batch proof {i} is {} bytes, a proof is {PROOF_LEN}", p.0.len()));
	}
	Ok(())
}

/// What a finished task produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaskOutput {
	/// A batch proof and the header it proves.
	Batch {
		/// The proof (256 bytes).
		proof: Hex,
		/// Root before the batch.
		#[serde(with = "hex32")]
		prev_root: Bytes32,
		/// Root after the batch.
		#[serde(with = "hex32")]
		state_root: Bytes32,
		/// The batch's data hash.
		#[serde(with = "hex32")]
		data_hash: Bytes32,
	},
	/// An aggregator proof.
	Aggregator {
		/// The proof (256 bytes).
		proof: Hex,
	},
	/// The final artifact.
	Final {
		/// The artifact (what is committed and revealed).
		artifact: Hex,
		/// `proof_hash(artifact, prover)`: the value to commit.
		#[serde(with = "hex32")]
		proof_hash: Bytes32,
	},
}

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
	/// Waiting for a worker.
	Queued,
	/// Being proven.
	Running,
	/// Done; the result can be fetched.
	Succeeded,
	/// Failed; `error` says why.
	Failed,
	/// Cancelled by a client.
	Cancelled,
}

impl JobState {
	/// Whether the job will not change any more.
	pub fn is_final(&self) -> bool {
		matches!(self, JobState::Succeeded | JobState::Failed | JobState::Cancelled)
	}
}

/// A job's status as reported by the service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobStatus {
	/// Task id.
	pub id: TaskId,
	/// Task kind.
	pub kind: String,
	/// State.
	pub state: JobState,
	/// Why it failed, if it did.
	#[serde(skip_serializing_if = "Option::is_none", default)]
	pub error: Option<String>,
	/// Jobs ahead of it in the queue, while queued.
	#[serde(skip_serializing_if = "Option::is_none", default)]
	pub queue_position: Option<usize>,
	/// Proving time in milliseconds, once finished.
	#[serde(skip_serializing_if = "Option::is_none", default)]
	pub prove_ms: Option<u64>,
	/// Whether a cancellation was requested while it was running.
	#[serde(skip_serializing_if = "std::ops::Not::not", default)]
	pub cancel_requested: bool,
}

/// The body of every error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
	/// What went wrong, for a human.
	pub error: String,
}
