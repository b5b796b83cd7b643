//! Batch data of a rollup: the witnesses the prover hosts need, fetched from the URL the
//! rollup owner set on chain (`set_data_url`) as `GET {url}/sequences/{index}` (the
//! sequence file of [`zkpow_prover_api::SequenceData`], served by `zkpow-prover publish`).
//!
//! Nothing from the data endpoint is trusted: the roots and data hashes it serves must be
//! those on chain, or the sequence is not proven from it; its answer is read up to
//! [`MAX_SEQUENCE_BYTES`].

use serde_json::Value;
use zkpow_primitives::{BatchHeader, Bytes32};
use zkpow_prover_api::{
	body::{json_capped, read_capped, BodyError},
	ErrorBody, SequenceData, SequenceMismatch,
};

/// Largest sequence file read from a data endpoint.
pub const MAX_SEQUENCE_BYTES: usize = 64 << 20;

/// Why a sequence's data was not taken.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
	/// No answer.
	#[error("data endpoint {url} unreachable: {reason}")]
	Unreachable {
		/// The sequence's URL.
		url: String,
		/// What happened.
		reason: String,
	},
	/// An answer other than `200`.
	#[error("data endpoint {url} answered {status}: {reason}")]
	Refused {
		/// The sequence's URL.
		url: String,
		/// The status code.
		status: u16,
		/// The endpoint's message.
		reason: String,
	},
	/// An answer too large, cut off or not a sequence file.
	#[error("data endpoint {url}: {source}")]
	Body {
		/// The sequence's URL.
		url: String,
		/// What was wrong with it.
		#[source]
		source: BodyError,
	},
	/// A sequence file that is not the chain's sequence.
	#[error("data endpoint {url}: {source}")]
	Mismatch {
		/// The sequence's URL.
		url: String,
		/// How it differs.
		#[source]
		source: SequenceMismatch,
	},
}

/// Fetches the data of sequences.
pub struct DataClient {
	http: reqwest::Client,
}

impl DataClient {
	/// A client over `http` (shared with the prover pool).
	pub fn new(http: reqwest::Client) -> Self {
		Self { http }
	}

	/// Fetches sequence `index` from `url` and checks it against the chain's `prev_root`
	/// and `batches`; returns one witness per batch, passed to the prover hosts as is.
	pub async fn fetch(
		&self,
		url: &str,
		index: u64,
		prev_root: &Bytes32,
		batches: &[BatchHeader],
	) -> Result<Vec<Value>, DataError> {
		let url = format!("{}/sequences/{index}", url.trim_end_matches('/'));
		let reply = self.http.get(&url).send().await.map_err(|e| DataError::Unreachable {
			url: url.clone(),
			reason: e.without_url().to_string(),
		})?;
		let status = reply.status();
		if !status.is_success() {
			let reason = match read_capped(reply, 64 << 10).await {
				Ok(body) => serde_json::from_slice::<ErrorBody>(&body)
					.map(|e| e.error)
					.unwrap_or_else(|_| "no reason given".into()),
				Err(e) => e.to_string(),
			};
			return Err(DataError::Refused { url, status: status.as_u16(), reason });
		}
		let file: SequenceData<Value> = json_capped(reply, MAX_SEQUENCE_BYTES)
			.await
			.map_err(|source| DataError::Body { url: url.clone(), source })?;
		file.check(prev_root, batches)
			.map_err(|source| DataError::Mismatch { url, source })
	}
}
