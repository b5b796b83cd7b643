//! Vectors for the BEEFY light client, built with polkadot-sdk's own code: validator keys
//! from dev seeds (`sp_core::ecdsa`), their Ethereum addresses (pallet-beefy-mmr's
//! `BeefyEcdsaToEthereum`), the set root (`binary_merkle_tree` with `Keccak256`, as
//! pallet-beefy-mmr's `compute_authority_set`), commitments and signatures
//! (`sp_consensus_beefy`), MMR leaves (`sp_consensus_beefy::mmr::MmrLeaf`) in a real MMR
//! (`polkadot-ckb-merkle-mountain-range` with pallet-mmr's merge, proofs cross-checked with
//! `pallet_mmr::verify_leaves_proof`), and records (`zkpow_primitives::record`); plus their
//! conversions into the contract's typed arguments (what a relayer does).

#![allow(dead_code)]

mod env;
pub use env::*;

use alloy::primitives::{Address, FixedBytes};
use codec::Encode;
use pallet_beefy_mmr::BeefyEcdsaToEthereum;
use polkadot_ckb_merkle_mountain_range::{
	leaf_index_to_pos, util::MemStore, Merge, MerkleProof as CkbProof, MMR,
};
use sp_consensus_beefy::{
	ecdsa_crypto,
	known_payloads::MMR_ROOT_ID,
	mmr::{BeefyAuthoritySet, MmrLeaf, MmrLeafVersion},
	BeefyAuthorityId, Commitment, Payload, SignedCommitment,
};
use sp_core::{ecdsa, Pair, H256};
use sp_crypto_hashing::keccak_256;
use sp_mmr_primitives::{DataOrHash, LeafProof};
use sp_runtime::traits::{Convert, Keccak256};
use zkpow_contracts::BeefyClient;

/// The appchain's MMR leaf (pallet-beefy-mmr with `LeafExtra = H256`, block numbers u32).
pub type Leaf = MmrLeaf<u32, H256, H256, H256>;
/// A node of pallet-mmr's MMR of such leaves.
pub type Node = DataOrHash<Keccak256, Leaf>;
/// A signed commitment as the appchain's BEEFY gadget produces it.
pub type Signed = SignedCommitment<u32, ecdsa_crypto::Signature>;

/// The dev seeds validator keys are derived from.
pub const SEEDS: [&str; 6] = ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"];

/// pallet-mmr's `Hasher` (private there): `keccak256(left.hash() ++ right.hash())`.
pub struct PalletMmrMerge;

impl Merge for PalletMmrMerge {
	type Item = Node;

	fn merge(left: &Node, right: &Node) -> polkadot_ckb_merkle_mountain_range::Result<Node> {
		let mut concat = left.hash().as_ref().to_vec();
		concat.extend_from_slice(right.hash().as_ref());
		Ok(Node::Hash(<Keccak256 as sp_runtime::traits::Hash>::hash(&concat)))
	}
}

/// A BEEFY validator set with its keys.
pub struct Validators {
	/// The set id.
	pub id: u64,
	/// Key pairs in set order.
	pub pairs: Vec<ecdsa::Pair>,
	/// Ethereum addresses in set order (`BeefyEcdsaToEthereum`).
	pub addresses: Vec<[u8; 20]>,
}

/// The key pair of a dev seed.
pub fn pair(seed: &str) -> ecdsa::Pair {
	ecdsa::Pair::from_string(seed, None).expect("dev seed")
}

/// The Ethereum address the runtime puts in the set root for `pair`'s BEEFY key.
pub fn address(pair: &ecdsa::Pair) -> [u8; 20] {
	let id = ecdsa_crypto::AuthorityId::from(pair.public());
	BeefyEcdsaToEthereum::convert(id).try_into().expect("20-byte address")
}

impl Validators {
	/// The set `id` of the validators with these dev seeds, in this order.
	pub fn new(id: u64, seeds: &[&str]) -> Self {
		let pairs: Vec<_> = seeds.iter().map(|s| pair(s)).collect();
		let addresses = pairs.iter().map(address).collect();
		Validators { id, pairs, addresses }
	}

	/// The set as the MMR leaves state it (pallet-beefy-mmr's `compute_authority_set`).
	pub fn authority_set(&self) -> BeefyAuthoritySet<H256> {
		BeefyAuthoritySet {
			id: self.id,
			len: self.addresses.len() as u32,
			keyset_commitment: binary_merkle_tree::merkle_root::<Keccak256, _>(&self.addresses),
		}
	}

	/// The set as the contract takes it.
	pub fn sol_set(&self) -> BeefyClient::ValidatorSet {
		sol_set(&self.authority_set())
	}

	/// `commitment` signed by the validators at `signers` (a real `SignedCommitment`:
	/// `sign_prehashed` of `keccak256(SCALE(commitment))`, `None` for the others), each
	/// signature checked with BEEFY's own `BeefyAuthorityId::verify`.
	pub fn sign(&self, commitment: &Commitment<u32>, signers: &[usize]) -> Signed {
		let message = commitment.encode();
		let hash = keccak_256(&message);
		let signatures = (0..self.pairs.len())
			.map(|i| {
				signers.contains(&i).then(|| {
					let signature =
						ecdsa_crypto::Signature::from(self.pairs[i].sign_prehashed(&hash));
					let id = ecdsa_crypto::AuthorityId::from(self.pairs[i].public());
					assert!(BeefyAuthorityId::verify(&id, &signature, &message), "BEEFY check");
					signature
				})
			})
			.collect();
		SignedCommitment { commitment: commitment.clone(), signatures }
	}

	/// The membership proof of validator `index` under the set root.
	pub fn membership_proof(&self, index: usize) -> Vec<FixedBytes<32>> {
		binary_merkle_tree::merkle_proof::<Keccak256, _, _>(&self.addresses, index as u32)
			.proof
			.into_iter()
			.map(|h| FixedBytes(h.0))
			.collect()
	}

	/// A relayer's conversion of `signed` into `submit`'s signatures: one per present
	/// signature, with the validator's index, address and membership proof.
	pub fn signatures(&self, signed: &Signed) -> Vec<BeefyClient::ValidatorSignature> {
		signed
			.signatures
			.iter()
			.enumerate()
			.filter_map(|(i, s)| s.as_ref().map(|s| self.signature(i, s)))
			.collect()
	}

	/// Validator `index`'s signature `signature` as the contract takes it.
	pub fn signature(
		&self,
		index: usize,
		signature: &ecdsa_crypto::Signature,
	) -> BeefyClient::ValidatorSignature {
		let raw: &[u8] = signature.as_ref();
		assert_eq!(raw.len(), 65);
		BeefyClient::ValidatorSignature {
			index: index as u32,
			account: Address::from(self.addresses[index]),
			r: FixedBytes::from_slice(&raw[..32]),
			s: FixedBytes::from_slice(&raw[32..64]),
			v: raw[64],
			proof: self.membership_proof(index),
		}
	}
}

/// Our chain's commitment: the payload is the MMR root alone.
pub fn commitment(mmr_root: H256, block_number: u32, validator_set_id: u64) -> Commitment<u32> {
	Commitment {
		payload: Payload::from_single_entry(MMR_ROOT_ID, mmr_root.encode()),
		block_number,
		validator_set_id,
	}
}

/// `commitment` as the contract takes it (the payload's one MMR root).
pub fn sol_commitment(commitment: &Commitment<u32>) -> BeefyClient::Commitment {
	let root: H256 = commitment
		.payload
		.get_decoded(&MMR_ROOT_ID)
		.expect("the payload holds an MMR root");
	BeefyClient::Commitment {
		mmrRoot: FixedBytes(root.0),
		blockNumber: commitment.block_number,
		validatorSetId: commitment.validator_set_id,
	}
}

/// `set` as the contract takes it.
pub fn sol_set(set: &BeefyAuthoritySet<H256>) -> BeefyClient::ValidatorSet {
	BeefyClient::ValidatorSet {
		id: set.id,
		len: set.len,
		root: FixedBytes(set.keyset_commitment.0),
	}
}

/// `leaf` as the contract takes it (the version byte is the leaf's first encoded byte).
pub fn sol_leaf(leaf: &Leaf) -> BeefyClient::MmrLeaf {
	BeefyClient::MmrLeaf {
		version: leaf.version.encode()[0],
		parentNumber: leaf.parent_number_and_hash.0,
		parentHash: FixedBytes(leaf.parent_number_and_hash.1 .0),
		nextAuthoritySet: sol_set(&leaf.beefy_next_authority_set),
		extra: FixedBytes(leaf.leaf_extra.0),
	}
}

/// The leaf of block `block` (pallet-beefy-mmr's `leaf_data` at that block): parent
/// `block - 1` with a hash derived from the number, the next set, the records root.
pub fn leaf(block: u32, next: BeefyAuthoritySet<H256>, records_root: [u8; 32]) -> Leaf {
	MmrLeaf {
		version: MmrLeafVersion::new(0, 0),
		parent_number_and_hash: (block - 1, H256(keccak_256(&(block - 1).to_le_bytes()))),
		beefy_next_authority_set: next,
		leaf_extra: H256(records_root),
	}
}

/// A real MMR of leaves, one per block from block 1, as pallet-mmr builds it.
pub struct Mmr {
	/// The leaves, leaf `i` of block `i + 1`.
	pub leaves: Vec<Leaf>,
	store: MemStore<Node>,
	size: u64,
	/// The root (pallet-mmr's `mmr_root` after the last leaf).
	pub root: H256,
}

impl Mmr {
	/// Pushes `leaves` into an empty MMR with pallet-mmr's merge.
	pub fn new(leaves: Vec<Leaf>) -> Self {
		let store = MemStore::default();
		let mut mmr = MMR::<Node, PalletMmrMerge, _>::new(0, &store);
		for leaf in &leaves {
			mmr.push(Node::Data(leaf.clone())).expect("push");
		}
		let root = mmr.get_root().expect("root").hash();
		let size = mmr.mmr_size();
		mmr.commit().expect("commit");
		Mmr { leaves, store, size, root }
	}

	/// `mmr_generateProof` of leaf `index` (`LeafProof` items in ckb's order), checked with
	/// pallet-mmr's own `verify_leaves_proof` against the root. (The leaf goes in as its
	/// hash: given as `Node::Data`, pallet-mmr refuses the proof of a one-leaf MMR, whose
	/// root ckb returns as the leaf itself, `Data`, unequal to the root as `Hash`.)
	pub fn proof(&self, index: usize) -> LeafProof<H256> {
		let mmr = MMR::<Node, PalletMmrMerge, _>::new(self.size, &self.store);
		let proof = mmr.gen_proof(vec![leaf_index_to_pos(index as u64)]).expect("proof");
		let proof = LeafProof {
			leaf_indices: vec![index as u64],
			leaf_count: self.leaves.len() as u64,
			items: proof.proof_items().iter().map(Node::hash).collect(),
		};
		pallet_mmr::verify_leaves_proof::<Keccak256, Leaf>(
			self.root,
			vec![Node::Hash(self.leaf_hash(index))],
			proof.clone(),
		)
		.expect("pallet-mmr accepts its proof");
		proof
	}

	/// The node hash of leaf `index`.
	pub fn leaf_hash(&self, index: usize) -> H256 {
		Node::Data(self.leaves[index].clone()).hash()
	}
}

/// What ckb's `calculate_root` (pallet-mmr's verification) makes of a single-leaf proof:
/// the root, or `None` for a corrupt proof.
pub fn ckb_root(leaf_hash: H256, proof: &LeafProof<H256>) -> Option<H256> {
	let size = sp_mmr_primitives::utils::NodesUtils::new(proof.leaf_count).size();
	let items = proof.items.iter().map(|h| Node::Hash(*h)).collect();
	let position = leaf_index_to_pos(proof.leaf_indices[0]);
	CkbProof::<Node, PalletMmrMerge>::new(size, items)
		.calculate_root(vec![(position, Node::Hash(leaf_hash))])
		.ok()
		.map(|n| n.hash())
}

/// `proof` as the contract takes it.
pub fn sol_mmr_proof(proof: &LeafProof<H256>) -> BeefyClient::MmrProof {
	BeefyClient::MmrProof {
		leafIndex: proof.leaf_indices[0],
		leafCount: proof.leaf_count,
		items: proof.items.iter().map(|h| FixedBytes(h.0)).collect(),
	}
}
