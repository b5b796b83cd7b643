//! Batch data of a rollup: the witnesses the prover hosts need, fetched from the URL the
//! rollup owner set on chain (`set_data_url`) as `GET {url}/sequences/{index}` (the
//! sequencer's file format, served by `zkpow-prover publish`).
//!
//! Nothing from the data endpoint is trusted: the roots and data hashes it serves must be
//! those on chain, or the sequence is not proven from it.

use serde_json::Value;
use zkpow_primitives::{BatchHeader, Bytes32};

/// Largest sequence file read from a data endpoint.
pub const MAX_SEQUENCE_BYTES: usize = 64 << 20;

/// The witnesses of a sequence's batches, in order.
pub struct SequenceData {
	/// One witness (JSON, passed to the prover host as is) per batch.
	pub witnesses: Vec<Value>,
}

/// Fetches the data of sequences.
pub struct DataClient {
	http: reqwest::Client,
}

fn hex32(value: &Value) -> Option<Bytes32> {
	let text = value.as_str()?.strip_prefix("0x")?;
	let mut out = [0u8; 32];
	hex::decode_to_slice(text, &mut out).ok()?;
	Some(out)
}

impl DataClient {
	/// A client over `http` (shared with the prover pool).
	pub fn new(http: reqwest::Client) -> Self {
		Self { http }
	}

	/// Fetches sequence `index` from `url` and checks it against the chain's `prev_root`
	/// and `batches`.
	pub async fn fetch(
		&self,
		url: &str,
		index: u64,
		prev_root: &Bytes32,
		batches: &[BatchHeader],
	) -> Result<SequenceData, String> {
		let url = format!("{}/sequences/{index}", url.trim_end_matches('/'));
		let reply = self
			.http
			.get(&url)
			.send()
			.await
			.map_err(|e| format!("data endpoint {url} unreachable: {}", e.without_url()))?;
		let status = reply.status();
		let body: Value = super::http::json_capped(reply, MAX_SEQUENCE_BYTES)
			.await
			.map_err(|e| format!("data endpoint {url} answered {status}: {e}"))?;
		if !status.is_success() {
			let reason = body["error"].as_str().unwrap_or("no reason given");
			return Err(format!("data endpoint {url} answered {status}: {reason}"));
		}
		check(&body, prev_root, batches).map_err(|e| format!("data endpoint {url}: {e}"))
	}
}

/// Checks a sequence file against the chain and takes its witnesses.
pub fn check(
	body: &Value,
	prev_root: &Bytes32,
	batches: &[BatchHeader],
) -> Result<SequenceData, String> {
	if hex32(&body["prev_root"]).as_ref() != Some(prev_root) {
		return Err("`prev_root` is not the sequence's previous state root on chain".into());
	}
	let served = body["batches"].as_array().ok_or("no `batches` array")?;
	if served.len() != batches.len() {
		return Err(format!("{} batches served, {} on chain", served.len(), batches.len()));
	}
	let mut witnesses = Vec::with_capacity(served.len());
	for (i, (batch, header)) in served.iter().zip(batches).enumerate() {
		if hex32(&batch["state_root"]) != Some(header.state_root)
			|| hex32(&batch["data_hash"]) != Some(header.data_hash)
		{
			return Err(format!("batch {i} has another state root or data hash than on chain"));
		}
		let witness = batch.get("witness").ok_or(format!("batch {i} has no `witness`"))?;
		witnesses.push(witness.clone());
	}
	Ok(SequenceData { witnesses })
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	fn hex(b: &Bytes32) -> String {
		format!("0x{}", hex::encode(b))
	}

	#[test]
	fn served_data_must_match_the_chain() {
		let headers = [
			BatchHeader { state_root: [1; 32], data_hash: [2; 32] },
			BatchHeader { state_root: [3; 32], data_hash: [4; 32] },
		];
		let body = |prev: Bytes32, second_root: Bytes32| {
			json!({
				"prev_root": hex(&prev),
				"batches": [
					{"state_root": hex(&[1; 32]), "data_hash": hex(&[2; 32]), "witness": {"n": 0}},
					{"state_root": hex(&second_root), "data_hash": hex(&[4; 32]), "witness": {"n": 1}},
				]
			})
		};
		let data = check(&body([9; 32], [3; 32]), &[9; 32], &headers).unwrap();
		assert_eq!(data.witnesses, vec![json!({"n": 0}), json!({"n": 1})]);

		let e = check(&body([8; 32], [3; 32]), &[9; 32], &headers).err().unwrap();
		assert!(e.contains("`prev_root`"), "{e}");
		let e = check(&body([9; 32], [5; 32]), &[9; 32], &headers).err().unwrap();
		assert_eq!(e, "batch 1 has another state root or data hash than on chain");
		let e = check(&body([9; 32], [3; 32]), &[9; 32], &headers[..1]).err().unwrap();
		assert_eq!(e, "2 batches served, 1 on chain");
	}
}
