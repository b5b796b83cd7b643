//! The command contract: the JSON document a command reads on stdin
//! ([`CommandRequest`]) and the one it must print on stdout (`{"proof": …}`, read by
//! [`parse_reply`]).

use serde::{Deserialize, Serialize};
use zkpow_primitives::{
	groth16::{decode_proof, PROOF_LEN},
	hex::{decode, hex32, HexError},
	import::{describe_verify_error, proof_from_snarkjs, ImportError},
	Bytes32, SequenceStatement,
};
use zkpow_prover_api::Header;

/// The version of the stdin document this host writes.
pub const REQUEST_VERSION: u32 = 1;

/// What a command reads on stdin: the sequence to prove.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandRequest {
	/// [`REQUEST_VERSION`]; a command should refuse versions it does not know.
	pub version: u32,
	/// The rollup.
	pub rollup_id: u32,
	/// The sequence's index.
	pub sequence_index: u64,
	/// The rollup's verifying-key hash (the one the command is configured for).
	#[serde(with = "hex32")]
	pub key_hash: Bytes32,
	/// The statement's ten public inputs as decimal strings, in the order of
	/// `SequenceStatement::public_inputs` (`rollup_id`, `sequence_index`, then the high
	/// and low 128 bits of the previous root, new root, data commitment and prover).
	pub public_inputs: Vec<String>,
	/// The statement's 32-byte values.
	pub statement: StatementValues,
	/// The sequence's batch headers, as on chain.
	pub batches: Vec<Header>,
	/// The sequence's private input as the rollup publishes it, uninterpreted.
	pub input: serde_json::Value,
}

/// The 32-byte values of the statement, as `0x` hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementValues {
	/// State root before the sequence.
	#[serde(with = "hex32")]
	pub prev_root: Bytes32,
	/// State root after its last batch.
	#[serde(with = "hex32")]
	pub new_root: Bytes32,
	/// `sequence_commitment` of its batch headers.
	#[serde(with = "hex32")]
	pub data_commitment: Bytes32,
	/// The miner account the proof is bound to.
	#[serde(with = "hex32")]
	pub prover: Bytes32,
}

impl CommandRequest {
	/// The request for `statement`'s sequence.
	pub fn new(
		statement: &SequenceStatement,
		key_hash: Bytes32,
		batches: &[Header],
		input: &serde_json::Value,
	) -> Self {
		let public_inputs = statement
			.public_inputs()
			.iter()
			.map(|value| {
				// Every input fits 128 bits (see `SequenceStatement::public_inputs`).
				let mut low = [0u8; 16];
				low.copy_from_slice(&value[16..]);
				u128::from_be_bytes(low).to_string()
			})
			.collect();
		Self {
			version: REQUEST_VERSION,
			rollup_id: statement.rollup_id,
			sequence_index: statement.sequence_index,
			key_hash,
			public_inputs,
			statement: StatementValues {
				prev_root: statement.prev_state_root,
				new_root: statement.new_state_root,
				data_commitment: statement.data_commitment,
				prover: statement.prover,
			},
			batches: batches.to_vec(),
			input: input.clone(),
		}
	}
}

/// What a command's stdout must be (other fields are allowed and ignored).
#[derive(Deserialize)]
struct Reply {
	proof: serde_json::Value,
}

/// Why a command's stdout is not a proof.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
	/// Nothing on stdout.
	#[error("it printed nothing on stdout")]
	Empty,
	/// Not a JSON object with `proof`.
	#[error("its stdout is not a JSON object with `proof` ({source}); it begins {start:?}")]
	NotJson {
		/// The parser's complaint.
		source: serde_json::Error,
		/// The first characters of stdout.
		start: String,
	},
	/// `proof` is a string but not hex.
	#[error("`proof` is not 0x-hex: {0}")]
	Hex(HexError),
	/// `proof` is hex of the wrong length.
	#[error("`proof` is {0} bytes, a proof is {PROOF_LEN}")]
	Length(usize),
	/// `proof` is an object but not a snarkjs Groth16/BN254 proof.
	#[error("`proof` is not a snarkjs proof: {0}")]
	Snarkjs(ImportError),
	/// `proof` is neither a string nor an object.
	#[error("`proof` must be a 0x-hex string or a snarkjs proof object")]
	Shape,
	/// The 256 bytes are not a Groth16 proof the chain can decode (off-curve points, …).
	#[error("`proof` is not a Groth16 proof in the chain's encoding: {0}")]
	Undecodable(&'static str),
}

/// The 256-byte proof (the chain's encoding) a command printed: `{"proof": "0x…"}`, or
/// `{"proof": {…}}` with snarkjs's `proof.json` object; its points are checked as the
/// chain decodes them (on the curve, in the subgroup, canonical).
pub fn parse_reply(stdout: &[u8]) -> Result<Vec<u8>, ReplyError> {
	if stdout.iter().all(u8::is_ascii_whitespace) {
		return Err(ReplyError::Empty);
	}
	let reply: Reply = serde_json::from_slice(stdout).map_err(|source| ReplyError::NotJson {
		source,
		start: String::from_utf8_lossy(&stdout[..stdout.len().min(64)]).into_owned(),
	})?;
	let proof = match &reply.proof {
		serde_json::Value::String(text) => decode(text).map_err(ReplyError::Hex)?,
		object @ serde_json::Value::Object(_) => {
			proof_from_snarkjs(&object.to_string()).map_err(ReplyError::Snarkjs)?
		},
		_ => return Err(ReplyError::Shape),
	};
	if proof.len() != PROOF_LEN {
		return Err(ReplyError::Length(proof.len()));
	}
	decode_proof(&proof).map_err(|e| ReplyError::Undecodable(describe_verify_error(&e)))?;
	Ok(proof)
}

#[cfg(test)]
mod tests {
	use super::*;

	const VECTORS: &str =
		concat!(env!("CARGO_MANIFEST_DIR"), "/../primitives/test-vectors/snarkjs-statement10");

	fn vector(name: &str) -> String {
		std::fs::read_to_string(format!("{VECTORS}/{name}")).unwrap()
	}

	#[test]
	fn the_request_carries_the_statement_inputs_in_order_as_decimals() {
		let header = Header { state_root: [0xff; 32], data_hash: [2; 32] };
		let headers = [zkpow_primitives::BatchHeader::from(&header)];
		let statement = SequenceStatement::new(7, 42, [1; 32], &headers, [0x80; 32]);
		let request =
			CommandRequest::new(&statement, [9; 32], &[header], &serde_json::json!({"a": 1}));
		let text = serde_json::to_value(&request).unwrap();
		assert_eq!(text["version"], 1);
		assert_eq!(text["public_inputs"][0], "7");
		assert_eq!(text["public_inputs"][1], "42");
		// 0x0101…01 (16 bytes) and 0xffff…ff (16 bytes).
		assert_eq!(text["public_inputs"][2], u128::from_be_bytes([1; 16]).to_string());
		assert_eq!(text["public_inputs"][5], u128::MAX.to_string());
		assert_eq!(text["statement"]["prover"], format!("0x{}", "80".repeat(32)));
		assert_eq!(text["key_hash"], format!("0x{}", "09".repeat(32)));
		assert_eq!(serde_json::from_value::<CommandRequest>(text).unwrap(), request);
	}

	#[test]
	fn a_reply_is_hex_or_a_snarkjs_proof() {
		let hex = vector("proof.hex");
		let expected = decode(hex.trim()).unwrap();
		let reply = format!("{{\"proof\": \"{}\", \"prove_ms\": 12}}\n", hex.trim());
		assert_eq!(parse_reply(reply.as_bytes()).unwrap(), expected);
		let reply = format!("{{\"proof\": {}}}", vector("proof.json"));
		assert_eq!(parse_reply(reply.as_bytes()).unwrap(), expected);
	}

	/// Attack (or a broken prover): stdout that is no proof. Each is refused, naming the
	/// problem, instead of an artifact the chain would reject.
	#[test]
	fn refuse_replies_that_are_no_proof() {
		let off_curve = format!("{{\"proof\": \"0x{}\"}}", "01".repeat(256));
		let cases: [(&str, &str); 8] = [
			("", "printed nothing"),
			("proving… done\n", "not a JSON object with `proof`"),
			("{\"proof\": \"0x12\"} trailing", "not a JSON object"),
			("{\"proofs\": []}", "missing field `proof`"),
			("{\"proof\": \"0xzz\"}", "not 0x-hex"),
			("{\"proof\": \"0x1234\"}", "is 2 bytes, a proof is 256"),
			("{\"proof\": 7}", "0x-hex string or a snarkjs proof object"),
			(&off_curve, "not a Groth16 proof in the chain's encoding: a point is not on"),
		];
		for (stdout, expected) in cases {
			let err = parse_reply(stdout.as_bytes()).unwrap_err().to_string();
			assert!(err.contains(expected), "{stdout:?}: {err}");
		}
		let plonk = vector("proof.json").replace("groth16", "plonk");
		let err = parse_reply(format!("{{\"proof\": {plonk}}}").as_bytes()).unwrap_err();
		assert!(matches!(err, ReplyError::Snarkjs(_)), "{err}");
	}
}
