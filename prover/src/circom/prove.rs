//! Groth16 proving of a circom witness with arkworks, the way snarkjs does it (the
//! snarkjs JSON of proofs and public signals is written by
//! [`zkpow_primitives::import::proof_to_snarkjs`] and [`zkpow_primitives::import::public_to_snarkjs`]).
//!
//! snarkjs's setup puts in the `.zkey`'s H points the basis for `h` *evaluated on the
//! coset* `g·H` of the domain `H` (size `n`), with `g` the primitive `2n`-th root of
//! unity; the prover therefore needs those evaluations, not the coefficients of
//! `(A·B − C)/Z` that arkworks's default (libsnark) reduction computes. [`CircomReduction`]
//! computes `A(x)`, `B(x)` on `H` from the constraint rows, `C = A ∘ B` there, moves all
//! three to the coset (inverse FFT, scale coefficient `i` by `gⁱ`, FFT) and returns
//! `A·B − C` on the coset; `Z` is constant there and already folded into the key.

use super::{error::ProveError, zkey::Zkey};
use ark_bn254::{Bn254, Fr};
use ark_ff::{One, PrimeField};
use ark_groth16::{
	r1cs_to_qap::{evaluate_constraint, R1CSToQAP},
	Groth16, Proof,
};
use ark_poly::EvaluationDomain;
use ark_relations::r1cs::{
	ConstraintMatrices, ConstraintSystemRef, Result as R1CSResult, SynthesisError,
};
use ark_std::{rand::rngs::OsRng, UniformRand};
use rayon::prelude::*;

/// The R1CS-to-QAP reduction of circom/snarkjs keys (see the module docs). It proves
/// with keys made by snarkjs's setup; it cannot make keys (the setup-side methods
/// answer [`SynthesisError::Unsatisfiable`]).
///
/// The public-signal rows snarkjs's setup adds (`A[n_constraints + i] = signal i`) are
/// part of the zkey's coefficients, so the matrices already hold them and `num_inputs`
/// is not used.
#[derive(Clone, Copy, Debug, Default)]
pub struct CircomReduction;

impl R1CSToQAP for CircomReduction {
	fn instance_map_with_evaluation<F: PrimeField, D: EvaluationDomain<F>>(
		_cs: ConstraintSystemRef<F>,
		_t: &F,
	) -> Result<(Vec<F>, Vec<F>, Vec<F>, F, usize, usize), SynthesisError> {
		Err(SynthesisError::Unsatisfiable)
	}

	fn witness_map_from_matrices<F: PrimeField, D: EvaluationDomain<F>>(
		matrices: &ConstraintMatrices<F>,
		_num_inputs: usize,
		num_constraints: usize,
		full_assignment: &[F],
	) -> R1CSResult<Vec<F>> {
		let domain = D::new(num_constraints).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
		let n = domain.size();
		let double = D::new(2 * n).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
		let coset = domain
			.get_coset(double.element(1))
			.ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
		let rows = |matrix: &[Vec<(F, usize)>]| -> Vec<F> {
			let mut values: Vec<F> = matrix
				.par_iter()
				.take(n)
				.map(|row| evaluate_constraint(row, full_assignment))
				.collect();
			values.resize(n, F::zero());
			values
		};
		let (mut a, mut b) = rayon::join(|| rows(&matrices.a), || rows(&matrices.b));
		let mut c: Vec<F> = a.par_iter().zip(&b).map(|(a, b)| *a * b).collect();
		// Each FFT is parallel itself (arkworks's `parallel` feature).
		for values in [&mut a, &mut b, &mut c] {
			domain.ifft_in_place(values);
			coset.fft_in_place(values);
		}
		a.par_iter_mut().zip(b).zip(c).for_each(|((a, b), c)| *a = *a * b - c);
		Ok(a)
	}

	fn h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
		_max_power: usize,
		_t: F,
		_zt: F,
		_delta_inverse: F,
	) -> Result<Vec<F>, SynthesisError> {
		Err(SynthesisError::Unsatisfiable)
	}
}

/// Proves `witness` (from the circuit's witness generator) with the zkey, and checks the
/// proof against the zkey's own verifying key before returning it.
pub fn prove(zkey: &Zkey, witness: &[Fr]) -> Result<Proof<Bn254>, ProveError> {
	if witness.len() != zkey.n_vars {
		return Err(ProveError::WitnessLength { expected: zkey.n_vars, found: witness.len() });
	}
	if !witness[0].is_one() {
		return Err(ProveError::NoConstantOne);
	}
	let (r, s) = (Fr::rand(&mut OsRng), Fr::rand(&mut OsRng));
	let proof = Groth16::<Bn254, CircomReduction>::create_proof_with_reduction_and_matrices(
		&zkey.proving_key,
		r,
		s,
		&zkey.matrices,
		zkey.n_public + 1,
		zkey.domain_size,
		witness,
	)?;
	let pvk = ark_groth16::prepare_verifying_key(zkey.verifying_key());
	if !Groth16::<Bn254>::verify_proof(&pvk, &proof, public_signals(zkey, witness))? {
		return Err(ProveError::DoesNotVerify);
	}
	Ok(proof)
}

/// The public signals of a witness: values `1..=n_public` (outputs, then public inputs);
/// empty for a witness too short to have them.
pub fn public_signals<'a>(zkey: &Zkey, witness: &'a [Fr]) -> &'a [Fr] {
	witness.get(1..=zkey.n_public).unwrap_or(&[])
}
