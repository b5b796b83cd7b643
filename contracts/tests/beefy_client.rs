//! The BEEFY light client (`BeefyClient.sol`) and the proof libraries (`Mmr.sol`,
//! `MerkleProof.sol`, `FinalizedRecord.sol`) on a real anvil, with vectors built by
//! polkadot-sdk's own crates (see `beefy/mod.rs`): commitments signed with dev keys are
//! accepted when more than two thirds of the set signed, a handover to the next set works
//! with the real MMR leaf of its block, and every attack below is refused with its custom
//! error; the MMR and Merkle verifiers reach the same verdict as the Rust code on genuine
//! and tampered proofs, and a finalized record proves through its leaf to an accepted
//! root. Gas per call is printed (run with `--nocapture`).

mod beefy;
mod common;

use alloy::primitives::{Address, FixedBytes, U256};
use beefy::*;
use sp_core::H256;
use sp_crypto_hashing::keccak_256;
use zkpow_contracts::{anvil::Anvil, BeefyClient, BeefyClientError as E};
use zkpow_primitives::record::{record_proof, records_root};

/// The secp256k1 group order, big-endian.
const ORDER: [u8; 32] = [
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

#[tokio::test(flavor = "multi_thread")]
async fn the_contract_encodes_commitments_and_leaves_as_scale() {
	let [set0, set1, _] = sets();
	let env = deploy(&set0, &set1.authority_set(), 0).await;
	let c = commitment(H256::repeat_byte(0xab), 0x0102_0304, 0x0102_0304_0506_0708);
	assert_eq!(codec::Encode::encode(&c).len(), 48);
	let hash = env.client.commitmentHash(sol_commitment(&c)).call().await.unwrap();
	assert_eq!(hash.0, keccak_256(&codec::Encode::encode(&c)));

	let mut l = leaf(0x0a0b_0c0d, set1.authority_set(), [0x5a; 32]);
	l.version = sp_consensus_beefy::mmr::MmrLeafVersion::new(1, 5);
	l.beefy_next_authority_set.id = 0x1122_3344_5566_7788;
	l.beefy_next_authority_set.len = 0xa0b0_c0d0;
	assert_eq!(codec::Encode::encode(&l).len(), 113);
	let hash = env.client.mmrLeafHash(sol_leaf(&l)).call().await.unwrap();
	assert_eq!(H256(hash.0), Node::Data(l).hash());
}

#[tokio::test(flavor = "multi_thread")]
async fn one_validator_signs_alone_and_hands_over() {
	let alice = Validators::new(0, &SEEDS[0..1]);
	let bob = Validators::new(1, &SEEDS[1..2]);
	let charlie = Validators::new(2, &SEEDS[2..3]);
	let env = deploy(&alice, &bob.authority_set(), 0).await;
	let leaves =
		vec![leaf(1, bob.authority_set(), [0; 32]), leaf(2, charlie.authority_set(), [0; 32])];

	let mmr1 = mmr_at(&leaves, 1);
	let (c, s) = signed(&alice, mmr1.root, 1, &[0]);
	let gas_submit = submit(&env.client, &c, &s).await;
	assert_eq!(env.client.latestBlock().call().await.unwrap(), 1);
	assert_eq!(env.client.mmrRootBlock(FixedBytes(mmr1.root.0)).call().await.unwrap(), 1);
	let events = env.client.NewMmrRoot_filter().from_block(0).query().await.unwrap();
	assert_eq!(events.len(), 1);
	assert_eq!((events[0].0.mmrRoot, events[0].0.blockNumber), (FixedBytes(mmr1.root.0), 1));
	let leaf0 = env.client.verifyMmrLeaf(sol_leaf(&leaves[0]), sol_mmr_proof(&mmr1.proof(0)));
	assert_eq!(leaf0.call().await.unwrap(), 1);

	let handover = Handover::new(&mmr_at(&leaves, 2), 2, &bob, &[0]);
	let gas_handover = handover.send(&env.client).await;
	assert_eq!(env.client.currentValidatorSet().call().await.unwrap(), bob.sol_set());
	assert_eq!(env.client.nextValidatorSet().call().await.unwrap(), charlie.sol_set());
	println!("gas: submit, 1 validator (1 signature): {gas_submit}");
	println!("gas: submitHandover, 1 validator (1 signature, 2-leaf MMR): {gas_handover}");
}

#[tokio::test(flavor = "multi_thread")]
async fn three_and_four_of_four_validators_are_accepted() {
	let [set0, set1, _] = sets();
	let env = deploy(&set0, &set1.authority_set(), 0).await;
	let leaves = chain_leaves(&sets(), 2, 10, &[]);
	let (c, s) = signed(&set0, mmr_at(&leaves, 1).root, 1, &[0, 2, 3]);
	let gas_three = submit(&env.client, &c, &s).await;
	let (c, s) = signed(&set0, mmr_at(&leaves, 2).root, 2, &[3, 2, 1, 0]);
	let gas_four = submit(&env.client, &c, &s).await;
	assert_eq!(env.client.latestBlock().call().await.unwrap(), 2);
	println!("gas: submit, 4 validators, 3 signatures: {gas_three}");
	println!("gas: submit, 4 validators, 4 signatures: {gas_four}");
}

/// Attack: a commitment signed by two thirds or fewer (here 2 of 4, 0 of 4) is refused.
#[tokio::test(flavor = "multi_thread")]
async fn attack_under_signed_commitment_is_refused() {
	let [set0, set1, _] = sets();
	let env = deploy(&set0, &set1.authority_set(), 0).await;
	let (c, s) = signed(&set0, H256::repeat_byte(1), 1, &[0, 1]);
	let error = submit_error(&env.client, &c, &s).await;
	assert!(
		matches!(error, E::NotEnoughSignatures(ref e) if e.signatures == U256::from(2) && e.setLen == 4),
		"{error:?}"
	);
	let error = submit_error(&env.client, &c, &[]).await;
	assert!(matches!(error, E::NotEnoughSignatures(_)), "{error:?}");
	// One more signature makes it acceptable: the refusal was the count.
	let (c, s) = signed(&set0, H256::repeat_byte(1), 1, &[0, 1, 2]);
	submit(&env.client, &c, &s).await;
}

/// Attack: exactly two thirds is not more than two thirds (2 of 3, 4 of 6 refused; 3 of 3,
/// 5 of 6 accepted).
#[tokio::test(flavor = "multi_thread")]
async fn attack_exactly_two_thirds_is_refused() {
	for (len, short, enough) in [(3, 2, 3), (6, 4, 5)] {
		let set = Validators::new(0, &SEEDS[..len]);
		let env = deploy(&set, &Validators::new(1, &SEEDS[..1]).authority_set(), 0).await;
		let signers: Vec<usize> = (0..len).collect();
		let (c, s) = signed(&set, H256::repeat_byte(2), 1, &signers[..short]);
		let error = submit_error(&env.client, &c, &s).await;
		assert!(matches!(error, E::NotEnoughSignatures(_)), "{short} of {len}: {error:?}");
		let (c, s) = signed(&set, H256::repeat_byte(2), 1, &signers[..enough]);
		submit(&env.client, &c, &s).await;
	}
}

/// Attack: a signature at a validator's index that is not that validator's signature of
/// this commitment (another key's, of another commitment, malleated, Ethereum-style `v`).
#[tokio::test(flavor = "multi_thread")]
async fn attack_forged_signatures_are_refused() {
	let [set0, set1, _] = sets();
	let env = deploy(&set0, &set1.authority_set(), 0).await;
	let root = H256::repeat_byte(7);
	let (c, good) = signed(&set0, root, 1, &[0, 1, 2]);
	let alice = Address::from(set0.addresses[0]);

	// Eve's signature of the same commitment, as Alice's.
	let eve = Validators::new(0, &["//Eve"]);
	let mut s = good.clone();
	let by_eve = eve.sign(&commitment(root, 1, 0), &[0]);
	let eve_sig = eve.signature(0, by_eve.signatures[0].as_ref().unwrap());
	(s[0].r, s[0].s, s[0].v) = (eve_sig.r, eve_sig.s, eve_sig.v);
	let error = submit_error(&env.client, &c, &s).await;
	assert!(
		matches!(error, E::BadSignature(ref e) if e.index == 0 && e.account == alice),
		"{error:?}"
	);

	// Alice's signature of another commitment (another root; another block).
	for other in [commitment(H256::repeat_byte(8), 1, 0), commitment(root, 2, 0)] {
		let mut s = good.clone();
		let theirs = set0.signatures(&set0.sign(&other, &[0]));
		(s[0].r, s[0].s, s[0].v) = (theirs[0].r, theirs[0].s, theirs[0].v);
		let error = submit_error(&env.client, &c, &s).await;
		assert!(matches!(error, E::BadSignature(ref e) if e.index == 0), "{error:?}");
	}

	// The high-s twin of Alice's signature (valid for ecrecover, refused as malleated).
	let mut s = good.clone();
	let high = U256::from_be_bytes(ORDER) - U256::from_be_bytes(s[0].s.0);
	(s[0].s, s[0].v) = (FixedBytes(high.to_be_bytes()), 1 - s[0].v);
	let error = submit_error(&env.client, &c, &s).await;
	assert!(matches!(error, E::MalleableSignature(ref e) if e.index == 0), "{error:?}");

	// An Ethereum-style recovery id (27/28) is not BEEFY's 0/1.
	let mut s = good.clone();
	s[0].v += 27;
	let error = submit_error(&env.client, &c, &s).await;
	assert!(matches!(error, E::InvalidSignatureV(ref e) if e.index == 0), "{error:?}");

	// No signature at all (r = 0: ecrecover gives address(0)).
	let mut s = good.clone();
	s[0].r = FixedBytes::ZERO;
	let error = submit_error(&env.client, &c, &s).await;
	assert!(matches!(error, E::BadSignature(ref e) if e.index == 0), "{error:?}");

	submit(&env.client, &c, &good).await;
}

/// Attack: one validator's signature counted twice, at its own index or another's.
#[tokio::test(flavor = "multi_thread")]
async fn attack_the_same_signer_twice_is_refused() {
	let [set0, set1, _] = sets();
	let env = deploy(&set0, &set1.authority_set(), 0).await;
	let (c, s) = signed(&set0, H256::repeat_byte(3), 1, &[0, 1]);
	let twice = vec![s[0].clone(), s[1].clone(), s[0].clone()];
	let error = submit_error(&env.client, &c, &twice).await;
	assert!(matches!(error, E::DuplicateSigner(ref e) if e.index == 0), "{error:?}");

	// Alice's signature again, claimed at Charlie's index (with her own or his proof).
	for proof_of in [0, 2] {
		let mut again = s[0].clone();
		again.index = 2;
		again.proof = set0.membership_proof(proof_of);
		let error = submit_error(&env.client, &c, &[s[0].clone(), s[1].clone(), again]).await;
		assert!(matches!(error, E::NotInValidatorSet(ref e) if e.index == 2), "{error:?}");
	}
}

/// Attack: one validator counted at two indices through `verify_proof`'s loose index. In a
/// set of 3, Charlie's proof `[H(alice, bob)]` also verifies him at Bob's index 1 by
/// `binary_merkle_tree::verify_proof`; with that, Alice and Charlie would be 3 signatures
/// of 3. The client wants a proof of the index's own length and refuses it.
#[tokio::test(flavor = "multi_thread")]
async fn attack_one_validator_at_two_indices_is_refused() {
	use binary_merkle_tree::{verify_proof, Leaf as MerkleLeaf};
	let set = Validators::new(0, &SEEDS[0..3]);
	let env = deploy(&set, &Validators::new(1, &SEEDS[1..4]).authority_set(), 0).await;
	let (c, s) = signed(&set, H256::repeat_byte(9), 1, &[0, 2]);
	let root = set.authority_set().keyset_commitment;
	let charlie = H256(keccak_256(&set.addresses[2]));
	let proof: Vec<H256> = s[1].proof.iter().map(|p| H256(p.0)).collect();
	assert!(
		verify_proof::<sp_runtime::traits::Keccak256, _, _>(
			&root,
			proof,
			3,
			1,
			MerkleLeaf::Hash(charlie)
		),
		"verify_proof takes Charlie's proof at index 1"
	);
	let mut again = s[1].clone();
	again.index = 1;
	let error = submit_error(&env.client, &c, &[s[0].clone(), s[1].clone(), again]).await;
	assert!(matches!(error, E::NotInValidatorSet(ref e) if e.index == 1), "{error:?}");
	let error = submit_error(&env.client, &c, &s).await;
	assert!(matches!(error, E::NotEnoughSignatures(_)), "{error:?}");
}

/// Attack: signers outside the set, or a membership proof that does not place the signer.
#[tokio::test(flavor = "multi_thread")]
async fn attack_signers_outside_the_set_are_refused() {
	let [set0, set1, _] = sets();
	let env = deploy(&set0, &set1.authority_set(), 0).await;
	let root = H256::repeat_byte(4);
	let (c, good) = signed(&set0, root, 1, &[0, 1, 2]);

	// Eve (not in set 0) signs and claims index 0, with Alice's proof or with a proof from
	// a set of her own where she is at index 0.
	let impostors = Validators::new(0, &["//Eve", "//Bob", "//Charlie", "//Dave"]);
	let by_eve = impostors.signatures(&impostors.sign(&commitment(root, 1, 0), &[0]));
	for proof in [set0.membership_proof(0), impostors.membership_proof(0)] {
		let mut s = good.clone();
		s[0] = BeefyClient::ValidatorSignature { proof, ..by_eve[0].clone() };
		let error = submit_error(&env.client, &c, &s).await;
		assert!(
			matches!(error, E::NotInValidatorSet(ref e) if e.index == 0 && e.account == by_eve[0].account),
			"{error:?}"
		);
	}

	// Alice with Bob's membership proof.
	let mut s = good.clone();
	s[0].proof = set0.membership_proof(1);
	let error = submit_error(&env.client, &c, &s).await;
	assert!(matches!(error, E::NotInValidatorSet(ref e) if e.index == 0), "{error:?}");

	// An index outside the set.
	let mut s = good.clone();
	s[0].index = 4;
	let error = submit_error(&env.client, &c, &s).await;
	assert!(
		matches!(error, E::ValidatorIndexOutOfRange(ref e) if e.index == 4 && e.setLen == 4),
		"{error:?}"
	);
}

/// Attack: a commitment of an unknown set id, and the current set's keys posing as the
/// next set.
#[tokio::test(flavor = "multi_thread")]
async fn attack_wrong_validator_set_id_is_refused() {
	let [set0, set1, _] = sets();
	let env = deploy(&set0, &set1.authority_set(), 0).await;
	let wrong = Validators::new(7, &SEEDS[0..4]);
	let (c, s) = signed(&wrong, H256::repeat_byte(5), 1, &[0, 1, 2]);
	let error = submit_error(&env.client, &c, &s).await;
	assert!(
		matches!(error, E::UnknownValidatorSet(ref e)
			if (e.given, e.currentSetId, e.nextSetId) == (7, 0, 1)),
		"{error:?}"
	);

	// Set 0's keys sign a commitment claiming set 1: `submit` wants a handover, and as a
	// handover the signers are not set 1's validators.
	let posing = Validators::new(1, &SEEDS[0..4]);
	let leaves = chain_leaves(&sets(), 1, 1, &[]);
	let handover = Handover::new(&mmr_at(&leaves, 1), 1, &posing, &[0, 1, 2]);
	let error = submit_error(&env.client, &handover.commitment, &handover.signatures).await;
	assert!(matches!(error, E::HandoverNeedsLeaf(ref e) if e.nextSetId == 1), "{error:?}");
	let error = handover.error(&env.client).await;
	assert!(matches!(error, E::NotInValidatorSet(ref e) if e.index == 0), "{error:?}");
}

/// Attack: replaying the latest commitment, or an older one.
#[tokio::test(flavor = "multi_thread")]
async fn attack_commitments_not_newer_are_refused() {
	let [set0, set1, _] = sets();
	let env = deploy(&set0, &set1.authority_set(), 4).await;
	let (at_4, s4) = signed(&set0, H256::repeat_byte(4), 4, &[0, 1, 2]);
	let error = submit_error(&env.client, &at_4, &s4).await;
	assert!(
		matches!(error, E::StaleCommitment(ref e) if e.blockNumber == 4 && e.latestBlock == 4),
		"{error:?}"
	);

	let (at_6, s6) = signed(&set0, H256::repeat_byte(6), 6, &[0, 1, 2]);
	submit(&env.client, &at_6, &s6).await;
	let error = submit_error(&env.client, &at_6, &s6).await;
	assert!(
		matches!(error, E::StaleCommitment(ref e) if e.blockNumber == 6 && e.latestBlock == 6),
		"{error:?}"
	);
	let (at_5, s5) = signed(&set0, H256::repeat_byte(5), 5, &[0, 1, 2]);
	let error = submit_error(&env.client, &at_5, &s5).await;
	assert!(matches!(error, E::StaleCommitment(ref e) if e.blockNumber == 5), "{error:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_next_set_takes_over_and_the_old_set_is_refused() {
	let sets = sets();
	let [set0, set1, set2] = &sets;
	let env = deploy(set0, &set1.authority_set(), 0).await;
	let leaves = chain_leaves(&sets, 6, 4, &[]);
	let (c, s) = signed(set0, mmr_at(&leaves, 2).root, 2, &[0, 1, 2]);
	submit(&env.client, &c, &s).await;

	let handover = Handover::new(&mmr_at(&leaves, 4), 4, set1, &[0, 1, 2]);
	let gas = handover.send(&env.client).await;
	assert_eq!(env.client.currentValidatorSet().call().await.unwrap(), set1.sol_set());
	assert_eq!(env.client.nextValidatorSet().call().await.unwrap(), set2.sol_set());
	assert_eq!(env.client.latestBlock().call().await.unwrap(), 4);
	let events = env.client.ValidatorSetChanged_filter().from_block(0).query().await.unwrap();
	assert_eq!(events.len(), 1);
	let e = &events[0].0;
	let next = set2.sol_set();
	assert_eq!((e.currentSetId, e.nextSetId, e.nextSetLen, e.nextSetRoot), (1, 2, 4, next.root));

	// Attack: the old set's commitment after the handover.
	let (c, s) = signed(set0, mmr_at(&leaves, 5).root, 5, &[0, 1, 2, 3]);
	let error = submit_error(&env.client, &c, &s).await;
	assert!(
		matches!(error, E::UnknownValidatorSet(ref e)
			if (e.given, e.currentSetId, e.nextSetId) == (0, 1, 2)),
		"{error:?}"
	);
	// The new current set signs as usual.
	let (c, s) = signed(set1, mmr_at(&leaves, 5).root, 5, &[1, 2, 3]);
	submit(&env.client, &c, &s).await;

	// Proofs against older accepted roots still verify, each naming its root's block.
	for (leaf_index, root_block) in [(0, 2), (1, 4), (3, 5)] {
		let proof = sol_mmr_proof(&mmr_at(&leaves, root_block).proof(leaf_index));
		let at = env.client.verifyMmrLeaf(sol_leaf(&leaves[leaf_index]), proof).call().await;
		assert_eq!(at.unwrap(), root_block);
	}
	println!("gas: submitHandover, 4 validators, 3 signatures (4-leaf MMR): {gas}");
}

/// Attack: a handover without the leaf, with the leaf of another block, with a leaf or
/// proof not under the commitment's root, or by the current set.
#[tokio::test(flavor = "multi_thread")]
async fn attack_handover_without_or_with_a_wrong_leaf_is_refused() {
	let sets = sets();
	let [set0, set1, _] = &sets;
	let env = deploy(set0, &set1.authority_set(), 0).await;
	let leaves = chain_leaves(&sets, 4, 4, &[]);
	let mmr = mmr_at(&leaves, 4);
	let good = Handover::new(&mmr, 4, set1, &[0, 1, 2]);

	let error = submit_error(&env.client, &good.commitment, &good.signatures).await;
	assert!(matches!(error, E::HandoverNeedsLeaf(_)), "{error:?}");

	// The leaf of block 3 (in the MMR, but stating set 1 as next: no handover).
	let other = Handover {
		leaf: sol_leaf(&leaves[2]),
		proof: sol_mmr_proof(&mmr.proof(2)),
		..good.clone()
	};
	let error = other.error(&env.client).await;
	assert!(
		matches!(error, E::LeafNotOfCommitmentBlock(ref e)
			if (e.leafParentNumber, e.blockNumber) == (2, 4)),
		"{error:?}"
	);

	// Block 4's leaf with an attacker's set as next.
	let attackers = Validators::new(2, &["//Eve"]);
	let mut forged = leaves[3].clone();
	forged.beefy_next_authority_set = attackers.authority_set();
	let tampered = Handover { leaf: sol_leaf(&forged), ..good.clone() };
	let error = tampered.error(&env.client).await;
	assert!(
		matches!(error, E::LeafNotUnderCommitment(ref e) if e.mmrRoot == FixedBytes(mmr.root.0)),
		"{error:?}"
	);

	// That leaf in a forked MMR, proven there, under the real commitment.
	let mut fork = leaves.clone();
	fork[3] = forged;
	let fork = Mmr::new(fork);
	let forked = Handover {
		leaf: sol_leaf(&fork.leaves[3]),
		proof: sol_mmr_proof(&fork.proof(3)),
		..good.clone()
	};
	let error = forked.error(&env.client).await;
	assert!(
		matches!(error, E::LeafNotUnderCommitment(ref e) if e.computedRoot == FixedBytes(fork.root.0)),
		"{error:?}"
	);

	// A corrupt leaf proof.
	let mut short = good.clone();
	short.proof.items.pop();
	let error = short.error(&env.client).await;
	assert!(matches!(error, E::MmrProofItemCount(_)), "{error:?}");

	// The current set cannot hand over (to anyone).
	let error = Handover::new(&mmr, 4, set0, &[0, 1, 2]).error(&env.client).await;
	assert!(
		matches!(error, E::NotAHandover(ref e) if e.given == 0 && e.nextSetId == 1),
		"{error:?}"
	);

	good.send(&env.client).await;
}

/// Attack: a handover whose signed leaf states a next set with a wrong id, or an empty one
/// (the chain's validators signed it, but the client cannot follow such a set).
#[tokio::test(flavor = "multi_thread")]
async fn attack_handover_to_a_wrong_or_empty_next_set_is_refused() {
	let sets = sets();
	let [set0, set1, _] = &sets;
	let env = deploy(set0, &set1.authority_set(), 0).await;
	let leaves = chain_leaves(&sets, 4, 4, &[]);
	for (id, len, expected) in [(5, 4, "id"), (2, 0, "empty")] {
		let mut odd = leaves.clone();
		odd[3].beefy_next_authority_set.id = id;
		odd[3].beefy_next_authority_set.len = len;
		let error = Handover::new(&Mmr::new(odd), 4, set1, &[0, 1, 2]).error(&env.client).await;
		match expected {
			"id" => assert!(
				matches!(error, E::NextSetIdMismatch(ref e) if e.expected == U256::from(2) && e.given == 5),
				"{error:?}"
			),
			_ => assert!(matches!(error, E::EmptyValidatorSet(ref e) if e.id == 2), "{error:?}"),
		}
	}

	Handover::new(&mmr_at(&leaves, 4), 4, set1, &[0, 1, 2]).send(&env.client).await;
}

/// MMRs of 1..=33 leaves (real leaves, pallet-mmr's merge): every leaf's proof leads
/// `Mmr.sol` to the root pallet-mmr computes, and on every tampered proof `Mmr.sol`
/// reaches ckb's verdict (the same root, or corrupt). A changed leaf, item or index never
/// proves the leaf; a changed leaf count proves it exactly when pallet-mmr's
/// `verify_leaves_proof` accepts it too.
#[tokio::test(flavor = "multi_thread")]
async fn mmr_roots_agree_with_pallet_mmr_for_every_leaf() {
	const MAX_LEAVES: u32 = 33;
	let anvil = Anvil::spawn(31337).expect("anvil");
	let harness = ProofHarness::deploy(common::provider(&anvil))
		.await
		.expect("deploy the harness");
	let next = sets()[1].authority_set();
	let all: Vec<Leaf> = (1..=MAX_LEAVES)
		.map(|b| leaf(b, next.clone(), keccak_256(&b.to_le_bytes())))
		.collect();
	let (mut tampered, mut refused, mut count_accepted) = (0, 0, 0);
	for n in 1..=MAX_LEAVES as usize {
		let mmr = Mmr::new(all[..n].to_vec());
		for i in 0..n {
			let (hash, proof) = (mmr.leaf_hash(i), mmr.proof(i));
			assert_eq!(ckb_root(hash, &proof), Some(mmr.root), "n {n} leaf {i}");
			assert_eq!(
				sol_mmr_root(&harness, hash, &proof).await,
				Some(mmr.root),
				"n {n} leaf {i}"
			);
			for (what, hash, bad, count_only) in mmr_tamperings(hash, &proof) {
				let got = sol_mmr_root(&harness, hash, &bad).await;
				assert_eq!(
					got,
					ckb_root(hash, &bad),
					"n {n} leaf {i}, {what}: Solidity and ckb differ"
				);
				let pallet =
					pallet_mmr::verify_leaves_proof::<sp_runtime::traits::Keccak256, Leaf>(
						mmr.root,
						vec![Node::Hash(hash)],
						bad,
					)
					.is_ok();
				assert_eq!(
					got == Some(mmr.root),
					pallet,
					"n {n} leaf {i}, {what}: pallet-mmr differs"
				);
				// One leaf: ckb returns the leaf whatever the items (so does Mmr.sol).
				let items_ignored = n == 1 && what == "item appended";
				if !count_only && !items_ignored {
					assert_ne!(got, Some(mmr.root), "n {n} leaf {i}, {what} still proves the leaf");
				}
				tampered += 1;
				refused += usize::from(got.is_none());
				count_accepted += usize::from(count_only && got == Some(mmr.root));
			}
		}
	}
	println!(
		"MMR: {tampered} tampered proofs, {refused} refused as corrupt, {count_accepted} count \
		 changes pallet-mmr accepts too"
	);
	assert!(refused > 0 && tampered > refused, "the tamperings exercise both outcomes");
}

/// `MerkleProof.verify` and `MerkleProof.verifyCanonical` of one case.
async fn merkle_verdicts(
	harness: &Harness,
	root: H256,
	proof: &[H256],
	count: u32,
	index: u32,
	hash: H256,
) -> (bool, bool) {
	let items: Vec<_> = proof.iter().map(|h| FixedBytes(h.0)).collect();
	let (root, hash) = (FixedBytes(root.0), FixedBytes(hash.0));
	let plain = harness.merkleVerify(root, items.clone(), count, index, hash).call().await;
	let canonical = harness.merkleVerifyCanonical(root, items, count, index, hash).call().await;
	(plain.unwrap(), canonical.unwrap())
}

/// Trees of 1..=17 leaves: `MerkleProof.verify` reaches `binary_merkle_tree::verify_proof`'s
/// verdict on every genuine and tampered proof, every leaf's proof claimed at every other
/// index included. `verify_proof` accepts some of those (a last node counts as a right
/// child at any level); `verifyCanonical`, which the light client uses, accepts none.
#[tokio::test(flavor = "multi_thread")]
async fn merkle_proofs_agree_with_binary_merkle_tree() {
	use binary_merkle_tree::{merkle_proof, merkle_root, verify_proof, Leaf as MerkleLeaf};
	use sp_runtime::traits::Keccak256;
	let anvil = Anvil::spawn(31337).expect("anvil");
	let harness = ProofHarness::deploy(common::provider(&anvil))
		.await
		.expect("deploy the harness");
	let (mut cases, mut accepted, mut other_index) = (0, 0, 0);
	for n in 1..=17u32 {
		let leaves: Vec<[u8; 20]> =
			(0..n).map(|i| keccak_256(&i.to_le_bytes())[..20].try_into().unwrap()).collect();
		let root = merkle_root::<Keccak256, _>(&leaves);
		for i in 0..n {
			let proof = merkle_proof::<Keccak256, _, _>(&leaves, i).proof;
			let hash = H256(keccak_256(&leaves[i as usize]));
			let mut variants = vec![("genuine".to_string(), hash, proof.clone(), n, i)];
			variants.push(("another leaf".into(), H256::repeat_byte(0xee), proof.clone(), n, i));
			for j in (0..=n).filter(|j| *j != i) {
				variants.push((format!("index {j}"), hash, proof.clone(), n, j));
			}
			variants.push(("count + 1".into(), hash, proof.clone(), n + 1, i));
			variants.push(("count - 1".into(), hash, proof.clone(), n - 1, i));
			for k in 0..proof.len() {
				let mut p = proof.clone();
				p[k].0[31] ^= 1;
				variants.push((format!("item {k} changed"), hash, p, n, i));
			}
			let mut longer = proof.clone();
			longer.push(H256::repeat_byte(0x11));
			variants.push(("item appended".into(), hash, longer, n, i));
			if let Some((_, shorter)) = proof.split_last() {
				variants.push(("last item dropped".into(), hash, shorter.to_vec(), n, i));
			}
			for (what, hash, p, count, index) in variants {
				let rust = verify_proof::<Keccak256, _, _>(
					&root,
					p.clone(),
					count,
					index,
					MerkleLeaf::Hash(hash),
				);
				let (plain, canonical) =
					merkle_verdicts(&harness, root, &p, count, index, hash).await;
				assert_eq!(plain, rust, "n {n} leaf {i}, {what}: Solidity and Rust differ");
				assert!(!canonical || plain, "n {n} leaf {i}, {what}: canonical but not valid");
				if what == "genuine" {
					assert!(canonical, "n {n} leaf {i}: the genuine proof");
				} else if index != i {
					assert!(!canonical, "n {n} leaf {i}, {what}: the leaf proves at another index");
					other_index += usize::from(plain);
				}
				cases += 1;
				accepted += usize::from(plain);
			}
		}
	}
	println!(
		"Merkle: {cases} cases, {accepted} accepted by verify_proof, of which {other_index} at \
		 another index (refused by verifyCanonical)"
	);
	assert!(other_index > 0, "the index cases exercise verify_proof's loose index");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_record_hash_is_the_appchains() {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let harness = ProofHarness::deploy(common::provider(&anvil))
		.await
		.expect("deploy the harness");
	for (seed, provers, proof_len) in [(0, 0, 0), (1, 1, 256), (2, 3, 1000), (200, 2, 33)] {
		let seq = Sequence::new(seed, provers, proof_len);
		let hash = harness.recordHash(seq.sol()).call().await.unwrap();
		assert_eq!(hash.0, seq.record().hash(), "seed {seed}");
	}
}

/// The record → leaf → accepted root chain the inbox will check: a real record of a
/// finalized block proves (against the root it was built on and a later one); a different
/// record, a wrong position, a leaf under no accepted root, or an invented records root do
/// not.
#[tokio::test(flavor = "multi_thread")]
async fn a_finalized_record_proves_through_its_leaf_to_an_accepted_root() {
	let sets = sets();
	let env = deploy(&sets[0], &sets[1].authority_set(), 0).await;
	let harness = ProofHarness::deploy(env.provider.clone()).await.expect("deploy the harness");
	let client = *env.client.address();
	let sequences = [Sequence::new(1, 1, 256), Sequence::new(2, 3, 256), Sequence::new(3, 2, 256)];
	let hashes: Vec<[u8; 32]> = sequences.iter().map(|s| s.record().hash()).collect();
	let leaves = chain_leaves(&sets, 7, 100, &hashes);
	for block in [5, 7] {
		let (c, s) = signed(&sets[0], mmr_at(&leaves, block).root, block, &[0, 1, 2]);
		submit(&env.client, &c, &s).await;
	}

	// Sequence 1's record, at position 1 of block 3's records, under the roots of blocks 5
	// and 7.
	let proof_at = |root_block: u32, leaf: &Leaf, index: u32| ProofHarness::FinalityProof {
		leaf: recast(&sol_leaf(leaf)),
		leafProof: recast(&sol_mmr_proof(&mmr_at(&leaves, root_block).proof(2))),
		recordIndex: index,
		recordCount: 3,
		recordProof: record_proof(&hashes, index as usize)
			.unwrap()
			.into_iter()
			.map(FixedBytes)
			.collect(),
	};
	for root_block in [5, 7] {
		let proven = harness.prove(client, sequences[1].sol(), proof_at(root_block, &leaves[2], 1));
		assert_eq!(proven.call().await.unwrap(), root_block);
	}
	let gas_prove =
		gas_of(harness.prove(client, sequences[1].sol(), proof_at(5, &leaves[2], 1)).send()).await;
	let mmr5 = mmr_at(&leaves, 5);
	let direct = env.client.verifyMmrLeaf(sol_leaf(&leaves[2]), sol_mmr_proof(&mmr5.proof(2)));
	let gas_leaf = gas_of(direct.send()).await;

	// Attack: another record (the provers changed) in sequence 1's place, and sequence 0's
	// record claimed at position 1.
	let mut changed = sequences[1].clone();
	changed.provers.reverse();
	for (seq, index) in [(&changed, 1), (&sequences[0], 1)] {
		let error = harness
			.prove(client, seq.sol(), proof_at(5, &leaves[2], index))
			.call()
			.await
			.expect_err("refused");
		let error = error.as_decoded_interface_error::<ProofHarness::ProofHarnessErrors>();
		assert!(
			matches!(error, Some(ProofHarness::ProofHarnessErrors::RecordNotInLeaf(_))),
			"{error:?}"
		);
	}

	// Attack: the genuine leaf under the root of block 6 (never submitted); an invented
	// records root holding `changed`, in a leaf of block 3 that no accepted root holds.
	let mut unaccepted = proof_at(5, &leaves[2], 1);
	unaccepted.leafProof = recast(&sol_mmr_proof(&mmr_at(&leaves, 6).proof(2)));
	let mut invented_leaf = leaves[2].clone();
	let invented = [hashes[0], changed.record().hash(), hashes[2]];
	invented_leaf.leaf_extra = H256(records_root(&invented));
	let mut invented_proof = proof_at(5, &invented_leaf, 1);
	invented_proof.recordProof =
		record_proof(&invented, 1).unwrap().into_iter().map(FixedBytes).collect();
	for (seq, proof) in [(&sequences[1], unaccepted), (&changed, invented_proof)] {
		let error = harness.prove(client, seq.sol(), proof).call().await.expect_err("refused");
		let decoded = error.as_decoded_interface_error::<E>();
		assert!(matches!(decoded, Some(E::UnknownMmrRoot(_))), "{error}");
	}
	println!("gas: FinalizedRecord.prove via the harness (3 records, 5-leaf MMR): {gas_prove}");
	println!("gas: verifyMmrLeaf (5-leaf MMR): {gas_leaf}");
}
