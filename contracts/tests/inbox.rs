//! `ZkpowInbox` on a real anvil with real artifacts (the reference rollup's `test`
//! configuration): valid sequences of 1 and 4 batches advance the root; replays, gaps,
//! wrong roots and bad proofs are rejected with their custom errors; unusable key sets
//! cannot be deployed. Gas per finalization is printed (run with `--nocapture`).

mod common;

use alloy::{
	primitives::{Bytes, FixedBytes},
	providers::DynProvider,
};
use common::*;
use std::sync::OnceLock;
use zkpow_contracts::{
	anvil::Anvil,
	fixtures::{vk_set, ProvingRollup, PROVER},
	InboxError, SequenceDelivery, ZkpowInbox,
};

const ROLLUP: u32 = 7;

/// Two real sequences of rollup 7: index 0 with one batch, index 1 with four.
fn sequences() -> &'static (ProvingRollup, SequenceDelivery, SequenceDelivery) {
	static SEQUENCES: OnceLock<(ProvingRollup, SequenceDelivery, SequenceDelivery)> =
		OnceLock::new();
	SEQUENCES.get_or_init(|| {
		let mut rollup = ProvingRollup::new(ROLLUP, 42);
		let one = rollup.next_sequence(1, PROVER);
		let four = rollup.next_sequence(4, PROVER);
		(rollup, one, four)
	})
}

async fn deploy(
	provider: &DynProvider,
	vk_set: Vec<u8>,
) -> ZkpowInbox::ZkpowInboxInstance<DynProvider> {
	let (rollup, _, _) = sequences();
	ZkpowInbox::deploy(
		provider.clone(),
		ROLLUP,
		Bytes::from(vk_set),
		FixedBytes(rollup.genesis_root),
		0,
		rollup.first_batch,
	)
	.await
	.expect("deploy the inbox")
}

#[tokio::test(flavor = "multi_thread")]
async fn valid_sequences_of_one_and_four_batches_advance_the_root() {
	let (_, one, four) = sequences();
	let anvil = Anvil::spawn(31337).expect("anvil");
	let provider = provider(&anvil);
	let inbox = deploy(&provider, vk_set()).await;
	assert_eq!(inbox.capacity().call().await.unwrap(), 4);
	assert_eq!(inbox.verifyingKeySet().call().await.unwrap().to_vec(), vk_set());

	let gas_one = finalize(&inbox, one).await;
	assert_eq!(inbox.stateRoot().call().await.unwrap(), FixedBytes(one.new_state_root));
	assert_eq!(inbox.nextSequenceIndex().call().await.unwrap(), 1);
	assert_eq!(inbox.nextBatch().call().await.unwrap(), 2);

	let gas_four = finalize(&inbox, four).await;
	assert_eq!(inbox.stateRoot().call().await.unwrap(), FixedBytes(four.new_state_root));
	assert_eq!(inbox.nextSequenceIndex().call().await.unwrap(), 2);
	assert_eq!(inbox.nextBatch().call().await.unwrap(), 6);

	let events = inbox.SequenceFinalized_filter().from_block(0).query().await.unwrap();
	let indices: Vec<u64> = events.iter().map(|(e, _)| e.sequenceIndex).collect();
	assert_eq!(indices, vec![0, 1]);
	assert_eq!(events[1].0.newStateRoot, FixedBytes(four.new_state_root));
	assert_eq!(events[1].0.provers, vec![FixedBytes(PROVER)]);

	println!("gas per finalization: n = 1: {gas_one}, n = 4: {gas_four}");
	// Deterministic ceilings (not timings): a regression in the verifier's cost shows here.
	assert!(gas_one < 700_000, "n = 1 costs {gas_one} gas");
	assert!(gas_four < 1_300_000, "n = 4 costs {gas_four} gas");
}

#[tokio::test(flavor = "multi_thread")]
async fn replays_and_gaps_are_rejected() {
	let (_, one, four) = sequences();
	let anvil = Anvil::spawn(31337).expect("anvil");
	let inbox = deploy(&provider(&anvil), vk_set()).await;

	assert!(matches!(
		rejection(&inbox, four).await,
		InboxError::SequenceGap(e) if e.sequenceIndex == 1 && e.nextSequenceIndex == 0
	));
	finalize(&inbox, one).await;
	assert!(matches!(
		rejection(&inbox, one).await,
		InboxError::SequenceAlreadyFinalized(e) if e.sequenceIndex == 0 && e.nextSequenceIndex == 1
	));
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_roots_are_rejected() {
	let (_, one, _) = sequences();
	let anvil = Anvil::spawn(31337).expect("anvil");
	let inbox = deploy(&provider(&anvil), vk_set()).await;

	let mut wrong_prev = one.clone();
	wrong_prev.prev_state_root[0] ^= 1;
	assert!(matches!(
		rejection(&inbox, &wrong_prev).await,
		InboxError::WrongPrevStateRoot(e) if e.given == FixedBytes(wrong_prev.prev_state_root)
	));

	let mut wrong_new = one.clone();
	wrong_new.new_state_root[31] ^= 1;
	assert!(matches!(rejection(&inbox, &wrong_new).await, InboxError::StatementMismatch(_)));

	let mut wrong_start = one.clone();
	wrong_start.start_batch += 1;
	assert!(matches!(rejection(&inbox, &wrong_start).await, InboxError::WrongStartBatch(_)));

	let mut other_rollup = one.clone();
	other_rollup.rollup_id += 1;
	assert!(matches!(rejection(&inbox, &other_rollup).await, InboxError::WrongRollup(_)));
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_proofs_are_rejected() {
	let (_, one, four) = sequences();
	let anvil = Anvil::spawn(31337).expect("anvil");
	let inbox = deploy(&provider(&anvil), vk_set()).await;
	finalize(&inbox, one).await;

	// Two batch proofs swapped: every point valid, the combination fails.
	let mut swapped = four.clone();
	let (a, b) = (2 + 256, 2 + 512);
	let first = swapped.proof[a..b].to_vec();
	swapped.proof.copy_within(b..b + 256, a);
	swapped.proof[b..b + 256].copy_from_slice(&first);
	assert!(matches!(rejection(&inbox, &swapped).await, InboxError::ProofRejected(_)));

	// The artifact claimed by another miner: the statement binds the prover.
	let mut other_prover = four.clone();
	other_prover.prover = [0x22; 32];
	assert!(matches!(rejection(&inbox, &other_prover).await, InboxError::ProofRejected(_)));

	// A flipped byte in the final proof's A: no longer a curve point.
	let mut flipped = four.clone();
	flipped.proof[2 + 31] ^= 1;
	assert!(matches!(rejection(&inbox, &flipped).await, InboxError::MalformedProof(_)));

	// The final proof of sequence 0 in sequence 1's artifact: valid points, wrong proof.
	let mut foreign = four.clone();
	foreign.proof[2..258].copy_from_slice(&one.proof[2..258]);
	assert!(matches!(rejection(&inbox, &foreign).await, InboxError::ProofRejected(_)));

	// A changed batch header no longer matches the statement's commitment.
	let mut changed_data = four.clone();
	changed_data.batches[0].data_hash[31] ^= 1;
	assert!(matches!(rejection(&inbox, &changed_data).await, InboxError::StatementMismatch(_)));

	// Layout errors.
	let mut truncated = four.clone();
	truncated.proof.pop();
	assert!(matches!(rejection(&inbox, &truncated).await, InboxError::MalformedArtifact(_)));
	let mut version = four.clone();
	version.proof[0] = 2;
	assert!(matches!(
		rejection(&inbox, &version).await,
		InboxError::UnsupportedArtifactVersion(e) if e.version == 2
	));
	let mut missing = four.clone();
	missing.batches.pop();
	missing.new_state_root = missing.batches.last().unwrap().state_root;
	missing.data_commitment = zkpow_primitives::sequence_commitment(&missing.batches);
	assert!(matches!(
		rejection(&inbox, &missing).await,
		InboxError::BatchCountMismatch(e) if e.artifactBatches == 4 && e.headers == 3
	));

	// Nothing of the above moved the inbox; the genuine sequence still goes through.
	assert_eq!(inbox.nextSequenceIndex().call().await.unwrap(), 1);
	finalize(&inbox, four).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unusable_key_sets_cannot_be_deployed() {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let provider = provider(&anvil);
	let deploy_error = |vk: Vec<u8>| {
		let provider = provider.clone();
		async move {
			let error =
				ZkpowInbox::deploy(provider, ROLLUP, Bytes::from(vk), FixedBytes([0; 32]), 0, 1)
					.await
					.expect_err("deployment must fail");
			error
				.as_decoded_interface_error::<InboxError>()
				.unwrap_or_else(|| panic!("not an inbox error: {error}"))
		}
	};
	let good = vk_set();

	let mut short = good.clone();
	short.pop();
	assert!(matches!(deploy_error(short).await, InboxError::MalformedKeySet(_)));
	let mut version = good.clone();
	version[0] = 9;
	assert!(matches!(deploy_error(version).await, InboxError::MalformedKeySet(_)));

	// The batch key's alpha (offset 2) moved off the curve.
	let mut off_curve = good.clone();
	off_curve[2 + 63] ^= 1;
	assert!(matches!(deploy_error(off_curve).await, InboxError::InvalidKeyPoint(_)));

	// The batch key's gamma (G2 at offset 2 + 64 + 128) moved off the curve.
	let mut bad_g2 = good.clone();
	bad_g2[2 + 64 + 128 + 127] ^= 1;
	assert!(matches!(deploy_error(bad_g2).await, InboxError::InvalidKeyPoint(_)));

	// The batch key's delta set to the point at infinity.
	let mut degenerate = good.clone();
	degenerate[2 + 64 + 256..2 + 64 + 384].fill(0);
	assert!(matches!(deploy_error(degenerate).await, InboxError::DegenerateKey(_)));
}
