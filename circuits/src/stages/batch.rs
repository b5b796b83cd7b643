//! The batch circuit: one batch of transfers moves the state root `r(i-1)` to `r(i)`,
//! and the batch's data digest is `d(i)`.
//!
//! Per transfer slot (`batch_size` of them; slot `k` is enabled iff `k < count`):
//!
//! 1. `from`, `to` are `tree_depth`-bit numbers (their bits are the Merkle path
//!    directions); `amount`, `nonce` and both balances are 64-bit.
//! 2. The sender leaf `hash2(balance_s, nonce_s)` opens to the running root (enforced
//!    when enabled); `nonce == nonce_s`; `balance_s − amount` is 64-bit (no overspend);
//!    `nonce_s + 1` is 64-bit. Rewriting the leaf on the same path gives `mid`.
//! 3. The receiver leaf opens to `mid` (enforced when enabled); `balance_r + amount` is
//!    64-bit. Rewriting it gives `next`; the running root becomes `next` if enabled.
//! 4. The data chain becomes `hash2(chain, packed)` if enabled.
//!
//! Enabled flags are monotone (`e_{k+1} ⇒ e_k`), `count = Σ e_k`, and the public words
//! are the canonical encodings of the prover's `r(i-1)`, the final running root and
//! `hash2(chain, count)`. The prover's account words are range checked.

use super::{words_to_fr, Stage, StageCircuit};
use crate::{
	config::CircuitConfig,
	error::Error,
	field::{fr_from_bytes, fr_to_bytes},
	gadgets::{merkle_root, not_fp, range_check, small_witness, WordVar},
	poseidon::hash2_var,
	rollup::{
		leaf_hash,
		smt::root_from_path,
		transfer::{data_hash, shift},
		witness::{BatchWitness, LeafOpening},
	},
};
use ark_bn254::Fr;
use ark_r1cs_std::{
	alloc::AllocVar,
	boolean::Boolean,
	eq::EqGadget,
	fields::{fp::FpVar, FieldVar},
	select::CondSelectGadget,
};
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zkpow_primitives::{artifact::batch_public_inputs, BatchHeader, Bytes32};

/// A leaf as the circuit sees it: raw field values.
#[derive(Clone, Debug, Default)]
pub struct LeafValues {
	/// Balance.
	pub balance: Fr,
	/// Nonce.
	pub nonce: Fr,
	/// Siblings, leaf level first.
	pub siblings: Vec<Fr>,
}

/// One transfer slot.
#[derive(Clone, Debug, Default)]
pub struct SlotValues {
	/// Whether the slot holds a transfer.
	pub enabled: bool,
	/// Sender index.
	pub from: u64,
	/// Receiver index.
	pub to: u64,
	/// Amount.
	pub amount: Fr,
	/// The transfer's nonce.
	pub nonce: Fr,
	/// The sender's leaf.
	pub sender: LeafValues,
	/// The receiver's leaf.
	pub receiver: LeafValues,
}

/// The batch circuit with its claimed public values and its witness.
#[derive(Clone, Debug)]
pub struct BatchCircuit {
	/// Shape.
	pub config: CircuitConfig,
	/// Claimed root before the batch.
	pub prev_root: Bytes32,
	/// Claimed root after the batch.
	pub new_root: Bytes32,
	/// Claimed batch data digest.
	pub data_hash: Bytes32,
	/// The miner the proof is bound to.
	pub prover: Bytes32,
	/// Witness: the root before the batch as a field element.
	pub prev_root_value: Fr,
	/// Witness: `batch_size` slots.
	pub slots: Vec<SlotValues>,
}

fn leaf_values(opening: &LeafOpening, what: &str) -> Result<LeafValues, Error> {
	Ok(LeafValues {
		balance: Fr::from(opening.balance),
		nonce: Fr::from(opening.nonce),
		siblings: opening
			.siblings
			.iter()
			.map(|s| fr_from_bytes(s, what))
			.collect::<Result<_, _>>()?,
	})
}

impl BatchCircuit {
	/// A circuit with every slot disabled and zero values: the shape used for setup.
	pub fn blank(config: CircuitConfig) -> Self {
		let depth = config.tree_depth as usize;
		let leaf = LeafValues { siblings: vec![Fr::from(0u64); depth], ..Default::default() };
		let slot = SlotValues { sender: leaf.clone(), receiver: leaf, ..Default::default() };
		Self {
			config,
			prev_root: [0; 32],
			new_root: [0; 32],
			data_hash: [0; 32],
			prover: [0; 32],
			prev_root_value: Fr::from(0u64),
			slots: vec![slot; config.batch_size],
		}
	}

	/// Builds the circuit for `witness`, bound to `prover`. The claimed new root is
	/// what the witness's openings lead to, following the circuit's arithmetic, without
	/// checking the rollup's rules: a witness that breaks them gives a circuit that is
	/// not satisfied. Use [`BatchWitness::execute`] first to reject such witnesses with
	/// a clear error.
	pub fn assign(
		config: CircuitConfig,
		witness: &BatchWitness,
		prover: Bytes32,
	) -> Result<Self, Error> {
		witness.check_shape(&config)?;
		let mut circuit = Self::blank(config);
		circuit.prover = prover;
		circuit.prev_root = witness.prev_root;
		circuit.prev_root_value = fr_from_bytes(&witness.prev_root, "prev_root")?;
		let mut root = circuit.prev_root_value;
		for (slot, (t, access)) in
			circuit.slots.iter_mut().zip(witness.transfers.iter().zip(&witness.accesses))
		{
			*slot = SlotValues {
				enabled: true,
				from: t.from as u64,
				to: t.to as u64,
				amount: Fr::from(t.amount),
				nonce: Fr::from(t.nonce),
				sender: leaf_values(&access.sender, "sender sibling")?,
				receiver: leaf_values(&access.receiver, "receiver sibling")?,
			};
			// The running root after a slot is where the receiver's path leads.
			let r = &slot.receiver;
			root =
				root_from_path(leaf_hash(r.balance + slot.amount, r.nonce), slot.to, &r.siblings);
		}
		circuit.new_root = fr_to_bytes(&root);
		circuit.data_hash = data_hash(&witness.transfers);
		Ok(circuit)
	}

	/// The batch header this circuit claims.
	pub fn header(&self) -> BatchHeader {
		BatchHeader { state_root: self.new_root, data_hash: self.data_hash }
	}
}

impl StageCircuit for BatchCircuit {
	const STAGE: Stage = Stage::Batch;

	fn public_inputs(&self) -> Vec<Fr> {
		words_to_fr(&batch_public_inputs(&self.prev_root, &self.header(), &self.prover))
	}
}

/// Allocated values of one leaf.
struct LeafVars {
	balance: FpVar<Fr>,
	nonce: FpVar<Fr>,
	siblings: Vec<FpVar<Fr>>,
}

impl LeafVars {
	fn new(cs: &ConstraintSystemRef<Fr>, leaf: &LeafValues) -> Result<Self, SynthesisError> {
		let witness = |v: Fr| FpVar::new_witness(cs.clone(), || Ok(v));
		Ok(Self {
			balance: witness(leaf.balance)?,
			nonce: witness(leaf.nonce)?,
			siblings: leaf.siblings.iter().map(|s| witness(*s)).collect::<Result<_, _>>()?,
		})
	}

	/// Root of the path with `(balance, nonce)` as the leaf.
	fn root_with(
		&self,
		cs: &ConstraintSystemRef<Fr>,
		balance: &FpVar<Fr>,
		nonce: &FpVar<Fr>,
		index_bits: &[Boolean<Fr>],
	) -> Result<FpVar<Fr>, SynthesisError> {
		let leaf = hash2_var(cs.clone(), balance, nonce)?;
		merkle_root(cs.clone(), &leaf, index_bits, &self.siblings)
	}
}

/// Running values threaded through the slots.
struct Running {
	root: FpVar<Fr>,
	chain: FpVar<Fr>,
	count: FpVar<Fr>,
	prev_enabled: Option<Boolean<Fr>>,
}

fn synthesize_slot(
	cs: &ConstraintSystemRef<Fr>,
	config: &CircuitConfig,
	slot: &SlotValues,
	run: &mut Running,
) -> Result<(), SynthesisError> {
	let depth = config.tree_depth as usize;
	let enabled = Boolean::new_witness(cs.clone(), || Ok(slot.enabled))?;
	if let Some(prev) = &run.prev_enabled {
		// enabled ⇒ prev: enabled · (1 − prev) = 0
		FpVar::from(enabled.clone()).mul_equals(&not_fp(prev), &FpVar::from(Boolean::FALSE))?;
	}
	run.count = &run.count + FpVar::from(enabled.clone());

	let from_bits = small_witness(cs.clone(), slot.from, depth)?;
	let to_bits = small_witness(cs.clone(), slot.to, depth)?;
	let amount = FpVar::new_witness(cs.clone(), || Ok(slot.amount))?;
	let nonce = FpVar::new_witness(cs.clone(), || Ok(slot.nonce))?;
	range_check(&amount, 64)?;
	range_check(&nonce, 64)?;

	// Sender: open, check, debit.
	let sender = LeafVars::new(cs, &slot.sender)?;
	range_check(&sender.balance, 64)?;
	sender
		.root_with(cs, &sender.balance, &sender.nonce, &from_bits)?
		.conditional_enforce_equal(&run.root, &enabled)?;
	nonce.enforce_equal(&sender.nonce)?;
	let debited = &sender.balance - &amount;
	range_check(&debited, 64)?;
	let bumped = &sender.nonce + FpVar::Constant(Fr::from(1u64));
	range_check(&bumped, 64)?;
	let mid = sender.root_with(cs, &debited, &bumped, &from_bits)?;

	// Receiver: open against `mid`, credit.
	let receiver = LeafVars::new(cs, &slot.receiver)?;
	range_check(&receiver.balance, 64)?;
	receiver
		.root_with(cs, &receiver.balance, &receiver.nonce, &to_bits)?
		.conditional_enforce_equal(&mid, &enabled)?;
	let credited = &receiver.balance + &amount;
	range_check(&credited, 64)?;
	let next = receiver.root_with(cs, &credited, &receiver.nonce, &to_bits)?;
	run.root = FpVar::conditionally_select(&enabled, &next, &run.root)?;

	// Data chain over the packed transfer.
	let packed = Boolean::le_bits_to_fp(&from_bits)?
		+ Boolean::le_bits_to_fp(&to_bits)? * FpVar::Constant(shift(32))
		+ &amount * FpVar::Constant(shift(64))
		+ &nonce * FpVar::Constant(shift(128));
	let chained = hash2_var(cs.clone(), &run.chain, &packed)?;
	run.chain = FpVar::conditionally_select(&enabled, &chained, &run.chain)?;
	run.prev_enabled = Some(enabled);
	Ok(())
}

impl ConstraintSynthesizer<Fr> for BatchCircuit {
	fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
		let prev_word = WordVar::new_input(cs.clone(), &self.prev_root)?;
		let new_word = WordVar::new_input(cs.clone(), &self.new_root)?;
		let data_word = WordVar::new_input(cs.clone(), &self.data_hash)?;
		let prover_word = WordVar::new_input(cs.clone(), &self.prover)?;
		prover_word.enforce_range()?;

		let prev_root = FpVar::new_witness(cs.clone(), || Ok(self.prev_root_value))?;
		prev_word.enforce_encodes(&prev_root)?;
		let mut run = Running {
			root: prev_root,
			chain: FpVar::Constant(Fr::from(0u64)),
			count: FpVar::Constant(Fr::from(0u64)),
			prev_enabled: None,
		};
		for slot in &self.slots {
			synthesize_slot(&cs, &self.config, slot, &mut run)?;
		}
		new_word.enforce_encodes(&run.root)?;
		let digest = hash2_var(cs.clone(), &run.chain, &run.count)?;
		data_word.enforce_encodes(&digest)?;
		Ok(())
	}
}
