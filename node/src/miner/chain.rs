//! The miner's view of the chain: runtime API queries at the best block, the miner key,
//! and signing and submitting extrinsics to the node's own transaction pool.

use super::{Pool, LOG_TARGET, MINER_KEY_TYPE};
use crate::service::FullClient;
use codec::{Decode, Encode};
use frame_system_rpc_runtime_api::AccountNonceApi;
use pallet_zkpow::{ProverPackageKind, ProverPackageSpec, VerificationError, VerifierKind};
use pallet_zkpow_runtime_api::{MinerInfo, RollupSummary, SequenceStatus, TaskInfo, ZkpowApi};
use sc_transaction_pool_api::{
	error::{Error as PoolError, IntoPoolError},
	TransactionPool, TransactionSource,
};
use sp_api::{Core, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::{sr25519, H256};
use sp_keystore::KeystorePtr;
use sp_runtime::{
	transaction_validity::InvalidTransaction, AccountId32, MultiAddress, MultiSignature,
};
use std::sync::Arc;
use zkpow_prover_api::PackageRef;
use zkpow_runtime::{
	opaque::UncheckedExtrinsic as OpaqueExtrinsic, AccountId, Balance, BlockNumber, Nonce, Runtime,
	RuntimeCall, UncheckedExtrinsic,
};

/// Blocks a nonce may stay unused on chain before the miner stops counting on the
/// extrinsics it gave to the pool (they were dropped) and reuses it.
const NONCE_STALL_BLOCKS: u32 = 10;

/// Most tasks read per block.
const TASKS_PER_BLOCK: u32 = 256;

/// Blocks a signed extrinsic stays valid. One that has not landed by then never can, so
/// the replacement the sender signs cannot land next to it.
pub const MORTAL_PERIOD: u64 = 64;

/// The best block.
#[derive(Clone, Copy, Debug)]
pub struct Best {
	pub hash: H256,
	pub number: BlockNumber,
}

/// Why the pool did not take an extrinsic.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
	/// It is in the pool already.
	#[error("already in the pool")]
	AlreadyInPool,
	/// Its nonce was used (it was included, or another extrinsic took the nonce).
	#[error("its nonce is used")]
	Stale,
	/// Refused for good, though its nonce is unused: signed for another runtime version
	/// (a runtime upgrade changed `spec_version`, so the signature no longer checks) or
	/// past its lifetime. It must be signed again.
	#[error("refused for good ({0}); to be signed again")]
	Refused(String),
	/// Anything else (invalid at the best block, pool full, ...).
	#[error("{0}")]
	Other(String),
}

/// Why a chain query or signing failed.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	/// The runtime API call failed.
	#[error("runtime API: {0}")]
	Api(#[from] sp_api::ApiError),
	/// The keystore failed to sign.
	#[error("keystore: {0}")]
	Keystore(String),
	/// The miner key is no longer in the keystore.
	#[error("the miner key left the keystore")]
	KeyGone,
}

/// How a rollup's sequences are proven, from its registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HowProven {
	/// The reference rollup's circuits: batch proofs, an aggregator proof, the final
	/// artifact.
	Reference,
	/// One Groth16 proof per sequence: by a prover host's native command configured for
	/// the sequence's verifying key, or from the rollup's circom package if it has one
	/// (see [`super::route`]).
	SingleProof {
		/// The rollup's circom package, if it declares one.
		circom: Option<PackageRef>,
	},
}

/// What the miner needs to prove a rollup's sequences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provable {
	/// Where its sequences' data is published.
	pub data_url: String,
	/// How its proofs are made.
	pub how: HowProven,
}

/// Why the miner cannot prove a rollup's sequences.
#[derive(Debug, thiserror::Error)]
pub enum NotProvable {
	/// No such rollup.
	#[error("not registered")]
	NotRegistered,
	/// A verifier and prover package that no prover host makes proofs for.
	#[error(
		"its verifier is {verifier:?} with {package}; prover hosts prove ReferenceArtifactV1 \
		 with the reference circuits and Groth16Bn254 with a Circom package or a native \
		 command"
	)]
	Verifier {
		/// The rollup's verifier.
		verifier: VerifierKind,
		/// Its package kind (`no prover package` if none).
		package: String,
	},
	/// A prover package URL that is not text.
	#[error("its prover package URL is not UTF-8")]
	PackageUrlNotUtf8,
	/// No data URL to fetch witnesses from.
	#[error("it has no data URL (`set_data_url`)")]
	NoDataUrl,
	/// A data URL that is not text.
	#[error("its data URL is not UTF-8")]
	DataUrlNotUtf8,
	/// The registration could not be read.
	#[error("its registration is unreadable: {0}")]
	Unreadable(#[from] ChainError),
}

/// How a rollup with `verifier` and `package` is proven, if prover hosts can prove it.
pub fn how_proven(
	verifier: VerifierKind,
	package: Option<ProverPackageSpec>,
) -> Result<HowProven, NotProvable> {
	match (verifier, package) {
		(VerifierKind::ReferenceArtifactV1, None) => Ok(HowProven::Reference),
		(VerifierKind::ReferenceArtifactV1, Some(p)) if p.kind == ProverPackageKind::Reference => {
			Ok(HowProven::Reference)
		},
		(VerifierKind::Groth16Bn254, None) => Ok(HowProven::SingleProof { circom: None }),
		(VerifierKind::Groth16Bn254, Some(p)) if p.kind == ProverPackageKind::Circom => {
			let url = String::from_utf8(p.url).map_err(|_| NotProvable::PackageUrlNotUtf8)?;
			Ok(HowProven::SingleProof { circom: Some(PackageRef { url, hash: p.hash }) })
		},
		(verifier, package) => Err(NotProvable::Verifier {
			verifier,
			package: match package {
				Some(p) => format!("a {:?} package", p.kind),
				None => "no prover package".into(),
			},
		}),
	}
}

/// Chain access of the miner.
pub struct Chain {
	client: Arc<FullClient>,
	pool: Arc<Pool>,
	keystore: KeystorePtr,
	/// The next nonce the miner will use, if it has extrinsics in flight.
	next_nonce: Option<Nonce>,
	/// The on-chain nonce and the block it was first seen at, to find dropped extrinsics.
	seen_nonce: (Nonce, BlockNumber),
}

type Api<'a> =
	sp_api::ApiRef<'a, <FullClient as ProvideRuntimeApi<zkpow_runtime::opaque::Block>>::Api>;

impl Chain {
	pub fn new(client: Arc<FullClient>, pool: Arc<Pool>, keystore: KeystorePtr) -> Self {
		Self { client, pool, keystore, next_nonce: None, seen_nonce: (0, 0) }
	}

	fn api(&self) -> Api<'_> {
		self.client.runtime_api()
	}

	/// The best block.
	pub fn best(&self) -> Best {
		let info = self.client.info();
		Best { hash: info.best_hash, number: info.best_number }
	}

	/// The miner key: the first `zkpw` sr25519 key of the keystore.
	pub fn miner_key(&self) -> Option<sr25519::Public> {
		self.keystore.sr25519_public_keys(MINER_KEY_TYPE).into_iter().next()
	}

	/// Open tasks by priority from `start_batch` on.
	pub fn open_tasks(
		&self,
		at: H256,
		start_batch: u64,
	) -> Result<Vec<TaskInfo<Balance, BlockNumber>>, ChainError> {
		Ok(self.api().open_tasks(at, None, Some(start_batch), TASKS_PER_BLOCK)?)
	}

	/// A sequence's status.
	pub fn sequence_status(
		&self,
		at: H256,
		rollup_id: u32,
		sequence_index: u64,
	) -> Result<Option<SequenceStatus<AccountId, Balance, BlockNumber>>, ChainError> {
		Ok(self.api().sequence_status(at, rollup_id, sequence_index)?)
	}

	/// The miner's bond and totals.
	pub fn miner_info(
		&self,
		at: H256,
		miner: sr25519::Public,
	) -> Result<Option<MinerInfo<Balance, BlockNumber>>, ChainError> {
		Ok(self.api().miner_info(at, AccountId32::from(miner))?)
	}

	/// A rollup's registration.
	pub fn rollup_info(
		&self,
		at: H256,
		rollup_id: u32,
	) -> Result<Option<RollupSummary<AccountId, Balance, BlockNumber>>, ChainError> {
		Ok(self.api().rollup_info(at, rollup_id)?)
	}

	/// The chain's verdict on `proof` as a reveal by `prover` (`None`: not in flight).
	pub fn check_proof(
		&self,
		at: H256,
		rollup_id: u32,
		sequence_index: u64,
		prover: sr25519::Public,
		proof: &[u8],
	) -> Result<Option<Result<(), VerificationError>>, ChainError> {
		let who = AccountId32::from(prover);
		Ok(self.api().check_proof(at, rollup_id, sequence_index, who, proof.to_vec())?)
	}

	/// Whether the miner can prove the rollup's sequences, and how; the reason if not.
	pub fn provable(&self, at: H256, rollup_id: u32) -> Result<Provable, NotProvable> {
		let rollup = self.rollup_info(at, rollup_id)?.ok_or(NotProvable::NotRegistered)?;
		let how = how_proven(rollup.verifier, rollup.prover_package)?;
		let url = rollup.data_url.ok_or(NotProvable::NoDataUrl)?;
		let data_url = String::from_utf8(url).map_err(|_| NotProvable::DataUrlNotUtf8)?;
		Ok(Provable { data_url, how })
	}

	fn account_nonce(&self, at: H256, who: &AccountId) -> Result<Nonce, ChainError> {
		Ok(self.api().account_nonce(at, who.clone())?)
	}

	/// Counts on the recorded extrinsics that may still land (after a restart the pool is
	/// empty but other nodes may hold them): the next nonce is at least `next`.
	pub fn reserve_nonces_below(&mut self, next: Nonce) {
		self.next_nonce = Some(self.next_nonce.unwrap_or_default().max(next));
	}

	/// The nonce for the miner's next extrinsic: the on-chain nonce, or past the
	/// extrinsics still in the pool.
	fn take_nonce(&mut self, best: Best, who: &AccountId) -> Result<Nonce, ChainError> {
		let on_chain = self.account_nonce(best.hash, who)?;
		if on_chain != self.seen_nonce.0 {
			self.seen_nonce = (on_chain, best.number);
		}
		let stalled = best.number.saturating_sub(self.seen_nonce.1) >= NONCE_STALL_BLOCKS;
		let nonce = match self.next_nonce {
			Some(next) if next > on_chain && !stalled => next,
			_ => on_chain,
		};
		self.next_nonce = Some(nonce + 1);
		Ok(nonce)
	}

	/// Signs `call` with the miner key and the next nonce; returns the encoded extrinsic
	/// and its nonce.
	pub fn sign(
		&mut self,
		best: Best,
		miner: sr25519::Public,
		call: pallet_zkpow::Call<Runtime>,
	) -> Result<(Vec<u8>, Nonce), ChainError> {
		let who = AccountId32::from(miner);
		let nonce = self.take_nonce(best, &who)?;
		let call = RuntimeCall::Zkpow(call);
		let version = self.api().version(best.hash)?;
		let genesis = self.client.info().genesis_hash;
		let lifetime = zkpow_runtime::Lifetime::Mortal {
			period: MORTAL_PERIOD,
			number: best.number,
			hash: best.hash,
		};
		let payload = zkpow_runtime::signed_payload_with(call, nonce, genesis, lifetime, &version);
		let signature = payload
			.using_encoded(|bytes| self.keystore.sr25519_sign(MINER_KEY_TYPE, &miner, bytes))
			.map_err(|e| ChainError::Keystore(e.to_string()))?
			.ok_or(ChainError::KeyGone)?;
		let (call, tx_ext, _) = payload.deconstruct();
		let xt = UncheckedExtrinsic::new_signed(
			call,
			MultiAddress::Id(who),
			MultiSignature::Sr25519(signature),
			tx_ext,
		);
		Ok((xt.encode(), nonce))
	}

	/// Gives an encoded extrinsic to the pool (which gossips it to the network).
	pub async fn submit(&mut self, best: Best, extrinsic: &[u8]) -> Result<(), SubmitError> {
		let xt = OpaqueExtrinsic::decode(&mut &extrinsic[..])
			.map_err(|e| SubmitError::Other(format!("undecodable extrinsic: {e}")))?;
		match self.pool.submit_one(best.hash, TransactionSource::Local, xt).await {
			Ok(_) => Ok(()),
			Err(e) => Err(match e.into_pool_error() {
				Ok(PoolError::AlreadyImported(_)) | Ok(PoolError::TemporarilyBanned) => {
					SubmitError::AlreadyInPool
				},
				Ok(PoolError::InvalidTransaction(InvalidTransaction::Stale)) => {
					// The nonce is used (or the extrinsic outlived its period): the next
					// extrinsic must not count on the nonces after it.
					self.next_nonce = None;
					SubmitError::Stale
				},
				Ok(PoolError::InvalidTransaction(
					e @ (InvalidTransaction::BadProof | InvalidTransaction::AncientBirthBlock),
				)) => {
					// Never entered the pool: its nonce is free again.
					self.next_nonce = None;
					SubmitError::Refused(format!("{e:?}"))
				},
				Ok(other) => {
					log::debug!(target: LOG_TARGET, "pool refused an extrinsic: {other:?}");
					SubmitError::Other(other.to_string())
				},
				Err(other) => SubmitError::Other(other.to_string()),
			}),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn package(kind: ProverPackageKind, url: &[u8]) -> Option<ProverPackageSpec> {
		Some(ProverPackageSpec { kind, url: url.to_vec(), hash: [5; 32] })
	}

	#[test]
	fn prove_reference_rollups_with_the_circuits_and_groth16_rollups_with_their_package() {
		assert_eq!(
			how_proven(VerifierKind::ReferenceArtifactV1, None).unwrap(),
			HowProven::Reference
		);
		assert_eq!(
			how_proven(
				VerifierKind::ReferenceArtifactV1,
				package(ProverPackageKind::Reference, b"https://x")
			)
			.unwrap(),
			HowProven::Reference
		);
		assert_eq!(
			how_proven(
				VerifierKind::Groth16Bn254,
				package(ProverPackageKind::Circom, b"https://p/v1")
			)
			.unwrap(),
			HowProven::SingleProof {
				circom: Some(PackageRef { url: "https://p/v1".into(), hash: [5; 32] })
			}
		);
		// Without a package only a host's native command for its key can prove it.
		assert_eq!(
			how_proven(VerifierKind::Groth16Bn254, None).unwrap(),
			HowProven::SingleProof { circom: None }
		);
	}

	/// Attack: a rollup registers a combination no host can make a proof for (a Groth16
	/// key with the reference package, a reference verifier with a circom package): the
	/// miner leaves it alone, saying why, instead of committing to sequences it cannot
	/// reveal.
	#[test]
	fn leave_alone_rollups_no_host_can_prove() {
		for (verifier, package) in [
			(VerifierKind::Groth16Bn254, package(ProverPackageKind::Reference, b"https://x")),
			(VerifierKind::ReferenceArtifactV1, package(ProverPackageKind::Circom, b"https://x")),
		] {
			let err = how_proven(verifier, package).unwrap_err();
			assert!(matches!(err, NotProvable::Verifier { .. }), "{err}");
		}
		let err =
			how_proven(VerifierKind::Groth16Bn254, package(ProverPackageKind::Circom, &[0xff]))
				.unwrap_err();
		assert!(matches!(err, NotProvable::PackageUrlNotUtf8), "{err}");
	}
}
