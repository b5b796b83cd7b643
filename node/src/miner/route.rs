//! Which prover-host capability proves a sequence, given how its rollup is proven and
//! what the configured hosts say they can do (`/health`): the reference circuits for the
//! reference rollup; for a single-proof rollup a native command configured for the
//! sequence's verifying key first (its operator installed it for exactly that key), else
//! the rollup's circom package on a host that proves circom packages.

use super::{
	chain::HowProven,
	prover::{Need, ProverPool},
};
use zkpow_primitives::Bytes32;
use zkpow_prover_api::{PackageKind, PackageRef};

/// How one sequence of a single-proof rollup is proven with the hosts at hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
	/// One proof by a host's native command for this verifying-key hash.
	Command(Bytes32),
	/// One proof from this circom package.
	Circom(PackageRef),
}

/// Why no configured host can prove a sequence (said once per rollup, then retried as
/// hosts' capabilities change).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoRoute {
	/// Nothing proves the reference circuits.
	#[error("none of the prover hosts proves the reference circuits")]
	ReferenceCircuits,
	/// A single-proof rollup without a circom package, and no command for its key.
	#[error(
		"it declares no prover package and none of the prover hosts has a command for its \
		 verifying-key hash {} (`serve --commands`)",
		key(.key_hash)
	)]
	CommandForKey {
		/// The sequence's key hash (`None`: the chain gave none).
		key_hash: Option<Bytes32>,
	},
	/// A circom rollup, and no host proves circom packages or has a command for its key.
	#[error(
		"none of the prover hosts proves circom packages (`serve --circom-cache`) or has a \
		 command for its verifying-key hash {} (`serve --commands`)",
		key(.key_hash)
	)]
	CircomOrCommand {
		/// The sequence's key hash (`None`: the chain gave none).
		key_hash: Option<Bytes32>,
	},
}

fn key(hash: &Option<Bytes32>) -> String {
	match hash {
		Some(hash) => format!("0x{}", hex::encode(hash)),
		None => "(unknown)".into(),
	}
}

/// Whether `pool`'s hosts can prove a sequence of a rollup proven `how`, verified with
/// the key `key_hash` names; why not if not.
pub fn check(pool: &ProverPool, how: &HowProven, key_hash: Option<Bytes32>) -> Result<(), NoRoute> {
	match how {
		HowProven::Reference if pool.any_can(&Need::Kind(PackageKind::Reference)) => Ok(()),
		HowProven::Reference => Err(NoRoute::ReferenceCircuits),
		HowProven::SingleProof { circom } => {
			single_proof(pool, circom.as_ref(), key_hash).map(drop)
		},
	}
}

/// How a sequence of a single-proof rollup with the circom package `circom` (if any),
/// verified with the key `key_hash` names, is proven with `pool`'s hosts.
pub fn single_proof(
	pool: &ProverPool,
	circom: Option<&PackageRef>,
	key_hash: Option<Bytes32>,
) -> Result<Route, NoRoute> {
	if let Some(hash) = key_hash.filter(|h| pool.any_can(&Need::Command(*h))) {
		return Ok(Route::Command(hash));
	}
	match circom {
		Some(package) if pool.any_can(&Need::Kind(PackageKind::Circom)) => {
			Ok(Route::Circom(package.clone()))
		},
		Some(_) => Err(NoRoute::CircomOrCommand { key_hash }),
		None => Err(NoRoute::CommandForKey { key_hash }),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::{collections::BTreeMap, time::Duration};

	fn pool() -> ProverPool {
		ProverPool::new(
			vec!["http://a".into(), "http://b".into()],
			None,
			reqwest::Client::new(),
			Duration::from_secs(60),
			BTreeMap::new(),
		)
	}

	fn package() -> PackageRef {
		PackageRef { url: "http://pkg".into(), hash: [2; 32] }
	}

	#[test]
	fn the_reference_rollup_needs_a_host_with_the_reference_circuits() {
		let pool = pool();
		assert_eq!(check(&pool, &HowProven::Reference, None), Ok(()));
		pool.set_capabilities("http://a", vec![PackageKind::Circom], vec![]);
		pool.set_capabilities("http://b", vec![PackageKind::Command], vec![[1; 32]]);
		assert_eq!(
			check(&pool, &HowProven::Reference, Some([1; 32])),
			Err(NoRoute::ReferenceCircuits)
		);
	}

	/// A host with a native command for the key is preferred to the circom package (the
	/// operator installed it for this key); without one the package is proven, and with
	/// neither the miner says which flag would have helped.
	#[test]
	fn a_single_proof_rollup_prefers_a_command_for_its_key_then_its_circom_package() {
		let pool = pool();
		let package = package();
		let route = |circom: bool, key_hash| {
			let how = HowProven::SingleProof { circom: circom.then(|| package.clone()) };
			let routed = single_proof(&pool, circom.then_some(&package), key_hash);
			assert_eq!(check(&pool, &how, key_hash), routed.clone().map(drop), "check agrees");
			routed
		};
		let (circom, bare) = (true, false);
		let err = route(circom, Some([9; 32])).unwrap_err();
		assert_eq!(err, NoRoute::CircomOrCommand { key_hash: Some([9; 32]) });
		assert!(err.to_string().contains(&"09".repeat(32)), "{err}");
		assert_eq!(
			route(bare, Some([9; 32])),
			Err(NoRoute::CommandForKey { key_hash: Some([9; 32]) })
		);

		pool.set_capabilities(
			"http://a",
			vec![PackageKind::Reference, PackageKind::Circom],
			vec![],
		);
		assert_eq!(route(circom, Some([9; 32])), Ok(Route::Circom(package.clone())));
		assert!(route(bare, Some([9; 32])).is_err(), "circom hosts cannot prove it");

		pool.set_capabilities("http://b", vec![PackageKind::Command], vec![[8; 32]]);
		assert_eq!(
			route(circom, Some([9; 32])),
			Ok(Route::Circom(package.clone())),
			"another key's command"
		);
		pool.set_capabilities("http://b", vec![PackageKind::Command], vec![[8; 32], [9; 32]]);
		assert_eq!(route(circom, Some([9; 32])), Ok(Route::Command([9; 32])));
		assert_eq!(route(bare, Some([9; 32])), Ok(Route::Command([9; 32])));
		assert_eq!(route(bare, None), Err(NoRoute::CommandForKey { key_hash: None }));
	}
}
