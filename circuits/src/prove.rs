//! Groth16 proving and single-proof verification over the stage circuits.
//!
//! Two ways to prove:
//!
//! - [`prove`] synthesizes the circuit with its constraints, checks the witness,
//!   inlines the linear combinations and builds the constraint matrices, then proves —
//!   what `ark_groth16::Groth16::prove` does, every time.
//! - [`prove_with_matrices`] takes the matrices synthesized once per circuit
//!   ([`constraint_matrices`], cached per stage by `KeySet::matrices`) and computes only
//!   the witness ([`witness_assignment`]: synthesis in prove mode without constraints),
//!   checks it against the cached matrices, then proves. The backend proves this way.

use crate::{
	error::{invalid, Error},
	stages::StageCircuit,
};
use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, ProvingKey};
use ark_relations::r1cs::{
	ConstraintMatrices, ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef,
	OptimizationGoal, SynthesisError, SynthesisMode,
};
use ark_snark::SNARK;
use ark_std::{rand::rngs::OsRng, UniformRand, Zero};
use rayon::prelude::*;
use zkpow_primitives::groth16::encode_proof;

/// The optimization goal every synthesis uses: the one `ark_groth16`'s setup (and so every
/// proving key) is made with. With it, finalizing inlines the linear combinations and adds
/// no variables, so a witness-only synthesis has exactly the variables of the matrices.
const GOAL: OptimizationGoal = OptimizationGoal::Constraints;

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
	cs.set_optimization_goal(GOAL);
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
	cs.set_optimization_goal(GOAL);
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

/// The constraint matrices of `circuit`'s shape: synthesis in setup mode (no witness),
/// then the linear combinations inlined, as `ark_groth16`'s setup and prover do. They do
/// not depend on the witness, so they are computed once per circuit and every proof
/// reuses them ([`prove_with_matrices`]).
pub fn constraint_matrices<C: ConstraintSynthesizer<Fr>>(
	circuit: C,
) -> Result<ConstraintMatrices<Fr>, Error> {
	let cs = ConstraintSystem::new_ref();
	cs.set_optimization_goal(GOAL);
	cs.set_mode(SynthesisMode::Setup);
	circuit.generate_constraints(cs.clone())?;
	cs.finalize();
	cs.to_matrices()
		.ok_or_else(|| Error::Synthesis("no constraint matrices".into()))
}

/// A circuit's variable assignment, computed without building its constraints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
	/// Every variable in the order of the matrices' columns: the constant `1`, the public
	/// inputs, then the witness variables.
	pub full: Vec<Fr>,
	/// Instance variables (the constant `1` and the public inputs).
	pub num_instance_variables: usize,
	/// Constraints the synthesis enforced (counted, not stored).
	pub num_constraints: usize,
}

impl Assignment {
	/// The public inputs (without the constant `1`).
	pub fn public_inputs(&self) -> &[Fr] {
		&self.full[1..self.num_instance_variables]
	}

	/// The witness variables.
	pub fn witness(&self) -> &[Fr] {
		&self.full[self.num_instance_variables..]
	}

	/// How many witness variables are `0` or `1`.
	pub fn binary_witnesses(&self) -> usize {
		use ark_std::One;
		self.witness().iter().filter(|v| v.is_zero() || v.is_one()).count()
	}
}

/// Synthesizes `circuit` in prove mode without constraint matrices: only the variables
/// get values (constraints are counted, not recorded, and there is nothing to inline).
/// This is the part of a proof that [`prove_with_matrices`] repeats per witness.
pub fn witness_assignment<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<Assignment, Error> {
	let cs = ConstraintSystem::new_ref();
	cs.set_optimization_goal(GOAL);
	cs.set_mode(SynthesisMode::Prove { construct_matrices: false });
	circuit.generate_constraints(cs.clone())?;
	// Without matrices this inlines nothing; kept so that the steps mirror `prove`.
	cs.finalize();
	let num_constraints = cs.num_constraints();
	let mut inner = cs
		.borrow_mut()
		.ok_or_else(|| Error::Synthesis("constraint system gone".into()))?;
	let mut full = std::mem::take(&mut inner.instance_assignment);
	let num_instance_variables = full.len();
	full.append(&mut inner.witness_assignment);
	Ok(Assignment { full, num_instance_variables, num_constraints })
}

/// The first constraint of `matrices` that `full` (an [`Assignment::full`]) does not
/// satisfy, if any. Runs in parallel on the current rayon pool.
pub fn first_unsatisfied(matrices: &ConstraintMatrices<Fr>, full: &[Fr]) -> Option<usize> {
	let row = |terms: &[(Fr, usize)]| {
		terms.iter().fold(Fr::zero(), |acc, (coeff, i)| acc + *coeff * full[*i])
	};
	(0..matrices.num_constraints)
		.into_par_iter()
		.with_min_len(1024)
		.find_first(|&i| row(&matrices.a[i]) * row(&matrices.b[i]) != row(&matrices.c[i]))
}

/// Checks that `assignment` has the variables and constraints of `matrices` (so that
/// its columns are theirs): a circuit whose shape depended on its witness would not.
fn check_shape(
	matrices: &ConstraintMatrices<Fr>,
	assignment: &Assignment,
	stage: &str,
) -> Result<(), Error> {
	let got = (
		assignment.num_instance_variables,
		assignment.full.len() - assignment.num_instance_variables,
		assignment.num_constraints,
	);
	let want =
		(matrices.num_instance_variables, matrices.num_witness_variables, matrices.num_constraints);
	if got != want {
		return Err(Error::Synthesis(format!(
			"the {stage} witness has (instance, witness, constraints) = {got:?}, its cached \
			 constraint matrices {want:?}"
		)));
	}
	Ok(())
}

/// Proves `circuit` with fresh randomness over its cached constraint `matrices` (made
/// by [`constraint_matrices`] from the same circuit type and configuration as `pk`):
/// only the witness is synthesized. A witness that does not satisfy the matrices is
/// rejected with [`Error::InvalidInput`], as [`prove`] rejects it.
pub fn prove_with_matrices<C: StageCircuit>(
	pk: &ProvingKey<Bn254>,
	matrices: &ConstraintMatrices<Fr>,
	circuit: C,
) -> Result<Vec<u8>, Error> {
	let assignment = witness_assignment(circuit)?;
	check_shape(matrices, &assignment, C::STAGE.name())?;
	if let Some(i) = first_unsatisfied(matrices, &assignment.full) {
		return Err(invalid(format!(
			"the {} witness does not satisfy the circuit (constraint {i})",
			C::STAGE.name()
		)));
	}
	Ok(encode_proof(&prove_assignment(pk, matrices, &assignment)?))
}

/// The Groth16 prover over precomputed matrices and an assignment.
fn prove_assignment(
	pk: &ProvingKey<Bn254>,
	matrices: &ConstraintMatrices<Fr>,
	assignment: &Assignment,
) -> Result<Proof<Bn254>, Error> {
	let (r, s) = (Fr::rand(&mut OsRng), Fr::rand(&mut OsRng));
	Ok(Groth16::<Bn254>::create_proof_with_reduction_and_matrices(
		pk,
		r,
		s,
		matrices,
		assignment.num_instance_variables,
		assignment.num_constraints,
		&assignment.full,
	)?)
}

/// A synthetic circuit of a given size, the baseline of the prover benchmark: plain
/// arkworks proving a circuit as large as a stage circuit. `public_inputs` random inputs;
/// `booleans` random bits, each checked by `b · b = b`; the other witness variables a
/// multiplication chain `w_i = w_{i-1} · w_{i-2}` of full-size field elements that starts
/// from the inputs; then, up to `constraints`, the chain's constraints again (satisfied
/// repeats). Witness variables beyond `constraints` are left unconstrained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntheticCircuit {
	/// Constraints (exactly this many).
	pub constraints: usize,
	/// Public inputs (at least one).
	pub public_inputs: usize,
	/// Witness variables.
	pub witnesses: usize,
	/// Of the witness variables, how many are bits (`0` or `1`, as a circuit's range
	/// checks and path directions are); the rest are full-size field elements.
	pub booleans: usize,
	/// Seed of the values.
	pub seed: u64,
}

impl ConstraintSynthesizer<Fr> for SyntheticCircuit {
	fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
		use ark_relations::{lc, r1cs::Variable};
		use ark_std::rand::{rngs::StdRng, Rng, SeedableRng};
		let mut rng = StdRng::seed_from_u64(self.seed);
		let mut left = self.constraints;
		let mut inputs = Vec::new();
		for _ in 0..self.public_inputs.max(1) {
			let value = Fr::rand(&mut rng);
			inputs.push((cs.new_input_variable(|| Ok(value))?, value));
		}
		let booleans = self.booleans.min(self.witnesses).min(left);
		for _ in 0..booleans {
			let value = Fr::from(rng.gen::<bool>());
			let b = cs.new_witness_variable(|| Ok(value))?;
			cs.enforce_constraint(lc!() + b, lc!() + b, lc!() + b)?;
			left -= 1;
		}
		let chained = (self.witnesses - booleans).min(left);
		// (variable, value) of w_{i-2} and w_{i-1}; the products that define the chain.
		let (mut w2, mut w1) = (inputs[0], inputs[inputs.len() - 1]);
		let mut products: Vec<(Variable, Variable, Variable)> = Vec::with_capacity(chained);
		for _ in 0..chained {
			let value = w1.1 * w2.1;
			let w = cs.new_witness_variable(|| Ok(value))?;
			cs.enforce_constraint(lc!() + w1.0, lc!() + w2.0, lc!() + w)?;
			products.push((w1.0, w2.0, w));
			(w2, w1) = (w1, (w, value));
		}
		left -= chained;
		for k in 0..left {
			match products.get(k % products.len().max(1)) {
				Some(&(a, b, c)) => cs.enforce_constraint(lc!() + a, lc!() + b, lc!() + c)?,
				// No chain: `1 · 1 = 1`.
				None => cs.enforce_constraint(
					lc!() + Variable::One,
					lc!() + Variable::One,
					lc!() + Variable::One,
				)?,
			}
		}
		for _ in booleans + chained..self.witnesses {
			let value = Fr::rand(&mut rng);
			cs.new_witness_variable(|| Ok(value))?;
		}
		Ok(())
	}
}

/// A Groth16 proving key for `circuit` with the plain `ark_groth16` setup, its
/// randomness drawn from `seed` (for benchmarks; not a trusted setup).
pub fn plain_setup<C: ConstraintSynthesizer<Fr>>(
	circuit: C,
	seed: u64,
) -> Result<ProvingKey<Bn254>, Error> {
	use ark_std::rand::{rngs::StdRng, SeedableRng};
	let (pk, _) =
		Groth16::<Bn254>::circuit_specific_setup(circuit, &mut StdRng::seed_from_u64(seed))?;
	Ok(pk)
}

/// Proves `circuit` with plain `ark_groth16::Groth16::prove`: synthesis with
/// constraints, inlining and matrices, then the prover — the baseline of the benchmark.
pub fn plain_prove<C: ConstraintSynthesizer<Fr>>(
	pk: &ProvingKey<Bn254>,
	circuit: C,
) -> Result<Proof<Bn254>, Error> {
	Ok(Groth16::<Bn254>::prove(pk, circuit, &mut OsRng)?)
}

/// Verifies one encoded proof against a prepared key and field inputs.
pub fn verify(pvk: &PreparedVerifyingKey<Bn254>, proof: &[u8], inputs: &[Fr]) -> Result<(), Error> {
	let words: Vec<[u8; 32]> = inputs.iter().map(crate::field::fr_to_bytes).collect();
	zkpow_primitives::groth16::verify_prepared(pvk, proof, &words).map_err(Error::Proof)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		config::TEST,
		keys::{quiet, KeySet},
		rollup::{generator::funded_genesis, transfer::Transfer},
		stages::{batch::BatchCircuit, Stage},
		DEV_SEED,
	};

	/// A two-transfer batch of the `test` configuration, bound to a prover.
	fn batch_circuit() -> BatchCircuit {
		let mut state = funded_genesis(TEST.tree_depth, 8, 1_000).expect("genesis");
		let transfers = [
			Transfer { from: 0, to: 9, amount: 100, nonce: 0 },
			Transfer { from: 9, to: 2, amount: 40, nonce: 0 },
		];
		let witness = state.apply_batch(&transfers).expect("valid transfers");
		BatchCircuit::assign(TEST, &witness, [0x42; 32]).expect("assign")
	}

	/// The matrices cached from the blank circuit are exactly those a full synthesis of
	/// a real witness builds (what `Groth16::prove` would use), and the witness-only
	/// synthesis assigns the same variables in the same order.
	#[test]
	fn cached_matrices_and_witness_match_a_full_synthesis() {
		let cached = constraint_matrices(BatchCircuit::blank(TEST)).unwrap();
		let circuit = batch_circuit();
		let cs = synthesize(circuit.clone()).unwrap();
		assert!(cs.is_satisfied().unwrap());
		cs.finalize();
		let fresh = cs.to_matrices().unwrap();
		assert_eq!(cached.num_constraints, fresh.num_constraints);
		assert_eq!(cached.num_instance_variables, fresh.num_instance_variables);
		assert_eq!(cached.num_witness_variables, fresh.num_witness_variables);
		assert_eq!(cached.num_instance_variables, 1 + 8);
		assert_eq!(cached, fresh, "same entries in the same places");

		let assignment = witness_assignment(circuit.clone()).unwrap();
		let inner = cs.borrow().unwrap();
		assert_eq!(assignment.num_constraints, fresh.num_constraints);
		assert_eq!(assignment.num_instance_variables, fresh.num_instance_variables);
		assert_eq!(assignment.witness().len(), fresh.num_witness_variables);
		assert_eq!(assignment.full[..assignment.num_instance_variables], inner.instance_assignment);
		assert_eq!(assignment.witness(), &inner.witness_assignment[..]);
		assert_eq!(assignment.public_inputs(), &circuit.public_inputs()[..]);
		assert_eq!(first_unsatisfied(&cached, &assignment.full), None);
		let shape = shape_of(BatchCircuit::blank(TEST)).unwrap();
		assert_eq!(shape.constraints, cached.num_constraints);
		assert_eq!(shape.witnesses, cached.num_witness_variables);
	}

	/// A proof over the cached matrices verifies for the circuit's public inputs (and
	/// not for others); a witness that breaks a constraint is refused before proving.
	#[test]
	fn cached_matrix_proofs_verify_and_bad_witnesses_are_refused() {
		let keys = KeySet::generate(TEST, DEV_SEED, &quiet).unwrap();
		let matrices = keys.matrices(Stage::Batch).unwrap();
		assert!(std::ptr::eq(matrices, keys.matrices(Stage::Batch).unwrap()), "kept");
		let circuit = batch_circuit();
		let inputs = circuit.public_inputs();
		let proof = prove_with_matrices(&keys.batch.pk, matrices, circuit.clone()).unwrap();
		assert_eq!(verify(&keys.batch.pvk, &proof, &inputs), Ok(()));
		let mut other = inputs.clone();
		other[0] += Fr::from(1u64);
		assert!(verify(&keys.batch.pvk, &proof, &other).is_err());

		let mut bad = circuit;
		bad.new_root = bad.prev_root;
		let err = prove_with_matrices(&keys.batch.pk, matrices, bad.clone()).unwrap_err();
		assert!(matches!(&err, Error::InvalidInput(m) if m.contains("does not satisfy")), "{err}");
		// The same refusal as the uncached prover's.
		let old = prove(&keys.batch.pk, bad).unwrap_err();
		assert!(matches!(&old, Error::InvalidInput(m) if m.contains("does not satisfy")), "{old}");

		// Matrices of another stage do not fit the batch witness.
		let wrong = keys.matrices(Stage::Final).unwrap();
		let err = prove_with_matrices(&keys.batch.pk, wrong, batch_circuit()).unwrap_err();
		assert!(matches!(&err, Error::Synthesis(m) if m.contains("cached")), "{err}");
	}

	/// The benchmark's synthetic circuit has exactly the size asked for, is satisfied,
	/// and its plain `ark-groth16` proof verifies.
	#[test]
	fn synthetic_circuits_have_the_requested_shape_and_prove() {
		for (constraints, witnesses, booleans) in [(300, 280, 100), (200, 250, 50), (64, 64, 0)] {
			let circuit =
				SyntheticCircuit { constraints, public_inputs: 3, witnesses, booleans, seed: 9 };
			let shape = shape_of(circuit.clone()).unwrap();
			assert_eq!(shape, CircuitShape { constraints, public_inputs: 3, witnesses });
			assert!(is_satisfied(circuit.clone()).unwrap());
			let assignment = witness_assignment(circuit.clone()).unwrap();
			assert!(assignment.binary_witnesses() >= booleans);
			let pk = plain_setup(circuit.clone(), 1).unwrap();
			let proof = plain_prove(&pk, circuit).unwrap();
			let pvk = ark_groth16::prepare_verifying_key(&pk.vk);
			assert!(Groth16::<Bn254>::verify_with_processed_vk(
				&pvk,
				assignment.public_inputs(),
				&proof
			)
			.unwrap());
		}
	}
}
