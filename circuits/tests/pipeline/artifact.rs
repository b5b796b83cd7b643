//! Artifacts: the n = 1 and n = 4 pipelines verify with the shared verifier; other
//! miners, tampering and mismatched statements are rejected.

use crate::common::{backend, genesis, keys, MINER_A, MINER_B};
use zkpow_circuits::{
	config::TEST,
	prove_sequence,
	rollup::{generator::TransferGenerator, witness::BatchWitness},
	vectors, AggregatorInput, AggregatorStage, BatchStage, Error, FinalInput, FinalStage,
	ProofBackend,
};
use zkpow_primitives::{
	artifact::{
		artifact_len, encode_artifact, parse_artifact, verify_sequence_artifact, ArtifactError,
	},
	groth16::VerifyError,
	BatchHeader, SequenceStatement,
};

struct Proven {
	witnesses: Vec<BatchWitness>,
	batches: Vec<BatchHeader>,
	artifact: Vec<u8>,
}

impl Proven {
	fn statement(&self, prover: [u8; 32]) -> SequenceStatement {
		SequenceStatement::new(1, 5, self.witnesses[0].prev_root, &self.batches, prover)
	}

	fn verify(&self, artifact: &[u8], prover: [u8; 32]) -> Result<(), ArtifactError> {
		verify_sequence_artifact(&keys().vk_set, artifact, &self.statement(prover), &self.batches)
	}
}

fn prove(n: usize, seed: u64) -> Proven {
	let mut state = genesis();
	let witnesses = TransferGenerator::new(seed, (0..16).collect()).unwrap().sequence(
		&mut state,
		n,
		TEST.batch_size,
	);
	let artifact = prove_sequence(&backend(), 1, 5, &MINER_A, &witnesses).unwrap();
	let batches = witnesses.iter().map(|w| w.execute(&TEST).unwrap().header()).collect();
	Proven { witnesses, batches, artifact }
}

#[test]
fn single_batch_artifact_verifies() {
	let p = prove(1, 1);
	assert_eq!(p.artifact.len(), artifact_len(1));
	assert_eq!(p.verify(&p.artifact, MINER_A), Ok(()));
	assert_eq!(p.verify(&p.artifact, MINER_B), Err(ArtifactError::ProofRejected));
}

#[test]
fn four_batch_artifact_verifies_and_is_bound_to_its_miner() {
	let p = prove(4, 2);
	assert_eq!(p.artifact.len(), artifact_len(4));
	assert_eq!(p.verify(&p.artifact, MINER_A), Ok(()));
	assert_eq!(p.verify(&p.artifact, MINER_B), Err(ArtifactError::ProofRejected));
}

#[test]
fn tampered_artifacts_fail() {
	let p = prove(2, 3);
	assert_eq!(p.verify(&p.artifact, MINER_A), Ok(()));
	// A flipped bit anywhere in any of the four proofs.
	for at in [2 + 10, 2 + 256 + 100, 2 + 512 + 200, 2 + 768 + 63, p.artifact.len() - 1] {
		let mut bad = p.artifact.clone();
		bad[at] ^= 1;
		assert!(p.verify(&bad, MINER_A).is_err(), "flip at {at} must fail");
	}
	// Well-formed proofs in the wrong places.
	let parts = parse_artifact(&p.artifact).unwrap();
	let swapped = encode_artifact(
		parts.final_proof,
		&[parts.batch_proofs[1], parts.batch_proofs[0]],
		parts.aggregator_proof,
	)
	.unwrap();
	assert_eq!(p.verify(&swapped, MINER_A), Err(ArtifactError::ProofRejected));
	let agg_as_final = encode_artifact(
		parts.aggregator_proof.unwrap(),
		&parts.batch_proofs,
		Some(parts.final_proof),
	)
	.unwrap();
	assert_eq!(p.verify(&agg_as_final, MINER_A), Err(ArtifactError::ProofRejected));
	// Layout errors.
	assert_eq!(
		p.verify(&p.artifact[..p.artifact.len() - 1], MINER_A),
		Err(ArtifactError::MalformedArtifact)
	);
	let mut version = p.artifact.clone();
	version[0] = 9;
	assert_eq!(p.verify(&version, MINER_A), Err(ArtifactError::UnsupportedArtifactVersion));
	let mut off_curve = p.artifact.clone();
	off_curve[2 + 63] ^= 1;
	assert_eq!(
		p.verify(&off_curve, MINER_A),
		Err(ArtifactError::InvalidProof(VerifyError::PointNotOnCurve))
	);
}

#[test]
fn statement_and_headers_must_match_the_artifact() {
	let p = prove(2, 4);
	let statement = p.statement(MINER_A);
	let vk_set = &keys().vk_set;
	// One header changed, statement recomputed from the changed headers.
	let mut changed = p.batches.clone();
	changed[0].data_hash[31] ^= 1;
	let s = SequenceStatement::new(1, 5, p.witnesses[0].prev_root, &changed, MINER_A);
	assert_eq!(
		verify_sequence_artifact(vk_set, &p.artifact, &s, &changed),
		Err(ArtifactError::ProofRejected)
	);
	// Statement not derived from these headers.
	assert_eq!(
		verify_sequence_artifact(vk_set, &p.artifact, &statement, &changed),
		Err(ArtifactError::StatementMismatch)
	);
	// Other rollup or sequence index.
	let mut other = statement.clone();
	other.sequence_index += 1;
	assert_eq!(
		verify_sequence_artifact(vk_set, &p.artifact, &other, &p.batches),
		Err(ArtifactError::ProofRejected)
	);
	assert_eq!(
		verify_sequence_artifact(vk_set, &p.artifact, &statement, &p.batches[..1]),
		Err(ArtifactError::BatchCountMismatch)
	);
	assert_eq!(
		verify_sequence_artifact(vk_set, &p.artifact, &statement, &[]),
		Err(ArtifactError::NoBatches)
	);
}

#[test]
fn proofs_copied_from_another_miner_are_useless() {
	let p = prove(2, 5);
	let b = backend();
	let a_batches = parse_artifact(&p.artifact).unwrap();
	let a_batch_proofs: Vec<Vec<u8>> = a_batches.batch_proofs.iter().map(|x| x.to_vec()).collect();
	// Miner B asks its prover to finish with A's batch proofs: rejected before proving.
	let err = b
		.prove_aggregator(&AggregatorInput {
			prover: MINER_B,
			prev_root: p.witnesses[0].prev_root,
			batches: p.batches.clone(),
			batch_proofs: a_batch_proofs.clone(),
		})
		.unwrap_err();
	assert!(err.to_string().contains("batch proof 0 does not verify"), "{err}");
	// B builds the artifact by hand: its own final and aggregator proofs, A's batch proofs.
	let own: Vec<Vec<u8>> =
		p.witnesses.iter().map(|w| b.prove_batch(&MINER_B, w).unwrap().proof).collect();
	let agg = b
		.prove_aggregator(&AggregatorInput {
			prover: MINER_B,
			prev_root: p.witnesses[0].prev_root,
			batches: p.batches.clone(),
			batch_proofs: own.clone(),
		})
		.unwrap();
	let honest = b
		.prove_final(&FinalInput {
			rollup_id: 1,
			sequence_index: 5,
			prover: MINER_B,
			prev_root: p.witnesses[0].prev_root,
			batches: p.batches.clone(),
			batch_proofs: own,
			aggregator_proof: Some(agg.clone()),
		})
		.unwrap();
	assert_eq!(p.verify(&honest, MINER_B), Ok(()));
	let honest_parts = parse_artifact(&honest).unwrap();
	let copied = encode_artifact(honest_parts.final_proof, &a_batch_proofs, Some(&agg)).unwrap();
	assert_eq!(p.verify(&copied, MINER_B), Err(ArtifactError::ProofRejected));
	// And A's whole artifact is worthless to B.
	assert_eq!(p.verify(&p.artifact, MINER_B), Err(ArtifactError::ProofRejected));
}

#[test]
fn final_stage_rejects_inconsistent_inputs() {
	let p = prove(2, 6);
	let b = backend();
	let parts = parse_artifact(&p.artifact).unwrap();
	let input = FinalInput {
		rollup_id: 1,
		sequence_index: 5,
		prover: MINER_A,
		prev_root: p.witnesses[0].prev_root,
		batches: p.batches.clone(),
		batch_proofs: parts.batch_proofs.iter().map(|x| x.to_vec()).collect(),
		aggregator_proof: None,
	};
	let err = b.prove_final(&input).unwrap_err();
	assert!(matches!(err, Error::InvalidInput(ref m) if m.contains("aggregator")), "{err}");
	let too_many = FinalInput { batches: vec![p.batches[0].clone(); 5], ..input.clone() };
	assert!(b.prove_final(&too_many).unwrap_err().to_string().contains("at most 4"));
	assert_eq!(b.name(), "groth16-bundle");
}

fn vectors_path() -> std::path::PathBuf {
	std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
		.join("../primitives/test-vectors/artifact-v1.json")
}

/// The committed vectors were made with the current dev keys and still get their
/// recorded verdicts (regenerate with `write_test_vectors` after a circuit change).
#[test]
fn shared_test_vectors_are_current() {
	let text = std::fs::read_to_string(vectors_path()).expect(
		"primitives/test-vectors/artifact-v1.json is missing: run \
		 `cargo test -p zkpow-circuits -- --ignored write_test_vectors`",
	);
	let json: serde_json::Value = serde_json::from_str(&text).unwrap();
	assert_eq!(
		json["vk_set"].as_str().unwrap(),
		zkpow_circuits::field::to_hex(&keys().vk_set),
		"the dev keys changed: regenerate the vectors"
	);
	let cases = json["cases"].as_array().unwrap();
	assert!(cases.iter().any(|c| c["expected"] == "ok"));
	assert!(cases.iter().any(|c| c["expected"] == "ProofRejected"));
	for case in cases {
		let hex = |k: &str| zkpow_circuits::field::parse_hex(case[k].as_str().unwrap()).unwrap();
		let word = |k: &str| <[u8; 32]>::try_from(hex(k)).unwrap();
		let batches: Vec<BatchHeader> = hex("batches")
			.chunks(64)
			.map(|c| BatchHeader {
				state_root: c[..32].try_into().unwrap(),
				data_hash: c[32..].try_into().unwrap(),
			})
			.collect();
		let case = vectors::VectorCase {
			name: case["name"].as_str().unwrap().into(),
			rollup_id: case["rollup_id"].as_u64().unwrap() as u32,
			sequence_index: case["sequence_index"].as_u64().unwrap(),
			prev_state_root: word("prev_state_root"),
			prover: word("prover"),
			batches,
			artifact: hex("artifact"),
		};
		let expected = json["cases"]
			.as_array()
			.unwrap()
			.iter()
			.find(|c| c["name"] == case.name.as_str())
			.unwrap()["expected"]
			.clone();
		assert_eq!(case.verdict(&keys().vk_set), expected.as_str().unwrap(), "case {}", case.name);
	}
}

#[test]
#[ignore = "writes primitives/test-vectors/artifact-v1.json"]
fn write_test_vectors() {
	let cases = vectors::build_cases(&backend()).unwrap();
	std::fs::create_dir_all(vectors_path().parent().unwrap()).unwrap();
	std::fs::write(vectors_path(), vectors::to_json(&keys().vk_set, &cases)).unwrap();
}
