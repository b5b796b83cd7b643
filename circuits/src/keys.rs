//! Deterministic development keys: generated from a seed, cached on disk.
//!
//! Each stage's Groth16 setup draws its toxic waste from a ChaCha RNG seeded with
//! `keccak256("zkpow/dev-setup/v1" ++ fingerprint)`, where the fingerprint binds the
//! seed, the stage, the configuration, [`CIRCUIT_VERSION`] and the circuit's shape
//! (constraint and variable counts). The same seed therefore gives the same keys on
//! every machine, and a changed circuit gets new keys instead of stale ones. **Anyone
//! who knows the seed can forge proofs**: these keys are for development and tests;
//! production rollups register keys from a multi-party ceremony.
//!
//! # Cache files
//!
//! `{dir}/{config}-{stage}-{fingerprint[..8] hex}.pk`:
//!
//! | bytes | field |
//! |-------|-------|
//! | 8 | magic `ZKPOWPK1` |
//! | 32 | fingerprint |
//! | 32 | `keccak256(payload)` |
//! | rest | payload: the proving key, arkworks uncompressed serialization |
//!
//! A file whose checksum or fingerprint does not match is regenerated. Files are
//! written to a temporary name and renamed, so concurrent processes never read a
//! partial file.

use crate::{
	config::CircuitConfig,
	error::{invalid, Error},
	prove::{constraint_matrices, shape_of, CircuitShape},
	stages::{
		aggregator::AggregatorCircuit, batch::BatchCircuit, final_stage::FinalCircuit, Stage,
	},
};
use ark_bn254::{Bn254, Fr};
use ark_groth16::{prepare_verifying_key, Groth16, PreparedVerifyingKey, ProvingKey};
use ark_relations::r1cs::{
	ConstraintMatrices, ConstraintSynthesizer, ConstraintSystemRef, SynthesisError,
};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use ark_snark::SNARK;
use ark_std::rand::{rngs::StdRng, SeedableRng};
use sp_crypto_hashing::keccak_256;
use std::{
	path::{Path, PathBuf},
	sync::{mpsc, OnceLock},
	time::{Duration, Instant},
};
use zkpow_primitives::{artifact::encode_vk_set, groth16::encode_verifying_key, Bytes32};

/// The seed of the shared development keys.
pub const DEV_SEED: &str = "zkpow-dev";
/// Bump when a circuit changes in a way its shape might not show.
pub const CIRCUIT_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"ZKPOWPK1";
const HEADER_LEN: usize = 8 + 32 + 32;

/// A progress sink: receives one line per step of a long operation.
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// Discards progress.
pub fn quiet(_: &str) {}

/// Any stage's circuit, so setup can treat them alike.
#[derive(Clone)]
pub enum AnyCircuit {
	/// Batch circuit.
	Batch(BatchCircuit),
	/// Aggregator circuit.
	Aggregator(AggregatorCircuit),
	/// Final circuit.
	Final(FinalCircuit),
}

impl AnyCircuit {
	/// The setup-shape circuit of `stage` for `config`.
	pub fn blank(stage: Stage, config: &CircuitConfig) -> Self {
		match stage {
			Stage::Batch => AnyCircuit::Batch(BatchCircuit::blank(*config)),
			Stage::Aggregator => {
				AnyCircuit::Aggregator(AggregatorCircuit::blank(config.max_batches))
			},
			Stage::Final => AnyCircuit::Final(FinalCircuit::blank()),
		}
	}
}

impl ConstraintSynthesizer<Fr> for AnyCircuit {
	fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
		match self {
			AnyCircuit::Batch(c) => c.generate_constraints(cs),
			AnyCircuit::Aggregator(c) => c.generate_constraints(cs),
			AnyCircuit::Final(c) => c.generate_constraints(cs),
		}
	}
}

/// The keys of one stage.
pub struct StageKeys {
	/// The stage.
	pub stage: Stage,
	/// The circuit's size.
	pub shape: CircuitShape,
	/// Proving key.
	pub pk: ProvingKey<Bn254>,
	/// Prepared verifying key.
	pub pvk: PreparedVerifyingKey<Bn254>,
	/// Verifying key in the chain's encoding.
	pub vk_bytes: Vec<u8>,
	/// The circuit's constraint matrices, synthesized at the first proof
	/// ([`KeySet::matrices`]).
	matrices: OnceLock<ConstraintMatrices<Fr>>,
}

/// The keys of all three stages for one configuration.
pub struct KeySet {
	/// Configuration.
	pub config: CircuitConfig,
	/// Batch keys.
	pub batch: StageKeys,
	/// Aggregator keys.
	pub aggregator: StageKeys,
	/// Final keys.
	pub final_keys: StageKeys,
	/// The encoded verifying-key set (`zkpow_primitives::artifact`), as registered on
	/// chain.
	pub vk_set: Vec<u8>,
}

impl KeySet {
	/// Generates all keys in memory.
	pub fn generate(config: CircuitConfig, seed: &str, progress: Progress) -> Result<Self, Error> {
		Self::build(config, seed, None, progress)
	}

	/// Loads the keys from `dir`, generating (and caching) what is missing.
	pub fn load_or_generate(
		dir: &Path,
		config: CircuitConfig,
		seed: &str,
		progress: Progress,
	) -> Result<Self, Error> {
		std::fs::create_dir_all(dir).map_err(|e| {
			Error::Io(format!("cannot create key directory {}: {e}", dir.display()))
		})?;
		Self::build(config, seed, Some(dir), progress)
	}

	fn build(
		config: CircuitConfig,
		seed: &str,
		dir: Option<&Path>,
		progress: Progress,
	) -> Result<Self, Error> {
		let keys = |stage| stage_keys(&config, seed, stage, dir, progress);
		let (batch, aggregator, final_keys) =
			(keys(Stage::Batch)?, keys(Stage::Aggregator)?, keys(Stage::Final)?);
		let vk_set = encode_vk_set(
			config.max_batches,
			&batch.vk_bytes,
			&aggregator.vk_bytes,
			&final_keys.vk_bytes,
		)?;
		Ok(Self { config, batch, aggregator, final_keys, vk_set })
	}

	/// The keys of `stage`.
	pub fn stage(&self, stage: Stage) -> &StageKeys {
		match stage {
			Stage::Batch => &self.batch,
			Stage::Aggregator => &self.aggregator,
			Stage::Final => &self.final_keys,
		}
	}

	/// The constraint matrices of `stage`'s circuit, the shape its proving key was made
	/// for: synthesized from the blank circuit the first time they are asked for (a
	/// realistic batch circuit takes seconds and a few hundred MB), then kept with the
	/// keys, so that every proof computes only its witness
	/// ([`crate::prove::prove_with_matrices`]). Two threads asking at once may both
	/// synthesize; one result is kept.
	pub fn matrices(&self, stage: Stage) -> Result<&ConstraintMatrices<Fr>, Error> {
		let keys = self.stage(stage);
		if let Some(matrices) = keys.matrices.get() {
			return Ok(matrices);
		}
		let matrices = constraint_matrices(AnyCircuit::blank(stage, &self.config))?;
		let shape = CircuitShape {
			constraints: matrices.num_constraints,
			public_inputs: matrices.num_instance_variables - 1,
			witnesses: matrices.num_witness_variables,
		};
		if shape != keys.shape {
			return Err(Error::Synthesis(format!(
				"the {} circuit synthesizes to {shape:?}, its keys were made for {:?}",
				stage.name(),
				keys.shape
			)));
		}
		Ok(keys.matrices.get_or_init(|| matrices))
	}
}

fn fingerprint(config: &CircuitConfig, seed: &str, stage: Stage, shape: &CircuitShape) -> Bytes32 {
	let mut buf = CIRCUIT_VERSION.to_be_bytes().to_vec();
	for part in [seed.as_bytes(), stage.name().as_bytes(), &config.fingerprint_bytes()] {
		buf.extend_from_slice(&(part.len() as u32).to_be_bytes());
		buf.extend_from_slice(part);
	}
	for n in [shape.constraints, shape.public_inputs, shape.witnesses] {
		buf.extend_from_slice(&(n as u64).to_be_bytes());
	}
	keccak_256(&buf)
}

fn stage_keys(
	config: &CircuitConfig,
	seed: &str,
	stage: Stage,
	dir: Option<&Path>,
	progress: Progress,
) -> Result<StageKeys, Error> {
	let blank = AnyCircuit::blank(stage, config);
	let shape = shape_of(blank.clone())?;
	let print = fingerprint(config, seed, stage, &shape);
	let path = dir.map(|d| {
		d.join(format!("{}-{}-{}.pk", config.name, stage.name(), hex::encode(&print[..8])))
	});
	let label =
		format!("{} {} keys ({} constraints)", config.name, stage.name(), shape.constraints);

	let cached = match &path {
		Some(path) if path.exists() => match read_key_file(path, &print) {
			Ok(pk) => {
				progress(&format!("[keys] {label}: loaded {}", path.display()));
				Some(pk)
			},
			Err(e) => {
				progress(&format!(
					"[keys] {label}: ignoring {} ({e}); regenerating",
					path.display()
				));
				None
			},
		},
		_ => None,
	};
	let pk = match cached {
		Some(pk) => pk,
		None => {
			let pk = generate(blank, &print, &label, progress)?;
			if let Some(path) = &path {
				write_key_file(path, &print, &pk)?;
				progress(&format!("[keys] {label}: cached at {}", path.display()));
			}
			pk
		},
	};
	let vk_bytes = encode_verifying_key(&pk.vk);
	Ok(StageKeys {
		stage,
		shape,
		pvk: prepare_verifying_key(&pk.vk),
		vk_bytes,
		pk,
		matrices: OnceLock::new(),
	})
}

/// Runs the Groth16 setup, printing a line every few seconds while it works.
fn generate(
	circuit: AnyCircuit,
	print: &Bytes32,
	label: &str,
	progress: Progress,
) -> Result<ProvingKey<Bn254>, Error> {
	let mut seed_input = b"zkpow/dev-setup/v1".to_vec();
	seed_input.extend_from_slice(print);
	let mut rng = StdRng::from_seed(keccak_256(&seed_input));
	progress(&format!("[keys] {label}: generating (deterministic dev setup)"));
	let started = Instant::now();
	let (done_tx, done_rx) = mpsc::channel::<()>();
	let result = std::thread::scope(|scope| {
		scope.spawn(move || {
			while let Err(mpsc::RecvTimeoutError::Timeout) =
				done_rx.recv_timeout(Duration::from_secs(5))
			{
				progress(&format!(
					"[keys] {label}: still generating, {}s elapsed",
					started.elapsed().as_secs()
				));
			}
		});
		let result = Groth16::<Bn254>::circuit_specific_setup(circuit, &mut rng);
		drop(done_tx);
		result
	});
	let (pk, _) = result.map_err(|e| Error::Synthesis(format!("setup failed: {e}")))?;
	progress(&format!("[keys] {label}: generated in {:.1}s", started.elapsed().as_secs_f64()));
	Ok(pk)
}

fn read_key_file(path: &Path, print: &Bytes32) -> Result<ProvingKey<Bn254>, Error> {
	let bytes = std::fs::read(path).map_err(|e| Error::Io(e.to_string()))?;
	if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
		return Err(invalid("not a zkpow key file"));
	}
	if &bytes[8..40] != print {
		return Err(invalid("made for another circuit or seed"));
	}
	let payload = &bytes[HEADER_LEN..];
	if keccak_256(payload)[..] != bytes[40..72] {
		return Err(invalid("checksum mismatch (truncated or corrupted)"));
	}
	// The checksum vouches for bytes this code wrote, so the (slow) point checks of
	// a validated deserialization are skipped.
	ProvingKey::deserialize_uncompressed_unchecked(payload)
		.map_err(|e| invalid(format!("undecodable key: {e}")))
}

fn write_key_file(path: &Path, print: &Bytes32, pk: &ProvingKey<Bn254>) -> Result<(), Error> {
	let mut payload = Vec::with_capacity(pk.uncompressed_size());
	pk.serialize_uncompressed(&mut payload).map_err(|e| Error::Io(e.to_string()))?;
	let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
	bytes.extend_from_slice(MAGIC);
	bytes.extend_from_slice(print);
	bytes.extend_from_slice(&keccak_256(&payload));
	bytes.extend_from_slice(&payload);
	let tmp: PathBuf = path.with_extension(format!("tmp{}", std::process::id()));
	let io = |e: std::io::Error| Error::Io(format!("cannot write {}: {e}", path.display()));
	std::fs::write(&tmp, &bytes).map_err(io)?;
	std::fs::rename(&tmp, path).map_err(io)
}
