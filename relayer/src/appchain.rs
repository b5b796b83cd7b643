//! Reading the appchain over WebSocket JSON-RPC (jsonrpsee), with the runtime's own types:
//! finalized head, block hashes, `System::Events` and pallet-zkpow storage at a block.

use codec::Decode;
use jsonrpsee::{
	core::client::ClientT,
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use pallet_zkpow::{BatchesOf, FinalizedSequenceOf, RollupInfoOf};
use sp_core::H256;
use zkpow_primitives::{RollupId, SequenceIndex};
use zkpow_runtime::{Runtime, RuntimeEvent};

/// Events of a block, as the runtime records them.
pub type EventRecords = Vec<frame_system::EventRecord<RuntimeEvent, H256>>;

/// Why the appchain could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AppchainError {
	/// Connection refused or lost, or a request failed at the RPC layer.
	#[error("appchain RPC {url}: {message}")]
	Rpc {
		/// Endpoint.
		url: String,
		/// What went wrong.
		message: String,
	},
	/// The node answered something the runtime's types cannot decode (a runtime this
	/// relayer was not built for?).
	#[error("cannot decode {what} from the appchain: {message}")]
	Decode {
		/// What was read.
		what: &'static str,
		/// Why it failed.
		message: String,
	},
	/// A block the node should have is missing.
	#[error("appchain has no block #{0}")]
	MissingBlock(u32),
}

#[derive(serde::Deserialize)]
struct Header {
	number: String,
	#[serde(rename = "parentHash")]
	parent_hash: H256,
}

/// A connection to an appchain node.
pub struct Appchain {
	url: String,
	client: tokio::sync::RwLock<Option<WsClient>>,
}

impl Appchain {
	/// An appchain reachable at `url` (`ws://` or `wss://`); connects on first use and
	/// reconnects after the connection drops.
	pub fn new(url: &str) -> Self {
		Self { url: url.to_string(), client: tokio::sync::RwLock::new(None) }
	}

	/// The endpoint.
	pub fn url(&self) -> &str {
		&self.url
	}

	fn rpc_error(&self, e: impl std::fmt::Display) -> AppchainError {
		AppchainError::Rpc { url: self.url.clone(), message: e.to_string() }
	}

	async fn request<T: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<T, AppchainError> {
		{
			let guard = self.client.read().await;
			if let Some(client) = guard.as_ref().filter(|c| c.is_connected()) {
				return client.request(method, params).await.map_err(|e| self.rpc_error(e));
			}
		}
		let mut guard = self.client.write().await;
		if guard.as_ref().is_none_or(|c| !c.is_connected()) {
			let client = WsClientBuilder::default()
				.max_response_size(64 * 1024 * 1024)
				.build(&self.url)
				.await
				.map_err(|e| self.rpc_error(e))?;
			*guard = Some(client);
		}
		let client = guard.as_ref().expect("just connected");
		client.request(method, params).await.map_err(|e| self.rpc_error(e))
	}

	/// Number and hash of the last finalized block.
	pub async fn finalized_head(&self) -> Result<(u32, H256), AppchainError> {
		let hash: H256 = self.request("chain_getFinalizedHead", rpc_params![]).await?;
		let header = self.header(hash).await?;
		Ok((parse_number(&header.number)?, hash))
	}

	async fn header(&self, hash: H256) -> Result<Header, AppchainError> {
		let header: Option<Header> = self.request("chain_getHeader", rpc_params![hash]).await?;
		header.ok_or_else(|| self.rpc_error(format!("no header for block {hash:?}")))
	}

	/// Hash of block `number`.
	pub async fn block_hash(&self, number: u32) -> Result<H256, AppchainError> {
		let hash: Option<H256> = self.request("chain_getBlockHash", rpc_params![number]).await?;
		hash.ok_or(AppchainError::MissingBlock(number))
	}

	/// Hash of the parent of block `hash`.
	pub async fn parent_hash(&self, hash: H256) -> Result<H256, AppchainError> {
		Ok(self.header(hash).await?.parent_hash)
	}

	async fn storage<T: Decode>(
		&self,
		what: &'static str,
		key: &[u8],
		at: H256,
	) -> Result<Option<T>, AppchainError> {
		let key = format!("0x{}", hex::encode(key));
		let value: Option<String> = self.request("state_getStorage", rpc_params![key, at]).await?;
		let Some(value) = value else { return Ok(None) };
		let bytes = hex::decode(value.trim_start_matches("0x"))
			.map_err(|e| AppchainError::Decode { what, message: e.to_string() })?;
		T::decode(&mut &bytes[..])
			.map(Some)
			.map_err(|e| AppchainError::Decode { what, message: e.to_string() })
	}

	/// Events deposited in block `at`.
	pub async fn events(&self, at: H256) -> Result<EventRecords, AppchainError> {
		// `System::Events` is private to frame-system; its key is the plain storage-value
		// key twox128("System") ++ twox128("Events").
		let key = [sp_crypto_hashing::twox_128(b"System"), sp_crypto_hashing::twox_128(b"Events")]
			.concat();
		Ok(self.storage("events", &key, at).await?.unwrap_or_default())
	}

	/// A registered rollup at block `at`.
	pub async fn rollup(
		&self,
		rollup_id: RollupId,
		at: H256,
	) -> Result<Option<RollupInfoOf<Runtime>>, AppchainError> {
		let key = pallet_zkpow::Rollups::<Runtime>::hashed_key_for(rollup_id);
		self.storage("rollup", &key, at).await
	}

	/// A rollup's verifying-key set at block `at`.
	pub async fn verifying_key(
		&self,
		rollup_id: RollupId,
		at: H256,
	) -> Result<Option<Vec<u8>>, AppchainError> {
		let key = pallet_zkpow::Verifiers::<Runtime>::hashed_key_for(rollup_id);
		let config: Option<pallet_zkpow::VerifierConfigOf<Runtime>> =
			self.storage("verifier", &key, at).await?;
		Ok(config.map(|c| c.key.into_inner()))
	}

	/// The batches of a sequence not yet finalized at block `at`.
	pub async fn sequence_batches(
		&self,
		rollup_id: RollupId,
		index: SequenceIndex,
		at: H256,
	) -> Result<Option<BatchesOf<Runtime>>, AppchainError> {
		let key = pallet_zkpow::SequenceBatches::<Runtime>::hashed_key_for(rollup_id, index);
		self.storage("sequence batches", &key, at).await
	}

	/// The record of a finalized sequence at block `at`.
	pub async fn finalized_sequence(
		&self,
		rollup_id: RollupId,
		index: SequenceIndex,
		at: H256,
	) -> Result<Option<FinalizedSequenceOf<Runtime>>, AppchainError> {
		let key = pallet_zkpow::FinalizedSequences::<Runtime>::hashed_key_for(rollup_id, index);
		self.storage("finalized sequence", &key, at).await
	}
}

fn parse_number(hex_number: &str) -> Result<u32, AppchainError> {
	u32::from_str_radix(hex_number.trim_start_matches("0x"), 16).map_err(|e| {
		AppchainError::Decode { what: "block number", message: format!("{hex_number}: {e}") }
	})
}
