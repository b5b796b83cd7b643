//! The reference-rollup sequencer tool: generates random valid transfer batches and
//! sequences, keeps the rollup state between runs, and writes everything a chain
//! client and a prover need as JSON.
//!
//! # Output directory
//!
//! | file | content |
//! |------|---------|
//! | `state.json` | the rollup state (non-empty accounts), the next sequence index and the generator seed; the next run continues from it |
//! | `genesis.json` | configuration, genesis accounts and genesis root (the `prev_state_root` of sequence 0, for `register_rollup`) |
//! | `sequence-NNNNNN.json` | one sequence: `prev_root`, `new_root`, `data_commitment`, and per batch its header (`state_root`, `data_hash`), its published `data` (24 bytes per transfer), its `transfers` and its `witness` |
//!
//! A batch task for a prover host is `{"kind": "batch", "prover": <miner>, "witness":
//! <batch.witness>}`.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zkpow_circuits::{
	field::{hex32, hex_bytes},
	rollup::{
		generator::{funded_genesis, TransferGenerator},
		state::{RollupState, StateSnapshot},
		transfer::{encode_batch, Transfer},
		witness::BatchWitness,
	},
	CircuitConfig,
};
use zkpow_primitives::{sequence_commitment, BatchHeader, Bytes32};

/// What to generate.
#[derive(Clone, Debug)]
pub struct SequencerOptions {
	/// Output (and state) directory.
	pub out: PathBuf,
	/// Circuit configuration (tree depth, batch size, most batches per sequence).
	pub config: CircuitConfig,
	/// Sequences to generate in this run.
	pub sequences: usize,
	/// Batches per sequence.
	pub batches: usize,
	/// Transfers per batch (at most the configuration's batch size).
	pub transfers: usize,
	/// Accounts that take part in transfers.
	pub accounts: u32,
	/// Accounts funded at genesis (the first ones).
	pub funded: u32,
	/// Genesis balance of each funded account.
	pub balance: u64,
	/// Seed of the transfer generator.
	pub seed: u64,
}

/// The persisted sequencer state.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SequencerState {
	/// Configuration name.
	pub config: String,
	/// Next sequence index.
	pub next_sequence: u64,
	/// Generator seed.
	pub seed: u64,
	/// Accounts taking part.
	pub accounts: u32,
	/// Rollup state.
	pub state: StateSnapshot,
}

/// One batch as written.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BatchFile {
	/// Root after the batch.
	#[serde(with = "hex32")]
	pub state_root: Bytes32,
	/// The batch's data hash (Poseidon data digest).
	#[serde(with = "hex32")]
	pub data_hash: Bytes32,
	/// The published batch data.
	#[serde(with = "hex_bytes")]
	pub data: Vec<u8>,
	/// The transfers.
	pub transfers: Vec<Transfer>,
	/// The prover's witness.
	pub witness: BatchWitness,
}

/// One sequence as written.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SequenceFile {
	/// Configuration name.
	pub config: String,
	/// Sequence index.
	pub sequence_index: u64,
	/// Root before the sequence.
	#[serde(with = "hex32")]
	pub prev_root: Bytes32,
	/// Root after the sequence.
	#[serde(with = "hex32")]
	pub new_root: Bytes32,
	/// `sequence_commitment` of the headers.
	#[serde(with = "hex32")]
	pub data_commitment: Bytes32,
	/// The batches.
	pub batches: Vec<BatchFile>,
}

impl SequenceFile {
	/// The batch headers.
	pub fn headers(&self) -> Vec<BatchHeader> {
		self.batches
			.iter()
			.map(|b| BatchHeader { state_root: b.state_root, data_hash: b.data_hash })
			.collect()
	}
}

/// Why the sequencer failed.
#[derive(Debug, thiserror::Error)]
pub enum SequencerError {
	/// An option is out of range for the circuit configuration.
	#[error("{0}")]
	Option(String),
	/// A file or directory could not be read or written.
	#[error("cannot {action} {}: {source}", path.display())]
	Io {
		/// What was being done (`read`, `write`, `create`).
		action: &'static str,
		/// The file or directory.
		path: PathBuf,
		/// The cause.
		source: std::io::Error,
	},
	/// A file is not a sequencer file (or could not be encoded as one).
	#[error("{} is not a valid sequencer file: {source}", path.display())]
	Json {
		/// The file.
		path: PathBuf,
		/// The cause.
		source: serde_json::Error,
	},
	/// The output directory holds a rollup of another circuit configuration.
	#[error("{} holds a `{found}` rollup; run with --config {found} or use another --out", path.display())]
	OtherConfig {
		/// The state file.
		path: PathBuf,
		/// Its configuration.
		found: String,
	},
	/// The rollup's state or a batch was refused by the circuit code.
	#[error(transparent)]
	Circuit(#[from] zkpow_circuits::Error),
}

fn io<'a>(
	action: &'static str,
	path: &'a Path,
) -> impl FnOnce(std::io::Error) -> SequencerError + 'a {
	move |source| SequencerError::Io { action, path: path.to_path_buf(), source }
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<(), SequencerError> {
	let text = serde_json::to_string_pretty(value)
		.map_err(|source| SequencerError::Json { path: path.to_path_buf(), source })?;
	std::fs::write(path, text + "\n").map_err(io("write", path))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, SequencerError> {
	let text = std::fs::read_to_string(path).map_err(io("read", path))?;
	serde_json::from_str(&text)
		.map_err(|source| SequencerError::Json { path: path.to_path_buf(), source })
}

fn check(options: &SequencerOptions) -> Result<(), SequencerError> {
	let c = &options.config;
	let refuse = |message: String| Err(SequencerError::Option(message));
	if options.batches == 0 || options.batches > c.max_batches {
		return refuse(format!(
			"--batches must be 1..={} for the `{}` configuration",
			c.max_batches, c.name
		));
	}
	if options.transfers > c.batch_size {
		return refuse(format!(
			"--transfers must be at most {} for the `{}` configuration",
			c.batch_size, c.name
		));
	}
	if options.accounts == 0 || options.accounts as u64 > c.accounts() {
		return refuse(format!(
			"--accounts must be 1..={} for a tree of depth {}",
			c.accounts(),
			c.tree_depth
		));
	}
	if options.funded > options.accounts {
		return refuse("--funded cannot exceed --accounts".into());
	}
	Ok(())
}

/// Loads the state in `options.out` or creates genesis, generates the sequences,
/// writes their files and saves the state. Returns the files written.
pub fn run(options: &SequencerOptions, log: &dyn Fn(&str)) -> Result<Vec<PathBuf>, SequencerError> {
	check(options)?;
	std::fs::create_dir_all(&options.out).map_err(io("create", &options.out))?;
	let state_path = options.out.join("state.json");
	let mut written = Vec::new();
	let (mut state, mut saved) = if state_path.exists() {
		let saved: SequencerState = read_json(&state_path)?;
		if saved.config != options.config.name {
			return Err(SequencerError::OtherConfig { path: state_path, found: saved.config });
		}
		let state = RollupState::from_snapshot(&saved.state)?;
		log(&format!(
			"continuing from sequence {} (root {})",
			saved.next_sequence,
			zkpow_circuits::field::to_hex(&state.root_bytes())
		));
		(state, saved)
	} else {
		let state = funded_genesis(options.config.tree_depth, options.funded, options.balance)?;
		let genesis = serde_json::json!({
			"config": options.config.name,
			"tree_depth": options.config.tree_depth,
			"root": zkpow_circuits::field::to_hex(&state.root_bytes()),
			"accounts": state.snapshot().accounts,
		});
		let path = options.out.join("genesis.json");
		write_json(&path, &genesis)?;
		written.push(path);
		log(&format!("genesis: {} funded accounts, root {}", options.funded, genesis["root"]));
		let saved = SequencerState {
			config: options.config.name.into(),
			next_sequence: 0,
			seed: options.seed,
			accounts: options.accounts,
			state: state.snapshot(),
		};
		(state, saved)
	};
	for _ in 0..options.sequences {
		let index = saved.next_sequence;
		let mut generator = TransferGenerator::new(
			saved.seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15),
			(0..saved.accounts).collect(),
		)?;
		let prev_root = state.root_bytes();
		let witnesses = generator.sequence(&mut state, options.batches, options.transfers);
		let batches: Vec<BatchFile> = witnesses
			.into_iter()
			.map(|witness| {
				let header = witness.execute(&options.config)?.header();
				Ok(BatchFile {
					state_root: header.state_root,
					data_hash: header.data_hash,
					data: encode_batch(&witness.transfers),
					transfers: witness.transfers.clone(),
					witness,
				})
			})
			.collect::<Result<_, SequencerError>>()?;
		let mut file = SequenceFile {
			config: options.config.name.into(),
			sequence_index: index,
			prev_root,
			new_root: state.root_bytes(),
			data_commitment: [0; 32],
			batches,
		};
		file.data_commitment = sequence_commitment(&file.headers());
		let path = options.out.join(crate::publish::sequence_file_name(index));
		write_json(&path, &file)?;
		log(&format!("sequence {index}: {} batches -> {}", file.batches.len(), path.display()));
		written.push(path);
		saved.next_sequence += 1;
		saved.state = state.snapshot();
		write_json(&state_path, &saved)?;
	}
	written.push(state_path);
	Ok(written)
}

/// Reads a sequence file written by [`run`].
pub fn read_sequence(path: &Path) -> Result<SequenceFile, SequencerError> {
	read_json(path)
}
