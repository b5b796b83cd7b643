//! End to end: the real dev node finalizes real sequences (n = 1, then n = 4) through the
//! pallet's commit–reveal protocol; the relayer follows its finalized blocks and delivers
//! them to an inbox on anvil, which verifies the artifacts itself. The relayer is killed
//! after the first delivery and restarted while the second sequence finalizes: the roots
//! on the inbox end equal to the appchain's, with one transaction per sequence.

mod common;

use common::{appchain::*, *};
use sp_keyring::Sr25519Keyring::Charlie;
use std::time::Duration;
use zkpow_contracts::fixtures::ProvingRollup;
use zkpow_integration_tests::{wait_for, Node};
use zkpow_relayer::service::Relayer;

#[tokio::test(flavor = "multi_thread")]
async fn finalized_sequences_reach_the_inbox_and_the_roots_match() {
	let mut node = Node::spawn(&["--dev"]);
	let rpc = node.rpc(Duration::from_secs(120)).await;
	let chain = anvil(31337);
	let inbox = registered_inbox();

	// The first rollup of a fresh chain gets id 0.
	let mut rollup = ProvingRollup::new(0, 21);
	let rollup_id = register_rollup(&rpc, &node, &rollup, inbox.0 .0).await;
	assert_eq!(rollup_id, 0);
	let dir = tempfile::tempdir().unwrap();
	let (config, deployed) = deploy_inbox_for(&rpc, &node, &chain, rollup_id, dir.path()).await;
	assert_eq!(deployed.address, inbox, "the inbox lands at the registered address");
	// A name (or key) that does not give the registered address is refused before anything
	// is sent: the inbox would land where the relayer does not deliver.
	match zkpow_relayer::deploy::deploy(&config, rollup_id, "another-name").await {
		Err(zkpow_relayer::deploy::DeployError::NotTheRegisteredAddress { registered, .. }) => {
			assert_eq!(registered, inbox)
		},
		other => panic!("a deployment elsewhere must be refused, got {other:?}"),
	}

	let charlie: [u8; 32] = Charlie.to_account_id().into();
	let first = rollup.next_sequence(1, charlie);
	let second = rollup.next_sequence(4, charlie);

	let relayer = tokio::spawn(Relayer::new(&config).unwrap().run(std::future::pending()));
	prove_on_chain(&rpc, &node, rollup_id, &first).await;
	wait_for("the first delivery", Duration::from_secs(60), || async {
		Ok((inbox_state(&chain.url(), inbox).await.0 == 1).then_some(()))
	})
	.await
	.unwrap();

	// Killed mid-stream; the second sequence finalizes while the relayer is down.
	relayer.abort();
	let _ = relayer.await;
	prove_on_chain(&rpc, &node, rollup_id, &second).await;
	let relayer = tokio::spawn(Relayer::new(&config).unwrap().run(std::future::pending()));
	wait_for("the second delivery", Duration::from_secs(60), || async {
		Ok((inbox_state(&chain.url(), inbox).await.0 == 2).then_some(()))
	})
	.await
	.unwrap();
	relayer.abort();

	let key = pallet_zkpow::Rollups::<zkpow_runtime::Runtime>::hashed_key_for(rollup_id);
	let info: pallet_zkpow::RollupInfoOf<zkpow_runtime::Runtime> = codec::Decode::decode(
		&mut &rpc.storage(&key, None).await.unwrap().expect("rollup registered")[..],
	)
	.unwrap();
	assert_eq!(inbox_state(&chain.url(), inbox).await.1, info.last_state_root);
	assert_eq!(info.last_state_root, second.new_state_root);
	assert_eq!(relayer_tx_count(&chain.url()).await, 2, "one transaction per sequence");
}
