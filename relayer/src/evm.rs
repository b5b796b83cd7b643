//! One EVM base chain: reads the inboxes, simulates, signs and broadcasts deliveries with
//! alloy, and sorts failures into transient (retry later) and inbox rejections.

use alloy::{
	consensus::TxEnvelope,
	eips::Encodable2718,
	network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder},
	primitives::{Address, B256},
	providers::{DynProvider, Provider, RootProvider},
	rpc::types::TransactionRequest,
	signers::local::PrivateKeySigner,
	transports::{RpcError, TransportError},
};
use std::sync::atomic::{AtomicUsize, Ordering};
use zkpow_contracts::{sequence_call, InboxError, InboxRejection, SequenceDelivery, ZkpowInbox};

/// Why a call to the chain failed.
#[derive(Debug, thiserror::Error)]
pub enum EvmError {
	/// The endpoint is unreachable or failed; retried with backoff on the next endpoint.
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

/// What a mined transaction did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mined {
	/// Whether it succeeded.
	pub success: bool,
	/// Gas it used.
	pub gas_used: u64,
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
	/// A chain served by `urls`, signing with `signer`.
	pub fn new(chain_id: u64, urls: &[String], signer: PrivateKeySigner) -> Result<Self, String> {
		let endpoints = urls
			.iter()
			.map(|url| {
				let parsed = url.parse().map_err(|e| format!("invalid RPC URL `{url}`: {e}"))?;
				Ok((url.clone(), RootProvider::new_http(parsed).erased()))
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

	/// The index of the next sequence `inbox` accepts.
	pub async fn next_index(&self, inbox: Address) -> Result<u64, EvmError> {
		ZkpowInbox::new(inbox, self.provider())
			.nextSequenceIndex()
			.call()
			.await
			.map_err(|e| self.contract(e, inbox))
	}

	fn request(&self, inbox: Address, delivery: &SequenceDelivery) -> TransactionRequest {
		let (sequence, batches) = sequence_call(delivery);
		ZkpowInbox::new(inbox, self.provider())
			.finalizeSequence(sequence, batches)
			.from(self.sender)
			.into_transaction_request()
	}

	/// Runs `finalizeSequence` as a call: `Ok` if the inbox would accept the delivery.
	pub async fn simulate(
		&self,
		inbox: Address,
		delivery: &SequenceDelivery,
	) -> Result<(), EvmError> {
		let (sequence, batches) = sequence_call(delivery);
		ZkpowInbox::new(inbox, self.provider())
			.finalizeSequence(sequence, batches)
			.from(self.sender)
			.call()
			.await
			.map(|_| ())
			.map_err(|e| self.contract(e, inbox))
	}

	/// Signs a `finalizeSequence` transaction (nonce, gas and fees from the chain) without
	/// sending it.
	pub async fn sign(
		&self,
		inbox: Address,
		delivery: &SequenceDelivery,
	) -> Result<SignedTx, EvmError> {
		let provider = self.provider();
		let tx = self.request(inbox, delivery);
		let nonce = self
			.provider()
			.get_transaction_count(self.sender)
			.pending()
			.await
			.map_err(|e| self.transport(e))?;
		let gas = provider.estimate_gas(tx.clone()).await.map_err(|e| self.transport(e))?;
		let fees = provider.estimate_eip1559_fees().await.map_err(|e| self.transport(e))?;
		let tx = tx
			.with_nonce(nonce)
			.with_chain_id(self.chain_id)
			// The verifier's cost depends only on the artifact, so a small margin suffices.
			.with_gas_limit(gas + gas / 5)
			.with_max_fee_per_gas(fees.max_fee_per_gas)
			.with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
		let envelope: TxEnvelope = tx.build(&self.wallet).await.map_err(|e| EvmError::Other {
			chain_id: self.chain_id,
			message: format!("cannot sign the delivery: {e}"),
		})?;
		Ok(SignedTx { hash: envelope.tx_hash().0, raw: envelope.encoded_2718(), nonce })
	}

	/// Broadcasts a signed transaction. A node that already has it is no error.
	pub async fn broadcast(&self, raw: &[u8]) -> Result<(), EvmError> {
		match self.provider().send_raw_transaction(raw).await {
			Ok(_) => Ok(()),
			Err(RpcError::ErrorResp(payload))
				if ["already known", "known transaction", "already imported"]
					.iter()
					.any(|m| payload.message.to_lowercase().contains(m)) =>
			{
				Ok(())
			},
			Err(e) => Err(self.transport(e)),
		}
	}

	/// The receipt of `hash`, if it is mined.
	pub async fn receipt(&self, hash: [u8; 32]) -> Result<Option<Mined>, EvmError> {
		let receipt = self
			.provider()
			.get_transaction_receipt(B256::from(hash))
			.await
			.map_err(|e| self.transport(e))?;
		Ok(receipt.map(|r| Mined { success: r.status(), gas_used: r.gas_used }))
	}

	/// The relayer account's next nonce, counting only mined transactions.
	pub async fn nonce(&self) -> Result<u64, EvmError> {
		self.provider()
			.get_transaction_count(self.sender)
			.latest()
			.await
			.map_err(|e| self.transport(e))
	}
}
