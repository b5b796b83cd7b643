//! The command backend: native provers the host's operator installed (rapidsnark, gnark,
//! a zkEVM prover) proving `command` tasks ([`Task::Command`]) of the verifying keys the operator
//! configured them for.
//!
//! - [`config`]: the operator's TOML file (`serve --commands FILE`), checked at start-up;
//! - [`run`](mod@run): one run of a command under its limits (cleared environment,
//!   timeout, stdout cap, stderr tail, process-group kill);
//! - [`reply`]: the stdin document ([`CommandRequest`]) and the stdout one
//!   (`{"proof": …}`, [`parse_reply`]);
//! - [`CommandSet`]: the configured commands by key hash, validating and proving tasks.
//!
//! **Only operator-configured programs run.** A task names a verifying-key hash; a hash
//! the configuration does not list is refused before the task is queued, and nothing a
//! task carries (the rollup's input among it) is ever run or names what runs: it reaches
//! the configured program as data on its stdin. Code a rollup owner supplies runs only in
//! the circom backend's WASM sandbox.

pub mod config;
pub mod reply;
pub mod run;

pub use config::{CommandConfig, CommandSpec, ConfigError, EntryError};
pub use reply::{parse_reply, CommandRequest, ReplyError, StatementValues, REQUEST_VERSION};
pub use run::{Output, RunError, STDERR_TAIL_BYTES};

use zkpow_primitives::{
	groth16, import::describe_verify_error, proof_hash, statement::STATEMENT_PUBLIC_INPUTS,
	Bytes32, SequenceStatement,
};
use zkpow_prover_api::{Hex, Task, TaskOutput};

/// Why a command task could not be proven.
#[derive(Debug, thiserror::Error)]
pub enum CommandTaskError {
	/// No command is configured for the task's key hash.
	#[error("this prover host has no command for verifying-key hash 0x{}", hex::encode(.0))]
	NoCommand(Bytes32),
	/// The command could not be run or failed.
	#[error("command `{name}` {source}")]
	Run {
		/// The command's name.
		name: String,
		/// What happened.
		source: RunError,
	},
	/// The command's stdout is not a proof.
	#[error("command `{name}` gave no usable proof: {source}")]
	Reply {
		/// The command's name.
		name: String,
		/// What is wrong with it.
		source: ReplyError,
	},
	/// The proof does not verify against the configured `verifying_key` for the task's
	/// statement.
	#[error(
		"command `{name}` gave a proof that does not verify against its verifying key for \
		 this sequence and prover: {reason}"
	)]
	DoesNotVerify {
		/// The command's name.
		name: String,
		/// The verifier's reason.
		reason: &'static str,
	},
}

/// The configured commands, by verifying-key hash.
#[derive(Clone, Debug)]
pub struct CommandSet {
	commands: Vec<CommandSpec>,
}

impl CommandSet {
	/// The commands of a checked configuration.
	pub fn new(config: CommandConfig) -> Self {
		Self { commands: config.commands }
	}

	/// The key hashes it has commands for, in configuration order.
	pub fn key_hashes(&self) -> Vec<Bytes32> {
		self.commands.iter().map(|c| c.key_hash).collect()
	}

	/// The command for `key_hash`.
	pub fn get(&self, key_hash: &Bytes32) -> Option<&CommandSpec> {
		self.commands.iter().find(|c| c.key_hash == *key_hash)
	}

	/// The configured commands.
	pub fn commands(&self) -> &[CommandSpec] {
		&self.commands
	}

	/// Proves `request` with its key's command (blocking the calling thread for up to
	/// the command's timeout): the final output whose artifact is the 256-byte proof, as
	/// for circom tasks. The proof is checked to decode as the chain decodes proofs, and,
	/// when the entry names a `verifying_key`, to verify for the request's statement.
	pub fn prove(&self, request: &CommandRequest) -> Result<TaskOutput, CommandTaskError> {
		let spec = self
			.get(&request.key_hash)
			.ok_or(CommandTaskError::NoCommand(request.key_hash))?;
		let name = || spec.name.clone();
		let stdin = serde_json::to_vec(request).expect("requests serialize");
		let output = run::run(spec, stdin)
			.map_err(|source| CommandTaskError::Run { name: name(), source })?;
		let proof = parse_reply(&output.stdout)
			.map_err(|source| CommandTaskError::Reply { name: name(), source })?;
		if let Some(key) = &spec.verifying_key {
			let inputs = statement_inputs(request);
			groth16::verify(key, &proof, &inputs).map_err(|e| CommandTaskError::DoesNotVerify {
				name: name(),
				reason: describe_verify_error(&e),
			})?;
		}
		Ok(TaskOutput::Final {
			proof_hash: proof_hash(&proof, &request.statement.prover),
			artifact: Hex(proof),
		})
	}
}

/// The statement's public inputs, from the request's own 32-byte values.
fn statement_inputs(request: &CommandRequest) -> [Bytes32; STATEMENT_PUBLIC_INPUTS] {
	let s = &request.statement;
	SequenceStatement {
		rollup_id: request.rollup_id,
		sequence_index: request.sequence_index,
		prev_state_root: s.prev_root,
		new_state_root: s.new_root,
		data_commitment: s.data_commitment,
		prover: s.prover,
	}
	.public_inputs()
}

/// The request a command task makes (`None` for other kinds): the statement the host
/// derives from the task's fields, the headers and the rollup's input.
pub fn request<W>(task: &Task<W>) -> Option<CommandRequest> {
	let Task::Command { rollup_id, sequence_index, prover, prev_root, batches, key_hash, input } =
		task
	else {
		return None;
	};
	let statement =
		crate::circom::host::statement(*rollup_id, *sequence_index, *prover, *prev_root, batches);
	Some(CommandRequest::new(&statement, *key_hash, batches, input))
}
