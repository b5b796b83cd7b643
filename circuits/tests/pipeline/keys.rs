//! Key setup, caching and export.

use crate::common::{keys, temp_dir};
use std::sync::Mutex;
use zkpow_circuits::{
	config::TEST, export::export_keys, field::parse_hex, stages::Stage, KeySet, DEV_SEED,
};
use zkpow_primitives::artifact::{aggregator_input_count, validate_vk_set, vk_set_len};

#[test]
fn dev_keys_are_deterministic_cached_and_reloaded() {
	let dir = temp_dir("keys");
	let log = Mutex::new(Vec::<String>::new());
	let record = |line: &str| log.lock().unwrap().push(line.to_string());
	let first = KeySet::load_or_generate(&dir, TEST, DEV_SEED, &record).unwrap();
	assert_eq!(first.vk_set, keys().vk_set, "same seed, same keys");
	assert!(log.lock().unwrap().iter().any(|l| l.contains("generated")));
	assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3);

	log.lock().unwrap().clear();
	let second = KeySet::load_or_generate(&dir, TEST, DEV_SEED, &record).unwrap();
	assert_eq!(second.vk_set, first.vk_set);
	assert_eq!(log.lock().unwrap().iter().filter(|l| l.contains("loaded")).count(), 3);

	// A corrupted cache file is detected and regenerated identically.
	let final_file = std::fs::read_dir(&dir)
		.unwrap()
		.map(|e| e.unwrap().path())
		.find(|p| p.to_string_lossy().contains("-final-"))
		.unwrap();
	let mut bytes = std::fs::read(&final_file).unwrap();
	let last = bytes.len() - 1;
	bytes[last] ^= 1;
	std::fs::write(&final_file, bytes).unwrap();
	log.lock().unwrap().clear();
	let third = KeySet::load_or_generate(&dir, TEST, DEV_SEED, &record).unwrap();
	assert_eq!(third.vk_set, first.vk_set);
	assert!(log.lock().unwrap().iter().any(|l| l.contains("checksum mismatch")));
	std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn key_set_has_the_documented_shape() {
	let k = keys();
	assert_eq!(validate_vk_set(&k.vk_set), Ok(TEST.max_batches));
	assert_eq!(k.vk_set.len(), vk_set_len(TEST.max_batches));
	assert_eq!(k.stage(Stage::Batch).shape.public_inputs, 8);
	assert_eq!(k.stage(Stage::Aggregator).shape.public_inputs, aggregator_input_count(4));
	assert_eq!(k.stage(Stage::Final).shape.public_inputs, 10);
}

#[test]
fn export_writes_chain_and_solidity_keys() {
	let dir = temp_dir("export");
	let files = export_keys(&keys(), DEV_SEED, &dir).unwrap();
	assert_eq!(files.len(), 7);
	let hex = std::fs::read_to_string(dir.join("vk_set.hex")).unwrap();
	assert_eq!(parse_hex(hex.trim()).unwrap(), keys().vk_set);
	assert_eq!(std::fs::read(dir.join("vk_set.bin")).unwrap(), keys().vk_set);
	let sol = std::fs::read_to_string(dir.join("ZkpowVerifyingKeys.sol")).unwrap();
	assert!(sol.contains("library ZkpowVerifyingKeys"));
	assert!(sol.contains("uint256 internal constant BATCH_IC_LENGTH = 9;"));
	assert!(sol.contains("uint256 internal constant CAPACITY = 4;"));
	let manifest: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(dir.join("keys.json")).unwrap()).unwrap();
	assert_eq!(manifest["stages"]["aggregator"]["public_inputs"], 25);
	std::fs::remove_dir_all(dir).unwrap();
}
