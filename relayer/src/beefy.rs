//! BEEFY finality for the EVM: what the appchain's validators signed, and the proofs that a
//! finalized sequence is under it.
//!
//! A sequence finalized in appchain block `n` reaches an inbox with three proofs, each
//! checked by the EVM light client (`contracts/sol/BeefyClient.sol`):
//!
//! 1. a **signed commitment** of a block `b > n`: the MMR root at `b`, signed by more than
//!    two thirds of the BEEFY validators (each signature with the signer's Merkle proof of
//!    membership in the validator set's root) — submitted once per root, shared by every
//!    sequence under it ([`CommitmentUpdate`]);
//! 2. an **MMR proof** that the leaf of block `n` is under that root (`mmr_generateProof`);
//! 3. a **record proof** that the sequence's record hash is under the leaf's extra data, the
//!    root over the records of block `n` ([`zkpow_primitives::record`]), rebuilt here from
//!    the block's `SequenceFinalized` events in order ([`RecordProof`]).

use crate::appchain::EventRecords;
use frame_support::crypto::ecdsa::ECDSAExt;
use sp_consensus_beefy::{
	ecdsa_crypto::{AuthorityId, Signature},
	known_payloads::MMR_ROOT_ID,
	mmr::MmrLeaf as GenericMmrLeaf,
	Commitment, SignedCommitment,
};
use sp_core::H256;
use zkpow_primitives::{
	record::{record_proof, Keccak256},
	Bytes32, RollupId, SequenceIndex,
};
use zkpow_runtime::RuntimeEvent;

/// A signed commitment as the appchain's BEEFY voters make it.
pub type BeefySignedCommitment = SignedCommitment<u32, Signature>;

/// The appchain's MMR leaf: parent number and hash, the next BEEFY set, and the root over
/// the block's finalized-sequence records as its extra data.
pub type MmrLeaf = GenericMmrLeaf<u32, H256, H256, H256>;

/// Why a finality proof could not be assembled.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FinalityError {
	/// The commitment carries no MMR root (`mh` payload).
	#[error("the BEEFY commitment of block {block} carries no MMR root")]
	NoMmrRoot {
		/// The commitment's block.
		block: u32,
	},
	/// The commitment has a signature slot per validator; this one does not.
	#[error("the commitment has {signatures} signature slots for {validators} validators")]
	SignatureCount {
		/// Slots in the commitment.
		signatures: usize,
		/// Validators in the set.
		validators: usize,
	},
	/// A validator's key has no Ethereum address (not a valid secp256k1 point).
	#[error("validator {index}'s BEEFY key has no Ethereum address")]
	BadKey {
		/// Index in the set.
		index: usize,
	},
	/// The block's events hold no `SequenceFinalized` for the sequence.
	#[error("no SequenceFinalized for rollup {rollup_id} sequence {sequence_index} in the block")]
	NotInBlock {
		/// Rollup.
		rollup_id: RollupId,
		/// Sequence.
		sequence_index: SequenceIndex,
	},
}

/// One validator's signature with what the light client needs to count it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorSignature {
	/// The validator's index in the set.
	pub index: u32,
	/// Its Ethereum address (keccak-256 of its uncompressed key, last 20 bytes).
	pub address: [u8; 20],
	/// `r ‖ s ‖ v` with `v` ∈ {0, 1}, over `keccak256(SCALE(commitment))`.
	pub signature: [u8; 65],
	/// Merkle proof of `address` at `index` under the set's root.
	pub proof: Vec<Bytes32>,
}

/// A commitment ready for the light client: its fields and the signatures it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitmentUpdate {
	/// The signed commitment's block.
	pub block_number: u32,
	/// The validator set that signed it.
	pub validator_set_id: u64,
	/// The MMR root at `block_number`.
	pub mmr_root: H256,
	/// How many validators the set has.
	pub validator_count: u32,
	/// The signatures present, in validator order.
	pub signatures: Vec<ValidatorSignature>,
}

impl CommitmentUpdate {
	/// The update for `signed`, signed by the validator set `authorities` (in set order).
	pub fn new(
		signed: &BeefySignedCommitment,
		authorities: &[AuthorityId],
	) -> Result<Self, FinalityError> {
		let Commitment { payload, block_number, validator_set_id } = &signed.commitment;
		let mmr_root = payload
			.get_decoded::<H256>(&MMR_ROOT_ID)
			.ok_or(FinalityError::NoMmrRoot { block: *block_number })?;
		if signed.signatures.len() != authorities.len() {
			return Err(FinalityError::SignatureCount {
				signatures: signed.signatures.len(),
				validators: authorities.len(),
			});
		}
		let addresses = validator_addresses(authorities)?;
		let signatures = signed
			.signatures
			.iter()
			.enumerate()
			.filter_map(|(index, sig)| sig.as_ref().map(|sig| (index, sig)))
			.map(|(index, sig)| ValidatorSignature {
				index: index as u32,
				address: addresses[index],
				signature: sig_bytes(sig),
				proof: binary_merkle_tree::merkle_proof::<Keccak256, _, _>(
					addresses.iter(),
					index as u32,
				)
				.proof,
			})
			.collect();
		Ok(Self {
			block_number: *block_number,
			validator_set_id: *validator_set_id,
			mmr_root,
			validator_count: authorities.len() as u32,
			signatures,
		})
	}
}

fn sig_bytes(sig: &Signature) -> [u8; 65] {
	let raw: &sp_core::ecdsa::Signature = sig.as_ref();
	raw.0
}

/// The Ethereum addresses of a validator set, in set order: the leaves of its root.
pub fn validator_addresses(authorities: &[AuthorityId]) -> Result<Vec<[u8; 20]>, FinalityError> {
	authorities
		.iter()
		.enumerate()
		.map(|(index, key)| {
			let key: &sp_core::ecdsa::Public = key.as_ref();
			key.to_eth_address().map_err(|_| FinalityError::BadKey { index })
		})
		.collect()
}

/// The root of a validator set as the MMR leaf states it (`keyset_commitment`).
pub fn validator_set_root(authorities: &[AuthorityId]) -> Result<H256, FinalityError> {
	let addresses = validator_addresses(authorities)?;
	Ok(H256(binary_merkle_tree::merkle_root::<Keccak256, _>(addresses.iter())))
}

/// Where a sequence's record sits among its block's records, with its proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordProof {
	/// The record's hash.
	pub record_hash: Bytes32,
	/// Its position among the block's records.
	pub index: u32,
	/// How many sequences the block finalized.
	pub count: u32,
	/// Sibling hashes from the record up to the leaf's extra data.
	pub proof: Vec<Bytes32>,
	/// The root over the block's records (the leaf's extra data).
	pub root: Bytes32,
}

/// The record proof of sequence `sequence_index` of `rollup_id` from the events of the
/// block that finalized it.
pub fn record_proof_in(
	events: &EventRecords,
	rollup_id: RollupId,
	sequence_index: SequenceIndex,
) -> Result<RecordProof, FinalityError> {
	let (mut index, mut hashes) = (None, Vec::new());
	for record in events {
		let RuntimeEvent::Zkpow(event) = &record.event else { continue };
		let Some(hash) = event.finalized_record_hash() else { continue };
		if let pallet_zkpow::Event::SequenceFinalized { rollup_id: r, sequence_index: i, .. } =
			event
		{
			if (*r, *i) == (rollup_id, sequence_index) {
				index = Some(hashes.len());
			}
		}
		hashes.push(hash);
	}
	let index = index.ok_or(FinalityError::NotInBlock { rollup_id, sequence_index })?;
	let record_hash = hashes[index];
	Ok(RecordProof {
		record_hash,
		index: index as u32,
		count: hashes.len() as u32,
		proof: record_proof(&hashes, index).expect("index is in range"),
		root: zkpow_primitives::record::records_root(&hashes),
	})
}

/// The light client's call arguments, in its ABI types (`contracts/sol/BeefyClient.sol`).
pub mod sol {
	use super::*;
	use alloy::primitives::{Address, FixedBytes};
	use sp_mmr_primitives::LeafProof;
	use zkpow_contracts::BeefyClient;

	/// The commitment of `update` as `submit` takes it.
	pub fn commitment(update: &CommitmentUpdate) -> BeefyClient::Commitment {
		BeefyClient::Commitment {
			mmrRoot: FixedBytes(update.mmr_root.0),
			blockNumber: update.block_number,
			validatorSetId: update.validator_set_id,
		}
	}

	/// The signatures of `update` as `submit` takes them.
	pub fn signatures(update: &CommitmentUpdate) -> Vec<BeefyClient::ValidatorSignature> {
		update
			.signatures
			.iter()
			.map(|s| BeefyClient::ValidatorSignature {
				index: s.index,
				account: Address::from(s.address),
				r: FixedBytes::from_slice(&s.signature[..32]),
				s: FixedBytes::from_slice(&s.signature[32..64]),
				v: s.signature[64],
				proof: s.proof.iter().map(|h| FixedBytes(*h)).collect(),
			})
			.collect()
	}

	/// A validator set as the MMR leaf states it.
	pub fn validator_set(
		set: &sp_consensus_beefy::mmr::BeefyAuthoritySet<H256>,
	) -> BeefyClient::ValidatorSet {
		BeefyClient::ValidatorSet {
			id: set.id,
			len: set.len,
			root: FixedBytes(set.keyset_commitment.0),
		}
	}

	/// An MMR leaf (its version is the leaf's first encoded byte).
	pub fn leaf(leaf: &MmrLeaf) -> BeefyClient::MmrLeaf {
		BeefyClient::MmrLeaf {
			version: codec::Encode::encode(&leaf.version)[0],
			parentNumber: leaf.parent_number_and_hash.0,
			parentHash: FixedBytes(leaf.parent_number_and_hash.1 .0),
			nextAuthoritySet: validator_set(&leaf.beefy_next_authority_set),
			extra: FixedBytes(leaf.leaf_extra.0),
		}
	}

	/// A single-leaf MMR proof (`mmr_generateProof` of one block).
	pub fn mmr_proof(proof: &LeafProof<H256>) -> BeefyClient::MmrProof {
		BeefyClient::MmrProof {
			leafIndex: proof.leaf_indices.first().copied().unwrap_or_default(),
			leafCount: proof.leaf_count,
			items: proof.items.iter().map(|h| FixedBytes(h.0)).collect(),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
	use sp_consensus_beefy::Payload;
	use sp_core::{ecdsa, Pair};

	fn validators(n: usize) -> Vec<ecdsa::Pair> {
		["Alice", "Bob", "Charlie", "Dave", "Eve"][..n]
			.iter()
			.map(|name| ecdsa::Pair::from_string(&format!("//{name}"), None).unwrap())
			.collect()
	}

	fn signed(pairs: &[ecdsa::Pair], signing: &[bool], root: H256) -> BeefySignedCommitment {
		let commitment = Commitment {
			payload: Payload::from_single_entry(MMR_ROOT_ID, root.encode()),
			block_number: 42,
			validator_set_id: 0,
		};
		let hash = sp_crypto_hashing::keccak_256(&commitment.encode());
		let signatures = pairs
			.iter()
			.zip(signing)
			.map(|(pair, signs)| signs.then(|| pair.sign_prehashed(&hash).into()))
			.collect();
		SignedCommitment { commitment, signatures }
	}

	#[test]
	fn an_update_carries_each_present_signature_with_its_membership_proof() {
		let pairs = validators(4);
		let authorities: Vec<AuthorityId> = pairs.iter().map(|p| p.public().into()).collect();
		let root = H256([7; 32]);
		let update =
			CommitmentUpdate::new(&signed(&pairs, &[true, false, true, true], root), &authorities)
				.unwrap();
		assert_eq!((update.block_number, update.validator_set_id), (42, 0));
		assert_eq!((update.mmr_root, update.validator_count), (root, 4));
		assert_eq!(update.signatures.iter().map(|s| s.index).collect::<Vec<_>>(), vec![0, 2, 3]);
		let set_root = validator_set_root(&authorities).unwrap();
		let addresses = validator_addresses(&authorities).unwrap();
		for s in &update.signatures {
			assert_eq!(s.address, addresses[s.index as usize]);
			assert!(binary_merkle_tree::verify_proof::<Keccak256, _, _>(
				&set_root.0,
				s.proof.iter().copied(),
				4,
				s.index,
				&s.address,
			));
			// The signature recovers to the validator's address over keccak(commitment).
			let sig = ecdsa::Signature::from_raw(s.signature);
			let hash = sp_crypto_hashing::keccak_256(
				&signed(&pairs, &[true; 4], root).commitment.encode(),
			);
			let key = sig.recover_prehashed(&hash).unwrap();
			assert_eq!(key.to_eth_address().unwrap(), s.address);
		}
	}

	fn finalized(
		rollup_id: RollupId,
		sequence_index: SequenceIndex,
	) -> frame_system::EventRecord<RuntimeEvent, H256> {
		let miner = zkpow_runtime::AccountId::from([9u8; 32]);
		frame_system::EventRecord {
			phase: frame_system::Phase::Initialization,
			event: RuntimeEvent::Zkpow(pallet_zkpow::Event::SequenceFinalized {
				rollup_id,
				sequence_index,
				start_batch: 1,
				batch_count: 1,
				prev_state_root: [1; 32],
				new_state_root: [2; 32],
				data_commitment: [3; 32],
				proof: vec![4, 5].try_into().unwrap(),
				prover: miner.clone(),
				provers: vec![miner].try_into().unwrap(),
				batches: Default::default(),
			}),
			topics: vec![],
		}
	}

	#[test]
	fn a_record_proof_puts_the_sequence_under_its_blocks_records_root() {
		let other = frame_system::EventRecord {
			phase: frame_system::Phase::Initialization,
			event: RuntimeEvent::Zkpow(pallet_zkpow::Event::RollupPaused { rollup_id: 1 }),
			topics: vec![],
		};
		let events = vec![finalized(1, 4), other, finalized(2, 0), finalized(1, 5)];
		let proof = record_proof_in(&events, 2, 0).unwrap();
		assert_eq!((proof.index, proof.count), (1, 3), "the second of three records");
		assert!(zkpow_primitives::record::verify_record_proof(
			&proof.root,
			&proof.proof,
			3,
			1,
			&proof.record_hash
		));
		assert_eq!(record_proof_in(&events, 1, 5).unwrap().root, proof.root, "one root per block");
		assert_eq!(
			record_proof_in(&events, 2, 1),
			Err(FinalityError::NotInBlock { rollup_id: 2, sequence_index: 1 })
		);
	}

	#[test]
	fn an_update_refuses_a_commitment_whose_slots_do_not_match_the_set() {
		let pairs = validators(4);
		let authorities: Vec<AuthorityId> = pairs[..3].iter().map(|p| p.public().into()).collect();
		assert_eq!(
			CommitmentUpdate::new(&signed(&pairs, &[true; 4], H256::zero()), &authorities),
			Err(FinalityError::SignatureCount { signatures: 4, validators: 3 })
		);
	}
}
