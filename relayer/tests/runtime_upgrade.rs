//! A runtime upgrade that keeps the types the relayer decodes does not stop it: the real
//! dev node upgrades (`sudo(set_code)`) to this runtime built with the `next-spec-version`
//! feature (`spec_version` one higher, the same types), and the follower reads the blocks
//! on both sides of the upgrade, having checked the new runtime's metadata. (A runtime that
//! changes those types is refused before anything is decoded: the unit tests of
//! `zkpow_relayer::metadata`.) `scripts/upgrade-test.sh` builds that runtime and runs this
//! test with `ZKPOW_UPGRADE_WASM` naming it.

mod common;

use common::open_store;
use sp_keyring::Sr25519Keyring::Alice;
use std::{sync::Arc, time::Duration};
use zkpow_integration_tests::{submit_and_find, upgrade_wasm, wait_for, Node};
use zkpow_relayer::{
	appchain::Appchain, deliver::MissingSequences, follow::Follower, metrics::Metrics,
};
use zkpow_runtime::{RuntimeCall, RuntimeEvent};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the runtime built with next-spec-version: run scripts/upgrade-test.sh"]
async fn a_runtime_upgrade_that_keeps_the_types_does_not_stop_the_follower() {
	let code = upgrade_wasm();
	let mut node = Node::spawn(&["--dev"]);
	let rpc = node.rpc(Duration::from_secs(120)).await;
	let before = rpc.runtime_version().await.unwrap().spec_version;
	let dir = tempfile::tempdir().unwrap();
	let store = open_store(&dir.path().join("relayer.db"));
	let appchain = Arc::new(Appchain::new(&node.ws_url()));
	let metrics = Metrics::new().unwrap();
	let mut follower =
		Follower::new(appchain.clone(), store.clone(), metrics, 1, MissingSequences::default());
	wait_for("a finalized block", Duration::from_secs(60), || async {
		Ok((rpc.finalized_number().await? >= 1).then_some(()))
	})
	.await
	.unwrap();
	follower
		.run_once()
		.await
		.expect("the follower reads the runtime it was built with");
	assert_eq!(appchain.compatible_spec_versions(), vec![before]);

	let set_code = RuntimeCall::System(frame_system::Call::set_code { code });
	let sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(set_code) });
	let (upgraded_at, ()) = submit_and_find(&rpc, &node, Alice, sudo, "the upgrade", |e| {
		matches!(e, RuntimeEvent::System(frame_system::Event::CodeUpdated { .. })).then_some(())
	})
	.await;
	// The new runtime runs from the block after the upgrade; follow past it.
	wait_for("the upgrade's next block to finalize", Duration::from_secs(120), || async {
		Ok((rpc.finalized_number().await? > upgraded_at).then_some(()))
	})
	.await
	.unwrap();
	assert_eq!(rpc.runtime_version().await.unwrap().spec_version, before + 1);

	let report = follower.run_once().await.expect("the follower reads on through the upgrade");
	assert!(report.blocks > 0, "the blocks after the upgrade are read");
	let cursor = store.cursor().unwrap().expect("a cursor");
	assert!(cursor.number > upgraded_at, "cursor {} must pass block {upgraded_at}", cursor.number);
	assert_eq!(
		appchain.compatible_spec_versions(),
		vec![before, before + 1],
		"the new runtime's metadata was checked and found to keep the types"
	);
}
