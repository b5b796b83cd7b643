//! Circom tasks on the prover host ([`Task::Circom`](zkpow_prover_api::Task::Circom)):
//! the rollup's package fetched from its URL, checked against the hash the rollup
//! registered before anything of it is parsed or run, kept on disk by that hash and in
//! memory once loaded, and the sequence proven with the ten public statement inputs
//! filled in by the host from the task (never from the rollup's data).

use super::{
	error::{CircomError, InputError, PackageError},
	input::CircomInputs,
	package::{package_hash, CircomPackage},
	witness::SandboxLimits,
};
use crate::backend::WorkerPools;
use std::{
	path::{Path, PathBuf},
	sync::{Arc, Mutex},
	time::Duration,
};
use zkpow_primitives::{
	groth16::encode_proof,
	import::{circom_public_input, STATEMENT_INPUT_NAMES},
	proof_hash, BatchHeader, Bytes32, SequenceStatement,
};
use zkpow_prover_api::{body, Header, Hex, PackageRef, TaskOutput};

/// File names of a circom package under its base URL (and in the cache).
pub const WASM_FILE: &str = "circuit.wasm";
/// See [`WASM_FILE`].
pub const ZKEY_FILE: &str = "circuit.zkey";
/// Packages kept loaded (parsed zkey, compiled WASM) at once.
const LOADED: usize = 4;
/// Time for one package file to download.
const FETCH_TIMEOUT: Duration = Duration::from_secs(600);

/// Why a circom task could not be proven.
#[derive(Debug, thiserror::Error)]
pub enum CircomTaskError {
	/// A package file could not be fetched.
	#[error("cannot fetch {url}: {reason}")]
	Fetch {
		/// The file's URL.
		url: String,
		/// What went wrong (unreachable, status, too large).
		reason: String,
	},
	/// The package's content does not hash to what the rollup registered.
	#[error(
		"the package at {url} hashes to 0x{}, the rollup registered 0x{}",
		hex::encode(found),
		hex::encode(expected)
	)]
	HashMismatch {
		/// The package's base URL.
		url: String,
		/// The registered hash.
		expected: Bytes32,
		/// The hash of what was fetched.
		found: Bytes32,
	},
	/// The package cache could not be written.
	#[error("cannot store the package in {}: {source}", path.display())]
	Cache {
		/// The file.
		path: PathBuf,
		/// The cause.
		source: std::io::Error,
	},
	/// The package was refused when loaded (malformed zkey or WASM, budgets).
	#[error(transparent)]
	Package(#[from] PackageError),
	/// The rollup's input is not a circom input object, or names a statement signal.
	#[error(transparent)]
	Input(#[from] TaskInputError),
	/// The witness or the proof failed (the circuit rejects the input, budgets).
	#[error(transparent)]
	Prove(#[from] CircomError),
}

/// What is wrong with a circom task's `input`, found before it is queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskInputError {
	/// `input` is not a JSON object.
	#[error("`input` must be a JSON object of circom signals")]
	NotAnObject,
	/// `input` names one of the statement's signals, which the host fills in itself.
	#[error("`input` names the statement signal `{0}`, which the host fills in from the task")]
	StatementSignal(String),
	/// No batches.
	#[error("`batches` is empty")]
	NoBatches,
	/// The package URL is not `http://` or `https://`.
	#[error("the package URL must start with http:// or https://")]
	PackageUrl,
	/// An input value is not a number, a string of one, or arrays of them.
	#[error("{0}")]
	Value(String),
}

/// The checks of a circom task that need no package: done before it is queued.
pub fn validate(
	input: &serde_json::Value,
	batches: &[Header],
	package: &PackageRef,
) -> Result<(), TaskInputError> {
	let object = input.as_object().ok_or(TaskInputError::NotAnObject)?;
	if let Some(name) = STATEMENT_INPUT_NAMES.iter().find(|n| object.contains_key(**n)) {
		return Err(TaskInputError::StatementSignal(name.to_string()));
	}
	if batches.is_empty() {
		return Err(TaskInputError::NoBatches);
	}
	if !(package.url.starts_with("http://") || package.url.starts_with("https://")) {
		return Err(TaskInputError::PackageUrl);
	}
	Ok(())
}

/// The circuit's whole input: the rollup's private signals and the statement's.
pub fn inputs(
	statement: &SequenceStatement,
	input: &serde_json::Value,
) -> Result<CircomInputs, TaskInputError> {
	let mut object = input.as_object().ok_or(TaskInputError::NotAnObject)?.clone();
	for (name, value) in circom_public_input(statement) {
		if object.insert(name.clone(), value).is_some() {
			return Err(TaskInputError::StatementSignal(name));
		}
	}
	CircomInputs::from_json(&serde_json::Value::Object(object).to_string())
		.map_err(|e: InputError| TaskInputError::Value(e.to_string()))
}

/// The statement a circom task proves.
pub fn statement(
	rollup_id: u32,
	sequence_index: u64,
	prover: Bytes32,
	prev_root: Bytes32,
	batches: &[Header],
) -> SequenceStatement {
	let headers: Vec<BatchHeader> = batches.iter().map(BatchHeader::from).collect();
	SequenceStatement::new(rollup_id, sequence_index, prev_root, &headers, prover)
}

/// Circom packages by hash: on disk under a directory, the last few loaded in memory.
pub struct PackageStore {
	dir: PathBuf,
	limits: SandboxLimits,
	max_file_bytes: usize,
	http: reqwest::Client,
	loaded: Mutex<Vec<(Bytes32, Arc<CircomPackage>)>>,
}

impl PackageStore {
	/// A store caching packages in `dir`, fetching files of at most `max_file_bytes`,
	/// running witness generators within `limits`.
	pub fn new(dir: PathBuf, limits: SandboxLimits, max_file_bytes: usize) -> PackageStore {
		let http = reqwest::Client::builder()
			.timeout(FETCH_TIMEOUT)
			.build()
			.expect("a client without TLS options builds");
		PackageStore { dir, limits, max_file_bytes, http, loaded: Mutex::new(Vec::new()) }
	}

	/// The sandbox budgets.
	pub fn limits(&self) -> SandboxLimits {
		self.limits
	}

	/// The package `package` names, checked against its hash: from memory, the disk
	/// cache, or fetched (blocking the calling thread, which must not be an async one).
	pub fn package(&self, package: &PackageRef) -> Result<Arc<CircomPackage>, CircomTaskError> {
		let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
		if let Some(i) = loaded.iter().position(|(h, _)| *h == package.hash) {
			let entry = loaded.remove(i);
			let found = entry.1.clone();
			loaded.push(entry);
			return Ok(found);
		}
		drop(loaded);
		let (wasm, zkey) = match self.cached(&package.hash) {
			Some(files) => files,
			None => self.fetch(package)?,
		};
		let found =
			Arc::new(CircomPackage::from_bytes(&wasm, &zkey, Some(package.hash), self.limits)?);
		let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
		if loaded.len() >= LOADED {
			loaded.remove(0);
		}
		loaded.push((package.hash, found.clone()));
		Ok(found)
	}

	fn cache_dir(&self, hash: &Bytes32) -> PathBuf {
		self.dir.join(hex::encode(hash))
	}

	/// The cached files of `hash`, if both are there and still hash to it.
	fn cached(&self, hash: &Bytes32) -> Option<(Vec<u8>, Vec<u8>)> {
		let dir = self.cache_dir(hash);
		let wasm = std::fs::read(dir.join(WASM_FILE)).ok()?;
		let zkey = std::fs::read(dir.join(ZKEY_FILE)).ok()?;
		if package_hash(&wasm, &zkey) != *hash {
			let _ = std::fs::remove_dir_all(&dir);
			return None;
		}
		Some((wasm, zkey))
	}

	/// Downloads both files, checks the hash, then caches them.
	fn fetch(&self, package: &PackageRef) -> Result<(Vec<u8>, Vec<u8>), CircomTaskError> {
		let download = async {
			let wasm = self.download(&package.file_url(WASM_FILE)).await?;
			let zkey = self.download(&package.file_url(ZKEY_FILE)).await?;
			Ok::<_, CircomTaskError>((wasm, zkey))
		};
		let (wasm, zkey) = match tokio::runtime::Handle::try_current() {
			Ok(handle) => handle.block_on(download)?,
			Err(_) => tokio::runtime::Builder::new_current_thread()
				.enable_all()
				.build()
				.map_err(|source| CircomTaskError::Cache { path: self.dir.clone(), source })?
				.block_on(download)?,
		};
		let found = package_hash(&wasm, &zkey);
		if found != package.hash {
			return Err(CircomTaskError::HashMismatch {
				url: package.url.clone(),
				expected: package.hash,
				found,
			});
		}
		let dir = self.cache_dir(&package.hash);
		write_atomically(&dir, WASM_FILE, &wasm)?;
		write_atomically(&dir, ZKEY_FILE, &zkey)?;
		Ok((wasm, zkey))
	}

	async fn download(&self, url: &str) -> Result<Vec<u8>, CircomTaskError> {
		let failed = |reason: String| CircomTaskError::Fetch { url: url.into(), reason };
		let reply = self.http.get(url).send().await.map_err(|e| failed(e.to_string()))?;
		if !reply.status().is_success() {
			return Err(failed(format!("answered {}", reply.status())));
		}
		body::read_capped(reply, self.max_file_bytes)
			.await
			.map_err(|e| failed(e.to_string()))
	}

	/// Proves a circom task: the final output (the 256-byte proof is the artifact, what
	/// the miner commits and reveals), proven in `pools` when given.
	pub fn prove(
		&self,
		statement: &SequenceStatement,
		package: &PackageRef,
		input: &serde_json::Value,
		pools: Option<&WorkerPools>,
	) -> Result<TaskOutput, CircomTaskError> {
		let inputs = inputs(statement, input)?;
		let package = self.package(package)?;
		let prove = || package.prove(&inputs);
		let proof = match pools {
			Some(pools) => pools.install(prove),
			None => prove(),
		}?;
		let artifact = encode_proof(&proof.proof);
		Ok(TaskOutput::Final {
			proof_hash: proof_hash(&artifact, &statement.prover),
			artifact: Hex(artifact),
		})
	}
}

fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), CircomTaskError> {
	let path = dir.join(name);
	let failed = |source| CircomTaskError::Cache { path: path.clone(), source };
	std::fs::create_dir_all(dir).map_err(failed)?;
	let tmp = dir.join(format!(".{name}.{}", std::process::id()));
	std::fs::write(&tmp, bytes)
		.and_then(|()| std::fs::rename(&tmp, &path))
		.map_err(|e| {
			let _ = std::fs::remove_file(&tmp);
			failed(e)
		})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn package() -> PackageRef {
		PackageRef { url: "http://127.0.0.1:1/pkg".into(), hash: [1; 32] }
	}

	fn header() -> Header {
		Header { state_root: [2; 32], data_hash: [3; 32] }
	}

	/// Attack: a rollup's published input sets the statement's signals itself (the
	/// prover account among them, to bind the proof to someone else); the host refuses
	/// it instead of letting either value win.
	#[test]
	fn refuse_an_input_that_names_a_statement_signal() {
		let input = serde_json::json!({ "secret": "3", "prover_hi": "7" });
		assert_eq!(
			validate(&input, &[header()], &package()),
			Err(TaskInputError::StatementSignal("prover_hi".into()))
		);
		let statement = statement(1, 2, [9; 32], [0; 32], &[header()]);
		assert!(matches!(inputs(&statement, &input), Err(TaskInputError::StatementSignal(_))));
	}

	#[test]
	fn fill_in_the_statement_from_the_task() {
		let input = serde_json::json!({ "secret": "3", "secret_squared": "9" });
		assert_eq!(validate(&input, &[header()], &package()), Ok(()));
		let statement = statement(1, 2, [9; 32], [0; 32], &[header()]);
		let all = inputs(&statement, &input).unwrap();
		let names: Vec<&str> = all.signals().iter().map(|(n, _)| n.as_str()).collect();
		for name in STATEMENT_INPUT_NAMES.iter().chain(&["secret", "secret_squared"]) {
			assert!(names.contains(name), "{name} in {names:?}");
		}
	}

	#[test]
	fn refuse_what_cannot_be_a_circom_task() {
		let input = serde_json::json!({ "secret": "3" });
		assert_eq!(
			validate(&serde_json::json!([1]), &[header()], &package()),
			Err(TaskInputError::NotAnObject)
		);
		assert_eq!(validate(&input, &[], &package()), Err(TaskInputError::NoBatches));
		let ftp = PackageRef { url: "ftp://host/pkg".into(), ..package() };
		assert_eq!(validate(&input, &[header()], &ftp), Err(TaskInputError::PackageUrl));
	}
}
