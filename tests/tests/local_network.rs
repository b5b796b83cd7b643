//! A four-validator network (`--chain local`) on loopback keeps finalizing with one
//! validator down, since GRANDPA needs only 3 of 4 votes.

use std::time::Duration;
use zkpow_integration_tests::{wait_for, Node, Rpc};

async fn finalized_at_least(rpc: &Rpc, n: u32, timeout: Duration) -> Result<u32, String> {
	wait_for(&format!("block #{n} to be finalized"), timeout, || async {
		let f = rpc.finalized_number().await?;
		Ok((f >= n).then_some(f))
	})
	.await
	.map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_finalize_and_survive_one_failure() {
	let mut alice = Node::spawn(&["--chain", "local", "--alice", "--validator"]);
	let alice_rpc = alice.rpc(Duration::from_secs(120)).await;
	let peer_id: String = {
		use jsonrpsee::{core::client::ClientT, rpc_params};
		alice_rpc.client.request("system_localPeerId", rpc_params![]).await.unwrap()
	};
	let bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", alice.p2p_port);

	let mut others: Vec<Node> = ["--bob", "--charlie", "--dave"]
		.iter()
		.map(|who| Node::spawn(&["--chain", "local", who, "--validator", "--bootnodes", &bootnode]))
		.collect();
	let mut rpcs = Vec::new();
	for node in others.iter_mut() {
		rpcs.push(node.rpc(Duration::from_secs(120)).await);
	}

	// Every node sees finality advance.
	for (name, rpc) in
		[("alice", &alice_rpc), ("bob", &rpcs[0]), ("charlie", &rpcs[1]), ("dave", &rpcs[2])]
	{
		if let Err(e) = finalized_at_least(rpc, 3, Duration::from_secs(180)).await {
			panic!("{name}: {e}\nalice log:\n{}", alice.log_tail(30));
		}
	}

	// Take Dave down, as a crash would.
	others[2].kill();
	let before = alice_rpc.finalized_number().await.unwrap();
	let target = before + 5;
	for (name, rpc) in [("alice", &alice_rpc), ("bob", &rpcs[0]), ("charlie", &rpcs[1])] {
		if let Err(e) = finalized_at_least(rpc, target, Duration::from_secs(120)).await {
			panic!("{name} after Dave stopped: {e}\nalice log:\n{}", alice.log_tail(30));
		}
	}
}
