//! Genesis presets: `development` (one validator) and `local_testnet` (four validators),
//! each validator with Aura, GRANDPA and BEEFY keys.
//!
//! Both fund the well-known development accounts and make Alice the sudo key. They are
//! served by the `GenesisBuilder` runtime API, so `zkpow-node build-spec` and the node's
//! `--chain dev` / `--chain local` use the runtime's own definition.

use crate::{
	configs::BeefyId, AccountId, Balance, BalancesConfig, RuntimeGenesisConfig, SudoConfig, UNIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Balance of each endowed development account.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// A validator's keys: Aura, GRANDPA and BEEFY.
type Authority = (AuraId, GrandpaId, BeefyId);

fn testnet_genesis(
	initial_authorities: Vec<Authority>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		beefy: pallet_beefy::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.2.clone()).collect::<Vec<_>>(),
			// BEEFY starts at block 1, the first block GRANDPA finalizes.
			genesis_block: Some(1),
		},
		sudo: SudoConfig { key: Some(root) },
		zkpow: pallet_zkpow::GenesisConfig { limits: protocol_limits() },
	})
}

/// The protocol limits of the presets: the defaults, with floors on the miner bond and the
/// reward that make every window a stranger opens cost more than its fees.
pub fn protocol_limits() -> pallet_zkpow::ProtocolLimits<Balance, crate::BlockNumber> {
	pallet_zkpow::ProtocolLimits {
		min_miner_bond: 100 * UNIT,
		min_reward_per_sequence: UNIT,
		..Default::default()
	}
}

/// The compressed secp256k1 BEEFY keys of the development validators, derived from the
/// `//Name` seeds as `zkpow-node --alice` inserts them (the runtime cannot derive ECDSA
/// keys; `beefy_keys_are_the_dev_seeds` checks these against the derivation).
pub const DEV_BEEFY_KEYS: [(&str, [u8; 33]); 4] = [
	(
		"Alice",
		hex_literal::hex!("020a1091341fe5664bfa1782d5e04779689068c916b04cb365ec3153755684d9a1"),
	),
	(
		"Bob",
		hex_literal::hex!("0390084fdbf27d2b79d26a4f13f0ccd982cb755a661969143c37cbc49ef5b91f27"),
	),
	(
		"Charlie",
		hex_literal::hex!("0389411795514af1627765eceffcbd002719f031604fadd7d188e2dc585b4e1afb"),
	),
	(
		"Dave",
		hex_literal::hex!("03bc9d0ca094bd5b8b3225d7651eac5d18c1c04bf8ae8f8b263eebca4e1410ed0c"),
	),
];

/// The Aura (sr25519), GRANDPA (ed25519) and BEEFY (ECDSA) keys of development validator
/// `n` of [`DEV_BEEFY_KEYS`], all derived from its `//Name` seed.
fn authority(sr: Sr25519Keyring, ed: Ed25519Keyring, n: usize) -> Authority {
	let beefy = sp_core::ecdsa::Public::from_raw(DEV_BEEFY_KEYS[n].1);
	(sr.public().into(), ed.public().into(), beefy.into())
}

fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

/// One validator (Alice), for `--dev`.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice, 0)],
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// Four validators (Alice, Bob, Charlie, Dave), for a local multi-node network.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice, 0),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob, 1),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie, 2),
			authority(Sr25519Keyring::Dave, Ed25519Keyring::Dave, 3),
		],
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON patch of a named preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// Names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair;

	#[test]
	fn beefy_keys_are_the_dev_seeds() {
		for (name, key) in DEV_BEEFY_KEYS {
			let pair = sp_core::ecdsa::Pair::from_string(&format!("//{name}"), None).unwrap();
			assert_eq!(pair.public().0, key, "{name}");
		}
	}
}
