//! The aggregator circuit (sequences of more than one batch).
//!
//! Public inputs (9 + 4N, the layout of `zkpow_primitives::artifact`):
//! `n, r(0), r(n), commitment, prover`, then `r(i), d(i)` for slots `i = 1..=N`.
//!
//! It proves that the batch statements of the sequence form one chain of `n` batches:
//! `1 <= n <= N` (a one-hot selector picks slot `n`), the claimed new root `r(n)` is
//! the root of slot `n`, slots after `n` are zero, and every 32-byte word is a pair of
//! 128-bit halves. Each batch proof's inputs repeat the neighbouring slots' roots, so
//! together with the batch proofs this is the continuity `r(0) → … → r(n)`.
//!
//! Without recursion this circuit does not verify the batch proofs (the artifact
//! verifier checks them in the same batched pairing check) and does not recompute the
//! keccak sequence commitment (the verifier recomputes it natively from the headers);
//! see `circuits/README.md`.

use super::{words_to_fr, Stage, StageCircuit};
use crate::gadgets::range_check;
use ark_bn254::Fr;
use ark_r1cs_std::{
	alloc::AllocVar,
	boolean::Boolean,
	eq::EqGadget,
	fields::{fp::FpVar, FieldVar},
};
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zkpow_primitives::{
	artifact::{aggregator_input_count, aggregator_public_inputs, AGGREGATOR_FIXED_INPUTS},
	BatchHeader, SequenceStatement,
};

/// The aggregator circuit for a capacity of `capacity` batches.
#[derive(Clone, Debug)]
pub struct AggregatorCircuit {
	/// Capacity `N`.
	pub capacity: usize,
	/// Number of batches `n`.
	pub batches: usize,
	/// All public inputs, as derived by the verifier.
	pub inputs: Vec<Fr>,
}

impl AggregatorCircuit {
	/// Setup shape: one batch, zero values.
	pub fn blank(capacity: usize) -> Self {
		let mut inputs = vec![Fr::from(0u64); aggregator_input_count(capacity)];
		inputs[0] = Fr::from(1u64);
		Self { capacity, batches: 1, inputs }
	}

	/// The circuit for a sequence's statement and headers.
	pub fn new(capacity: usize, statement: &SequenceStatement, batches: &[BatchHeader]) -> Self {
		let inputs = words_to_fr(&aggregator_public_inputs(capacity, statement, batches));
		Self { capacity, batches: batches.len(), inputs }
	}
}

impl StageCircuit for AggregatorCircuit {
	const STAGE: Stage = Stage::Aggregator;

	fn public_inputs(&self) -> Vec<Fr> {
		self.inputs.clone()
	}
}

impl ConstraintSynthesizer<Fr> for AggregatorCircuit {
	fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
		let inputs = self
			.inputs
			.iter()
			.map(|v| FpVar::new_input(cs.clone(), || Ok(*v)))
			.collect::<Result<Vec<_>, _>>()?;
		for half in &inputs[1..] {
			range_check(half, 128)?;
		}
		let n = &inputs[0];
		let (new_hi, new_lo) = (&inputs[3], &inputs[4]);
		let slots: Vec<&[FpVar<Fr>]> = inputs[AGGREGATOR_FIXED_INPUTS..].chunks(4).collect();

		// One-hot selector of slot n: Σ sel = 1 and Σ i·sel_i = n.
		let selectors = (1..=self.capacity)
			.map(|i| Boolean::new_witness(cs.clone(), || Ok(i == self.batches)))
			.collect::<Result<Vec<_>, _>>()?;
		let mut ones = FpVar::zero();
		let mut index = FpVar::zero();
		for (i, sel) in selectors.iter().enumerate() {
			ones += FpVar::from(sel.clone());
			index += FpVar::from(sel.clone()) * Fr::from(i as u64 + 1);
		}
		ones.enforce_equal(&FpVar::one())?;
		index.enforce_equal(n)?;

		// Slot i is in use iff i <= n, i.e. some selector at or after i is set.
		let mut in_use = FpVar::zero();
		let mut picked_hi = FpVar::zero();
		let mut picked_lo = FpVar::zero();
		for (slot, sel) in slots.iter().zip(&selectors).rev() {
			in_use += FpVar::from(sel.clone());
			let unused = FpVar::one() - &in_use;
			for value in slot.iter() {
				value.mul_equals(&unused, &FpVar::zero())?;
			}
			picked_hi += &slot[0] * FpVar::from(sel.clone());
			picked_lo += &slot[1] * FpVar::from(sel.clone());
		}
		picked_hi.enforce_equal(new_hi)?;
		picked_lo.enforce_equal(new_lo)?;
		Ok(())
	}
}
