//! The light client tests' harness: a client deployed on its own anvil, sending and
//! simulating its calls, the test chain's validator sets and leaves, the `ProofHarness`
//! bindings (the proof libraries as external functions) and finalized sequences.

#![allow(dead_code)]

use super::*;
use alloy::{
	primitives::{Bytes, FixedBytes},
	providers::DynProvider,
	sol_types::{SolType, SolValue},
};
use sp_consensus_beefy::mmr::BeefyAuthoritySet;
use sp_core::H256;
use zkpow_contracts::{anvil::Anvil, BeefyClient, BeefyClientError as E};
use zkpow_primitives::record::{records_root, FinalizedRecord};

/// Bindings of the test harness (kept out of the crate's API).
pub mod harness {
	alloy::sol!(
		#[sol(rpc)]
		#[derive(Debug, PartialEq, Eq)]
		ProofHarness,
		"out/ProofHarness.json"
	);
}
pub use harness::ProofHarness;

/// A light client as the tests drive it.
pub type Client = BeefyClient::BeefyClientInstance<DynProvider>;
/// The harness as the tests drive it.
pub type Harness = ProofHarness::ProofHarnessInstance<DynProvider>;

/// A light client on its own anvil.
pub struct Env {
	/// The chain (killed when dropped).
	pub anvil: Anvil,
	/// A provider signing with anvil's first dev account.
	pub provider: DynProvider,
	/// The deployed client.
	pub client: Client,
}

/// Deploys a client trusting `current` and `next` at block `latest`.
pub async fn deploy(current: &Validators, next: &BeefyAuthoritySet<H256>, latest: u32) -> Env {
	let anvil = Anvil::spawn(31337).expect("anvil");
	let provider = crate::common::provider(&anvil);
	let client = BeefyClient::deploy(provider.clone(), latest, current.sol_set(), sol_set(next))
		.await
		.expect("deploy the light client");
	Env { anvil, provider, client }
}

/// Converts between the bindings' identical struct types (the ABI is the same).
pub fn recast<A: SolValue, B: SolValue + From<<B::SolType as SolType>::RustType>>(value: &A) -> B {
	B::abi_decode(&value.abi_encode()).expect("same ABI type")
}

/// Awaits a sent transaction's receipt, requires success and returns its gas.
pub async fn gas_of<T>(pending: T) -> u64
where
	T: std::future::IntoFuture<
		Output = Result<
			alloy::providers::PendingTransactionBuilder<alloy::network::Ethereum>,
			alloy::contract::Error,
		>,
	>,
{
	let receipt = pending.await.expect("sent").get_receipt().await.expect("receipt");
	assert!(receipt.status(), "the transaction reverted");
	receipt.gas_used
}

/// Sends `submit` and returns its gas.
pub async fn submit(
	client: &Client,
	c: &BeefyClient::Commitment,
	s: &[BeefyClient::ValidatorSignature],
) -> u64 {
	gas_of(client.submit(c.clone(), s.to_vec()).send()).await
}

/// The light client error `submit` reverts with.
pub async fn submit_error(
	client: &Client,
	c: &BeefyClient::Commitment,
	s: &[BeefyClient::ValidatorSignature],
) -> E {
	let error = client.submit(c.clone(), s.to_vec()).call().await.expect_err("must be refused");
	error
		.as_decoded_interface_error::<E>()
		.unwrap_or_else(|| panic!("not a client error: {error}"))
}

/// A handover's arguments.
#[derive(Clone)]
pub struct Handover {
	/// The next set's commitment.
	pub commitment: BeefyClient::Commitment,
	/// Its signatures.
	pub signatures: Vec<BeefyClient::ValidatorSignature>,
	/// The MMR leaf of its block.
	pub leaf: BeefyClient::MmrLeaf,
	/// The leaf's proof against the commitment's root.
	pub proof: BeefyClient::MmrProof,
}

impl Handover {
	/// Block `block` of `mmr` signed by `signers` of `set`, with that block's leaf.
	pub fn new(mmr: &Mmr, block: u32, set: &Validators, signers: &[usize]) -> Self {
		let signed = set.sign(&commitment(mmr.root, block, set.id), signers);
		let index = block as usize - 1;
		Handover {
			commitment: sol_commitment(&signed.commitment),
			signatures: set.signatures(&signed),
			leaf: sol_leaf(&mmr.leaves[index]),
			proof: sol_mmr_proof(&mmr.proof(index)),
		}
	}

	/// Sends `submitHandover` and returns its gas.
	pub async fn send(&self, client: &Client) -> u64 {
		let call = client.submitHandover(
			self.commitment.clone(),
			self.signatures.clone(),
			self.leaf.clone(),
			self.proof.clone(),
		);
		gas_of(call.send()).await
	}

	/// The light client error `submitHandover` reverts with.
	pub async fn error(&self, client: &Client) -> E {
		let call = client.submitHandover(
			self.commitment.clone(),
			self.signatures.clone(),
			self.leaf.clone(),
			self.proof.clone(),
		);
		let error = call.call().await.expect_err("the handover must be refused");
		error
			.as_decoded_interface_error::<E>()
			.unwrap_or_else(|| panic!("not a client error: {error}"))
	}
}

/// Three validator sets of a test chain, 4 validators each: set 0 (Alice..Dave) is current
/// at deployment, set 1 (Bob..Eve) next, set 2 (Charlie..Ferdie) after it.
pub fn sets() -> [Validators; 3] {
	[
		Validators::new(0, &SEEDS[0..4]),
		Validators::new(1, &SEEDS[1..5]),
		Validators::new(2, &SEEDS[2..6]),
	]
}

/// Leaves of blocks `1..=blocks`: set 1 takes over at block `handover` (from then on the
/// leaves state set 2 as the next set). Block 3 finalized `records`.
pub fn chain_leaves(
	sets: &[Validators; 3],
	blocks: u32,
	handover: u32,
	records: &[[u8; 32]],
) -> Vec<Leaf> {
	(1..=blocks)
		.map(|b| {
			let next = if b < handover { &sets[1] } else { &sets[2] };
			let extra = if b == 3 { records_root(records) } else { [0; 32] };
			leaf(b, next.authority_set(), extra)
		})
		.collect()
}

/// The MMR after block `block` of `leaves`.
pub fn mmr_at(leaves: &[Leaf], block: u32) -> Mmr {
	Mmr::new(leaves[..block as usize].to_vec())
}

/// `signers` of `set` sign block `block` with root `root`: the contract's arguments.
pub fn signed(
	set: &Validators,
	root: H256,
	block: u32,
	signers: &[usize],
) -> (BeefyClient::Commitment, Vec<BeefyClient::ValidatorSignature>) {
	let s = set.sign(&commitment(root, block, set.id), signers);
	(sol_commitment(&s.commitment), set.signatures(&s))
}

/// `Mmr.root` on the EVM: the root, or `None` for a proof it reverts on as corrupt.
pub async fn sol_mmr_root(
	harness: &Harness,
	leaf_hash: H256,
	proof: &sp_mmr_primitives::LeafProof<H256>,
) -> Option<H256> {
	match harness
		.mmrRoot(FixedBytes(leaf_hash.0), recast(&sol_mmr_proof(proof)))
		.call()
		.await
	{
		Ok(root) => Some(H256(root.0)),
		Err(error) => {
			use ProofHarness::ProofHarnessErrors as H;
			match error.as_decoded_interface_error::<H>() {
				Some(H::MmrLeafIndexOutOfRange(_) | H::MmrProofItemCount(_)) => None,
				_ => panic!("unexpected error: {error}"),
			}
		},
	}
}

/// Tampered variants of a leaf proof: (what, leaf hash, proof, whether it changes only the
/// leaf count).
pub fn mmr_tamperings(
	leaf_hash: H256,
	proof: &sp_mmr_primitives::LeafProof<H256>,
) -> Vec<(String, H256, sp_mmr_primitives::LeafProof<H256>, bool)> {
	let mut out = vec![("another leaf".to_string(), H256::repeat_byte(0xee), proof.clone(), false)];
	let mut with =
		|what: String, f: &dyn Fn(&mut sp_mmr_primitives::LeafProof<H256>), count_only: bool| {
			let mut p = proof.clone();
			f(&mut p);
			out.push((what, leaf_hash, p, count_only));
		};
	for k in 0..proof.items.len() {
		with(format!("item {k} changed"), &|p| p.items[k].0[0] ^= 1, false);
	}
	with("index + 1".into(), &|p| p.leaf_indices[0] += 1, false);
	if proof.leaf_indices[0] > 0 {
		with("index - 1".into(), &|p| p.leaf_indices[0] -= 1, false);
	}
	with("count + 1".into(), &|p| p.leaf_count += 1, true);
	with("count - 1".into(), &|p| p.leaf_count -= 1, true);
	with("count doubled".into(), &|p| p.leaf_count *= 2, true);
	with("item appended".into(), &|p| p.items.push(H256::repeat_byte(0x11)), false);
	if !proof.items.is_empty() {
		with(
			"last item dropped".into(),
			&|p| {
				p.items.pop();
			},
			false,
		);
	}
	if proof.items.len() > 1 {
		with("items reversed".into(), &|p| p.items.reverse(), false);
	}
	out
}

/// A finalized sequence's fields, owned (`roots`: previous state root, new state root,
/// data commitment).
#[derive(Clone)]
pub struct Sequence {
	pub rollup_id: u32,
	pub sequence_index: u64,
	pub start_batch: u64,
	pub batch_count: u32,
	pub roots: [[u8; 32]; 3],
	pub proof: Vec<u8>,
	pub prover: [u8; 32],
	pub provers: Vec<[u8; 32]>,
}

impl Sequence {
	/// A sequence with `provers` provers and a proof of `proof_len` bytes, its values
	/// derived from `seed` (wide values, so a wrong integer width or byte order shows).
	pub fn new(seed: u8, provers: usize, proof_len: usize) -> Self {
		let s = u64::from(seed);
		Sequence {
			rollup_id: 0x0102_0300 + u32::from(seed),
			sequence_index: 0x0a0b_0c0d_0e0f_0000 + s,
			start_batch: 0x1000_0000_0000_0001u64.wrapping_mul(s),
			batch_count: 1 + u32::from(seed) * 3,
			roots: [[seed; 32], [seed ^ 0x55; 32], [seed ^ 0xaa; 32]],
			proof: (0..proof_len).map(|i| (i as u8).wrapping_mul(seed)).collect(),
			prover: [seed.wrapping_add(1); 32],
			provers: (0..provers).map(|p| [seed.wrapping_add(p as u8 + 1); 32]).collect(),
		}
	}

	/// The appchain's record of it.
	pub fn record(&self) -> FinalizedRecord<'_> {
		FinalizedRecord {
			rollup_id: self.rollup_id,
			sequence_index: self.sequence_index,
			start_batch: self.start_batch,
			batch_count: self.batch_count,
			prev_state_root: self.roots[0],
			new_state_root: self.roots[1],
			data_commitment: self.roots[2],
			proof: &self.proof,
			prover: self.prover,
			provers: &self.provers,
		}
	}

	/// The inbox's `FinalizedSequence` of it.
	pub fn sol(&self) -> ProofHarness::FinalizedSequence {
		ProofHarness::FinalizedSequence {
			rollupId: self.rollup_id,
			sequenceIndex: self.sequence_index,
			startBatch: self.start_batch,
			batchCount: self.batch_count,
			prevStateRoot: FixedBytes(self.roots[0]),
			newStateRoot: FixedBytes(self.roots[1]),
			dataCommitment: FixedBytes(self.roots[2]),
			proof: Bytes::from(self.proof.clone()),
			prover: FixedBytes(self.prover),
			provers: self.provers.iter().map(|p| FixedBytes(*p)).collect(),
		}
	}
}
