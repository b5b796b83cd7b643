//! What a prover host answers: outputs, job status, health, errors.

use crate::{
	hex::{hex32, hex32_vec, Hex},
	task::{TaskId, TaskKind},
};
use serde::{Deserialize, Serialize};
use zkpow_primitives::Bytes32;

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

impl TaskOutput {
	/// The stage that produced it.
	pub fn kind(&self) -> TaskKind {
		match self {
			TaskOutput::Batch { .. } => TaskKind::Batch,
			TaskOutput::Aggregator { .. } => TaskKind::Aggregator,
			TaskOutput::Final { .. } => TaskKind::Final,
		}
	}
}

/// A kind of prover package, as rollups declare them on chain (`ProverPackageKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageKind {
	/// The reference rollup's circuits (batch, aggregator, final).
	Reference,
	/// A circom circuit's witness generator (WASM, run sandboxed) and `.zkey`.
	Circom,
	/// A native prover the host's operator installed and configured for some rollups'
	/// verifying keys (`Task::Command`; the keys are in [`Health::commands`]). Not a
	/// package kind a rollup declares on chain: what a host offers for a key.
	Command,
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
	pub kind: TaskKind,
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

/// `GET /health`: what the host proves and how loaded it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
	/// Always `ok` while the host answers.
	pub status: String,
	/// The proving backend (`cpu`, …).
	pub backend: String,
	/// The circuit configuration whose tasks it accepts.
	pub config: String,
	/// Jobs proven at the same time.
	pub workers: usize,
	/// Threads each worker proves with.
	#[serde(default)]
	pub threads_per_worker: usize,
	/// The kinds of prover package it proves (the reference rollup's circuits always; a
	/// host with a package cache also `circom`; one with configured commands also
	/// `command`).
	#[serde(default)]
	pub proves: Vec<PackageKind>,
	/// The verifying-key hashes ([`crate::key_hash`]) it has a command for, so takes
	/// `command` tasks of; empty (and absent from older hosts' answers) otherwise.
	#[serde(default, with = "hex32_vec")]
	pub commands: Vec<Bytes32>,
	/// Jobs waiting.
	pub queued: usize,
	/// Jobs being proven.
	pub running: usize,
	/// Most jobs waiting.
	pub queue_capacity: usize,
	/// Whether submitting and cancelling need the bearer token.
	pub auth: bool,
}

/// The body of every error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
	/// What went wrong, for a human.
	pub error: String,
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	fn health(commands: Vec<Bytes32>) -> Health {
		Health {
			status: "ok".into(),
			backend: "cpu".into(),
			config: "test".into(),
			workers: 1,
			threads_per_worker: 2,
			proves: vec![PackageKind::Reference, PackageKind::Command],
			commands,
			queued: 0,
			running: 0,
			queue_capacity: 8,
			auth: true,
		}
	}

	#[test]
	fn health_lists_command_key_hashes_as_hex() {
		let text = serde_json::to_value(health(vec![[0xab; 32]])).unwrap();
		assert_eq!(text["proves"], json!(["reference", "command"]));
		assert_eq!(text["commands"], json!([format!("0x{}", "ab".repeat(32))]));
		assert_eq!(serde_json::from_value::<Health>(text).unwrap(), health(vec![[0xab; 32]]));
	}

	/// A host from before commands answers without `commands` (or `proves`): it reads as
	/// a host with none.
	#[test]
	fn an_older_hosts_health_reads_as_one_without_commands() {
		let mut text = serde_json::to_value(health(vec![[1; 32]])).unwrap();
		let object = text.as_object_mut().unwrap();
		object.remove("commands");
		object.remove("proves");
		let read: Health = serde_json::from_value(text).unwrap();
		assert!(read.commands.is_empty() && read.proves.is_empty());
	}
}
