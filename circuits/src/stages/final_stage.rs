//! The final circuit: the sequence statement, bound to the miner.
//!
//! Public inputs: `SequenceStatement::public_inputs` (10). The circuit range checks
//! each of them (`rollup_id` 32 bits, `sequence_index` 64 bits, every half 128 bits), so
//! the proof is valid for exactly one encoded statement and prover. Its key is the one
//! a recursive backend would keep: a recursive final circuit would additionally verify
//! the aggregator (or single batch) proof inside; here the artifact verifier checks those
//! proofs in the same batched pairing check.

use super::{words_to_fr, Stage, StageCircuit};
use crate::gadgets::range_check;
use ark_bn254::Fr;
use ark_r1cs_std::{alloc::AllocVar, fields::fp::FpVar};
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zkpow_primitives::{statement::STATEMENT_PUBLIC_INPUTS, SequenceStatement};

/// The final circuit for one statement.
#[derive(Clone, Debug)]
pub struct FinalCircuit {
	/// The encoded statement.
	pub inputs: Vec<Fr>,
}

impl FinalCircuit {
	/// Setup shape.
	pub fn blank() -> Self {
		Self { inputs: vec![Fr::from(0u64); STATEMENT_PUBLIC_INPUTS] }
	}

	/// The circuit for `statement`.
	pub fn new(statement: &SequenceStatement) -> Self {
		Self { inputs: words_to_fr(&statement.public_inputs()) }
	}
}

impl StageCircuit for FinalCircuit {
	const STAGE: Stage = Stage::Final;

	fn public_inputs(&self) -> Vec<Fr> {
		self.inputs.clone()
	}
}

impl ConstraintSynthesizer<Fr> for FinalCircuit {
	fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
		for (i, value) in self.inputs.iter().enumerate() {
			let var = FpVar::new_input(cs.clone(), || Ok(*value))?;
			let bits = match i {
				0 => 32,
				1 => 64,
				_ => 128,
			};
			range_check(&var, bits)?;
		}
		Ok(())
	}
}
