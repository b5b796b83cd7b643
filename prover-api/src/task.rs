//! Proof tasks: what a miner asks a prover host to prove.

use crate::hex::{hex32, Hex};
use serde::{Deserialize, Serialize};
use sp_crypto_hashing::keccak_256;
use zkpow_primitives::{BatchHeader, Bytes32};

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

/// Where a rollup's prover package is published and the hash that pins its content (as
/// the rollup registered them on chain).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageRef {
	/// Base URL: a `Circom` package is `{url}/circuit.wasm` (the witness generator) and
	/// `{url}/circuit.zkey` (the Groth16 key).
	pub url: String,
	/// The content hash (for `Circom`: `keccak256(keccak256(wasm) ++ keccak256(zkey))`).
	#[serde(with = "hex32")]
	pub hash: Bytes32,
}

impl PackageRef {
	/// The URL of one of the package's files.
	pub fn file_url(&self, name: &str) -> String {
		format!("{}/{name}", self.url.trim_end_matches('/'))
	}
}

/// A proof task. `W` is the batch witness: the host's circuit type on the host, the
/// rollup's JSON (`serde_json::Value`, passed through uninterpreted) in the miner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Task<W> {
	/// Prove one batch.
	Batch {
		/// Miner account the proof is bound to.
		#[serde(with = "hex32")]
		prover: Bytes32,
		/// The batch's witness.
		witness: W,
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
	/// Prove a sequence of a rollup that brings its own circom circuit: one Groth16 proof
	/// of the sequence statement, made with the rollup's prover package. The host fills
	/// the ten public statement inputs from these fields; the rollup supplies the rest.
	Circom {
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
		/// The sequence's batch headers (as on chain).
		batches: Vec<Header>,
		/// The rollup's prover package.
		package: PackageRef,
		/// The circuit's private inputs as the rollup publishes them (a snarkjs
		/// `input.json` object without the statement's signals), passed through.
		input: serde_json::Value,
	},
	/// Prove a sequence with a native prover the host's operator installed (rapidsnark,
	/// gnark, a zkEVM prover): one Groth16 proof of the sequence statement, made by the
	/// command the host's configuration maps `key_hash` to. Nothing of the task is run;
	/// the host refuses the task (before queuing it) when it has no command for the key.
	Command {
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
		/// The sequence's batch headers (as on chain).
		batches: Vec<Header>,
		/// [`key_hash`] of the rollup's registered verifying key: selects the command.
		#[serde(with = "hex32")]
		key_hash: Bytes32,
		/// The sequence's private input as the rollup publishes it at its data URL,
		/// passed through to the command uninterpreted.
		input: serde_json::Value,
	},
}

/// The hash that names a rollup's verifying key to prover hosts (`Task::Command`'s
/// `key_hash`, the `key_hash` of a host's command configuration, `/health`'s
/// `commands`): `keccak256` of the key's bytes exactly as registered on chain (the
/// `key` of the rollup's `VerifierSpec`, for `Groth16Bn254` the 1,152-byte key
/// `zkpow-prover keys import` prints as hex; not SCALE-encoded, no length prefix):
/// [`zkpow_primitives::verifying_key_hash`]. The chain's `sequence_status` reports it as
/// `key_hash` for the key a sequence is verified with; `zkpow-prover keys hash` prints
/// it for a key file.
pub fn key_hash(key: &[u8]) -> Bytes32 {
	zkpow_primitives::verifying_key_hash(key)
}

/// The identity of a task: `keccak256` of its canonical JSON (fields in declaration
/// order, no whitespace), as 64 hex digits. The same content always gets the same id.
pub type TaskId = String;

/// The kinds of task, in the order a host serves them (final first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
	/// The final stage: a sequence whose other proofs are done, closest to being revealed.
	Final,
	/// A whole sequence in one proof from the rollup's circom package (as close to being
	/// revealed as a final proof).
	Circom,
	/// A whole sequence in one proof from an operator-configured native prover (as close
	/// to being revealed as a circom task).
	Command,
	/// The aggregator stage.
	Aggregator,
	/// A batch proof.
	Batch,
}

impl TaskKind {
	/// `batch`, `aggregator`, `final`, `circom` or `command`: the name on the wire, in
	/// logs and metrics.
	pub fn as_str(&self) -> &'static str {
		match self {
			TaskKind::Batch => "batch",
			TaskKind::Aggregator => "aggregator",
			TaskKind::Final => "final",
			TaskKind::Circom => "circom",
			TaskKind::Command => "command",
		}
	}
}

impl std::fmt::Display for TaskKind {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(self.as_str())
	}
}

impl<W> Task<W> {
	/// The task's stage.
	pub fn kind(&self) -> TaskKind {
		match self {
			Task::Batch { .. } => TaskKind::Batch,
			Task::Aggregator { .. } => TaskKind::Aggregator,
			Task::Final { .. } => TaskKind::Final,
			Task::Circom { .. } => TaskKind::Circom,
			Task::Command { .. } => TaskKind::Command,
		}
	}

	/// The miner account the proof is bound to.
	pub fn prover(&self) -> &Bytes32 {
		match self {
			Task::Batch { prover, .. }
			| Task::Aggregator { prover, .. }
			| Task::Final { prover, .. }
			| Task::Circom { prover, .. }
			| Task::Command { prover, .. } => prover,
		}
	}
}

impl<W: Serialize> Task<W> {
	/// The task's content id.
	pub fn id(&self) -> TaskId {
		let canonical = serde_json::to_vec(self).expect("tasks serialize");
		::hex::encode(keccak_256(&canonical))
	}
}

impl<W: for<'de> Deserialize<'de>> Task<W> {
	/// Parses a request body; the error names what is wrong, for the client.
	pub fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
		serde_json::from_slice(body)
	}
}

/// How a task is scheduled, sent with it as the query of `POST /tasks` (not part of
/// the task, so not of its id).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitParams {
	/// The number of the task's first batch in its rollup (the sequence's `start_batch`
	/// on chain, plus the batch's position for a batch proof): among waiting tasks of the
	/// same kind, the lower start batch is served first, so the sequence that can be
	/// revealed soonest is not held back by later ones. Tasks without it go last.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub start_batch: Option<u64>,
}

impl SubmitParams {
	/// The query string that carries these parameters (`""` or `?start_batch=N`).
	pub fn query(&self) -> String {
		match self.start_batch {
			Some(n) => format!("?start_batch={n}"),
			None => String::new(),
		}
	}

	/// Parameters with this start batch.
	pub fn at(start_batch: u64) -> Self {
		Self { start_batch: Some(start_batch) }
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::{json, Value};

	fn final_task() -> Task<Value> {
		Task::Final {
			rollup_id: 1,
			sequence_index: 2,
			prover: [0x11; 32],
			prev_root: [0x22; 32],
			batches: vec![Header { state_root: [3; 32], data_hash: [4; 32] }],
			batch_proofs: vec![Hex(vec![5; 4])],
			aggregator_proof: None,
		}
	}

	#[test]
	fn a_task_reads_back_what_it_writes_under_its_kind_tag() {
		let task = final_task();
		let text = serde_json::to_value(&task).unwrap();
		assert_eq!(text["kind"], "final");
		assert_eq!(text["prev_root"], format!("0x{}", "22".repeat(32)));
		assert_eq!(serde_json::from_value::<Task<Value>>(text).unwrap(), task);
		assert_eq!(task.kind(), TaskKind::Final);
		assert_eq!(task.prover(), &[0x11; 32]);
	}

	#[test]
	fn the_id_depends_on_content_not_on_layout() {
		let batch = |n: u64| -> Task<Value> {
			Task::Batch { prover: [1; 32], witness: json!({"n": n, "m": [1, 2]}) }
		};
		let spaced = format!(
			"{{ \"witness\": {{\"m\": [1, 2], \"n\": 0}}, \"prover\": \"0x{}\", \"kind\": \"batch\" }}",
			"01".repeat(32)
		);
		let parsed = Task::<Value>::parse(spaced.as_bytes()).unwrap();
		assert_eq!(parsed.id(), batch(0).id());
		assert_ne!(batch(0).id(), batch(1).id());
		assert_eq!(batch(0).id().len(), 64);
	}

	/// Attack: a client smuggles a field the host does not know (for example to make the
	/// same proof look like another job); the host refuses it.
	#[test]
	fn refuse_unknown_fields_and_kinds() {
		let mut text = serde_json::to_value(final_task()).unwrap();
		text["bonus"] = json!(1);
		assert!(serde_json::from_value::<Task<Value>>(text).is_err());
		let e = Task::<Value>::parse(br#"{"kind": "recursive", "prover": "0x"}"#).unwrap_err();
		assert!(e.to_string().contains("unknown variant `recursive`"), "{e}");
	}

	#[test]
	fn kinds_order_final_first() {
		let mut kinds = [
			TaskKind::Batch,
			TaskKind::Command,
			TaskKind::Final,
			TaskKind::Aggregator,
			TaskKind::Circom,
		];
		kinds.sort();
		assert_eq!(
			kinds,
			[
				TaskKind::Final,
				TaskKind::Circom,
				TaskKind::Command,
				TaskKind::Aggregator,
				TaskKind::Batch
			]
		);
		assert_eq!(serde_json::to_value(TaskKind::Aggregator).unwrap(), "aggregator");
		assert_eq!(serde_json::to_value(TaskKind::Command).unwrap(), "command");
	}

	fn command_task() -> Task<Value> {
		Task::Command {
			rollup_id: 3,
			sequence_index: 9,
			prover: [0x11; 32],
			prev_root: [0x22; 32],
			batches: vec![Header { state_root: [3; 32], data_hash: [4; 32] }],
			key_hash: key_hash(b"a verifying key"),
			input: json!({"witness": [1, 2]}),
		}
	}

	#[test]
	fn a_command_task_names_its_key_by_hash_on_the_wire() {
		let task = command_task();
		let text = serde_json::to_value(&task).unwrap();
		assert_eq!(text["kind"], "command");
		assert_eq!(
			text["key_hash"],
			format!("0x{}", ::hex::encode(keccak_256(b"a verifying key")))
		);
		assert_eq!(text["input"], json!({"witness": [1, 2]}));
		assert_eq!(serde_json::from_value::<Task<Value>>(text.clone()).unwrap(), task);
		assert_eq!(task.kind(), TaskKind::Command);
		assert_eq!(task.prover(), &[0x11; 32]);
		// A key hash that is not 32 bytes is refused.
		let mut short = text;
		short["key_hash"] = json!("0x1234");
		let e = serde_json::from_value::<Task<Value>>(short).unwrap_err();
		assert!(e.to_string().contains("expected 32 bytes"), "{e}");
	}

	/// The variants that existed before `command` keep their wire format: the same JSON
	/// (and so the same task ids) as miners already send.
	#[test]
	fn older_kinds_keep_their_wire_format() {
		let text = serde_json::to_string(&final_task()).unwrap();
		let expected = format!(
			"{{\"kind\":\"final\",\"rollup_id\":1,\"sequence_index\":2,\"prover\":\"0x{}\",\
			 \"prev_root\":\"0x{}\",\"batches\":[{{\"state_root\":\"0x{}\",\"data_hash\":\"0x{}\"}}],\
			 \"batch_proofs\":[\"0x05050505\"],\"aggregator_proof\":null}}",
			"11".repeat(32),
			"22".repeat(32),
			"03".repeat(32),
			"04".repeat(32)
		);
		assert_eq!(text, expected);
	}

	#[test]
	fn start_batches_travel_in_the_query() {
		assert_eq!(SubmitParams::at(12).query(), "?start_batch=12");
		assert_eq!(SubmitParams::default().query(), "");
	}
}
