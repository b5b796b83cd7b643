//! Shared fixtures: the dev keys of the `test` configuration, generated once per run.

use std::sync::{Arc, OnceLock};
use zkpow_circuits::{
	config::TEST,
	keys::{quiet, KeySet},
	rollup::{generator::funded_genesis, state::RollupState},
	Groth16Bundle, DEV_SEED,
};
use zkpow_primitives::Bytes32;

/// Miner A's account.
pub const MINER_A: Bytes32 = [0xa1; 32];
/// Miner B's account.
pub const MINER_B: Bytes32 = [0xb2; 32];

/// The dev keys of the `test` configuration.
pub fn keys() -> Arc<KeySet> {
	static KEYS: OnceLock<Arc<KeySet>> = OnceLock::new();
	KEYS.get_or_init(|| Arc::new(KeySet::generate(TEST, DEV_SEED, &quiet).expect("setup")))
		.clone()
}

/// A backend over [`keys`].
pub fn backend() -> Groth16Bundle {
	Groth16Bundle::new(keys()).expect("the dev key set is valid")
}

/// Accounts 0..8 hold 1,000 each.
pub fn genesis() -> RollupState {
	funded_genesis(TEST.tree_depth, 8, 1_000).expect("genesis")
}

/// A fresh directory under the system temp dir.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
	let nanos = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.expect("clock")
		.as_nanos();
	let dir = std::env::temp_dir().join(format!("zkpow-{name}-{}-{nanos}", std::process::id()));
	std::fs::create_dir_all(&dir).expect("temp dir");
	dir
}
