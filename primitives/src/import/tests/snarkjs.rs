//! snarkjs JSON: the real vectors byte for byte, and each bad input made by editing them.

use super::*;
use serde_json::{json, Value};

/// The BN254 base field modulus p.
const P: &str = "21888242871839275222246405745257275088696311157297823662689037894645226208583";
/// The BN254 scalar field modulus r.
const R: &str = "21888242871839275222246405745257275088548364400416034343698204186575808495617";

fn edit(json: &str, change: impl FnOnce(&mut Value)) -> String {
	let mut value: Value = serde_json::from_str(json).expect("vector is JSON");
	change(&mut value);
	serde_json::to_string_pretty(&value).expect("serializable")
}

fn vk_error(change: impl FnOnce(&mut Value)) -> ImportError {
	vk_from_snarkjs(&edit(VK_JSON, change)).expect_err("the edited key must be refused")
}

fn proof_error(change: impl FnOnce(&mut Value)) -> ImportError {
	proof_from_snarkjs(&edit(PROOF_JSON, change)).expect_err("the edited proof must be refused")
}

fn field(name: &str) -> String {
	name.to_string()
}

#[test]
fn key_and_proof_import_byte_exact() {
	assert_eq!(hex::encode(vk_from_snarkjs(VK_JSON).unwrap()), hex::encode(vector_vk()));
	assert_eq!(hex::encode(proof_from_snarkjs(PROOF_JSON).unwrap()), hex::encode(vector_proof()));
	assert_eq!(
		public_inputs_from_snarkjs(PUBLIC_JSON).unwrap(),
		vector_statement().public_inputs()
	);
}

#[test]
fn export_reproduces_snarkjs_file_byte_for_byte() {
	// Including `vk_alphabeta_12` = e(alpha, beta), which snarkjs computes itself.
	assert_eq!(vk_to_snarkjs(&vector_vk()).unwrap(), VK_JSON);
	assert_eq!(vk_from_snarkjs(&vk_to_snarkjs(&vector_vk()).unwrap()).unwrap(), vector_vk());
	assert_eq!(vk_to_snarkjs(&vector_vk()[1..]), Err(ImportError::Chain(VerifyError::BadLength)));
}

#[test]
fn wrong_curve_names_bn128() {
	let error = vk_error(|v| v["curve"] = json!("bls12381"));
	assert_eq!(error, ImportError::Curve { found: "bls12381".into() });
	assert!(error.to_string().contains("only bn128 (BN254) is supported"), "{error}");
	assert!(matches!(proof_error(|v| v["curve"] = json!("bls12381")), ImportError::Curve { .. }));
	// Other names of BN254 are accepted.
	assert!(vk_from_snarkjs(&edit(VK_JSON, |v| v["curve"] = json!("BN254"))).is_ok());
}

#[test]
fn wrong_protocol_names_groth16() {
	for protocol in ["plonk", "fflonk"] {
		let error = vk_error(|v| v["protocol"] = json!(protocol));
		assert_eq!(error, ImportError::Protocol { found: protocol.into() });
		assert!(error.to_string().contains("only groth16"), "{error}");
		let error = proof_error(|v| v["protocol"] = json!(protocol));
		assert_eq!(error, ImportError::Protocol { found: protocol.into() });
	}
}

#[test]
fn other_input_counts_point_to_the_statement_layout() {
	let error = vk_error(|v| {
		v["nPublic"] = json!(11);
		let first = v["IC"][0].clone();
		v["IC"].as_array_mut().unwrap().push(first);
	});
	assert_eq!(error, ImportError::PublicInputs { found: 11 });
	let message = error.to_string();
	assert!(message.contains("sequence statement has 10 public inputs"), "{message}");
	assert!(message.contains("SequenceStatement::public_inputs"), "{message}");
	assert!(message.contains("primitives/src/statement.rs"), "{message}");
	assert_eq!(vk_error(|v| v["nPublic"] = json!(2)), ImportError::PublicInputs { found: 2 });
	let error = vk_error(|v| {
		v["IC"].as_array_mut().unwrap().pop();
	});
	assert_eq!(error, ImportError::IcLength { n_public: 10, ic: 10 });
	let nine = edit(PUBLIC_JSON, |v| {
		v.as_array_mut().unwrap().pop();
	});
	assert_eq!(public_inputs_from_snarkjs(&nine), Err(ImportError::PublicInputs { found: 9 }));
}

#[test]
fn points_off_the_curve_or_outside_the_subgroup() {
	let error = vk_error(|v| v["vk_alpha_1"][1] = json!("1"));
	assert_eq!(error, ImportError::NotOnCurve { field: field("vk_alpha_1") });
	assert!(error.to_string().contains("not on the BN254 curve"), "{error}");
	assert_eq!(
		vk_error(|v| v["IC"][4][0] = json!("5")),
		ImportError::NotOnCurve { field: field("IC[4]") }
	);
	assert_eq!(
		vk_error(|v| v["vk_delta_2"][0][1] = json!("5")),
		ImportError::NotOnCurve { field: field("vk_delta_2") }
	);
	assert_eq!(
		proof_error(|v| v["pi_b"][1][0] = json!("5")),
		ImportError::NotOnCurve { field: field("pi_b") }
	);
	let outside = g2_outside_subgroup();
	let (x, y) = outside.xy().unwrap();
	let error = vk_error(|v| {
		v["vk_beta_2"][0] = json!([x.c0.to_string(), x.c1.to_string()]);
		v["vk_beta_2"][1] = json!([y.c0.to_string(), y.c1.to_string()]);
	});
	assert_eq!(error, ImportError::NotInSubgroup { field: field("vk_beta_2") });
	assert!(error.to_string().contains("prime-order subgroup"), "{error}");
}

#[test]
fn swapped_g2_coordinates_are_refused() {
	// The mistake of feeding EVM-ordered (c1, c0) pairs: off the curve.
	let error = vk_error(|v| {
		for i in 0..2 {
			let pair = v["vk_gamma_2"][i].as_array_mut().unwrap();
			pair.swap(0, 1);
		}
	});
	assert_eq!(error, ImportError::NotOnCurve { field: field("vk_gamma_2") });
}

#[test]
fn non_canonical_numbers() {
	// x + p names the same point modulo p: refused, not reduced.
	let key: Value = serde_json::from_str(VK_JSON).unwrap();
	let plus_p = add_decimal(key["vk_alpha_1"][0].as_str().unwrap(), P);
	let error = vk_error(|v| v["vk_alpha_1"][0] = json!(plus_p));
	assert_eq!(
		error,
		ImportError::NonCanonical { field: field("vk_alpha_1[0]"), modulus: Field::Base }
	);
	assert!(error.to_string().contains("non-canonical"), "{error}");
	assert_eq!(
		vk_error(|v| v["vk_beta_2"][0][1] = json!(P)),
		ImportError::NonCanonical { field: field("vk_beta_2[0][1]"), modulus: Field::Base }
	);
	let huge = "9".repeat(100);
	assert_eq!(
		proof_error(|v| v["pi_c"][1] = json!(huge)),
		ImportError::NonCanonical { field: field("pi_c[1]"), modulus: Field::Base }
	);
	let public = edit(PUBLIC_JSON, |v| v[3] = json!(R));
	let error = public_inputs_from_snarkjs(&public).unwrap_err();
	assert_eq!(
		error,
		ImportError::NonCanonical { field: field("public[3]"), modulus: Field::Scalar }
	);
	assert!(error.to_string().contains("scalar field"), "{error}");
}

/// Decimal addition of two non-negative integers.
fn add_decimal(a: &str, b: &str) -> String {
	let (a, b): (Vec<u8>, Vec<u8>) = (a.bytes().rev().collect(), b.bytes().rev().collect());
	let (mut out, mut carry) = (Vec::new(), 0);
	for i in 0..a.len().max(b.len()) {
		let digit = |s: &[u8]| s.get(i).map_or(0, |d| d - b'0');
		let sum = digit(&a) + digit(&b) + carry;
		out.push(b'0' + sum % 10);
		carry = sum / 10;
	}
	if carry > 0 {
		out.push(b'0' + carry);
	}
	out.reverse();
	String::from_utf8(out).unwrap()
}

#[test]
fn commitment_keys_are_not_supported() {
	let error = vk_error(|v| {
		v["CommitmentKeys"] = json!([{"G": [["1", "2"], ["3", "4"]], "GRootSigmaNeg": []}]);
		v["PublicAndCommitmentCommitted"] = json!([[]]);
	});
	assert!(matches!(error, ImportError::Commitments { .. }), "{error:?}");
	assert!(error.to_string().contains("not supported"), "{error}");
	let error = proof_error(|v| v["Commitments"] = json!([["1", "2", "1"]]));
	assert!(matches!(error, ImportError::Commitments { .. }), "{error:?}");
}

#[test]
fn malformed_json_reports_its_position() {
	let truncated = &VK_JSON[..200];
	let error = vk_from_snarkjs(truncated).unwrap_err();
	let ImportError::Json { line, column, .. } = &error else { panic!("{error:?}") };
	assert!(*line > 1 && *column > 0);
	assert!(error.to_string().starts_with(&format!("malformed JSON at line {line} column")));
	let error = proof_from_snarkjs("{\"pi_a\": [1, 2,, 3]}").unwrap_err();
	assert_eq!(error.to_string(), "malformed JSON at line 1 column 16: expected value");
	assert_eq!(
		vk_from_snarkjs("[]"),
		Err(ImportError::Shape { field: field("top level"), expected: "a JSON object" })
	);
}

#[test]
fn bad_shapes_and_numbers() {
	let error = vk_error(|v| {
		v.as_object_mut().unwrap().remove("vk_gamma_2");
	});
	assert_eq!(error, ImportError::Missing { field: field("vk_gamma_2") });
	assert!(matches!(
		proof_error(|v| v["pi_a"] = json!(["1", "2"])),
		ImportError::Shape { field, .. } if field == "pi_a"
	));
	assert_eq!(
		proof_error(|v| v["pi_a"][0] = json!("0x12")),
		ImportError::NotANumber { field: field("pi_a[0]"), value: "0x12".into() }
	);
	assert_eq!(
		proof_error(|v| v["pi_a"][0] = json!("-5")),
		ImportError::NotANumber { field: field("pi_a[0]"), value: "-5".into() }
	);
	assert_eq!(
		vk_error(|v| v["vk_alpha_1"][2] = json!("2")),
		ImportError::NotAffine { field: field("vk_alpha_1") }
	);
	assert_eq!(
		vk_error(|v| v["vk_alpha_1"] = json!(["0", "1", "0"])),
		ImportError::PointAtInfinity { field: field("vk_alpha_1") }
	);
	assert_eq!(
		vk_error(|v| v["vk_gamma_2"] = json!([["0", "0"], ["1", "0"], ["0", "0"]])),
		ImportError::PointAtInfinity { field: field("vk_gamma_2") }
	);
}
