//! Groth16 proving and single-proof verification over the stage circuits.

use crate::{
	error::{invalid, Error},
	stages::StageCircuit,
};
use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, ProvingKey};
use ark_relations::r1cs::{
	ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, OptimizationGoal, SynthesisMode,
};
use ark_std::{rand::rngs::OsRng, UniformRand};
use zkpow_primitives::groth16::encode_proof;

/// Size of a circuit: constraints, public inputs (without the constant one) and
/// private variables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CircuitShape {
	/// R1CS constraints.
	pub constraints: usize,
	/// Public inputs.
	pub public_inputs: usize,
	/// Private (witness) variables.
	pub witnesses: usize,
}

/// Synthesizes `circuit` in setup mode (no witness) and returns its shape.
pub fn shape_of<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<CircuitShape, Error> {
	let cs = ConstraintSystem::new_ref();
	cs.set_optimization_goal(OptimizationGoal::Constraints);
	cs.set_mode(SynthesisMode::Setup);
	circuit.generate_constraints(cs.clone())?;
	Ok(CircuitShape {
		constraints: cs.num_constraints(),
		public_inputs: cs.num_instance_variables() - 1,
		witnesses: cs.num_witness_variables(),
	})
}

fn synthesize<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<ConstraintSystemRef<Fr>, Error> {
	let cs = ConstraintSystem::new_ref();
	cs.set_optimization_goal(OptimizationGoal::Constraints);
	circuit.generate_constraints(cs.clone())?;
	Ok(cs)
}

/// Whether the witness of `circuit` satisfies its constraints (for tests and errors).
pub fn is_satisfied<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<bool, Error> {
	Ok(synthesize(circuit)?.is_satisfied()?)
}

/// Time of the non-cryptographic part of proving `circuit`: constraint synthesis, the
/// satisfaction check, LC inlining and building the constraint matrices. It runs on one
/// thread; the rest (FFTs, MSMs) is parallel and is what a GPU would accelerate.
pub fn synthesis_time<C: ConstraintSynthesizer<Fr>>(
	circuit: C,
) -> Result<std::time::Duration, Error> {
	let start = std::time::Instant::now();
	let cs = synthesize(circuit)?;
	cs.is_satisfied()?;
	cs.finalize();
	cs.to_matrices()
		.ok_or_else(|| Error::Synthesis("no constraint matrices".into()))?;
	Ok(start.elapsed())
}

/// Proves `circuit` with fresh randomness. A witness that does not satisfy the
/// constraints is rejected with [`Error::InvalidInput`] rather than producing a proof that would not verify.
pub fn prove<C: StageCircuit>(pk: &ProvingKey<Bn254>, circuit: C) -> Result<Vec<u8>, Error> {
	let cs = synthesize(circuit)?;
	if !cs.is_satisfied()? {
		return Err(invalid(format!(
			"the {} witness does not satisfy the circuit",
			C::STAGE.name()
		)));
	}
	Ok(encode_proof(&prove_synthesized(pk, cs)?))
}

/// Proves `circuit` even if its witness does not satisfy the constraints — what a
/// cheating prover would run. Such a proof does not verify; tests use this to show it.
#[doc(hidden)]
pub fn prove_unchecked<C: ConstraintSynthesizer<Fr>>(
	pk: &ProvingKey<Bn254>,
	circuit: C,
) -> Result<Vec<u8>, Error> {
	Ok(encode_proof(&prove_synthesized(pk, synthesize(circuit)?)?))
}

fn prove_synthesized(
	pk: &ProvingKey<Bn254>,
	cs: ConstraintSystemRef<Fr>,
) -> Result<Proof<Bn254>, Error> {
	cs.finalize();
	let matrices = cs
		.to_matrices()
		.ok_or_else(|| Error::Synthesis("no constraint matrices".into()))?;
	let num_inputs = cs.num_instance_variables();
	let num_constraints = cs.num_constraints();
	let full_assignment = {
		let inner = cs.borrow().ok_or_else(|| Error::Synthesis("constraint system gone".into()))?;
		let mut full = inner.instance_assignment.clone();
		full.extend_from_slice(&inner.witness_assignment);
		full
	};
	let (r, s) = (Fr::rand(&mut OsRng), Fr::rand(&mut OsRng));
	Ok(Groth16::<Bn254>::create_proof_with_reduction_and_matrices(
		pk,
		r,
		s,
		&matrices,
		num_inputs,
		num_constraints,
		&full_assignment,
	)?)
}

/// Verifies one encoded proof against a prepared key and field inputs.
pub fn verify(pvk: &PreparedVerifyingKey<Bn254>, proof: &[u8], inputs: &[Fr]) -> Result<(), Error> {
	let words: Vec<[u8; 32]> = inputs.iter().map(crate::field::fr_to_bytes).collect();
	zkpow_primitives::groth16::verify_prepared(pvk, proof, &words).map_err(Error::Proof)
}
