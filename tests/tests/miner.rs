//! The miner inside the real node: real prover hosts (`zkpow-prover serve`), a rollup
//! whose sequencer tool publishes its batch witnesses (`publish`), real proofs verified
//! on chain. Each test drives the network only through extrinsics and watches what the
//! miner does by itself.

use sp_keyring::Sr25519Keyring::{Charlie, Dave};
use std::time::Duration;
use zkpow_integration_tests::{mining::*, wait_for, Node, ProverHost};
use zkpow_runtime::RuntimeEvent;

/// The tests prove for real on a small machine: one at a time (an async lock, held across
/// each test's awaits; a test that panics releases it).
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn lock() -> tokio::sync::MutexGuard<'static, ()> {
	SERIAL.lock().await
}

#[tokio::test(flavor = "multi_thread")]
async fn one_miner_proves_sequences_of_one_two_and_four_batches() {
	let _serial = lock().await;
	let (host_a, host_b) = (ProverHost::spawn().await, ProverHost::spawn().await);
	let hosts = format!("{},{}", host_a.url(), host_b.url());
	let (node, rpc, rollup) = solo_miner(&hosts, &[], 3, 4).await;

	let mut indices = Vec::new();
	for batches in [1, 2, 4] {
		indices.push(rollup.post(&rpc, &node, batches).await);
	}
	for index in &indices {
		let status = finalized(&rpc, &node, rollup.id, *index, Duration::from_secs(300)).await;
		assert_eq!(status["prover"], Charlie.to_account_id().to_string(), "{status}");
	}
	assert_eq!(
		miner_totals(&rpc, Charlie).await,
		(3 * REWARD, 0),
		"the escrowed rewards, nothing slashed"
	);

	let log = node.log();
	for (index, batches) in indices.iter().zip([1, 2, 4]) {
		assert_eq!(lines(&node, rollup.id, *index, "commit sent"), 1, "one commit each\n{log}");
		assert_eq!(lines(&node, rollup.id, *index, "reveal sent"), 1, "one reveal each\n{log}");
		let proven = batches + usize::from(batches > 1);
		assert_eq!(
			lines(&node, rollup.id, *index, " proven"),
			proven,
			"batch and aggregator proofs\n{log}"
		);
		assert_eq!(
			lines(&node, rollup.id, *index, "aggregator proof proven"),
			usize::from(batches > 1),
			"{log}"
		);
		assert_eq!(lines(&node, rollup.id, *index, "final proof ready"), 1, "{log}");
	}
	for host in [&host_a, &host_b] {
		assert!(
			log.contains(&format!("dispatched to {}", host.url())),
			"both hosts get tasks\n{log}"
		);
	}
	let metrics = zkpow_integration_tests::http_get(node.prometheus_port, "/metrics");
	assert_eq!(metric(&metrics, "zkpow_miner_reveals_total"), Some(3.0), "{metrics}");
	assert_eq!(metric(&metrics, "zkpow_miner_rewards"), Some((3 * REWARD) as f64), "{metrics}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_miners_commit_in_the_same_window_and_share_the_reward_by_bond() {
	let _serial = lock().await;
	let host = ProverHost::spawn().await;
	// Charlie mines on the validator, Dave on a full node of his own.
	let mut validator = Node::spawn(&["--dev", "--miner", "--prover-url", &host.url()]);
	let rpc = validator.rpc(Duration::from_secs(120)).await;
	let (dave_node, dave_rpc) = miner_node(&validator, &rpc, &["--prover-url", &host.url()]).await;
	// T1 leaves the second miner time to finish its proof after the first commit.
	let rollup = Rollup::register(&rpc, &validator, 12, 4).await;
	bond(&rpc, &validator, Charlie, 2 * MIN_BOND).await;
	bond(&rpc, &validator, Dave, 3 * MIN_BOND).await;
	insert_miner_key(&rpc, Charlie).await;
	insert_miner_key(&dave_rpc, Dave).await;

	let index = rollup.post(&rpc, &validator, 1).await;
	finalized(&rpc, &validator, rollup.id, index, Duration::from_secs(300)).await;

	// Both revealed valid proofs: the reward is split 2 : 3.
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD * 2 / 5, 0));
	assert_eq!(miner_totals(&rpc, Dave).await, (REWARD * 3 / 5, 0));
	for node in [&validator, &dave_node] {
		assert_eq!(lines(node, rollup.id, index, "commit sent"), 1, "{}", node.log());
		assert_eq!(lines(node, rollup.id, index, "reveal sent"), 1, "{}", node.log());
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn a_miner_restarted_after_committing_reveals_without_sending_anything_twice() {
	let _serial = lock().await;
	let host = ProverHost::spawn().await;
	let (mut node, rpc, rollup) = solo_miner(&host.url(), &[], 4, 6).await;
	let index = rollup.post(&rpc, &node, 2).await;

	// Killed as soon as its commit is on chain (the chain stops with it: it is the only
	// validator, so the reveal window waits for it).
	wait_for("Charlie's commit", Duration::from_secs(300), || async {
		let status = status(&rpc, rollup.id, index).await;
		Ok(status["committers"].as_array().is_some_and(|c| !c.is_empty()).then_some(()))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(60)));
	node.restart();
	let rpc = node.rpc(Duration::from_secs(120)).await;

	let status = finalized(&rpc, &node, rollup.id, index, Duration::from_secs(300)).await;
	assert_eq!(status["prover"], Charlie.to_account_id().to_string());
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, 0));
	let log = node.log();
	assert_eq!(lines(&node, rollup.id, index, "resumed (commit sent"), 1, "{log}");
	assert_eq!(
		lines(&node, rollup.id, index, "commit sent"),
		2,
		"one commit, then the resumed line\n{log}"
	);
	assert_eq!(lines(&node, rollup.id, index, "reveal sent"), 1, "{log}");
	assert_eq!(
		lines(&node, rollup.id, index, "final proof ready"),
		1,
		"nothing proven twice\n{log}"
	);
}

/// The nonce a `"<step> sent at block B (nonce N, attempt A)"` line names, and `B`.
fn sent(line: &str) -> (u32, u32) {
	let number = |after: &str| -> u32 {
		let at = line.find(after).unwrap_or_else(|| panic!("no `{after}` in {line}"));
		let rest = &line[at + after.len()..];
		rest.split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
	};
	(number("(nonce "), number("sent at block "))
}

/// A crash between sending the commit and its inclusion: the pool (this node's, the only
/// validator's) is lost with the process, and the chain's nonce has not moved. The
/// recorded extrinsic is submitted again as is (not signed again: a second signature
/// with the same nonce could land next to the first one's copy in another node's pool),
/// and the reveal takes the next nonce: one commit, one reveal, nothing reused.
#[tokio::test(flavor = "multi_thread")]
async fn a_miner_killed_before_its_commit_lands_sends_the_recorded_one_and_reuses_no_nonce() {
	let _serial = lock().await;
	let host = ProverHost::spawn().await;
	let (mut node, rpc, rollup) = solo_miner(&host.url(), &[], 4, 6).await;
	let index = rollup.post(&rpc, &node, 1).await;
	let line = wait_for("the commit to be sent", Duration::from_secs(300), || async {
		Ok(sequence_log(&node, rollup.id, index, "commit sent").pop())
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(60)));
	node.kill();
	let (commit_nonce, sent_at) = sent(&line);
	let before_kill = node.log();
	node.restart();
	let rpc = node.rpc(Duration::from_secs(120)).await;

	let status = finalized(&rpc, &node, rollup.id, index, Duration::from_secs(300)).await;
	assert_eq!(status["prover"], Charlie.to_account_id().to_string(), "{status}");
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, 0), "nothing slashed");
	let (_, committed_at, ()) = rpc
		.find_event(sent_at, Duration::from_secs(5), "the commit", |e| {
			matches!(e, RuntimeEvent::Zkpow(pallet_zkpow::Event::ProofHashCommitted { rollup_id, sequence_index, .. })
				if *rollup_id == rollup.id && *sequence_index == index)
			.then_some(())
		})
		.await
		.unwrap();
	// Precondition: the process died before the block carrying the commit was made (the
	// database keeps every block imported before the kill, so a block of that number
	// imported before it is the one that carries the commit). On a loaded machine the
	// block after `sent_at` may come before the kill and still miss the commit, which
	// was then only in the lost pool.
	assert!(
		!before_kill.contains(&format!("Imported #{committed_at} (")),
		"the commit (sent at block {sent_at}) landed in block {committed_at}, made before the \
		 kill: the test did not crash the miner in time\n{before_kill}"
	);
	let log = node.log();
	assert_eq!(lines(&node, rollup.id, index, "resumed (commit sent"), 1, "{log}");
	let commits = sequence_log(&node, rollup.id, index, "commit sent at block");
	assert_eq!(commits.len(), 1, "signed once\n{log}");
	assert!(!log.contains("signing it again"), "{log}");
	let reveals = sequence_log(&node, rollup.id, index, "reveal sent at block");
	assert_eq!(reveals.len(), 1, "{log}");
	assert_eq!(sent(&reveals[0]).0, commit_nonce + 1, "the reveal takes the next nonce\n{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_miner_waits_for_its_prover_host_and_is_slashed_for_a_missed_reveal_then_proves_again() {
	let _serial = lock().await;
	// The prover host is down when the sequence arrives.
	let mut host = ProverHost::new();
	let mut validator = Node::spawn(&["--dev"]);
	let rpc = validator.rpc(Duration::from_secs(120)).await;
	let (mut miner, miner_rpc) = miner_node(&validator, &rpc, &["--prover-url", &host.url()]).await;
	let rollup = Rollup::register(&rpc, &validator, 8, 4).await;
	bond(&rpc, &validator, Charlie, 2 * MIN_BOND).await;
	insert_miner_key(&miner_rpc, Charlie).await;
	let index = rollup.post(&rpc, &validator, 1).await;

	wait_for("the miner to notice the host is down", Duration::from_secs(60), || async {
		Ok(miner.log().contains("unreachable").then_some(()))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", miner.log_tail(40)));
	host.start().await;

	// It proves and commits once the host is back; then its node goes down for the whole
	// reveal window.
	wait_for("Charlie's commit", Duration::from_secs(300), || async {
		let status = status(&rpc, rollup.id, index).await;
		Ok(status["committers"].as_array().is_some_and(|c| !c.is_empty()).then_some(()))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", miner.log_tail(60)));
	miner.kill();
	assert!(
		miner.log().contains(&format!("prover host {} is back", host.url())),
		"{}",
		miner.log()
	);

	wait_for("the window to fail and the sequence to reopen", Duration::from_secs(120), || async {
		Ok((status(&rpc, rollup.id, index).await["attempt"] == 1).then_some(()))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", validator.log_tail(40)));
	assert_eq!(
		miner_totals(&rpc, Charlie).await,
		(0, NO_PROOF_PENALTY),
		"slashed exactly the no-proof penalty"
	);

	// Back up, the miner commits its proof in the new window and reveals it.
	miner.restart();
	let _miner_rpc = miner.rpc(Duration::from_secs(120)).await;
	let status = finalized(&rpc, &validator, rollup.id, index, Duration::from_secs(300)).await;
	assert_eq!(status["prover"], Charlie.to_account_id().to_string());
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, NO_PROOF_PENALTY));
	let log = miner.log();
	assert_eq!(lines(&miner, rollup.id, index, "re-queued for attempt 1"), 1, "{log}");
	assert_eq!(
		lines(&miner, rollup.id, index, "final proof ready"),
		1,
		"the proof is reused\n{log}"
	);
	assert!(log.contains("slashed"), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn start_batch_skips_earlier_sequences() {
	let _serial = lock().await;
	let host = ProverHost::spawn().await;
	// Batches 1 and 2 form sequence 0; sequence 1 starts at batch 3.
	let (node, rpc, rollup) = solo_miner(&host.url(), &["--miner-start-batch", "3"], 3, 4).await;
	let skipped = rollup.post(&rpc, &node, 2).await;
	let proven = rollup.post(&rpc, &node, 1).await;

	finalized(&rpc, &node, rollup.id, proven, Duration::from_secs(300)).await;
	let status = status(&rpc, rollup.id, skipped).await;
	assert_eq!(status["phase"], "Pending", "{status}");
	assert_eq!(status["start_batch"], 1);
	assert_eq!(lines(&node, rollup.id, skipped, ""), 0, "{}", node.log());
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_miner_never_commits_an_artifact_the_chain_would_reject() {
	let _serial = lock().await;
	// The host's keys are not the rollup's: its artifacts are well formed and carry the
	// right proof hash, but fail verification on chain.
	let host = ProverHost::spawn_with_seed("keys of another rollup").await;
	let (node, rpc, rollup) = solo_miner(&host.url(), &[], 3, 4).await;
	let index = rollup.post(&rpc, &node, 2).await;

	wait_for("the miner to give the sequence up", Duration::from_secs(300), || async {
		Ok((lines(&node, rollup.id, index, "given up") == 1).then_some(()))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(60)));
	let log = node.log();
	assert_eq!(
		lines(&node, rollup.id, index, "final proof failed (the chain would reject the artifact"),
		3,
		"{log}"
	);
	// Each rejection re-proves every batch, not only the final proof.
	assert_eq!(lines(&node, rollup.id, index, "batch proof 0 proven"), 3, "{log}");
	assert_eq!(lines(&node, rollup.id, index, "final proof ready"), 0, "{log}");
	assert_eq!(lines(&node, rollup.id, index, "commit sent"), 0, "{log}");
	let status = status(&rpc, rollup.id, index).await;
	assert_eq!(status["phase"], "Pending", "no window was opened\n{status}");
	assert_eq!(miner_totals(&rpc, Charlie).await, (0, 0), "nothing slashed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_miner_with_a_faulty_prover_host_proves_on_one_host_at_a_time() {
	let _serial = lock().await;
	// The first host has the wrong keys, the second the rollup's. The first attempt spreads
	// the batch proofs over both, and the aggregator refuses the other host's proof; the
	// retry on the first host alone makes an artifact the chain would reject; the one on
	// the second host alone is committed and finalized.
	let bad = ProverHost::spawn_with_seed("keys of another rollup").await;
	let good = ProverHost::spawn().await;
	let hosts = format!("{},{}", bad.url(), good.url());
	let (node, rpc, rollup) = solo_miner(&hosts, &[], 3, 4).await;
	let index = rollup.post(&rpc, &node, 2).await;

	let status = finalized(&rpc, &node, rollup.id, index, Duration::from_secs(300)).await;
	assert_eq!(status["prover"], Charlie.to_account_id().to_string(), "{status}");
	let log = node.log();
	assert_eq!(lines(&node, rollup.id, index, "aggregator proof failed"), 1, "{log}");
	assert_eq!(
		lines(&node, rollup.id, index, "final proof failed (the chain would reject the artifact"),
		1,
		"{log}"
	);
	for host in [&bad, &good] {
		let pinned = format!("proving it all again on {} alone", host.url());
		assert_eq!(lines(&node, rollup.id, index, &pinned), 1, "{log}");
	}
	assert_eq!(lines(&node, rollup.id, index, "commit sent"), 1, "{log}");
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, 0), "rewarded, nothing slashed");
}

/// Attack: a stranger registers a rollup whose data URL accepts connections and never
/// answers, and posts a sequence, next to a rollup the miner proves. Every request to it
/// hangs until its timeout; the miner must not wait for it to send commits and reveals:
/// the other rollup's sequences are committed and revealed in their windows, and nothing
/// is slashed.
#[tokio::test(flavor = "multi_thread")]
async fn a_data_url_that_never_answers_does_not_make_the_miner_miss_another_rollups_window() {
	let _serial = lock().await;
	let host = ProverHost::spawn().await;
	let (node, rpc, rollup) = solo_miner(&host.url(), &[], 3, 4).await;
	// The tarpit: accepts every connection and keeps it open without a byte.
	let tarpit = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
	let tarpit_url = format!("http://{}", tarpit.local_addr().unwrap());
	std::thread::spawn(move || {
		let held: Vec<_> = tarpit.incoming().collect();
		drop(held);
	});
	let honeypot = Rollup::register(&rpc, &node, 3, 4).await;
	honeypot.set_data_url(&rpc, &node, &tarpit_url).await;
	let trap = honeypot.post(&rpc, &node, 1).await;
	wait_for("the miner to take the trap", Duration::from_secs(60), || async {
		Ok((lines(&node, honeypot.id, trap, "new task") == 1).then_some(()))
	})
	.await
	.unwrap();

	let mut indices = Vec::new();
	for _ in 0..2 {
		indices.push(rollup.post(&rpc, &node, 1).await);
	}
	for index in &indices {
		let status = finalized(&rpc, &node, rollup.id, *index, Duration::from_secs(300)).await;
		assert_eq!(status["prover"], Charlie.to_account_id().to_string(), "{status}");
	}
	assert_eq!(miner_totals(&rpc, Charlie).await, (2 * REWARD, 0), "nothing slashed");
	let log = node.log();
	for index in &indices {
		assert_eq!(lines(&node, rollup.id, *index, "reveal sent"), 1, "{log}");
	}
	assert_eq!(lines(&node, honeypot.id, trap, "commit sent"), 0, "{log}");
}

/// Attack: one of the miner's prover hosts accepts connections and never answers (it
/// hangs, or the address is a stranger's tarpit). Each request to it ends at the prover
/// request timeout and the host is skipped for longer each time; the sequences are
/// proven on the other host and revealed in their windows, and nothing is slashed.
#[tokio::test(flavor = "multi_thread")]
async fn a_prover_host_that_hangs_does_not_stop_the_miner() {
	let _serial = lock().await;
	let host = ProverHost::spawn().await;
	let tarpit = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
	let tarpit_url = format!("http://{}", tarpit.local_addr().unwrap());
	std::thread::spawn(move || {
		let held: Vec<_> = tarpit.incoming().collect();
		drop(held);
	});
	let hosts = format!("{tarpit_url},{}", host.url());
	let (node, rpc, rollup) = solo_miner(&hosts, &[], 3, 4).await;
	let mut indices = Vec::new();
	for batches in [1, 2] {
		indices.push(rollup.post(&rpc, &node, batches).await);
	}
	for index in &indices {
		let status = finalized(&rpc, &node, rollup.id, *index, Duration::from_secs(300)).await;
		assert_eq!(status["prover"], Charlie.to_account_id().to_string(), "{status}");
	}
	assert_eq!(miner_totals(&rpc, Charlie).await, (2 * REWARD, 0), "nothing slashed");
	let log = node.log();
	let gone = format!("prover host {tarpit_url} unreachable");
	assert_eq!(log.matches(&gone).count(), 1, "logged once while it stays down: {log}");
	assert!(!log.contains(&format!("dispatched to {tarpit_url}")), "{log}");
	for index in &indices {
		assert_eq!(lines(&node, rollup.id, *index, "reveal sent"), 1, "{log}");
	}
}
