//! A live runtime upgrade (`sudo(set_code)`) in the middle of a miner's commit–reveal
//! window, on the real node with the real miner.
//!
//! The upgraded runtime is this one built with the `next-spec-version` feature
//! (`spec_version` one higher): every extrinsic signed before the upgrade commits to the
//! old `spec_version` and is refused after it, so a miner that does not sign again with
//! the new version misses its reveal and is slashed. `scripts/upgrade-test.sh` builds that
//! runtime and runs these tests with `ZKPOW_UPGRADE_WASM` naming it (`scripts/test.sh`
//! calls it).

use sp_keyring::Sr25519Keyring::{Alice, Charlie};
use std::time::Duration;
use zkpow_integration_tests::{mining::*, submit_and_find, upgrade_wasm, ProverHost};
use zkpow_runtime::{RuntimeCall, RuntimeEvent};

/// The upgrade lands after the miner committed and before it revealed: the reveal still
/// lands in its window, with a signature for the new runtime, and nothing is slashed.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the runtime built with next-spec-version: run scripts/upgrade-test.sh"]
async fn a_runtime_upgrade_between_commit_and_reveal_does_not_cost_the_reveal() {
	let code = upgrade_wasm();
	let host = ProverHost::spawn().await;
	let (node, rpc, rollup) = solo_miner(&host.url(), &[], 8, 8).await;
	let before = rpc.runtime_version().await.unwrap();
	let index = rollup.post(&rpc, &node, 1).await;

	let from = rpc.best_number().await.unwrap();
	let (_, committed_at, commit_ends_at) = rpc
		.find_event(from, Duration::from_secs(300), "Charlie's commit", |e| match e {
			RuntimeEvent::Zkpow(pallet_zkpow::Event::WindowOpened {
				rollup_id,
				sequence_index,
				commit_ends_at,
				..
			}) if *rollup_id == rollup.id && *sequence_index == index => Some(*commit_ends_at),
			_ => None,
		})
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(60)));

	let set_code = RuntimeCall::System(frame_system::Call::set_code { code });
	let sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(set_code) });
	let (upgraded_at, ()) = submit_and_find(&rpc, &node, Alice, sudo, "the upgrade", |e| {
		matches!(e, RuntimeEvent::System(frame_system::Event::CodeUpdated { .. })).then_some(())
	})
	.await;
	assert!(
		upgraded_at < commit_ends_at,
		"the upgrade (block {upgraded_at}) must land in the commit phase of the window \
		 opened at {committed_at} (reveals from block {commit_ends_at})"
	);

	let status = finalized(&rpc, &node, rollup.id, index, Duration::from_secs(300)).await;
	assert_eq!(status["prover"], Charlie.to_account_id().to_string(), "{status}");
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, 0), "nothing slashed");
	let after = rpc.runtime_version().await.unwrap();
	assert_eq!(after.spec_version, before.spec_version + 1, "the upgrade took effect");

	let (_, revealed_at, ()) = rpc
		.find_event(committed_at, Duration::from_secs(5), "Charlie's reveal", |e| {
			matches!(e, RuntimeEvent::Zkpow(pallet_zkpow::Event::ProofRevealed { rollup_id, sequence_index, .. })
				if *rollup_id == rollup.id && *sequence_index == index)
			.then_some(())
		})
		.await
		.unwrap();
	assert!(revealed_at > upgraded_at, "revealed at {revealed_at}, upgraded at {upgraded_at}");
	let log = node.log();
	assert_eq!(lines(&node, rollup.id, index, "final proof ready"), 1, "{log}");
	assert!(lines(&node, rollup.id, index, "reveal sent") >= 1, "{log}");
}
