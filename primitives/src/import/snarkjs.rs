//! snarkjs JSON: `verification_key.json`, `proof.json` and `public.json` of a Groth16
//! circuit on `bn128`.
//!
//! snarkjs writes every number as a decimal string and every point in projective form
//! with `z = 1`: G1 as `[x, y, "1"]`, G2 as `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`
//! (note: `c0` first, the reverse of the chain's EVM order `c1, c0`). The point at
//! infinity is `["0", "1", "0"]` in G1 and `[["0", "0"], ["1", "0"], ["0", "0"]]` in G2.

use super::{
	error::ImportError,
	finish_vk,
	points::{check_g1, check_g2, fq_decimal, fr_decimal, not_infinity},
};
use crate::{
	groth16::{decode_verifying_key, encode_fr, encode_proof},
	statement::STATEMENT_PUBLIC_INPUTS,
	Bytes32,
};
use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::{pairing::Pairing, AffineRepr};
use ark_ff::PrimeField;
use ark_groth16::{Proof, VerifyingKey};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

type Object = Map<String, Value>;

/// Curve names snarkjs and its ecosystem use for BN254.
const BN254_NAMES: [&str; 3] = ["bn128", "bn254", "alt_bn128"];

fn shape(field: &str, expected: &'static str) -> ImportError {
	ImportError::Shape { field: field.to_string(), expected }
}

fn parse_object(json: &str) -> Result<Object, ImportError> {
	match serde_json::from_str::<Value>(json)? {
		Value::Object(object) => Ok(object),
		_ => Err(shape("top level", "a JSON object")),
	}
}

fn get<'a>(object: &'a Object, field: &str) -> Result<&'a Value, ImportError> {
	object
		.get(field)
		.ok_or_else(|| ImportError::Missing { field: field.to_string() })
}

/// Checks `protocol` and `curve` where present and refuses commitment extensions.
fn check_header(object: &Object) -> Result<(), ImportError> {
	if let Some(protocol) = object.get("protocol") {
		let protocol = protocol.as_str().ok_or_else(|| shape("protocol", "a string"))?;
		if !protocol.eq_ignore_ascii_case("groth16") {
			return Err(ImportError::Protocol { found: protocol.to_string() });
		}
	}
	if let Some(curve) = object.get("curve") {
		let curve = curve.as_str().ok_or_else(|| shape("curve", "a string"))?;
		if !BN254_NAMES.iter().any(|name| curve.eq_ignore_ascii_case(name)) {
			return Err(ImportError::Curve { found: curve.to_string() });
		}
	}
	for key in object.keys() {
		let lower = key.to_ascii_lowercase();
		if lower.contains("commitment") || lower.contains("pedersen") {
			return Err(ImportError::Commitments { detail: format!("field `{key}`") });
		}
	}
	Ok(())
}

/// A number written as a decimal string (or, leniently, as a JSON integer).
fn number<'a>(field: &str, value: &'a Value) -> Result<Cow<'a, str>, ImportError> {
	match value {
		Value::String(text) => Ok(Cow::Borrowed(text.as_str())),
		Value::Number(n) if n.is_u64() => Ok(Cow::Owned(n.to_string())),
		_ => Err(shape(field, "a decimal string")),
	}
}

fn fq_at(field: &str, values: &[Value], index: usize) -> Result<Fq, ImportError> {
	let name = format!("{field}[{index}]");
	fq_decimal(&name, &number(&name, &values[index])?)
}

fn fq2_at(field: &str, values: &[Value], index: usize) -> Result<Fq2, ImportError> {
	let name = format!("{field}[{index}]");
	let pair = values[index]
		.as_array()
		.filter(|pair| pair.len() == 2)
		.ok_or_else(|| shape(&name, "a pair of decimal strings [c0, c1]"))?;
	Ok(Fq2::new(fq_at(&name, pair, 0)?, fq_at(&name, pair, 1)?))
}

/// `Some(true)` for affine (`z = 1`), `Some(false)` for infinity (`z = 0`).
fn is_affine<F: ark_ff::Field>(z: F) -> Option<bool> {
	if z.is_one() {
		Some(true)
	} else if z.is_zero() {
		Some(false)
	} else {
		None
	}
}

fn g1(field: &str, value: &Value) -> Result<G1Affine, ImportError> {
	const EXPECTED: &str = "a G1 point [x, y, \"1\"] of decimal strings";
	let values = value
		.as_array()
		.filter(|v| v.len() == 3)
		.ok_or_else(|| shape(field, EXPECTED))?;
	match is_affine(fq_at(field, values, 2)?) {
		None => return Err(ImportError::NotAffine { field: field.to_string() }),
		Some(false) => return Ok(G1Affine::zero()),
		Some(true) => {},
	}
	let point = G1Affine::new_unchecked(fq_at(field, values, 0)?, fq_at(field, values, 1)?);
	check_g1(field, point)
}

fn g2(field: &str, value: &Value) -> Result<G2Affine, ImportError> {
	const EXPECTED: &str = "a G2 point [[x.c0, x.c1], [y.c0, y.c1], [\"1\", \"0\"]]";
	let values = value
		.as_array()
		.filter(|v| v.len() == 3)
		.ok_or_else(|| shape(field, EXPECTED))?;
	match is_affine(fq2_at(field, values, 2)?) {
		None => return Err(ImportError::NotAffine { field: field.to_string() }),
		Some(false) => return Ok(G2Affine::zero()),
		Some(true) => {},
	}
	let point = G2Affine::new_unchecked(fq2_at(field, values, 0)?, fq2_at(field, values, 1)?);
	check_g2(field, point)
}

/// Converts a snarkjs `verification_key.json` into the chain's verifying-key bytes (see
/// [`crate::groth16`]), which pass the chain's registration check
/// ([`crate::groth16::validate_verifying_key`] for the ten-input sequence statement).
pub fn vk_from_snarkjs(json: &str) -> Result<Vec<u8>, ImportError> {
	let object = parse_object(json)?;
	check_header(&object)?;
	let n_public = get(&object, "nPublic")?
		.as_u64()
		.ok_or_else(|| shape("nPublic", "a non-negative integer"))?;
	let n_public = usize::try_from(n_public).unwrap_or(usize::MAX);
	if n_public != STATEMENT_PUBLIC_INPUTS {
		return Err(ImportError::PublicInputs { found: n_public });
	}
	let ic = get(&object, "IC")?
		.as_array()
		.ok_or_else(|| shape("IC", "an array of G1 points"))?;
	if ic.len() != n_public + 1 {
		return Err(ImportError::IcLength { n_public, ic: ic.len() });
	}
	let g1_key = |field: &str| not_infinity(field, g1(field, get(&object, field)?)?);
	let g2_key = |field: &str| not_infinity(field, g2(field, get(&object, field)?)?);
	let vk = VerifyingKey::<Bn254> {
		alpha_g1: g1_key("vk_alpha_1")?,
		beta_g2: g2_key("vk_beta_2")?,
		gamma_g2: g2_key("vk_gamma_2")?,
		delta_g2: g2_key("vk_delta_2")?,
		gamma_abc_g1: ic
			.iter()
			.enumerate()
			.map(|(i, point)| g1(&format!("IC[{i}]"), point))
			.collect::<Result<_, _>>()?,
	};
	finish_vk(&vk)
}

/// Converts a snarkjs Groth16 `proof.json` into the chain's 256-byte proof.
pub fn proof_from_snarkjs(json: &str) -> Result<Vec<u8>, ImportError> {
	let object = parse_object(json)?;
	check_header(&object)?;
	let proof = Proof::<Bn254> {
		a: g1("pi_a", get(&object, "pi_a")?)?,
		b: g2("pi_b", get(&object, "pi_b")?)?,
		c: g1("pi_c", get(&object, "pi_c")?)?,
	};
	Ok(encode_proof(&proof))
}

/// Reads a snarkjs `public.json` (the public signals as decimal strings) as the chain's
/// ten 32-byte big-endian public inputs.
pub fn public_inputs_from_snarkjs(
	json: &str,
) -> Result<[Bytes32; STATEMENT_PUBLIC_INPUTS], ImportError> {
	let value: Value = serde_json::from_str(json)?;
	let values = value
		.as_array()
		.ok_or_else(|| shape("top level", "an array of decimal strings"))?;
	if values.len() != STATEMENT_PUBLIC_INPUTS {
		return Err(ImportError::PublicInputs { found: values.len() });
	}
	let mut out = [[0u8; 32]; STATEMENT_PUBLIC_INPUTS];
	for (i, (slot, value)) in out.iter_mut().zip(values).enumerate() {
		let field = format!("public[{i}]");
		*slot = encode_fr(&fr_decimal(&field, &number(&field, value)?)?);
	}
	Ok(out)
}

type G1Json = [String; 3];
type G2Json = [[String; 2]; 3];

/// `verification_key.json` as snarkjs writes it, fields in snarkjs's order.
#[derive(Serialize)]
struct SnarkjsKey {
	protocol: &'static str,
	curve: &'static str,
	#[serde(rename = "nPublic")]
	n_public: usize,
	vk_alpha_1: G1Json,
	vk_beta_2: G2Json,
	vk_gamma_2: G2Json,
	vk_delta_2: G2Json,
	vk_alphabeta_12: [[[String; 2]; 3]; 2],
	#[serde(rename = "IC")]
	ic: Vec<G1Json>,
}

fn dec<F: PrimeField>(value: &F) -> String {
	value.into_bigint().to_string()
}

fn g1_json(point: &G1Affine) -> G1Json {
	match point.xy() {
		Some((x, y)) => [dec(&x), dec(&y), "1".into()],
		None => ["0".into(), "1".into(), "0".into()],
	}
}

fn fq2_json(value: &Fq2) -> [String; 2] {
	[dec(&value.c0), dec(&value.c1)]
}

fn g2_json(point: &G2Affine) -> G2Json {
	match point.xy() {
		Some((x, y)) => [fq2_json(&x), fq2_json(&y), ["1".into(), "0".into()]],
		None => [["0".into(), "0".into()], ["1".into(), "0".into()], ["0".into(), "0".into()]],
	}
}

/// Converts the chain's verifying-key bytes into a snarkjs `verification_key.json`
/// (including `vk_alphabeta_12`), formatted as snarkjs formats it, so that
/// `snarkjs groth16 verify` accepts it.
pub fn vk_to_snarkjs(vk: &[u8]) -> Result<String, ImportError> {
	let key = decode_verifying_key(vk).map_err(ImportError::Chain)?;
	let alphabeta = Bn254::pairing(key.alpha_g1, key.beta_g2).0;
	let fq6 = |v: &ark_bn254::Fq6| [fq2_json(&v.c0), fq2_json(&v.c1), fq2_json(&v.c2)];
	let json = SnarkjsKey {
		protocol: "groth16",
		curve: "bn128",
		n_public: key.gamma_abc_g1.len().saturating_sub(1),
		vk_alpha_1: g1_json(&key.alpha_g1),
		vk_beta_2: g2_json(&key.beta_g2),
		vk_gamma_2: g2_json(&key.gamma_g2),
		vk_delta_2: g2_json(&key.delta_g2),
		vk_alphabeta_12: [fq6(&alphabeta.c0), fq6(&alphabeta.c1)],
		ic: key.gamma_abc_g1.iter().map(g1_json).collect(),
	};
	pretty(&json)
}

/// `proof.json` as snarkjs writes it, fields in snarkjs's order.
#[derive(Serialize)]
struct SnarkjsProof {
	pi_a: G1Json,
	pi_b: G2Json,
	pi_c: G1Json,
	protocol: &'static str,
	curve: &'static str,
}

fn pretty(value: &impl Serialize) -> Result<String, ImportError> {
	let mut out = Vec::new();
	let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
	value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, formatter))?;
	Ok(String::from_utf8_lossy(&out).into_owned())
}

/// A Groth16/BN254 proof as snarkjs writes `proof.json` (what `snarkjs groth16 verify`
/// reads; [`proof_from_snarkjs`] reads it back).
pub fn proof_to_snarkjs(proof: &Proof<Bn254>) -> Result<String, ImportError> {
	pretty(&SnarkjsProof {
		pi_a: g1_json(&proof.a),
		pi_b: g2_json(&proof.b),
		pi_c: g1_json(&proof.c),
		protocol: "groth16",
		curve: "bn128",
	})
}

/// Public signals as snarkjs writes `public.json`: an array of decimal strings.
pub fn public_to_snarkjs(public: &[Fr]) -> Result<String, ImportError> {
	pretty(&public.iter().map(dec).collect::<Vec<_>>())
}
