//! The final-proof artifact of a sequence, the verifying-key set it is checked against,
//! and its verification with one randomized batched pairing check.
//!
//! # Why an artifact and not one proof
//!
//! The reference proof pipeline has no recursion: a sequence of `n` batches is proven by
//! `n` batch proofs, an aggregator proof (only when `n > 1`) and a final proof, all
//! Groth16 over BN254. The *artifact* is those proofs packed together; it is what a miner
//! commits to (`proof_hash(artifact, miner)`), reveals, and what the chain and the EVM
//! inbox verify. Every proof's public inputs are derived here from chain data (the
//! [`SequenceStatement`] and the sequence's [`BatchHeader`]s) and never read from the
//! artifact, and every proof's inputs include the miner's account, so a proof copied
//! from another miner's artifact fails.
//!
//! # Verifying-key set (`vk_set`), version 1
//!
//! Registered once per rollup. Keys use the encoding of [`crate::groth16`]; their
//! lengths follow from their input counts, so the set needs no length prefixes.
//!
//! | offset | bytes | field |
//! |--------|-------|-------|
//! | 0 | 1 | version, `0x01` |
//! | 1 | 1 | `N`: aggregator capacity = most batches per sequence, `1..=`[`MAX_AGGREGATOR_CAPACITY`] |
//! | 2 | `vk_len(8)` = 1024 | batch-proof key, [`BATCH_PUBLIC_INPUTS`] inputs |
//! | 1026 | `vk_len(9 + 4N)` | aggregator key, [`aggregator_input_count`]`(N)` inputs |
//! | 1026 + `vk_len(9 + 4N)` | `vk_len(10)` = 1152 | final-proof key, [`FINAL_PUBLIC_INPUTS`] inputs |
//!
//! Total: [`vk_set_len`]`(N)` bytes (3,266 + 256·N).
//!
//! # Artifact, version 1
//!
//! | offset | bytes | field |
//! |--------|-------|-------|
//! | 0 | 1 | version, `0x01` |
//! | 1 | 1 | `n`: number of batches, `1..=N` |
//! | 2 | 256 | final proof |
//! | 258 | 256·n | batch proofs, in batch order |
//! | 258 + 256·n | 256, only if `n > 1` | aggregator proof |
//!
//! Total: [`artifact_len`]`(n)` bytes.
//!
//! # Public inputs (all 32-byte big-endian; 32-byte values split into hi/lo 128-bit halves)
//!
//! Let `r(0)` = `statement.prev_state_root`, `r(i)` = `batches[i-1].state_root`,
//! `d(i)` = `batches[i-1].data_hash`, `P` = `statement.prover`.
//!
//! - final proof: [`SequenceStatement::public_inputs`] (10 inputs);
//! - batch proof `i` (1-based): `r(i-1).hi, r(i-1).lo, r(i).hi, r(i).lo, d(i).hi, d(i).lo,
//!   P.hi, P.lo` (8 inputs, [`batch_public_inputs`]);
//! - aggregator proof: `n, r(0).hi, r(0).lo, r(n).hi, r(n).lo, commitment.hi,
//!   commitment.lo, P.hi, P.lo`, then for each slot `i = 1..=N`: `r(i).hi, r(i).lo,
//!   d(i).hi, d(i).lo`, zeros for `i > n` (9 + 4N inputs, [`aggregator_public_inputs`]).
//!
//! # Verification
//!
//! 1. Decode the key set and the artifact (lengths, versions, points on curve and in
//!    subgroup); require `1 <= n <= N` and `n == batches.len()`.
//! 2. Require the statement to match the headers: `new_state_root == r(n)` and
//!    `data_commitment == sequence_commitment(batches)`.
//! 3. Derive every proof's public inputs as above. Proof order `j`: final (0), batches
//!    (1..=n), aggregator (n+1).
//! 4. Fiat–Shamir: `seed = keccak256(DOMAIN ++ keccak256(vk_set) ++ artifact ++ inputs)`
//!    where `DOMAIN` = the 17 ASCII bytes `zkpow/artifact/v1` and `inputs` is every
//!    derived input in proof order; `rho_j` = the first 16 bytes of
//!    `keccak256(seed ++ uint32_be(j))` as a big-endian integer, 1 if that is 0
//!    ([`fiat_shamir_seed`], [`challenge`]).
//! 5. Accept iff, summing over proofs `j` (key `v(j)`, inputs `x_j`) and over the keys
//!    `v` in use,
//!    `Σ_j e(−rho_j·A_j, B_j) · Π_v e((Σ_{j:v} rho_j)·alpha_v, beta_v)
//!      · e(Σ_{j:v} rho_j·(IC_v[0] + Σ_k x_jk·IC_v[k+1]), gamma_v) · e(Σ_{j:v} rho_j·C_j, delta_v) = 1`.
//!
//! The random linear combination accepts a set containing an invalid proof with
//! probability about 2^-128; the coefficients are fixed only after everything they
//! protect is (Fiat–Shamir), so the check is deterministic and needs no randomness
//! source. Pairings: `(n + 2) + 3·3` for `n > 1`, `2 + 3·2` for `n = 1`, one final
//! exponentiation.

use crate::{
	groth16::{decode_fr, decode_proof, decode_verifying_key, vk_len, VerifyError, PROOF_LEN},
	hashing::sequence_commitment,
	statement::{split_halves, BatchHeader, SequenceStatement, STATEMENT_PUBLIC_INPUTS},
	Bytes32,
};
use alloc::vec::Vec;
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::{pairing::Pairing, AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::Zero;
use ark_groth16::VerifyingKey;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_crypto_hashing::keccak_256;

/// Version byte of the artifact layout defined here.
pub const ARTIFACT_VERSION: u8 = 1;
/// Version byte of the verifying-key set layout defined here.
pub const VK_SET_VERSION: u8 = 1;
/// Public inputs of a batch proof.
pub const BATCH_PUBLIC_INPUTS: usize = 8;
/// Public inputs of the final proof (the sequence statement).
pub const FINAL_PUBLIC_INPUTS: usize = STATEMENT_PUBLIC_INPUTS;
/// Public inputs of the aggregator proof that do not depend on its capacity.
pub const AGGREGATOR_FIXED_INPUTS: usize = 9;
/// Public inputs the aggregator proof has per batch slot.
pub const AGGREGATOR_INPUTS_PER_BATCH: usize = 4;
/// Largest aggregator capacity (batches per sequence) a key set may declare.
pub const MAX_AGGREGATOR_CAPACITY: usize = 64;
/// Domain separator of the Fiat–Shamir transcript.
pub const TRANSCRIPT_DOMAIN: &[u8; 17] = b"zkpow/artifact/v1";
/// Bytes of the artifact header (version and batch count).
pub const ARTIFACT_HEADER_LEN: usize = 2;

/// Why a key set, an artifact or a statement was rejected.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum ArtifactError {
	/// The key set has an unknown version, a capacity of 0 or above
	/// [`MAX_AGGREGATOR_CAPACITY`], or a length that does not match its capacity.
	MalformedKeySet,
	/// A key of the set is invalid (the inner error says how).
	InvalidKey(VerifyError),
	/// The artifact has an unknown version byte.
	UnsupportedArtifactVersion,
	/// The artifact's length does not match its batch count, or the count is 0.
	MalformedArtifact,
	/// The artifact proves a different number of batches than the sequence has.
	BatchCountMismatch,
	/// The sequence has more batches than the key set's aggregator capacity.
	TooManyBatches,
	/// The sequence has no batches.
	NoBatches,
	/// The statement's new root or data commitment does not match the batch headers.
	StatementMismatch,
	/// A proof of the artifact is malformed (the inner error says how).
	InvalidProof(VerifyError),
	/// The artifact is well formed but its proofs do not verify for this statement.
	ProofRejected,
}

impl From<ArtifactError> for &'static str {
	fn from(e: ArtifactError) -> &'static str {
		match e {
			ArtifactError::MalformedKeySet => "malformed verifying-key set",
			ArtifactError::InvalidKey(_) => "invalid verifying key in the key set",
			ArtifactError::UnsupportedArtifactVersion => "unsupported artifact version",
			ArtifactError::MalformedArtifact => "malformed artifact",
			ArtifactError::BatchCountMismatch => "artifact batch count differs from the sequence",
			ArtifactError::TooManyBatches => "more batches than the aggregator capacity",
			ArtifactError::NoBatches => "sequence has no batches",
			ArtifactError::StatementMismatch => "statement does not match the batch headers",
			ArtifactError::InvalidProof(_) => "malformed proof in the artifact",
			ArtifactError::ProofRejected => "artifact proofs do not verify",
		}
	}
}

/// Number of public inputs of an aggregator key of capacity `capacity`.
pub const fn aggregator_input_count(capacity: usize) -> usize {
	AGGREGATOR_FIXED_INPUTS + AGGREGATOR_INPUTS_PER_BATCH * capacity
}

/// Length of a version-1 key set with aggregator capacity `capacity`.
pub const fn vk_set_len(capacity: usize) -> usize {
	2 + vk_len(BATCH_PUBLIC_INPUTS)
		+ vk_len(aggregator_input_count(capacity))
		+ vk_len(FINAL_PUBLIC_INPUTS)
}

/// Length of a version-1 artifact for `n` batches.
pub const fn artifact_len(n: usize) -> usize {
	ARTIFACT_HEADER_LEN + PROOF_LEN * (n + 1) + if n > 1 { PROOF_LEN } else { 0 }
}

/// A decoded and validated verifying-key set.
#[derive(Clone, Debug)]
pub struct VkSet {
	/// Aggregator capacity `N`: the most batches a sequence may have.
	pub capacity: usize,
	/// Batch-proof key.
	pub batch: VerifyingKey<Bn254>,
	/// Aggregator-proof key.
	pub aggregator: VerifyingKey<Bn254>,
	/// Final-proof key.
	pub final_key: VerifyingKey<Bn254>,
	/// `keccak256` of the encoded set (bound into the Fiat–Shamir transcript).
	pub hash: Bytes32,
}

fn decode_key(bytes: &[u8], inputs: usize) -> Result<VerifyingKey<Bn254>, ArtifactError> {
	let key = decode_verifying_key(bytes).map_err(ArtifactError::InvalidKey)?;
	if key.alpha_g1.is_zero()
		|| key.beta_g2.is_zero()
		|| key.gamma_g2.is_zero()
		|| key.delta_g2.is_zero()
	{
		return Err(ArtifactError::InvalidKey(VerifyError::DegenerateKey));
	}
	if key.gamma_abc_g1.len() != inputs + 1 {
		return Err(ArtifactError::InvalidKey(VerifyError::InputCountMismatch));
	}
	Ok(key)
}

impl VkSet {
	/// Decodes and fully validates an encoded key set (every point on the curve and in
	/// its subgroup, non-degenerate keys, the right input counts).
	pub fn decode(bytes: &[u8]) -> Result<Self, ArtifactError> {
		let (capacity, [b, a, f]) = split_vk_set(bytes)?;
		Ok(Self {
			capacity,
			batch: decode_key(b, BATCH_PUBLIC_INPUTS)?,
			aggregator: decode_key(a, aggregator_input_count(capacity))?,
			final_key: decode_key(f, FINAL_PUBLIC_INPUTS)?,
			hash: keccak_256(bytes),
		})
	}
}

/// Splits an encoded key set into its capacity and its batch, aggregator and final keys
/// (checking only the layout, not the points).
pub fn split_vk_set(bytes: &[u8]) -> Result<(usize, [&[u8]; 3]), ArtifactError> {
	if bytes.len() < 2 || bytes[0] != VK_SET_VERSION {
		return Err(ArtifactError::MalformedKeySet);
	}
	let capacity = bytes[1] as usize;
	if capacity == 0 || capacity > MAX_AGGREGATOR_CAPACITY || bytes.len() != vk_set_len(capacity) {
		return Err(ArtifactError::MalformedKeySet);
	}
	let (batch, rest) = bytes[2..].split_at(vk_len(BATCH_PUBLIC_INPUTS));
	let (aggregator, final_key) = rest.split_at(vk_len(aggregator_input_count(capacity)));
	Ok((capacity, [batch, aggregator, final_key]))
}

/// Fully validates an encoded key set (as at rollup registration) and returns its
/// aggregator capacity.
pub fn validate_vk_set(bytes: &[u8]) -> Result<usize, ArtifactError> {
	VkSet::decode(bytes).map(|set| set.capacity)
}

/// Encodes a key set from its three encoded keys, checking the layout (not the points).
pub fn encode_vk_set(
	capacity: usize,
	batch: &[u8],
	aggregator: &[u8],
	final_key: &[u8],
) -> Result<Vec<u8>, ArtifactError> {
	if capacity == 0 || capacity > MAX_AGGREGATOR_CAPACITY {
		return Err(ArtifactError::MalformedKeySet);
	}
	let mut out = Vec::with_capacity(vk_set_len(capacity));
	out.push(VK_SET_VERSION);
	out.push(capacity as u8);
	out.extend_from_slice(batch);
	out.extend_from_slice(aggregator);
	out.extend_from_slice(final_key);
	split_vk_set(&out)?;
	Ok(out)
}

/// The proofs of an artifact, borrowed from its bytes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ArtifactParts<'a> {
	/// The final proof.
	pub final_proof: &'a [u8],
	/// One proof per batch, in batch order.
	pub batch_proofs: Vec<&'a [u8]>,
	/// The aggregator proof, present exactly when there is more than one batch.
	pub aggregator_proof: Option<&'a [u8]>,
}

/// Splits an artifact into its proofs, checking version and length.
pub fn parse_artifact(bytes: &[u8]) -> Result<ArtifactParts<'_>, ArtifactError> {
	if bytes.len() < ARTIFACT_HEADER_LEN {
		return Err(ArtifactError::MalformedArtifact);
	}
	if bytes[0] != ARTIFACT_VERSION {
		return Err(ArtifactError::UnsupportedArtifactVersion);
	}
	let n = bytes[1] as usize;
	if n == 0 || bytes.len() != artifact_len(n) {
		return Err(ArtifactError::MalformedArtifact);
	}
	let mut proofs = bytes[ARTIFACT_HEADER_LEN..].chunks_exact(PROOF_LEN);
	let final_proof = proofs.next().ok_or(ArtifactError::MalformedArtifact)?;
	let batch_proofs: Vec<&[u8]> = proofs.by_ref().take(n).collect();
	let aggregator_proof = proofs.next();
	Ok(ArtifactParts { final_proof, batch_proofs, aggregator_proof })
}

/// Encodes an artifact. `aggregator_proof` must be given exactly when there is more
/// than one batch proof; every proof must be [`PROOF_LEN`] bytes.
pub fn encode_artifact<P: AsRef<[u8]>>(
	final_proof: &[u8],
	batch_proofs: &[P],
	aggregator_proof: Option<&[u8]>,
) -> Result<Vec<u8>, ArtifactError> {
	let n = batch_proofs.len();
	if n == 0 || n > u8::MAX as usize || aggregator_proof.is_some() != (n > 1) {
		return Err(ArtifactError::MalformedArtifact);
	}
	let mut out = Vec::with_capacity(artifact_len(n));
	out.push(ARTIFACT_VERSION);
	out.push(n as u8);
	out.extend_from_slice(final_proof);
	for proof in batch_proofs {
		out.extend_from_slice(proof.as_ref());
	}
	if let Some(proof) = aggregator_proof {
		out.extend_from_slice(proof);
	}
	if out.len() != artifact_len(n) {
		return Err(ArtifactError::MalformedArtifact);
	}
	Ok(out)
}

fn push_halves(out: &mut Vec<Bytes32>, value: &Bytes32) {
	let (hi, lo) = split_halves(value);
	out.push(hi);
	out.push(lo);
}

fn small_input(value: u64) -> Bytes32 {
	let mut out = [0u8; 32];
	out[24..].copy_from_slice(&value.to_be_bytes());
	out
}

/// Public inputs of the batch proof that moves `prev_root` to `batch.state_root` with
/// data `batch.data_hash`, bound to `prover`.
pub fn batch_public_inputs(
	prev_root: &Bytes32,
	batch: &BatchHeader,
	prover: &Bytes32,
) -> [Bytes32; BATCH_PUBLIC_INPUTS] {
	let mut out = Vec::with_capacity(BATCH_PUBLIC_INPUTS);
	for value in [prev_root, &batch.state_root, &batch.data_hash, prover] {
		push_halves(&mut out, value);
	}
	let mut fixed = [[0u8; 32]; BATCH_PUBLIC_INPUTS];
	fixed.copy_from_slice(&out);
	fixed
}

/// Public inputs of the aggregator proof of a key set with capacity `capacity`.
/// Slots beyond `batches.len()` are zero; batches beyond `capacity` are ignored (the
/// verifier rejects such sequences before).
pub fn aggregator_public_inputs(
	capacity: usize,
	statement: &SequenceStatement,
	batches: &[BatchHeader],
) -> Vec<Bytes32> {
	let mut out = Vec::with_capacity(aggregator_input_count(capacity));
	out.push(small_input(batches.len() as u64));
	push_halves(&mut out, &statement.prev_state_root);
	push_halves(&mut out, &statement.new_state_root);
	push_halves(&mut out, &statement.data_commitment);
	push_halves(&mut out, &statement.prover);
	for slot in 0..capacity {
		match batches.get(slot) {
			Some(batch) => {
				push_halves(&mut out, &batch.state_root);
				push_halves(&mut out, &batch.data_hash);
			},
			None => out.extend_from_slice(&[[0u8; 32]; AGGREGATOR_INPUTS_PER_BATCH]),
		}
	}
	out
}

/// Checks that `statement` is the statement of `batches`: at least one batch, the new
/// root is the last batch's root and the data commitment covers exactly these batches.
pub fn check_statement(
	statement: &SequenceStatement,
	batches: &[BatchHeader],
) -> Result<(), ArtifactError> {
	let last = batches.last().ok_or(ArtifactError::NoBatches)?;
	if statement.new_state_root != last.state_root
		|| statement.data_commitment != sequence_commitment(batches)
	{
		return Err(ArtifactError::StatementMismatch);
	}
	Ok(())
}

/// Which key of the set a proof is checked against.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ProofRole {
	/// The final proof (statement key).
	Final,
	/// A batch proof.
	Batch,
	/// The aggregator proof.
	Aggregator,
}

/// Every proof of a sequence with the public inputs the verifier derives for it, in
/// proof order (final, batches, aggregator).
pub fn derive_public_inputs(
	capacity: usize,
	statement: &SequenceStatement,
	batches: &[BatchHeader],
	with_aggregator: bool,
) -> Vec<(ProofRole, Vec<Bytes32>)> {
	let mut out = Vec::with_capacity(batches.len() + 2);
	out.push((ProofRole::Final, statement.public_inputs().to_vec()));
	let mut prev = statement.prev_state_root;
	for batch in batches {
		out.push((ProofRole::Batch, batch_public_inputs(&prev, batch, &statement.prover).to_vec()));
		prev = batch.state_root;
	}
	if with_aggregator {
		out.push((ProofRole::Aggregator, aggregator_public_inputs(capacity, statement, batches)));
	}
	out
}

/// The Fiat–Shamir seed: `keccak256(DOMAIN ++ vk_set_hash ++ artifact ++ inputs...)`.
pub fn fiat_shamir_seed<'a>(
	vk_set_hash: &Bytes32,
	artifact: &[u8],
	inputs: impl IntoIterator<Item = &'a Bytes32>,
) -> Bytes32 {
	let mut buf = Vec::with_capacity(TRANSCRIPT_DOMAIN.len() + 32 + artifact.len() + 64 * 32);
	buf.extend_from_slice(TRANSCRIPT_DOMAIN);
	buf.extend_from_slice(vk_set_hash);
	buf.extend_from_slice(artifact);
	for input in inputs {
		buf.extend_from_slice(input);
	}
	keccak_256(&buf)
}

/// The `j`-th combination coefficient: the first 16 bytes of
/// `keccak256(seed ++ uint32_be(j))` as a big-endian integer, or 1 if that is 0.
pub fn challenge(seed: &Bytes32, j: u32) -> u128 {
	let mut buf = [0u8; 36];
	buf[..32].copy_from_slice(seed);
	buf[32..].copy_from_slice(&j.to_be_bytes());
	let digest = keccak_256(&buf);
	let mut top = [0u8; 16];
	top.copy_from_slice(&digest[..16]);
	match u128::from_be_bytes(top) {
		0 => 1,
		rho => rho,
	}
}

/// Verifies the artifact of a sequence against an encoded key set. See the module
/// documentation for the exact checks.
pub fn verify_sequence_artifact(
	vk_set: &[u8],
	artifact: &[u8],
	statement: &SequenceStatement,
	batches: &[BatchHeader],
) -> Result<(), ArtifactError> {
	verify_with_keys(&VkSet::decode(vk_set)?, artifact, statement, batches)
}

/// Like [`verify_sequence_artifact`], with a key set decoded once by the caller.
pub fn verify_with_keys(
	keys: &VkSet,
	artifact: &[u8],
	statement: &SequenceStatement,
	batches: &[BatchHeader],
) -> Result<(), ArtifactError> {
	let parts = parse_artifact(artifact)?;
	let n = parts.batch_proofs.len();
	if batches.is_empty() {
		return Err(ArtifactError::NoBatches);
	}
	if n != batches.len() {
		return Err(ArtifactError::BatchCountMismatch);
	}
	if n > keys.capacity {
		return Err(ArtifactError::TooManyBatches);
	}
	check_statement(statement, batches)?;
	let entries = derive_public_inputs(keys.capacity, statement, batches, n > 1);
	let seed = fiat_shamir_seed(
		&keys.hash,
		artifact,
		entries.iter().flat_map(|(_, inputs)| inputs.iter()),
	);
	let proofs = core::iter::once(parts.final_proof)
		.chain(parts.batch_proofs.iter().copied())
		.chain(parts.aggregator_proof);
	let mut check = BatchedCheck::new(keys);
	for (j, (proof, (role, inputs))) in proofs.zip(entries.iter()).enumerate() {
		check.add(*role, proof, inputs, challenge(&seed, j as u32))?;
	}
	if check.holds() {
		Ok(())
	} else {
		Err(ArtifactError::ProofRejected)
	}
}

/// What the batched check accumulates for one key.
struct KeyTerms<'k> {
	key: &'k VerifyingKey<Bn254>,
	/// `Σ rho_j` over the proofs checked against this key.
	rho_sum: Fr,
	/// Scalars for `IC[0..]`: `Σ rho_j` and `Σ rho_j·x_jk`.
	ic_scalars: Vec<Fr>,
	/// The proofs' `C` points and their coefficients.
	c_points: Vec<G1Affine>,
	c_scalars: Vec<Fr>,
}

impl<'k> KeyTerms<'k> {
	fn new(key: &'k VerifyingKey<Bn254>) -> Self {
		Self {
			key,
			rho_sum: Fr::zero(),
			ic_scalars: alloc::vec![Fr::zero(); key.gamma_abc_g1.len()],
			c_points: Vec::new(),
			c_scalars: Vec::new(),
		}
	}
}

/// The random linear combination of Groth16 equations, evaluated as one multi-pairing.
struct BatchedCheck<'k> {
	terms: [KeyTerms<'k>; 3],
	/// `(−rho_j·A_j, B_j)` for every proof.
	proof_pairs: Vec<(G1Projective, G2Affine)>,
}

impl<'k> BatchedCheck<'k> {
	fn new(keys: &'k VkSet) -> Self {
		Self {
			terms: [
				KeyTerms::new(&keys.final_key),
				KeyTerms::new(&keys.batch),
				KeyTerms::new(&keys.aggregator),
			],
			proof_pairs: Vec::new(),
		}
	}

	fn add(
		&mut self,
		role: ProofRole,
		proof: &[u8],
		inputs: &[Bytes32],
		rho: u128,
	) -> Result<(), ArtifactError> {
		let proof = decode_proof(proof).map_err(ArtifactError::InvalidProof)?;
		let terms = &mut self.terms[role as usize];
		if terms.ic_scalars.len() != inputs.len() + 1 {
			return Err(ArtifactError::InvalidKey(VerifyError::InputCountMismatch));
		}
		let rho_fr = Fr::from(rho);
		terms.rho_sum += rho_fr;
		terms.ic_scalars[0] += rho_fr;
		for (scalar, input) in terms.ic_scalars[1..].iter_mut().zip(inputs) {
			*scalar += rho_fr * decode_fr(input).map_err(ArtifactError::InvalidProof)?;
		}
		terms.c_points.push(proof.c);
		terms.c_scalars.push(rho_fr);
		let limbs = [rho as u64, (rho >> 64) as u64];
		self.proof_pairs.push((-proof.a.mul_bigint(limbs), proof.b));
		Ok(())
	}

	fn holds(self) -> bool {
		let mut g1: Vec<G1Projective> = Vec::new();
		let mut g2: Vec<G2Affine> = Vec::new();
		for (a, b) in self.proof_pairs {
			g1.push(a);
			g2.push(b);
		}
		for terms in self.terms.iter().filter(|t| !t.c_points.is_empty()) {
			g1.push(terms.key.alpha_g1 * terms.rho_sum);
			g2.push(terms.key.beta_g2);
			g1.push(G1Projective::msm_unchecked(&terms.key.gamma_abc_g1, &terms.ic_scalars));
			g2.push(terms.key.gamma_g2);
			g1.push(G1Projective::msm_unchecked(&terms.c_points, &terms.c_scalars));
			g2.push(terms.key.delta_g2);
		}
		let g1 = G1Projective::normalize_batch(&g1);
		Bn254::multi_pairing(g1, g2).is_zero()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn header(root: u8, data: u8) -> BatchHeader {
		BatchHeader { state_root: [root; 32], data_hash: [data; 32] }
	}

	fn statement(batches: &[BatchHeader]) -> SequenceStatement {
		SequenceStatement::new(3, 9, [1; 32], batches, [0x77; 32])
	}

	#[test]
	fn lengths_follow_the_documented_layout() {
		assert_eq!(vk_len(BATCH_PUBLIC_INPUTS), 1024);
		assert_eq!(vk_len(FINAL_PUBLIC_INPUTS), 1152);
		assert_eq!(vk_set_len(4), 2 + 1024 + (448 + 64 * 26) + 1152);
		assert_eq!(vk_set_len(1), 3266 + 256);
		assert_eq!(artifact_len(1), 2 + 512);
		assert_eq!(artifact_len(4), 2 + 256 * 6);
	}

	#[test]
	fn artifact_roundtrips_through_its_encoding() {
		let proofs: Vec<[u8; 256]> = (0..4u8).map(|i| [i; 256]).collect();
		let bytes = encode_artifact(&[9; 256], &proofs, Some(&[8; 256])).unwrap();
		assert_eq!(bytes.len(), artifact_len(4));
		assert_eq!(&bytes[..2], &[ARTIFACT_VERSION, 4]);
		let parts = parse_artifact(&bytes).unwrap();
		assert_eq!(parts.final_proof, &[9; 256]);
		assert_eq!(parts.batch_proofs.len(), 4);
		assert_eq!(parts.batch_proofs[3], &[3; 256]);
		assert_eq!(parts.aggregator_proof, Some(&[8u8; 256][..]));

		let single = encode_artifact(&[9; 256], &proofs[..1], None).unwrap();
		assert_eq!(parse_artifact(&single).unwrap().aggregator_proof, None);
	}

	#[test]
	fn malformed_artifacts_are_rejected() {
		let proofs = [[1u8; 256]; 2];
		assert_eq!(
			encode_artifact(&[0; 256], &proofs, None),
			Err(ArtifactError::MalformedArtifact)
		);
		assert_eq!(
			encode_artifact(&[0; 256], &proofs[..1], Some(&[0; 256])),
			Err(ArtifactError::MalformedArtifact)
		);
		assert_eq!(
			encode_artifact::<[u8; 256]>(&[0; 256], &[], None),
			Err(ArtifactError::MalformedArtifact)
		);
		let good = encode_artifact(&[0; 256], &proofs, Some(&[0; 256])).unwrap();
		assert_eq!(parse_artifact(&good[..good.len() - 1]), Err(ArtifactError::MalformedArtifact));
		let mut bad_version = good.clone();
		bad_version[0] = 2;
		assert_eq!(parse_artifact(&bad_version), Err(ArtifactError::UnsupportedArtifactVersion));
		let mut zero = good.clone();
		zero[1] = 0;
		assert_eq!(parse_artifact(&zero), Err(ArtifactError::MalformedArtifact));
		assert_eq!(parse_artifact(&[]), Err(ArtifactError::MalformedArtifact));
	}

	#[test]
	fn malformed_key_sets_are_rejected() {
		assert_eq!(split_vk_set(&[]).err(), Some(ArtifactError::MalformedKeySet));
		assert_eq!(split_vk_set(&[1, 0]).err(), Some(ArtifactError::MalformedKeySet));
		let mut bytes = alloc::vec![0u8; vk_set_len(2)];
		bytes[0] = VK_SET_VERSION;
		bytes[1] = 2;
		let (capacity, [b, a, f]) = split_vk_set(&bytes).unwrap();
		assert_eq!((capacity, b.len(), a.len(), f.len()), (2, 1024, 448 + 64 * 18, 1152));
		// All-zero keys are well laid out but degenerate.
		assert_eq!(
			validate_vk_set(&bytes),
			Err(ArtifactError::InvalidKey(VerifyError::DegenerateKey))
		);
		bytes[1] = 3;
		assert_eq!(validate_vk_set(&bytes), Err(ArtifactError::MalformedKeySet));
		bytes[1] = 2;
		bytes[0] = 7;
		assert_eq!(validate_vk_set(&bytes), Err(ArtifactError::MalformedKeySet));
	}

	#[test]
	fn batch_inputs_follow_the_documented_layout() {
		let mut prev = [0u8; 32];
		prev[0] = 0xa1;
		prev[31] = 0xa2;
		let inputs = batch_public_inputs(&prev, &header(5, 6), &[7; 32]);
		assert_eq!(inputs[0][16], 0xa1);
		assert_eq!(inputs[1][31], 0xa2);
		assert_eq!(&inputs[2][16..], &[5; 16]);
		assert_eq!(&inputs[5][16..], &[6; 16]);
		assert_eq!(&inputs[7][16..], &[7; 16]);
		assert!(inputs.iter().all(|i| i[..16] == [0; 16]));
	}

	#[test]
	fn aggregator_inputs_follow_the_documented_layout() {
		let batches = [header(2, 20), header(3, 30)];
		let s = statement(&batches);
		let inputs = aggregator_public_inputs(4, &s, &batches);
		assert_eq!(inputs.len(), aggregator_input_count(4));
		assert_eq!(inputs[0][31], 2);
		assert_eq!(&inputs[1][16..], &[1; 16]);
		assert_eq!(&inputs[3][16..], &[3; 16]);
		assert_eq!(inputs[5][16..], s.data_commitment[..16]);
		assert_eq!(&inputs[8][16..], &[0x77; 16]);
		assert_eq!(&inputs[9][16..], &[2; 16]);
		assert_eq!(&inputs[11][16..], &[20; 16]);
		assert_eq!(&inputs[13][16..], &[3; 16]);
		assert!(inputs[17..].iter().all(|i| *i == [0; 32]));
	}

	#[test]
	fn statement_must_match_headers() {
		let batches = [header(2, 20), header(3, 30)];
		let s = statement(&batches);
		assert_eq!(check_statement(&s, &batches), Ok(()));
		assert_eq!(check_statement(&s, &batches[..1]), Err(ArtifactError::StatementMismatch));
		assert_eq!(check_statement(&s, &[]), Err(ArtifactError::NoBatches));
		let mut other = s.clone();
		other.data_commitment = [0; 32];
		assert_eq!(check_statement(&other, &batches), Err(ArtifactError::StatementMismatch));
	}

	/// Shared test vector for the relayer and Solidity mirrors of the transcript.
	#[test]
	fn fiat_shamir_vector() {
		let inputs = [[1u8; 32], [2u8; 32]];
		let seed = fiat_shamir_seed(&[0xaa; 32], &[1, 2, 3], inputs.iter());
		let mut manual = TRANSCRIPT_DOMAIN.to_vec();
		manual.extend_from_slice(&[0xaa; 32]);
		manual.extend_from_slice(&[1, 2, 3]);
		manual.extend_from_slice(&[1; 32]);
		manual.extend_from_slice(&[2; 32]);
		assert_eq!(seed, keccak_256(&manual));
		assert_eq!(
			hex::encode(seed),
			"45f54bc968847bdfede4491428c0171616bdab5aa85147e983ca970ec2ce75f2"
		);
		assert_eq!(challenge(&seed, 0), 0xb2b1b0b9baf832e658412975f5fa1872);
		assert_eq!(challenge(&seed, 1), 0x5d70e6458dad9c50f504a9a71623539e);
		let mut buf = seed.to_vec();
		buf.extend_from_slice(&1u32.to_be_bytes());
		let mut top = [0u8; 16];
		top.copy_from_slice(&keccak_256(&buf)[..16]);
		assert_eq!(challenge(&seed, 1), u128::from_be_bytes(top));
	}

	/// Reads `"key": value` from a flat JSON object (the vector file has no nesting
	/// inside cases, and this crate has no JSON parser).
	fn json_field<'a>(object: &'a str, key: &str) -> &'a str {
		let start =
			object.find(&alloc::format!("\"{key}\": ")).expect("key present") + key.len() + 4;
		let rest = &object[start..];
		match rest.strip_prefix('"') {
			Some(quoted) => &quoted[..quoted.find('"').expect("closing quote")],
			None => rest[..rest.find([',', '\n', '}']).unwrap_or(rest.len())].trim(),
		}
	}

	fn unhex(text: &str) -> Vec<u8> {
		hex::decode(text.trim_start_matches("0x")).expect("hex")
	}

	/// The shared vectors (real proofs made by `zkpow-circuits` with the dev keys of its
	/// `test` configuration) get their recorded verdicts from this verifier.
	#[test]
	fn shared_vectors_get_their_verdicts() {
		extern crate std;
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/artifact-v1.json");
		let text = std::fs::read_to_string(path).expect("test vectors present");
		let vk_set = unhex(json_field(&text, "vk_set"));
		let keys = VkSet::decode(&vk_set).expect("valid key set");
		let cases = &text[text.find("\"cases\"").expect("cases")..];
		let mut verdicts = Vec::new();
		for object in cases.split('{').skip(1) {
			let object = &object[..object.find('}').expect("flat case object")];
			let mut prev = [0u8; 32];
			prev.copy_from_slice(&unhex(json_field(object, "prev_state_root")));
			let mut prover = [0u8; 32];
			prover.copy_from_slice(&unhex(json_field(object, "prover")));
			let batches: Vec<BatchHeader> = unhex(json_field(object, "batches"))
				.chunks(64)
				.map(|c| {
					let mut b = BatchHeader { state_root: [0; 32], data_hash: [0; 32] };
					b.state_root.copy_from_slice(&c[..32]);
					b.data_hash.copy_from_slice(&c[32..]);
					b
				})
				.collect();
			let statement = SequenceStatement::new(
				json_field(object, "rollup_id").parse().expect("u32"),
				json_field(object, "sequence_index").parse().expect("u64"),
				prev,
				&batches,
				prover,
			);
			let artifact = unhex(json_field(object, "artifact"));
			assert_eq!(
				hex::encode(crate::proof_hash(&artifact, &prover)),
				json_field(object, "proof_hash").trim_start_matches("0x")
			);
			let verdict = match verify_with_keys(&keys, &artifact, &statement, &batches) {
				Ok(()) => alloc::string::String::from("ok"),
				Err(e) => alloc::format!("{e:?}"),
			};
			assert_eq!(
				verdict,
				json_field(object, "expected"),
				"case {}",
				json_field(object, "name")
			);
			verdicts.push(verdict);
		}
		assert!(verdicts.iter().filter(|v| *v == "ok").count() >= 2);
		assert!(verdicts.iter().any(|v| v == "ProofRejected"));
	}
}
