//! `Groth16Inbox` on a real anvil with the snarkjs vectors
//! (`primitives/test-vectors/groth16-inbox/vectors.json`: a circom key of the ten-input
//! statement and two consecutive sequences of rollup 7 proven with it). The chain's Rust
//! verifier accepts the same proofs; the inbox advances for both sequences in order and
//! rejects replays, gaps, wrong roots, changed data, tampered proofs and unusable keys with
//! the same custom errors as `ZkpowInbox`, decoded through the `ZkpowInbox` bindings. Gas
//! per finalization is printed (run with `--nocapture`).

mod common;

use alloy::{
	primitives::{Bytes, FixedBytes},
	providers::DynProvider,
};
use common::*;
use serde_json::Value;
use std::sync::OnceLock;
use zkpow_contracts::{
	anvil::Anvil, sequence_call, Groth16Inbox, InboxError, SequenceDelivery, ZkpowInbox,
};
use zkpow_primitives::{
	groth16::{self, VerifyError},
	sequence_commitment, BatchHeader, BatchNumber, Bytes32, RollupId, SequenceStatement,
};

/// The base-field modulus `p` of BN254, big-endian.
const P: Bytes32 = [
	0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
	0x97, 0x81, 0x6a, 0x91, 0x68, 0x71, 0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47,
];

/// Gas ceilings per finalization (whole transaction), just above what the vectors measure
/// (289,939 and 295,596 with solc 0.8.30 on anvil's Prague rules), so that a regression in
/// the verifier's cost shows. Regenerated vectors move the calldata cost by a few gas.
const GAS_CEILING_SEQUENCE_0: u64 = 292_000;
const GAS_CEILING_SEQUENCE_1: u64 = 298_000;

/// The committed vectors.
struct Vectors {
	rollup_id: RollupId,
	vk: Vec<u8>,
	genesis_root: Bytes32,
	first_batch: BatchNumber,
	/// Sequence 0 (two batches) and sequence 1 (one batch).
	sequences: Vec<SequenceDelivery>,
	/// snarkjs's `public.json` of each sequence, as 32-byte big-endian numbers.
	public_signals: Vec<Vec<Bytes32>>,
}

fn unhex(value: &Value) -> Vec<u8> {
	hex::decode(value.as_str().expect("hex string").trim_start_matches("0x")).expect("hex")
}

fn bytes32(value: &Value) -> Bytes32 {
	unhex(value).try_into().expect("32 bytes")
}

/// A decimal string below 2^128 as a 32-byte big-endian number.
fn decimal(value: &Value) -> Bytes32 {
	let n: u128 = value.as_str().expect("decimal string").parse().expect("below 2^128");
	let mut out = [0u8; 32];
	out[16..].copy_from_slice(&n.to_be_bytes());
	out
}

fn vectors() -> &'static Vectors {
	static VECTORS: OnceLock<Vectors> = OnceLock::new();
	VECTORS.get_or_init(|| {
		let path = concat!(
			env!("CARGO_MANIFEST_DIR"),
			"/../primitives/test-vectors/groth16-inbox/vectors.json"
		);
		let json: Value =
			serde_json::from_str(&std::fs::read_to_string(path).expect("vector file"))
				.expect("JSON");
		let rollup_id = json["rollup_id"].as_u64().expect("rollup id") as RollupId;
		let cases = json["sequences"].as_array().expect("sequences");
		let sequences = cases
			.iter()
			.map(|s| {
				let batches: Vec<BatchHeader> = s["batches"]
					.as_array()
					.expect("batches")
					.iter()
					.map(|b| BatchHeader {
						state_root: bytes32(&b["state_root"]),
						data_hash: bytes32(&b["data_hash"]),
					})
					.collect();
				let prover = bytes32(&s["prover"]);
				SequenceDelivery {
					rollup_id,
					sequence_index: s["sequence_index"].as_u64().expect("index"),
					start_batch: s["start_batch"].as_u64().expect("start batch"),
					prev_state_root: bytes32(&s["prev_state_root"]),
					new_state_root: bytes32(&s["new_state_root"]),
					data_commitment: bytes32(&s["data_commitment"]),
					proof: unhex(&s["proof"]),
					prover,
					provers: vec![prover],
					batches,
				}
			})
			.collect();
		let public_signals = cases
			.iter()
			.map(|s| s["public_signals"].as_array().expect("signals").iter().map(decimal).collect())
			.collect();
		Vectors {
			rollup_id,
			vk: unhex(&json["vk"]),
			genesis_root: bytes32(&json["genesis_state_root"]),
			first_batch: json["first_batch"].as_u64().expect("first batch"),
			sequences,
			public_signals,
		}
	})
}

fn sequence(index: usize) -> SequenceDelivery {
	vectors().sequences[index].clone()
}

/// The chain's verdict on `delivery`: `groth16::verify` for the statement the chain builds.
fn rust_verdict(delivery: &SequenceDelivery) -> Result<(), VerifyError> {
	let statement = SequenceStatement::new(
		delivery.rollup_id,
		delivery.sequence_index,
		delivery.prev_state_root,
		&delivery.batches,
		delivery.prover,
	);
	groth16::verify(&vectors().vk, &delivery.proof, &statement.public_inputs())
}

/// Deploys a Groth16Inbox with the vector key and returns it through the `ZkpowInbox`
/// bindings (the shared delivery ABI) next to its own.
async fn deploy(
	provider: &DynProvider,
) -> (Groth16Inbox::Groth16InboxInstance<DynProvider>, ZkpowInbox::ZkpowInboxInstance<DynProvider>)
{
	let v = vectors();
	let inbox = Groth16Inbox::deploy(
		provider.clone(),
		v.rollup_id,
		Bytes::from(v.vk.clone()),
		FixedBytes(v.genesis_root),
		0,
		v.first_batch,
	)
	.await
	.expect("deploy the Groth16 inbox");
	let delivery = ZkpowInbox::new(*inbox.address(), provider.clone());
	(inbox, delivery)
}

/// Both verifiers reject `tampered` as a bad proof (`ProofRejected`).
async fn rejected(
	inbox: &ZkpowInbox::ZkpowInboxInstance<DynProvider>,
	name: &str,
	tampered: SequenceDelivery,
) {
	assert_eq!(rust_verdict(&tampered), Err(VerifyError::ProofRejected), "{name}: Rust");
	let error = rejection(inbox, &tampered).await;
	assert!(matches!(error, InboxError::ProofRejected(_)), "{name}: Solidity says {error:?}");
}

/// Both verifiers reject `tampered` as malformed: the chain with an encoding error, the
/// inbox with `MalformedProof`.
async fn malformed(
	inbox: &ZkpowInbox::ZkpowInboxInstance<DynProvider>,
	name: &str,
	tampered: SequenceDelivery,
) {
	let verdict = rust_verdict(&tampered);
	assert!(
		!matches!(verdict, Ok(()) | Err(VerifyError::ProofRejected)),
		"{name}: Rust says {verdict:?}"
	);
	let error = rejection(inbox, &tampered).await;
	assert!(matches!(error, InboxError::MalformedProof(_)), "{name}: Solidity says {error:?}");
}

#[test]
fn the_vectors_verify_with_the_chains_verifier() {
	let v = vectors();
	assert_eq!(v.vk.len(), groth16::vk_len(10));
	groth16::validate_verifying_key(&v.vk, 10).expect("the vector key is a valid chain key");
	assert_eq!(v.sequences.len(), 2);
	let mut root = v.genesis_root;
	let mut batch = v.first_batch;
	for (i, s) in v.sequences.iter().enumerate() {
		// The two sequences continue each other, and the committed derived values are the
		// chain's.
		assert_eq!((s.sequence_index, s.start_batch, s.prev_state_root), (i as u64, batch, root));
		assert_eq!(s.new_state_root, s.batches.last().expect("batches").state_root);
		assert_eq!(s.data_commitment, sequence_commitment(&s.batches));
		let statement = SequenceStatement::new(
			s.rollup_id,
			s.sequence_index,
			s.prev_state_root,
			&s.batches,
			s.prover,
		);
		assert_eq!(
			statement.public_inputs().to_vec(),
			v.public_signals[i],
			"sequence {i}'s signals"
		);
		assert_eq!(rust_verdict(s), Ok(()), "sequence {i}");
		root = s.new_state_root;
		batch += s.batches.len() as u64;
	}
	assert_eq!(v.sequences[0].batches.len(), 2);
	assert_eq!(v.sequences[1].batches.len(), 1);

	// Each proof is bound to its own statement.
	let mut swapped = sequence(1);
	swapped.proof = sequence(0).proof;
	assert_eq!(rust_verdict(&swapped), Err(VerifyError::ProofRejected));
}

#[tokio::test(flavor = "multi_thread")]
async fn valid_sequences_advance_the_root_and_emit_events() {
	let v = vectors();
	let anvil = Anvil::spawn(31337).expect("anvil");
	let (inbox, delivery) = deploy(&provider(&anvil)).await;
	assert_eq!(inbox.verifyingKey().call().await.unwrap().to_vec(), v.vk);
	assert_eq!(delivery.rollupId().call().await.unwrap(), v.rollup_id);
	assert_eq!(delivery.stateRoot().call().await.unwrap(), FixedBytes(v.genesis_root));

	let gas_0 = finalize(&delivery, &v.sequences[0]).await;
	assert_eq!(
		delivery.stateRoot().call().await.unwrap(),
		FixedBytes(v.sequences[0].new_state_root)
	);
	assert_eq!(delivery.nextSequenceIndex().call().await.unwrap(), 1);
	assert_eq!(delivery.nextBatch().call().await.unwrap(), v.first_batch + 2);

	let gas_1 = finalize(&delivery, &v.sequences[1]).await;
	assert_eq!(
		delivery.stateRoot().call().await.unwrap(),
		FixedBytes(v.sequences[1].new_state_root)
	);
	assert_eq!(delivery.nextSequenceIndex().call().await.unwrap(), 2);
	assert_eq!(delivery.nextBatch().call().await.unwrap(), v.first_batch + 3);

	let events = delivery.SequenceFinalized_filter().from_block(0).query().await.unwrap();
	let indices: Vec<u64> = events.iter().map(|(e, _)| e.sequenceIndex).collect();
	assert_eq!(indices, vec![0, 1]);
	for ((event, _), s) in events.iter().zip(&v.sequences) {
		assert_eq!(event.startBatch, s.start_batch);
		assert_eq!(event.batchCount as usize, s.batches.len());
		assert_eq!(event.prevStateRoot, FixedBytes(s.prev_state_root));
		assert_eq!(event.newStateRoot, FixedBytes(s.new_state_root));
		assert_eq!(event.dataCommitment, FixedBytes(s.data_commitment));
		assert_eq!(event.prover, FixedBytes(s.prover));
		assert_eq!(event.provers, vec![FixedBytes(s.prover)]);
	}

	println!(
		"Groth16Inbox gas per finalization (whole transaction): sequence 0 (2 batches, index 0: 8 ecMul): {gas_0}, sequence 1 (1 batch, index 1: 9 ecMul): {gas_1}"
	);
	assert!(gas_0 < GAS_CEILING_SEQUENCE_0, "sequence 0 costs {gas_0} gas");
	assert!(gas_1 < GAS_CEILING_SEQUENCE_1, "sequence 1 costs {gas_1} gas");
}

#[tokio::test(flavor = "multi_thread")]
async fn replays_gaps_and_discontinuities_are_rejected() {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let (_inbox, delivery) = deploy(&provider(&anvil)).await;
	let (zero, one) = (sequence(0), sequence(1));

	assert!(matches!(
		rejection(&delivery, &one).await,
		InboxError::SequenceGap(e) if e.sequenceIndex == 1 && e.nextSequenceIndex == 0
	));
	finalize(&delivery, &zero).await;
	assert!(matches!(
		rejection(&delivery, &zero).await,
		InboxError::SequenceAlreadyFinalized(e) if e.sequenceIndex == 0 && e.nextSequenceIndex == 1
	));

	let mut wrong_prev = one.clone();
	wrong_prev.prev_state_root[0] ^= 1;
	assert!(matches!(
		rejection(&delivery, &wrong_prev).await,
		InboxError::WrongPrevStateRoot(e)
			if e.given == FixedBytes(wrong_prev.prev_state_root)
				&& e.expected == FixedBytes(zero.new_state_root)
	));

	let mut wrong_start = one.clone();
	wrong_start.start_batch += 1;
	assert!(matches!(
		rejection(&delivery, &wrong_start).await,
		InboxError::WrongStartBatch(e) if e.expected == one.start_batch
	));

	let mut other_rollup = one.clone();
	other_rollup.rollup_id += 1;
	assert!(matches!(
		rejection(&delivery, &other_rollup).await,
		InboxError::WrongRollup(e) if e.expected == one.rollup_id
	));

	let (mut call, headers) = sequence_call(&one);
	call.batchCount += 1;
	assert!(matches!(
		rejection_of(&delivery, (call, headers)).await,
		InboxError::BatchHeadersMismatch(e) if e.batchCount == 2 && e.headers == 1
	));

	// None of it moved the inbox.
	assert_eq!(delivery.nextSequenceIndex().call().await.unwrap(), 1);
	finalize(&delivery, &one).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_not_matching_the_headers_are_rejected() {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let (_inbox, delivery) = deploy(&provider(&anvil)).await;
	let zero = sequence(0);

	let mut wrong_new = zero.clone();
	wrong_new.new_state_root[31] ^= 1;
	assert!(matches!(rejection(&delivery, &wrong_new).await, InboxError::StatementMismatch(_)));

	let mut wrong_commitment = zero.clone();
	wrong_commitment.data_commitment[0] ^= 1;
	assert!(matches!(
		rejection(&delivery, &wrong_commitment).await,
		InboxError::StatementMismatch(_)
	));

	let mut changed_data = zero.clone();
	changed_data.batches[0].data_hash[31] ^= 1;
	assert!(matches!(rejection(&delivery, &changed_data).await, InboxError::StatementMismatch(_)));

	let mut changed_root = zero.clone();
	changed_root.batches[0].state_root[5] ^= 1;
	assert!(matches!(rejection(&delivery, &changed_root).await, InboxError::StatementMismatch(_)));

	let mut no_batches = zero.clone();
	no_batches.batches.clear();
	assert!(matches!(rejection(&delivery, &no_batches).await, InboxError::NoBatches(_)));

	// Headers that match a statement the proof is not for: the proof decides.
	let mut fewer = zero.clone();
	fewer.batches.pop();
	fewer.new_state_root = fewer.batches[0].state_root;
	fewer.data_commitment = sequence_commitment(&fewer.batches);
	assert_eq!(rust_verdict(&fewer), Err(VerifyError::ProofRejected));
	assert!(matches!(rejection(&delivery, &fewer).await, InboxError::ProofRejected(_)));

	finalize(&delivery, &zero).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_proofs_are_rejected_as_the_chain_rejects_them() {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let (_inbox, delivery) = deploy(&provider(&anvil)).await;
	let (zero, one) = (sequence(0), sequence(1));
	finalize(&delivery, &zero).await;

	// Sequence 0's proof for sequence 1: valid points, another statement.
	let mut foreign = one.clone();
	foreign.proof = zero.proof.clone();
	rejected(&delivery, "the other sequence's proof", foreign).await;

	// A replaced by sequence 0's A (another valid point).
	let mut other_a = one.clone();
	other_a.proof[..64].copy_from_slice(&zero.proof[..64]);
	rejected(&delivery, "another A", other_a).await;

	// A negated: (x, p − y) is a valid point too.
	let mut negated = one.clone();
	let y: Bytes32 = one.proof[32..64].try_into().unwrap();
	negated.proof[32..64].copy_from_slice(&sub(&P, &y));
	rejected(&delivery, "negated A", negated).await;

	// C replaced by sequence 0's C.
	let mut other_c = one.clone();
	other_c.proof[192..].copy_from_slice(&zero.proof[192..]);
	rejected(&delivery, "another C", other_c).await;

	// The proof claimed by another miner: the statement binds the prover.
	let mut other_prover = one.clone();
	other_prover.prover = [0x22; 32];
	other_prover.provers = vec![[0x22; 32]];
	rejected(&delivery, "another prover", other_prover).await;

	// A flipped byte in A's y, B's x and C's y: no longer curve points.
	for (name, at) in [("A", 63), ("B", 64 + 31), ("C", 255)] {
		let mut flipped = one.clone();
		flipped.proof[at] ^= 1;
		malformed(&delivery, name, flipped).await;
	}

	// A's y not canonical: y + p encodes the same residue.
	let mut non_canonical = one.clone();
	non_canonical.proof[32..64].copy_from_slice(&add(&y, &P));
	malformed(&delivery, "non-canonical A", non_canonical).await;

	// Wrong lengths.
	let mut short = one.clone();
	short.proof.pop();
	malformed(&delivery, "255 bytes", short).await;
	let mut long = one.clone();
	long.proof.push(0);
	malformed(&delivery, "257 bytes", long).await;
	let mut empty = one.clone();
	empty.proof.clear();
	malformed(&delivery, "no proof", empty).await;

	// Nothing of the above moved the inbox; the genuine sequence still goes through.
	assert_eq!(delivery.nextSequenceIndex().call().await.unwrap(), 1);
	finalize(&delivery, &one).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unusable_keys_cannot_be_deployed() {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let provider = provider(&anvil);
	let deploy_error = |vk: Vec<u8>| {
		let provider = provider.clone();
		async move {
			assert!(groth16::validate_verifying_key(&vk, 10).is_err(), "Rust accepts the key");
			let error =
				Groth16Inbox::deploy(provider, 7, Bytes::from(vk), FixedBytes([0; 32]), 0, 1)
					.await
					.expect_err("deployment must fail");
			error
				.as_decoded_interface_error::<InboxError>()
				.unwrap_or_else(|| panic!("not an inbox error: {error}"))
		}
	};
	let good = vectors().vk.clone();

	let mut short = good.clone();
	short.pop();
	assert!(matches!(deploy_error(short).await, InboxError::MalformedKeySet(_)));
	let mut long = good.clone();
	long.push(0);
	assert!(matches!(deploy_error(long).await, InboxError::MalformedKeySet(_)));
	// A valid key for eleven inputs (IC[10] repeated) is not a statement key.
	let mut eleven = good.clone();
	eleven.extend_from_slice(&good[good.len() - 64..]);
	assert!(matches!(deploy_error(eleven).await, InboxError::MalformedKeySet(_)));
	assert!(matches!(deploy_error(Vec::new()).await, InboxError::MalformedKeySet(_)));

	// alpha (offset 0) and IC[10] (the last 64 bytes) moved off the curve.
	let mut off_curve = good.clone();
	off_curve[63] ^= 1;
	assert!(matches!(deploy_error(off_curve).await, InboxError::InvalidKeyPoint(_)));
	let mut last_ic = good.clone();
	*last_ic.last_mut().unwrap() ^= 1;
	assert!(matches!(deploy_error(last_ic).await, InboxError::InvalidKeyPoint(_)));
	// gamma (G2 at offset 64 + 128) moved off the curve.
	let mut bad_g2 = good.clone();
	bad_g2[64 + 128 + 127] ^= 1;
	assert!(matches!(deploy_error(bad_g2).await, InboxError::InvalidKeyPoint(_)));

	// delta (G2 at offset 320) and alpha set to the point at infinity.
	let mut zero_delta = good.clone();
	zero_delta[320..448].fill(0);
	assert!(matches!(deploy_error(zero_delta).await, InboxError::DegenerateKey(_)));
	let mut zero_alpha = good.clone();
	zero_alpha[..64].fill(0);
	assert!(matches!(deploy_error(zero_alpha).await, InboxError::DegenerateKey(_)));
}

/// `a − b` for big-endian 256-bit numbers with `a >= b`.
fn sub(a: &Bytes32, b: &Bytes32) -> Bytes32 {
	let mut out = [0u8; 32];
	let mut borrow = 0i16;
	for i in (0..32).rev() {
		let d = a[i] as i16 - b[i] as i16 - borrow;
		borrow = (d < 0) as i16;
		out[i] = d.rem_euclid(256) as u8;
	}
	assert_eq!(borrow, 0);
	out
}

/// `a + b` for big-endian 256-bit numbers that do not overflow.
fn add(a: &Bytes32, b: &Bytes32) -> Bytes32 {
	let mut out = [0u8; 32];
	let mut carry = 0u16;
	for i in (0..32).rev() {
		let s = a[i] as u16 + b[i] as u16 + carry;
		carry = s >> 8;
		out[i] = s as u8;
	}
	assert_eq!(carry, 0);
	out
}
