//! snarkjs's Groth16 `.zkey` (container of [`super::binfile`], magic `zkey`, version 1):
//!
//! | section | content |
//! |---------|---------|
//! | 1 header | `u32` protocol (1: Groth16) |
//! | 2 Groth16 header | `u32 n8q`, `q`, `u32 n8r`, `r`, `u32 nVars`, `u32 nPublic`, `u32 domainSize`, α₁, β₁, β₂, γ₂, δ₁, δ₂ |
//! | 3 IC | `nPublic + 1` G1 points |
//! | 4 coefficients | `u32 count`, then per entry `u32 matrix` (0: A, 1: B), `u32 constraint`, `u32 signal`, the value |
//! | 5, 6, 7 | A (G1), B1 (G1), B2 (G2): `nVars` points each |
//! | 8 C | `nVars − nPublic − 1` G1 points (the private signals) |
//! | 9 H | `domainSize` G1 points |
//! | 10 contributions | the ceremony's transcript (not needed to prove) |
//!
//! Field elements are little-endian in Montgomery form (`x·R mod p`, `R = 2²⁵⁶`);
//! coefficients carry one more factor (`c·R²`). A G1 point is `x ++ y`, a G2 point
//! `x.c0 ++ x.c1 ++ y.c0 ++ y.c1`; `(0, 0)` is the point at infinity. The coefficients
//! are those of the A and B matrices only, with one extra row per public signal (and the
//! constant) that snarkjs's setup adds; C is not stored: on the evaluation domain it is
//! A ∘ B.

use super::{
	binfile::{Reader, Sections},
	error::ZkeyError,
};
use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, PrimeField};
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_relations::r1cs::{ConstraintMatrices, Matrix};
use rayon::prelude::*;

const FIELD_BYTES: usize = 32;
const G1_BYTES: usize = 2 * FIELD_BYTES;
const G2_BYTES: usize = 4 * FIELD_BYTES;
const COEFFICIENT_BYTES: usize = 12 + FIELD_BYTES;
/// Largest domain whose coset of the `2n`-th roots of unity BN254's scalar field has
/// (its two-adicity is 28).
const MAX_DOMAIN_SIZE: u64 = 1 << 27;
const GROTH16: u32 = 1;

/// A parsed Groth16 `.zkey`: the arkworks proving key and the constraint matrices.
#[derive(Clone)]
pub struct Zkey {
	/// The proving key (its `vk` is the circuit's verifying key).
	pub proving_key: ProvingKey<Bn254>,
	/// A and B, one row per constraint of the evaluation domain (rows past the
	/// circuit's constraints are empty); C is left empty (see the module docs).
	pub matrices: ConstraintMatrices<Fr>,
	/// Public signals (outputs, then public inputs), without the constant 1.
	pub n_public: usize,
	/// Signals of the witness, the constant 1 included.
	pub n_vars: usize,
	/// Size of the evaluation domain (a power of two).
	pub domain_size: usize,
}

/// The Groth16 header: the counts and the key's fixed points.
struct Header {
	n_vars: usize,
	n_public: usize,
	domain_size: usize,
	alpha_g1: G1Affine,
	beta_g1: G1Affine,
	beta_g2: G2Affine,
	gamma_g2: G2Affine,
	delta_g1: G1Affine,
	delta_g2: G2Affine,
}

impl std::fmt::Debug for Zkey {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("Zkey")
			.field("n_vars", &self.n_vars)
			.field("n_public", &self.n_public)
			.field("domain_size", &self.domain_size)
			.field("a_num_non_zero", &self.matrices.a_num_non_zero)
			.field("b_num_non_zero", &self.matrices.b_num_non_zero)
			.finish_non_exhaustive()
	}
}

impl Zkey {
	/// Parses a snarkjs Groth16 zkey for BN254, validating every field element and point.
	pub fn parse(bytes: &[u8]) -> Result<Zkey, ZkeyError> {
		let sections = Sections::parse(bytes, b"zkey", 1)?;
		let mut protocol = Reader::new(sections.sized(1, 4)?, "the header");
		let protocol = protocol.u32()?;
		if protocol != GROTH16 {
			return Err(ZkeyError::NotGroth16(protocol));
		}
		let header = groth16_header(sections.unique(2)?)?;
		let (n_vars, n_public) = (header.n_vars as u64, header.n_public as u64);
		let ic = g1_points(sections.sized(3, (n_public + 1) * G1_BYTES as u64)?, "IC")?;
		let a_query = g1_points(sections.sized(5, n_vars * G1_BYTES as u64)?, "A points")?;
		let b_g1_query = g1_points(sections.sized(6, n_vars * G1_BYTES as u64)?, "B1 points")?;
		let b_g2_query = g2_points(sections.sized(7, n_vars * G2_BYTES as u64)?, "B2 points")?;
		let c_len = (n_vars - n_public - 1) * G1_BYTES as u64;
		let l_query = g1_points(sections.sized(8, c_len)?, "C points")?;
		let h_len = header.domain_size as u64 * G1_BYTES as u64;
		let h_query = g1_points(sections.sized(9, h_len)?, "H points")?;
		let matrices = coefficients(sections.unique(4)?, &header)?;
		let proving_key = ProvingKey {
			vk: VerifyingKey {
				alpha_g1: header.alpha_g1,
				beta_g2: header.beta_g2,
				gamma_g2: header.gamma_g2,
				delta_g2: header.delta_g2,
				gamma_abc_g1: ic,
			},
			beta_g1: header.beta_g1,
			delta_g1: header.delta_g1,
			a_query,
			b_g1_query,
			b_g2_query,
			h_query,
			l_query,
		};
		Ok(Zkey {
			proving_key,
			matrices,
			n_public: header.n_public,
			n_vars: header.n_vars,
			domain_size: header.domain_size,
		})
	}

	/// The circuit's verifying key.
	pub fn verifying_key(&self) -> &VerifyingKey<Bn254> {
		&self.proving_key.vk
	}
}

fn bad_header(reason: impl Into<String>) -> ZkeyError {
	ZkeyError::BadHeader(reason.into())
}

/// Reads a modulus field (`u32` byte length, then the bytes) and checks it is `expected`.
fn modulus(
	reader: &mut Reader<'_>,
	expected: BigInt<4>,
	name: &'static str,
) -> Result<(), ZkeyError> {
	let len = reader.u32()? as usize;
	if len != FIELD_BYTES {
		return Err(ZkeyError::WrongCurve(name));
	}
	if limbs(reader.bytes(len)?) != expected {
		return Err(ZkeyError::WrongCurve(name));
	}
	Ok(())
}

fn groth16_header(bytes: &[u8]) -> Result<Header, ZkeyError> {
	let mut r = Reader::new(bytes, "the Groth16 header");
	modulus(&mut r, Fq::MODULUS, "base")?;
	modulus(&mut r, Fr::MODULUS, "scalar")?;
	let (n_vars, n_public, domain_size) = (r.u32()?, r.u32()?, r.u32()?);
	if n_vars <= n_public {
		return Err(bad_header(format!("{n_vars} variables for {n_public} public signals")));
	}
	if !domain_size.is_power_of_two() || u64::from(domain_size) > MAX_DOMAIN_SIZE {
		return Err(bad_header(format!(
			"domain size {domain_size} is not a power of two up to 2^27"
		)));
	}
	let alpha_g1 = g1_point(r.bytes(G1_BYTES)?, "alpha1", 0)?;
	let beta_g1 = g1_point(r.bytes(G1_BYTES)?, "beta1", 0)?;
	let beta_g2 = g2_point(r.bytes(G2_BYTES)?, "beta2", 0)?;
	let gamma_g2 = g2_point(r.bytes(G2_BYTES)?, "gamma2", 0)?;
	let delta_g1 = g1_point(r.bytes(G1_BYTES)?, "delta1", 0)?;
	let delta_g2 = g2_point(r.bytes(G2_BYTES)?, "delta2", 0)?;
	if r.remaining() != 0 {
		return Err(ZkeyError::SectionSize {
			section: 2,
			expected: (bytes.len() - r.remaining()) as u64,
			found: bytes.len() as u64,
		});
	}
	Ok(Header {
		n_vars: n_vars as usize,
		n_public: n_public as usize,
		domain_size: domain_size as usize,
		alpha_g1,
		beta_g1,
		beta_g2,
		gamma_g2,
		delta_g1,
		delta_g2,
	})
}

/// Four little-endian 64-bit limbs from 32 bytes.
fn limbs(bytes: &[u8]) -> BigInt<4> {
	let mut out = [0u64; 4];
	for (limb, chunk) in out.iter_mut().zip(bytes.chunks_exact(8)) {
		let mut le = [0u8; 8];
		le.copy_from_slice(chunk);
		*limb = u64::from_le_bytes(le);
	}
	BigInt(out)
}

/// The limbs of a canonical (below-modulus) Montgomery form, or `None`.
fn canonical(bytes: &[u8], modulus: BigInt<4>) -> Option<BigInt<4>> {
	let raw = limbs(bytes);
	(raw < modulus).then_some(raw)
}

/// A base-field element from its little-endian Montgomery form (`x·R`).
fn fq(bytes: &[u8], what: &'static str, index: usize) -> Result<Fq, ZkeyError> {
	let raw = canonical(bytes, Fq::MODULUS).ok_or(ZkeyError::NonCanonical { what, index })?;
	// arkworks keeps elements in the same Montgomery form: the limbs are its inner value.
	Ok(Fq::new_unchecked(raw))
}

fn g1_point(bytes: &[u8], what: &'static str, index: usize) -> Result<G1Affine, ZkeyError> {
	let x = fq(&bytes[..FIELD_BYTES], what, index)?;
	let y = fq(&bytes[FIELD_BYTES..], what, index)?;
	if x == Fq::from(0u64) && y == Fq::from(0u64) {
		return Ok(G1Affine::zero());
	}
	let point = G1Affine::new_unchecked(x, y);
	if !point.is_on_curve() || !point.is_in_correct_subgroup_assuming_on_curve() {
		return Err(ZkeyError::BadPoint { what, index });
	}
	Ok(point)
}

fn g2_point(bytes: &[u8], what: &'static str, index: usize) -> Result<G2Affine, ZkeyError> {
	let mut c = [Fq::from(0u64); 4];
	for (i, slot) in c.iter_mut().enumerate() {
		*slot = fq(&bytes[i * FIELD_BYTES..(i + 1) * FIELD_BYTES], what, index)?;
	}
	let (x, y) = (Fq2::new(c[0], c[1]), Fq2::new(c[2], c[3]));
	if x == Fq2::from(0u64) && y == Fq2::from(0u64) {
		return Ok(G2Affine::zero());
	}
	let point = G2Affine::new_unchecked(x, y);
	if !point.is_on_curve() || !point.is_in_correct_subgroup_assuming_on_curve() {
		return Err(ZkeyError::BadPoint { what, index });
	}
	Ok(point)
}

fn g1_points(bytes: &[u8], what: &'static str) -> Result<Vec<G1Affine>, ZkeyError> {
	bytes
		.par_chunks_exact(G1_BYTES)
		.enumerate()
		.map(|(i, chunk)| g1_point(chunk, what, i))
		.collect()
}

fn g2_points(bytes: &[u8], what: &'static str) -> Result<Vec<G2Affine>, ZkeyError> {
	bytes
		.par_chunks_exact(G2_BYTES)
		.enumerate()
		.map(|(i, chunk)| g2_point(chunk, what, i))
		.collect()
}

/// One entry of the coefficient section.
struct Coefficient {
	matrix: u32,
	constraint: usize,
	signal: usize,
	value: Fr,
}

fn coefficient(bytes: &[u8], index: usize, header: &Header) -> Result<Coefficient, ZkeyError> {
	let word = |i: usize| {
		let mut le = [0u8; 4];
		le.copy_from_slice(&bytes[4 * i..4 * i + 4]);
		u32::from_le_bytes(le)
	};
	let (matrix, constraint, signal) = (word(0), word(1) as usize, word(2) as usize);
	let bad = |reason: String| ZkeyError::BadCoefficient { index, reason };
	if matrix > 1 {
		return Err(bad(format!("matrix {matrix} is neither A (0) nor B (1)")));
	}
	if constraint >= header.domain_size {
		return Err(bad(format!(
			"constraint {constraint} is outside the domain of {}",
			header.domain_size
		)));
	}
	if signal >= header.n_vars {
		return Err(bad(format!("signal {signal} is not one of the {} variables", header.n_vars)));
	}
	// The stored value is `c·R²` as an integer: two Montgomery reductions give `c`.
	let raw = canonical(&bytes[12..], Fr::MODULUS)
		.ok_or(ZkeyError::NonCanonical { what: "coefficients", index })?;
	let value = Fr::new_unchecked(Fr::new_unchecked(raw).into_bigint());
	Ok(Coefficient { matrix, constraint, signal, value })
}

fn coefficients(bytes: &[u8], header: &Header) -> Result<ConstraintMatrices<Fr>, ZkeyError> {
	let mut reader = Reader::new(bytes, "the coefficients");
	let count = u64::from(reader.u32()?);
	let expected = 4 + count * COEFFICIENT_BYTES as u64;
	if bytes.len() as u64 != expected {
		return Err(ZkeyError::SectionSize { section: 4, expected, found: bytes.len() as u64 });
	}
	let entries = bytes[4..]
		.par_chunks_exact(COEFFICIENT_BYTES)
		.enumerate()
		.map(|(i, chunk)| coefficient(chunk, i, header))
		.collect::<Result<Vec<_>, _>>()?;
	let mut a: Matrix<Fr> = vec![Vec::new(); header.domain_size];
	let mut b: Matrix<Fr> = vec![Vec::new(); header.domain_size];
	let (mut a_num_non_zero, mut b_num_non_zero) = (0, 0);
	for entry in entries {
		let (rows, non_zero) = if entry.matrix == 0 {
			(&mut a, &mut a_num_non_zero)
		} else {
			(&mut b, &mut b_num_non_zero)
		};
		rows[entry.constraint].push((entry.value, entry.signal));
		*non_zero += 1;
	}
	Ok(ConstraintMatrices {
		num_instance_variables: header.n_public + 1,
		num_witness_variables: header.n_vars - header.n_public - 1,
		num_constraints: header.domain_size,
		a_num_non_zero,
		b_num_non_zero,
		c_num_non_zero: 0,
		a,
		b,
		c: Vec::new(),
	})
}
