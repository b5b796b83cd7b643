//! `zkpow-node try-upgrade`: runs a new runtime's migrations and their checks on a chain's
//! state, with this node's host functions.
//!
//! The runtime verifies proofs through the node's own BN254 host function, so tools that
//! execute a runtime without this node cannot run its migrations. This command takes the
//! state of a chain spec (`dev`, `local`, or a JSON file: `zkpow-node export-state` writes
//! one from a running node's database), puts the given WASM in `:code`, and calls the
//! runtime's `TryRuntime_on_runtime_upgrade`: every migration runs with its
//! `pre_upgrade`/`post_upgrade` checks, then every pallet's `try_state`. Nothing is
//! written anywhere: the state lives in memory for the run.
//!
//! The WASM must be built with the runtime's `try-runtime` feature
//! (`scripts/try-runtime.sh` builds one and runs this command on an old-layout state).

use crate::service::HostFunctions;
use codec::{Decode, Encode};
use sc_executor::WasmExecutor;
use sp_core::{
	storage::{well_known_keys, StateVersion, Storage},
	traits::{CallContext, ReadRuntimeVersionExt, RuntimeCode, WrappedRuntimeCode},
};
use sp_crypto_hashing::twox_128;
use sp_runtime::{traits::BlakeTwo256, Weight};
use sp_state_machine::{InMemoryBackend, OverlayedChanges, StateMachine};
use std::{collections::BTreeMap, path::PathBuf};

/// Run a new runtime's storage migrations and their checks on a chain's state.
#[derive(Debug, clap::Args)]
pub struct TryUpgradeCmd {
	/// The state to upgrade: `dev`, `local` or a chain spec file (for a live chain, the
	/// output of `zkpow-node export-state`).
	#[arg(long, default_value = "dev")]
	pub chain: String,

	/// The new runtime: a WASM file built with the runtime's `try-runtime` feature.
	#[arg(long, value_name = "WASM")]
	pub runtime: PathBuf,

	/// Checks around the migrations.
	#[arg(long, value_enum, default_value_t = Checks::All)]
	pub checks: Checks,
}

/// Which checks run around the migrations (the runtime's `UpgradeCheckSelect`, encoded
/// with the same indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Encode)]
pub enum Checks {
	/// Migrations only.
	#[codec(index = 0)]
	None,
	/// `pre_upgrade`, `post_upgrade` and every pallet's `try_state`.
	#[codec(index = 1)]
	All,
	/// `pre_upgrade` and `post_upgrade`.
	#[codec(index = 2)]
	PreAndPost,
	/// Every pallet's `try_state` after the migrations.
	#[codec(index = 3)]
	TryState,
}

/// Why an upgrade check did not pass.
#[derive(Debug, thiserror::Error)]
pub enum TryUpgradeError {
	/// The runtime file cannot be read.
	#[error("cannot read the runtime `{path}`: {source}")]
	ReadRuntime {
		/// The file.
		path: PathBuf,
		/// The I/O error.
		source: std::io::Error,
	},
	/// The chain spec has no state to build.
	#[error("cannot build the state of the chain spec: {0}")]
	State(String),
	/// A migration or one of its checks failed (the runtime's message), or the runtime
	/// was built without `try-runtime`.
	#[error("the upgrade check failed: {0}")]
	Failed(String),
	/// The runtime answered something that is not `(Weight, Weight)`.
	#[error("the runtime's answer does not decode: {0}")]
	Answer(codec::Error),
}

/// What an upgrade did, as printed.
#[derive(Debug, PartialEq, Eq)]
pub struct UpgradeReport {
	/// Weight the migrations declared.
	pub weight: Weight,
	/// Maximum weight of a block.
	pub max_block: Weight,
	/// Pallets whose storage version changed: name, before, after.
	pub versions: Vec<(String, u16, u16)>,
}

impl std::fmt::Display for UpgradeReport {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		let percent = |used: u64, max: u64| used as f64 * 100.0 / max.max(1) as f64;
		writeln!(
			f,
			"migrations passed their checks: weight {} ps, {} bytes of proof ({:.2} % and \
			 {:.2} % of a block)",
			self.weight.ref_time(),
			self.weight.proof_size(),
			percent(self.weight.ref_time(), self.max_block.ref_time()),
			percent(self.weight.proof_size(), self.max_block.proof_size()),
		)?;
		if self.versions.is_empty() {
			writeln!(f, "no storage version changed")?;
		}
		for (pallet, before, after) in &self.versions {
			writeln!(f, "storage version of {pallet}: {before} -> {after}")?;
		}
		Ok(())
	}
}

impl TryUpgradeCmd {
	/// Runs the check on the state of `spec`.
	pub fn run(&self, spec: &dyn sc_service::ChainSpec) -> Result<UpgradeReport, TryUpgradeError> {
		let code = std::fs::read(&self.runtime).map_err(|source| TryUpgradeError::ReadRuntime {
			path: self.runtime.clone(),
			source,
		})?;
		let mut storage =
			spec.as_storage_builder().build_storage().map_err(TryUpgradeError::State)?;
		let versions_before = storage_versions(&storage.top);
		storage.top.insert(well_known_keys::CODE.to_vec(), code.clone());
		let (answer, mut overlay) = call_upgrade(storage, code, self.checks)?;
		let (weight, max_block) =
			<(Weight, Weight)>::decode(&mut &answer[..]).map_err(TryUpgradeError::Answer)?;
		let versions = versions_before
			.into_iter()
			.filter_map(|(pallet, (key, before))| {
				let after = overlay
					.storage(&key)
					.map(|v| v.and_then(|v| u16::decode(&mut &v[..]).ok()).unwrap_or(0))
					.unwrap_or(before);
				(after != before).then_some((pallet, before, after))
			})
			.collect();
		Ok(UpgradeReport { weight, max_block, versions })
	}
}

/// Calls `TryRuntime_on_runtime_upgrade` on `storage`; returns the answer and the changes.
fn call_upgrade(
	storage: Storage,
	code: Vec<u8>,
	checks: Checks,
) -> Result<(Vec<u8>, OverlayedChanges<BlakeTwo256>), TryUpgradeError> {
	let backend: InMemoryBackend<BlakeTwo256> = (storage, StateVersion::V1).into();
	let executor = WasmExecutor::<HostFunctions>::builder().build();
	let mut extensions = sp_externalities::Extensions::default();
	extensions.register(ReadRuntimeVersionExt::new(executor.clone()));
	let hash = sp_crypto_hashing::blake2_256(&code).to_vec();
	let fetcher = WrappedRuntimeCode(code.into());
	let runtime_code = RuntimeCode { code_fetcher: &fetcher, heap_pages: None, hash };
	let mut overlay = OverlayedChanges::default();
	let call_data = checks.encode();
	let answer = StateMachine::new(
		&backend,
		&mut overlay,
		&executor,
		"TryRuntime_on_runtime_upgrade",
		&call_data,
		&mut extensions,
		&runtime_code,
		CallContext::Offchain,
	)
	.execute()
	.map_err(|e| TryUpgradeError::Failed(e.to_string()))?;
	Ok((answer, overlay))
}

/// The storage version key of every pallet of the runtime, with its value in `top` (0
/// when unset), by pallet name.
fn storage_versions(top: &BTreeMap<Vec<u8>, Vec<u8>>) -> BTreeMap<String, (Vec<u8>, u16)> {
	use frame_support::traits::PalletsInfoAccess;
	zkpow_runtime::AllPalletsWithSystem::infos()
		.into_iter()
		.map(|info| {
			let key = [twox_128(info.name.as_bytes()), twox_128(b":__STORAGE_VERSION__:")].concat();
			let version = top.get(&key).and_then(|v| u16::decode(&mut &v[..]).ok()).unwrap_or(0);
			(info.name.to_string(), (key, version))
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::Parser;

	#[derive(Parser)]
	struct Args {
		#[command(flatten)]
		cmd: TryUpgradeCmd,
	}

	#[test]
	fn parse_checks_and_default_to_all() {
		let a = Args::try_parse_from(["x", "--runtime", "r.wasm"]).unwrap();
		assert_eq!((a.cmd.chain.as_str(), a.cmd.checks), ("dev", Checks::All));
		let a =
			Args::try_parse_from(["x", "--runtime", "r.wasm", "--checks", "pre-and-post"]).unwrap();
		assert_eq!(a.cmd.checks, Checks::PreAndPost);
		assert!(Args::try_parse_from(["x", "--runtime", "r.wasm", "--checks", "some"]).is_err());
		assert!(Args::try_parse_from(["x"]).is_err(), "the runtime is required");
	}

	#[test]
	fn encode_checks_as_the_runtime_reads_them() {
		let encoded: Vec<u8> = [Checks::None, Checks::All, Checks::PreAndPost, Checks::TryState]
			.iter()
			.flat_map(|c| c.encode())
			.collect();
		assert_eq!(encoded, vec![0, 1, 2, 3]);
	}

	#[test]
	fn refuse_a_runtime_built_without_try_runtime() {
		let dir = tempfile::tempdir().unwrap();
		let wasm = dir.path().join("runtime.wasm");
		std::fs::write(&wasm, zkpow_runtime::WASM_BINARY.expect("built with WASM")).unwrap();
		let cmd = TryUpgradeCmd { chain: "dev".into(), runtime: wasm, checks: Checks::All };
		let spec = crate::chain_spec::development_chain_spec().unwrap();
		let err = cmd.run(&spec).unwrap_err();
		assert!(matches!(err, TryUpgradeError::Failed(_)), "{err}");
	}

	#[test]
	fn name_a_missing_runtime_file() {
		let cmd = TryUpgradeCmd {
			chain: "dev".into(),
			runtime: "/nonexistent.wasm".into(),
			checks: Checks::All,
		};
		let spec = crate::chain_spec::development_chain_spec().unwrap();
		let err = cmd.run(&spec).unwrap_err().to_string();
		assert!(err.contains("/nonexistent.wasm"), "{err}");
	}
}
