//! Reading the appchain over WebSocket JSON-RPC (jsonrpsee), with the runtime's own types:
//! finalized head, block hashes, `System::Events` and pallet-zkpow storage at a block; and
//! BEEFY's finalized head with its signed commitment, the BEEFY validator set and MMR leaf
//! proofs, through the clients of the node's own BEEFY and MMR RPC interfaces.
//!
//! Storage and events are read only at blocks whose runtime passed [`crate::metadata`]'s
//! check: the first read at a block of a runtime version not seen yet fetches that
//! runtime's metadata, and a runtime that changed what the relayer decodes is refused
//! ([`AppchainError::Incompatible`]) before anything is decoded.

use crate::{
	beefy::{BeefySignedCommitment, MmrLeaf},
	metadata::{self, MetadataError},
};
use codec::Decode;
use jsonrpsee::{
	core::client::ClientT,
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use mmr_rpc::MmrApiClient;
use pallet_zkpow::{BatchesOf, FinalizedSequenceOf, RollupInfoOf};
use sc_consensus_beefy_rpc::BeefyApiClient;
use sp_consensus_beefy::{
	ecdsa_crypto::{AuthorityId as BeefyAuthorityId, Signature as BeefySignature},
	VersionedFinalityProof,
};
use sp_core::H256;
use sp_mmr_primitives::{EncodableOpaqueLeaf, LeafProof};
use sp_runtime::generic::SignedBlock;
use std::{
	collections::{BTreeMap, HashMap},
	sync::Mutex,
};
use tokio::sync::RwLockReadGuard;
use zkpow_primitives::{RollupId, SequenceIndex};
use zkpow_runtime::{Runtime, RuntimeEvent};

/// The BEEFY pallet's bound on the validator set (its `Authorities` storage type).
type BeefyMaxAuthorities = <Runtime as pallet_beefy::Config>::MaxAuthorities;

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
	/// The block's runtime changed the types this relayer decodes (or its metadata cannot
	/// be read): nothing of it is decoded.
	#[error(transparent)]
	Incompatible(#[from] MetadataError),
}

/// Blocks whose runtime version is known at most; past it the map starts afresh.
const MAX_KNOWN_BLOCKS: usize = 4096;

/// What the metadata check found so far.
#[derive(Default)]
struct Checked {
	/// The spec version of each block read.
	versions: HashMap<H256, u32>,
	/// The outcome of the check of each spec version met.
	outcomes: BTreeMap<u32, Result<(), MetadataError>>,
}

#[derive(serde::Deserialize)]
struct RuntimeVersion {
	#[serde(rename = "specVersion")]
	spec_version: u32,
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
	checked: Mutex<Checked>,
}

impl Appchain {
	/// An appchain reachable at `url` (`ws://` or `wss://`); connects on first use and
	/// reconnects after the connection drops.
	pub fn new(url: &str) -> Self {
		Self {
			url: url.to_string(),
			client: tokio::sync::RwLock::new(None),
			checked: Mutex::default(),
		}
	}

	/// The spec versions whose runtime passed the metadata check.
	pub fn compatible_spec_versions(&self) -> Vec<u32> {
		let checked = self.checked.lock().expect("not poisoned");
		checked.outcomes.iter().filter(|(_, o)| o.is_ok()).map(|(v, _)| *v).collect()
	}

	/// Fails unless the runtime of block `at` decodes as this relayer's (checked once per
	/// spec version: one `state_getRuntimeVersion` per block, one `state_getMetadata` per
	/// version).
	async fn ensure_compatible(&self, at: H256) -> Result<(), AppchainError> {
		let known = self.checked.lock().expect("not poisoned").versions.get(&at).copied();
		let spec_version = match known {
			Some(version) => version,
			None => {
				let version: RuntimeVersion =
					self.request("state_getRuntimeVersion", rpc_params![at]).await?;
				version.spec_version
			},
		};
		let outcome =
			self.checked.lock().expect("not poisoned").outcomes.get(&spec_version).cloned();
		let outcome = match outcome {
			Some(outcome) => outcome,
			None => {
				let bytes: sp_core::Bytes =
					self.request("state_getMetadata", rpc_params![at]).await?;
				let outcome = metadata::check(&bytes, spec_version);
				// (A refusal is logged by whoever reads: the follower, at each retry.)
				if outcome.is_ok() {
					tracing::info!(
						"appchain runtime spec version {spec_version}: the types this relayer decodes are unchanged"
					);
				}
				self.checked
					.lock()
					.expect("not poisoned")
					.outcomes
					.insert(spec_version, outcome.clone());
				outcome
			},
		};
		let mut checked = self.checked.lock().expect("not poisoned");
		if checked.versions.len() >= MAX_KNOWN_BLOCKS {
			checked.versions.clear();
		}
		checked.versions.insert(at, spec_version);
		Ok(outcome?)
	}

	/// The endpoint.
	pub fn url(&self) -> &str {
		&self.url
	}

	fn rpc_error(&self, e: impl std::fmt::Display) -> AppchainError {
		AppchainError::Rpc { url: self.url.clone(), message: e.to_string() }
	}

	/// The connected client, (re)connecting first when needed.
	async fn client(&self) -> Result<RwLockReadGuard<'_, WsClient>, AppchainError> {
		{
			let guard = self.client.read().await;
			if guard.as_ref().is_some_and(|c| c.is_connected()) {
				return Ok(RwLockReadGuard::map(guard, |c| c.as_ref().expect("checked above")));
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
		Ok(RwLockReadGuard::map(guard.downgrade(), |c| c.as_ref().expect("just connected")))
	}

	async fn request<T: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<T, AppchainError> {
		self.client()
			.await?
			.request(method, params)
			.await
			.map_err(|e| self.rpc_error(e))
	}

	/// The last block BEEFY finalized, with the signed commitment the validators made for
	/// it (the node keeps one as the block's BEEFY justification).
	pub async fn beefy_finalized(&self) -> Result<(H256, BeefySignedCommitment), AppchainError> {
		let hash = <WsClient as BeefyApiClient<sp_core::Bytes, H256>>::latest_finalized(
			&*self.client().await?,
		)
		.await
		.map_err(|e| self.rpc_error(e))?;
		let block: Option<SignedBlock<zkpow_runtime::opaque::Block>> =
			self.request("chain_getBlock", rpc_params![hash]).await?;
		let block = block.ok_or_else(|| self.rpc_error(format!("no block {hash:?}")))?;
		let encoded = block
			.justifications
			.as_ref()
			.and_then(|j| j.get(sp_consensus_beefy::BEEFY_ENGINE_ID))
			.ok_or_else(|| {
				self.rpc_error(format!(
					"BEEFY's finalized block {hash:?} has no BEEFY justification"
				))
			})?;
		let VersionedFinalityProof::V1(signed) =
			VersionedFinalityProof::<u32, BeefySignature>::decode(&mut &encoded[..]).map_err(
				|e| AppchainError::Decode { what: "BEEFY justification", message: e.to_string() },
			)?;
		Ok((hash, signed))
	}

	/// The BEEFY validator set (in set order) and its id at block `at`.
	pub async fn beefy_validators(
		&self,
		at: H256,
	) -> Result<(u64, Vec<BeefyAuthorityId>), AppchainError> {
		let authorities: Option<frame_support::BoundedVec<BeefyAuthorityId, BeefyMaxAuthorities>> =
			self.storage(
				"BEEFY authorities",
				&pallet_beefy::Authorities::<Runtime>::hashed_key(),
				at,
			)
			.await?;
		let id: Option<u64> = self
			.storage("BEEFY set id", &pallet_beefy::ValidatorSetId::<Runtime>::hashed_key(), at)
			.await?;
		Ok((id.unwrap_or_default(), authorities.map(|a| a.into_inner()).unwrap_or_default()))
	}

	/// The MMR leaf of block `block` and its proof against the MMR root at block
	/// `best_known` (what a BEEFY commitment of `best_known` signs).
	pub async fn mmr_leaf_proof(
		&self,
		block: u32,
		best_known: u32,
	) -> Result<(MmrLeaf, LeafProof<H256>), AppchainError> {
		let proof = <WsClient as MmrApiClient<H256, u32, H256>>::generate_proof(
			&*self.client().await?,
			vec![block],
			Some(best_known),
			None,
		)
		.await
		.map_err(|e| self.rpc_error(e))?;
		let decode = |what, message: codec::Error| AppchainError::Decode {
			what,
			message: message.to_string(),
		};
		let leaves: Vec<EncodableOpaqueLeaf> =
			Decode::decode(&mut &proof.leaves[..]).map_err(|e| decode("MMR leaves", e))?;
		let [leaf] = &leaves[..] else {
			return Err(AppchainError::Decode {
				what: "MMR leaves",
				message: format!("{} leaves for one block", leaves.len()),
			});
		};
		let leaf = MmrLeaf::decode(&mut &leaf.0[..]).map_err(|e| decode("MMR leaf", e))?;
		let proof =
			LeafProof::<H256>::decode(&mut &proof.proof[..]).map_err(|e| decode("MMR proof", e))?;
		Ok((leaf, proof))
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
		self.ensure_compatible(at).await?;
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
