//! One EVM base chain: reads the inboxes (at the head or at a final block), simulates,
//! prices, signs and broadcasts deliveries with alloy, and sorts failures into transient
//! (retry later), inbox rejections and what the node says about a broadcast. Every request
//! has a deadline (`rpc_timeout`), so a hanging endpoint fails like an unreachable one.

use crate::policy::Fees;
use alloy::{
	consensus::TxEnvelope,
	eips::{BlockId, BlockNumberOrTag, Encodable2718},
	network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder},
	primitives::{keccak256, Address, B256, U256},
	providers::{DynProvider, Provider, RootProvider},
	rpc::{client::RpcClient, types::TransactionRequest},
	signers::local::PrivateKeySigner,
	transports::{http::reqwest, RpcError, TransportError},
};
use std::{
	sync::atomic::{AtomicUsize, Ordering},
	time::Duration,
};
use zkpow_contracts::{sequence_call, InboxError, InboxRejection, SequenceDelivery, ZkpowInbox};

/// The default deadline of one RPC request.
pub const DEFAULT_RPC_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a call to the chain failed.
#[derive(Debug, thiserror::Error)]
pub enum EvmError {
	/// The endpoint is unreachable, failed or timed out; retried with backoff on the next
	/// endpoint.
	#[error("chain {chain_id}: RPC failed: {message}")]
	Unreachable {
		/// Chain.
		chain_id: u64,
		/// What went wrong.
		message: String,
	},
	/// The inbox reverted with one of its errors.
	#[error("inbox rejected the sequence: {0:?}")]
	Rejected(InboxRejection),
	/// No contract at the inbox address (not deployed yet, or a wrong address).
	#[error("chain {chain_id}: no inbox contract at {inbox}")]
	NoContract {
		/// Chain.
		chain_id: u64,
		/// The address the rollup registered.
		inbox: Address,
	},
	/// Anything else (a revert without an inbox error, a signing failure); retried.
	#[error("chain {chain_id}: {message}")]
	Other {
		/// Chain.
		chain_id: u64,
		/// What went wrong.
		message: String,
	},
}

impl EvmError {
	/// Whether retrying later may succeed without anyone's intervention.
	pub fn is_transient(&self) -> bool {
		matches!(self, EvmError::Unreachable { .. } | EvmError::Other { .. })
	}
}

/// A signed delivery transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedTx {
	/// Hash.
	pub hash: [u8; 32],
	/// EIP-2718 encoding.
	pub raw: Vec<u8>,
	/// Nonce.
	pub nonce: u64,
}

/// What a mined transaction did, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mined {
	/// Whether it succeeded.
	pub success: bool,
	/// Gas it used.
	pub gas_used: u64,
	/// The block that includes it.
	pub block_number: u64,
	/// That block's hash.
	pub block_hash: [u8; 32],
}

/// What the node said to a broadcast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Broadcast {
	/// In the node's pool (or already there, or already mined).
	Accepted,
	/// Refused for its price (below the base fee, or a replacement not paying enough).
	Underpriced(String),
	/// The nonce is used already (by this transaction, a replacement, or another one).
	NonceTaken,
	/// The account cannot pay for it.
	Unfunded(String),
}

/// What a delivery costs to send, as the chain estimates it now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
	/// Gas the simulation used.
	pub gas: u64,
	/// The chain's fee estimate.
	pub fees: Fees,
}

/// A base chain with its endpoints and the relayer's account on it.
pub struct EvmChain {
	/// EIP-155 chain id.
	pub chain_id: u64,
	endpoints: Vec<(String, DynProvider)>,
	current: AtomicUsize,
	wallet: EthereumWallet,
	/// The relayer's account (pays for deliveries).
	pub sender: Address,
}

impl EvmChain {
	/// A chain served by `urls`, signing with `signer`, with the default RPC deadline.
	pub fn new(chain_id: u64, urls: &[String], signer: PrivateKeySigner) -> Result<Self, String> {
		Self::with_timeout(chain_id, urls, signer, DEFAULT_RPC_TIMEOUT)
	}

	/// A chain served by `urls`, signing with `signer`; every request fails after `timeout`.
	pub fn with_timeout(
		chain_id: u64,
		urls: &[String],
		signer: PrivateKeySigner,
		timeout: Duration,
	) -> Result<Self, String> {
		let http = reqwest::Client::builder()
			.timeout(timeout)
			.connect_timeout(timeout)
			.build()
			.map_err(|e| format!("cannot build the HTTP client: {e}"))?;
		let endpoints = urls
			.iter()
			.map(|url| {
				let parsed = url.parse().map_err(|e| format!("invalid RPC URL `{url}`: {e}"))?;
				let client = RpcClient::new_http_with_client(http.clone(), parsed);
				Ok((url.clone(), RootProvider::new(client).erased()))
			})
			.collect::<Result<Vec<_>, String>>()?;
		if endpoints.is_empty() {
			return Err(format!("chain {chain_id} has no RPC endpoint"));
		}
		let sender = signer.address();
		Ok(Self {
			chain_id,
			endpoints,
			current: AtomicUsize::new(0),
			wallet: EthereumWallet::from(signer),
			sender,
		})
	}

	/// The endpoint in use.
	pub fn provider(&self) -> &DynProvider {
		&self.endpoints[self.current.load(Ordering::Relaxed) % self.endpoints.len()].1
	}

	/// The URL in use.
	pub fn url(&self) -> &str {
		&self.endpoints[self.current.load(Ordering::Relaxed) % self.endpoints.len()].0
	}

	/// Switches to the next endpoint (after a transport failure).
	fn rotate(&self) {
		if self.endpoints.len() > 1 {
			self.current.fetch_add(1, Ordering::Relaxed);
		}
	}

	fn transport(&self, error: TransportError) -> EvmError {
		let transient = matches!(error, RpcError::Transport(_) | RpcError::NullResp);
		if transient {
			self.rotate();
			EvmError::Unreachable { chain_id: self.chain_id, message: error.to_string() }
		} else {
			EvmError::Other { chain_id: self.chain_id, message: error.to_string() }
		}
	}

	fn contract(&self, error: alloy::contract::Error, inbox: Address) -> EvmError {
		if let Some(decoded) = error.as_decoded_interface_error::<InboxError>() {
			return EvmError::Rejected(InboxRejection::from_error(&decoded));
		}
		match error {
			alloy::contract::Error::ZeroData(..) => {
				EvmError::NoContract { chain_id: self.chain_id, inbox }
			},
			alloy::contract::Error::TransportError(e) => self.transport(e),
			other => EvmError::Other { chain_id: self.chain_id, message: other.to_string() },
		}
	}

	/// The chain id the endpoint reports (to catch a misrouted configuration).
	pub async fn remote_chain_id(&self) -> Result<u64, EvmError> {
		self.provider().get_chain_id().await.map_err(|e| self.transport(e))
	}

	/// The number of the chain's head.
	pub async fn head(&self) -> Result<u64, EvmError> {
		self.provider().get_block_number().await.map_err(|e| self.transport(e))
	}

	/// The number of the block `tag` names: `Ok(None)` while the chain has none (a young
	/// chain), `Err(Ok(message))` when the node does not know the tag.
	pub async fn tagged_block(
		&self,
		tag: BlockNumberOrTag,
	) -> Result<Option<u64>, Result<String, EvmError>> {
		match self.provider().get_block_by_number(tag).await {
			Ok(block) => Ok(block.map(|b| b.header.number)),
			Err(RpcError::ErrorResp(payload)) => Err(Ok(payload.message.to_string())),
			Err(e) => Err(Err(self.transport(e))),
		}
	}

	/// The index of the next sequence `inbox` accepts, at the chain's head.
	pub async fn next_index(&self, inbox: Address) -> Result<u64, EvmError> {
		self.next_index_at(inbox, BlockId::latest()).await
	}

	/// The index of the next sequence `inbox` accepts at `block`.
	pub async fn next_index_at(&self, inbox: Address, block: BlockId) -> Result<u64, EvmError> {
		ZkpowInbox::new(inbox, self.provider())
			.nextSequenceIndex()
			.call()
			.block(block)
			.await
			.map_err(|e| self.contract(e, inbox))
	}

	/// keccak256 of the code at `address` at the head (`None`: no code).
	pub async fn code_hash(&self, address: Address) -> Result<Option<B256>, EvmError> {
		let code = self
			.provider()
			.get_code_at(address)
			.latest()
			.await
			.map_err(|e| self.transport(e))?;
		Ok((!code.is_empty()).then(|| keccak256(&code)))
	}

	/// The relayer account's balance at the head, in wei.
	pub async fn balance(&self) -> Result<U256, EvmError> {
		self.provider()
			.get_balance(self.sender)
			.latest()
			.await
			.map_err(|e| self.transport(e))
	}

	/// The one place a delivery becomes a transaction (simulated, estimated and signed
	/// alike): the `finalizeSequence` call of `delivery`, its arguments from
	/// [`sequence_call`].
	fn request(&self, inbox: Address, delivery: &SequenceDelivery) -> TransactionRequest {
		let (sequence, batches) = sequence_call(delivery);
		ZkpowInbox::new(inbox, self.provider())
			.finalizeSequence(sequence, batches)
			.from(self.sender)
			.into_transaction_request()
	}

	/// Runs the delivery as a call at the head: `Ok` if the inbox would accept it.
	pub async fn simulate(
		&self,
		inbox: Address,
		delivery: &SequenceDelivery,
	) -> Result<(), EvmError> {
		match self.provider().call(self.request(inbox, delivery)).await {
			Ok(_) => Ok(()),
			Err(RpcError::ErrorResp(payload)) => {
				match payload.as_decoded_interface_error::<InboxError>() {
					Some(decoded) => Err(EvmError::Rejected(InboxRejection::from_error(&decoded))),
					None => Err(EvmError::Other {
						chain_id: self.chain_id,
						message: format!("the inbox {inbox} reverted: {}", payload.message),
					}),
				}
			},
			Err(e) => Err(self.transport(e)),
		}
	}

	/// The gas the delivery needs and the chain's fee estimate.
	pub async fn quote(
		&self,
		inbox: Address,
		delivery: &SequenceDelivery,
	) -> Result<Quote, EvmError> {
		let provider = self.provider();
		let gas = provider
			.estimate_gas(self.request(inbox, delivery))
			.await
			.map_err(|e| self.transport(e))?;
		Ok(Quote { gas, fees: self.fee_estimate().await? })
	}

	/// The chain's EIP-1559 fee estimate now.
	pub async fn fee_estimate(&self) -> Result<Fees, EvmError> {
		let fees = self.provider().estimate_eip1559_fees().await.map_err(|e| self.transport(e))?;
		Ok(Fees {
			max_fee_per_gas: fees.max_fee_per_gas,
			max_priority_fee_per_gas: fees.max_priority_fee_per_gas,
		})
	}

	/// The account's next nonce counting its pending transactions.
	pub async fn pending_nonce(&self) -> Result<u64, EvmError> {
		self.nonce_at(BlockId::pending()).await
	}

	/// The account's next nonce, counting only mined transactions.
	pub async fn nonce(&self) -> Result<u64, EvmError> {
		self.nonce_at(BlockId::latest()).await
	}

	/// The account's next nonce as of `block`.
	pub async fn nonce_at(&self, block: BlockId) -> Result<u64, EvmError> {
		self.provider()
			.get_transaction_count(self.sender)
			.block_id(block)
			.await
			.map_err(|e| self.transport(e))
	}

	/// Signs a `finalizeSequence` transaction with the given nonce, gas limit and fees,
	/// without sending it.
	pub async fn sign(
		&self,
		inbox: Address,
		delivery: &SequenceDelivery,
		nonce: u64,
		gas_limit: u64,
		fees: Fees,
	) -> Result<SignedTx, EvmError> {
		let tx = self
			.request(inbox, delivery)
			.with_nonce(nonce)
			.with_chain_id(self.chain_id)
			.with_gas_limit(gas_limit)
			.with_max_fee_per_gas(fees.max_fee_per_gas)
			.with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
		let envelope: TxEnvelope = tx.build(&self.wallet).await.map_err(|e| EvmError::Other {
			chain_id: self.chain_id,
			message: format!("cannot sign the delivery: {e}"),
		})?;
		Ok(SignedTx { hash: envelope.tx_hash().0, raw: envelope.encoded_2718(), nonce })
	}

	/// Broadcasts a signed transaction; what the node refuses is sorted, not an error.
	pub async fn broadcast(&self, raw: &[u8]) -> Result<Broadcast, EvmError> {
		match self.provider().send_raw_transaction(raw).await {
			Ok(_) => Ok(Broadcast::Accepted),
			Err(RpcError::ErrorResp(payload)) => match classify(&payload.message) {
				Some(answer) => Ok(answer),
				None => Err(EvmError::Other {
					chain_id: self.chain_id,
					message: format!("the node refused the transaction: {}", payload.message),
				}),
			},
			Err(e) => Err(self.transport(e)),
		}
	}

	/// The receipt of `hash`, if it is mined (in the chain the endpoint follows now).
	pub async fn receipt(&self, hash: [u8; 32]) -> Result<Option<Mined>, EvmError> {
		let receipt = self
			.provider()
			.get_transaction_receipt(B256::from(hash))
			.await
			.map_err(|e| self.transport(e))?;
		Ok(receipt.and_then(|r| {
			Some(Mined {
				success: r.status(),
				gas_used: r.gas_used,
				block_number: r.block_number?,
				block_hash: r.block_hash?.0,
			})
		}))
	}
}

/// Sorts a node's refusal of a raw transaction (geth, erigon, reth, anvil wordings).
fn classify(message: &str) -> Option<Broadcast> {
	let lower = message.to_lowercase();
	let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
	if has(&["already known", "known transaction", "already imported", "already in"]) {
		Some(Broadcast::Accepted)
	} else if has(&["nonce too low", "nonce has already been used", "already been mined"]) {
		Some(Broadcast::NonceTaken)
	} else if has(&["insufficient funds", "insufficient balance"]) {
		Some(Broadcast::Unfunded(message.to_string()))
	} else if has(&["underpriced", "less than block base fee", "fee cap", "too low", "max fee"]) {
		Some(Broadcast::Underpriced(message.to_string()))
	} else {
		None
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn node_refusals_are_sorted() {
		for known in ["already known", "ALREADY_EXISTS: known transaction: 0x12"] {
			assert_eq!(classify(known), Some(Broadcast::Accepted));
		}
		assert_eq!(classify("nonce too low"), Some(Broadcast::NonceTaken));
		assert!(matches!(
			classify("Insufficient funds for gas * price + value"),
			Some(Broadcast::Unfunded(_))
		));
		for price in [
			"replacement transaction underpriced",
			"max fee per gas less than block base fee",
			"transaction underpriced",
			"fee cap less than block base fee",
		] {
			assert!(matches!(classify(price), Some(Broadcast::Underpriced(_))), "{price}");
		}
		assert_eq!(classify("execution reverted"), None);
	}
}
