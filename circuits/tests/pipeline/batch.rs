//! Batch proofs: valid transitions prove and verify; invalid ones cannot produce a
//! verifying proof.

use crate::common::{backend, genesis, keys, MINER_A, MINER_B};
use ark_bn254::Fr;
use zkpow_circuits::{
	config::TEST,
	field::fr_to_bytes,
	prove::{is_satisfied, prove_unchecked},
	rollup::{
		leaf_hash,
		smt::SparseMerkleTree,
		transfer::{data_hash, Transfer},
		witness::{BatchWitness, LeafOpening},
	},
	stages::{batch::BatchCircuit, StageCircuit},
	BatchStage, Error,
};
use zkpow_primitives::{artifact::batch_public_inputs, groth16, groth16::VerifyError, BatchHeader};

fn transfer(from: u32, to: u32, amount: u64, nonce: u64) -> Transfer {
	Transfer { from, to, amount, nonce }
}

/// A valid two-transfer batch from genesis.
fn valid_witness() -> BatchWitness {
	genesis()
		.apply_batch(&[transfer(0, 9, 100, 0), transfer(9, 2, 40, 0)])
		.expect("valid transfers")
}

/// The circuit is unsatisfied, and the proof a cheating prover computes from it anyway
/// does not verify for the public inputs it claims.
fn assert_cannot_prove(circuit: BatchCircuit) {
	assert!(!is_satisfied(circuit.clone()).unwrap(), "the witness must not satisfy the circuit");
	let proof = prove_unchecked(&keys().batch.pk, circuit.clone()).unwrap();
	let inputs = batch_public_inputs(&circuit.prev_root, &circuit.header(), &circuit.prover);
	assert_eq!(
		groth16::verify(&keys().batch.vk_bytes, &proof, &inputs),
		Err(VerifyError::ProofRejected)
	);
}

#[test]
fn valid_batch_proves_and_verifies() {
	let mut state = genesis();
	let transfers = [transfer(0, 9, 100, 0), transfer(9, 2, 40, 0)];
	let witness = state.apply_batch(&transfers).unwrap();
	let proved = backend().prove_batch(&MINER_A, &witness).unwrap();
	assert_eq!(
		proved.header,
		BatchHeader { state_root: state.root_bytes(), data_hash: data_hash(&transfers) }
	);
	assert_eq!(state.account(9).balance, 60);
	let inputs = batch_public_inputs(&witness.prev_root, &proved.header, &MINER_A);
	assert_eq!(groth16::verify(&keys().batch.vk_bytes, &proved.proof, &inputs), Ok(()));
}

#[test]
fn short_empty_and_self_transfer_batches_prove() {
	let mut state = genesis();
	for transfers in [vec![transfer(3, 3, 10, 0)], vec![], vec![transfer(1, 0, 1_000, 0)]] {
		let witness = state.apply_batch(&transfers).unwrap();
		let proved = backend().prove_batch(&MINER_A, &witness).unwrap();
		assert_eq!(proved.header.state_root, state.root_bytes());
		let inputs = batch_public_inputs(&witness.prev_root, &proved.header, &MINER_A);
		assert_eq!(groth16::verify(&keys().batch.vk_bytes, &proved.proof, &inputs), Ok(()));
	}
	assert_eq!(state.account(3).nonce, 1);
	assert_eq!(state.account(1).balance, 0);
}

#[test]
fn overspend_cannot_produce_a_verifying_proof() {
	// Account 0 holds 1,000 and sends 1,001. The cheating witness is consistent
	// everywhere else: the receiver's path is taken in the tree where the sender's
	// balance wrapped around, so only the no-overspend constraint can catch it.
	let state = genesis();
	let mut witness = state.clone().apply_batch(&[transfer(0, 1, 0, 0)]).unwrap();
	witness.transfers[0].amount = 1_001;
	let mut wrapped = SparseMerkleTree::new(TEST.tree_depth);
	for (index, account) in state.accounts() {
		wrapped.set(*index as u64, account.leaf());
	}
	wrapped.set(0, leaf_hash(Fr::from(1_000u64) - Fr::from(1_001u64), Fr::from(1u64)));
	witness.accesses[0].receiver = LeafOpening {
		balance: 1_000,
		nonce: 0,
		siblings: wrapped.path(1).iter().map(fr_to_bytes).collect(),
	};
	let err = witness.execute(&TEST).unwrap_err();
	assert!(err.to_string().contains("overspend"), "{err}");
	assert!(matches!(backend().prove_batch(&MINER_A, &witness), Err(Error::InvalidInput(_))));
	assert_cannot_prove(BatchCircuit::assign(TEST, &witness, MINER_A).unwrap());
}

#[test]
fn wrong_nonce_cannot_produce_a_verifying_proof() {
	let mut witness = valid_witness();
	witness.transfers[0].nonce = 1;
	let err = witness.execute(&TEST).unwrap_err();
	assert!(err.to_string().contains("nonce"), "{err}");
	assert!(matches!(backend().prove_batch(&MINER_A, &witness), Err(Error::InvalidInput(_))));
	assert_cannot_prove(BatchCircuit::assign(TEST, &witness, MINER_A).unwrap());
}

#[test]
fn wrong_roots_cannot_produce_a_verifying_proof() {
	let witness = valid_witness();
	let other_root = {
		let mut other = genesis();
		other.apply_batch(&[transfer(5, 6, 1, 0)]).unwrap();
		other.root_bytes()
	};

	// A claimed previous root the openings do not lead to.
	let mut wrong_prev = witness.clone();
	wrong_prev.prev_root = other_root;
	assert!(wrong_prev
		.execute(&TEST)
		.unwrap_err()
		.to_string()
		.contains("do not match the state root"));
	assert_cannot_prove(BatchCircuit::assign(TEST, &wrong_prev, MINER_A).unwrap());

	// A claimed new root other than where the transfers lead.
	let mut wrong_new = BatchCircuit::assign(TEST, &witness, MINER_A).unwrap();
	assert!(is_satisfied(wrong_new.clone()).unwrap());
	wrong_new.new_root = other_root;
	assert_cannot_prove(wrong_new);

	// A data hash other than that of the proven transfers.
	let mut wrong_data = BatchCircuit::assign(TEST, &witness, MINER_A).unwrap();
	wrong_data.data_hash = data_hash(&[transfer(0, 9, 101, 0), transfer(9, 2, 40, 0)]);
	assert_cannot_prove(wrong_data);
}

#[test]
fn tampered_sibling_cannot_produce_a_verifying_proof() {
	let mut witness = valid_witness();
	witness.accesses[0].receiver.siblings[3][31] ^= 1;
	assert!(witness.execute(&TEST).is_err());
	assert_cannot_prove(BatchCircuit::assign(TEST, &witness, MINER_A).unwrap());
}

#[test]
fn batch_proof_is_bound_to_its_miner() {
	let witness = valid_witness();
	let proved = backend().prove_batch(&MINER_A, &witness).unwrap();
	let for_b = batch_public_inputs(&witness.prev_root, &proved.header, &MINER_B);
	assert_eq!(
		groth16::verify(&keys().batch.vk_bytes, &proved.proof, &for_b),
		Err(VerifyError::ProofRejected)
	);
	let circuit = BatchCircuit::assign(TEST, &witness, MINER_A).unwrap();
	assert_eq!(circuit.public_inputs().len(), 8);
}

#[test]
fn oversized_or_misshaped_witnesses_are_rejected_with_a_message() {
	let mut witness = valid_witness();
	witness.transfers.push(transfer(0, 1, 1, 1));
	witness.accesses.push(witness.accesses[0].clone());
	let err = backend().prove_batch(&MINER_A, &witness).unwrap_err().to_string();
	assert!(err.contains("at most 2"), "{err}");

	let mut short_path = valid_witness();
	short_path.accesses[0].sender.siblings.pop();
	let err = backend().prove_batch(&MINER_A, &short_path).unwrap_err().to_string();
	assert!(err.contains("siblings"), "{err}");

	let mut outside = valid_witness();
	outside.transfers[0].to = 256;
	let err = backend().prove_batch(&MINER_A, &outside).unwrap_err().to_string();
	assert!(err.contains("outside"), "{err}");
}
