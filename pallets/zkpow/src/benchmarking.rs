//! Benchmarks (FRAME v2) of every call and of settlement in `on_initialize`.
//!
//! Every benchmark sets up its worst case: full name and key, the most batches, windows
//! and agendas one short of full, ledgers with the most open commitments and unbonding
//! chunks. Proofs come from [`crate::benchmark_fixtures`] (a key with a known trapdoor),
//! so `reveal_proof` runs a full Groth16 verification inside the runtime, and the
//! `reveal_artifact_*` benchmarks a full multi-proof artifact check of `n` batches.
//!
//! `on_initialize_pending` shows that settlement does not depend on the number of pending
//! sequences: it settles one due window with 10 to 10,000 sequences pending.

use super::*;
use crate::{benchmark_fixtures::*, Pallet as Zkpow};
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Hooks};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{Bounded, One, Saturating, StaticLookup};

fn unit<T: Config>() -> BalanceOf<T> {
	use frame_support::traits::fungible::Inspect;
	T::Currency::minimum_balance().max(1u32.into())
}

/// The rollups' minimum miner bond: 1,000 units, or the runtime's floor if higher.
fn min_bond<T: Config>() -> BalanceOf<T> {
	unit::<T>()
		.saturating_mul(1_000u32.into())
		.max(Limits::<T>::get().min_miner_bond)
}

/// The reward per sequence: 100 units, or the runtime's floor if higher.
fn reward<T: Config>() -> BalanceOf<T> {
	unit::<T>()
		.saturating_mul(100u32.into())
		.max(Limits::<T>::get().min_reward_per_sequence)
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, unit::<T>().saturating_mul(1_000_000_000u32.into()));
	who
}

fn params<T: Config>() -> RollupParamsOf<T> {
	RollupParams {
		commit_window: None,
		reveal_window: None,
		reward_per_sequence: reward::<T>(),
		min_miner_bond: min_bond::<T>(),
		no_proof_penalty: None,
		invalid_proof_penalty: None,
	}
}

fn max_name<T: Config>() -> Vec<u8> {
	vec![b'r'; T::MaxNameLen::get() as usize]
}

/// A prover package with the longest URL.
fn max_package<T: Config>() -> ProverPackageSpec {
	let mut url = b"https://".to_vec();
	url.resize(T::MaxPackageUrlLen::get() as usize, b'p');
	ProverPackageSpec { kind: ProverPackageKind::Circom, url, hash: [0x5a; 32] }
}

fn set_block<T: Config>(n: BlockNumberFor<T>) {
	frame_system::Pallet::<T>::set_block_number(n);
}

/// A registered, funded rollup whose sequencer is `owner`, proving with single Groth16
/// proofs.
fn rollup<T: Config>(owner: &T::AccountId) -> RollupId {
	rollup_with::<T>(owner, VerifierKind::Groth16Bn254, trapdoor_verifying_key())
}

/// Aggregator capacity of artifact rollups in the benchmarks: the largest a key set may
/// declare within `MaxVerifyingKeyLen`. It can exceed `MaxBatchesPerSequence` (a rollup
/// then submits at most that many batches), and the aggregator key's public inputs, hence
/// the cost of validating the key and of every artifact check, grow with it.
fn capacity<T: Config>() -> usize {
	use zkpow_primitives::artifact::{vk_set_len, MAX_AGGREGATOR_CAPACITY};
	let max_len = T::MaxVerifyingKeyLen::get() as usize;
	let mut capacity = 1;
	while capacity < MAX_AGGREGATOR_CAPACITY && vk_set_len(capacity + 1) <= max_len {
		capacity += 1;
	}
	capacity
}

/// The most expensive key to validate: a key set of the largest [`capacity`] (every
/// point of three keys is checked).
fn largest_key_set<T: Config>() -> Vec<u8> {
	trapdoor_key_set(capacity::<T>())
}

/// A registered, funded rollup whose sequencer is `owner`, proving with multi-proof
/// artifacts against a key set of the largest [`capacity`].
fn artifact_rollup<T: Config>(owner: &T::AccountId) -> RollupId {
	rollup_with::<T>(owner, VerifierKind::ReferenceArtifactV1, largest_key_set::<T>())
}

fn rollup_with<T: Config>(owner: &T::AccountId, kind: VerifierKind, key: Vec<u8>) -> RollupId {
	Zkpow::<T>::ensure_pot_exists();
	let id = NextRollupId::<T>::get();
	Zkpow::<T>::do_register_rollup(
		owner.clone(),
		BoundedVec::truncate_from(max_name::<T>()),
		BaseChain { chain_id: 1, inbox: [1; 20] },
		VerifierConfig { kind, key: BoundedVec::truncate_from(key) },
		owner.clone(),
		params::<T>(),
		RollupGenesis::default(),
		None,
	)
	.expect("registration works");
	Zkpow::<T>::do_fund_rollup(owner.clone(), id, unit::<T>().saturating_mul(1_000_000u32.into()))
		.expect("funding works");
	id
}

fn batches<T: Config>(n: u32) -> BatchesOf<T> {
	BoundedVec::truncate_from(
		(0..n)
			.map(|i| BatchHeader { state_root: [i as u8 + 1; 32], data_hash: [7; 32] })
			.collect(),
	)
}

/// Submits a sequence of the most batches.
fn submit<T: Config>(rollup_id: RollupId, sequencer: &T::AccountId) -> SequenceIndex {
	submit_batches::<T>(rollup_id, sequencer, T::MaxBatchesPerSequence::get())
}

fn submit_batches<T: Config>(
	rollup_id: RollupId,
	sequencer: &T::AccountId,
	n: u32,
) -> SequenceIndex {
	let rollup = Rollups::<T>::get(rollup_id).expect("registered");
	Zkpow::<T>::do_submit_sequence(
		sequencer.clone(),
		rollup_id,
		rollup.last_batch + 1,
		rollup.last_state_root,
		batches::<T>(n),
	)
	.expect("submission works");
	rollup.next_sequence
}

fn bonded_miner<T: Config>(index: u32) -> T::AccountId {
	let who = funded::<T>("miner", index);
	Zkpow::<T>::do_bond(who.clone(), min_bond::<T>().saturating_mul(100u32.into()))
		.expect("bond works");
	who
}

/// The proof of `miner` for a sequence, valid against the trapdoor key.
fn proof_of<T: Config>(
	rollup_id: RollupId,
	index: SequenceIndex,
	miner: &T::AccountId,
) -> ProofOf<T> {
	let seq = Sequences::<T>::get(rollup_id, index).expect("in flight");
	let statement = Zkpow::<T>::statement_of(rollup_id, index, &seq, miner);
	BoundedVec::truncate_from(trapdoor_proof(&statement))
}

/// The artifact of `miner` for a sequence of an [`artifact_rollup`], valid against its key
/// set.
fn artifact_of<T: Config>(
	rollup_id: RollupId,
	index: SequenceIndex,
	miner: &T::AccountId,
) -> ProofOf<T> {
	let seq = Sequences::<T>::get(rollup_id, index).expect("in flight");
	let statement = Zkpow::<T>::statement_of(rollup_id, index, &seq, miner);
	let batches = SequenceBatches::<T>::get(rollup_id, index).expect("in flight");
	let artifact = trapdoor_artifact(capacity::<T>(), &statement, &batches);
	BoundedVec::try_from(artifact).expect("MaxProofLen holds an artifact of the most batches")
}

/// A sequence of `n` batches of an [`artifact_rollup`] whose window has reached its reveal
/// phase with `committers` commits of valid artifacts; returns (rollup, index, committers).
fn artifact_window<T: Config>(
	n: u32,
	committers: u32,
) -> (RollupId, SequenceIndex, vec::Vec<T::AccountId>) {
	set_block::<T>(One::one());
	let owner = funded::<T>("owner", 0);
	let id = artifact_rollup::<T>(&owner);
	let index = submit_batches::<T>(id, &owner, n);
	(id, index, committed::<T>(id, index, committers, artifact_of::<T>))
}

/// Bonds `c` miners and commits each one's own proof (made by `proof`) to a sequence.
fn committed<T: Config>(
	rollup_id: RollupId,
	index: SequenceIndex,
	c: u32,
	proof: fn(RollupId, SequenceIndex, &T::AccountId) -> ProofOf<T>,
) -> vec::Vec<T::AccountId> {
	let miners: vec::Vec<_> = (0..c).map(bonded_miner::<T>).collect();
	for m in &miners {
		commit::<T>(m, rollup_id, index, &proof(rollup_id, index, m));
	}
	miners
}

/// Moves to the first block of a window's reveal phase.
fn to_reveal_phase<T: Config>(rollup_id: RollupId, index: SequenceIndex) {
	let window = Sequences::<T>::get(rollup_id, index).unwrap().window.unwrap();
	set_block::<T>(window.commit_ends_at);
}

fn commit<T: Config>(
	miner: &T::AccountId,
	rollup_id: RollupId,
	index: SequenceIndex,
	proof: &[u8],
) {
	let hash = zkpow_primitives::proof_hash(proof, miner.as_ref());
	Zkpow::<T>::do_commit(miner.clone(), rollup_id, index, hash).expect("commit works");
}

/// Gives `miner` `n` open commitments on other (fake) sequences, so that exposure checks
/// walk a full list.
fn fill_open_commitments<T: Config>(miner: &T::AccountId, n: u32) {
	Miners::<T>::mutate(miner, |l| {
		let l = l.as_mut().expect("bonded");
		for i in 0..n {
			let _ = l.open_commitments.try_push(OpenCommitment {
				rollup_id: RollupId::MAX,
				sequence_index: i as u64,
				exposure: One::one(),
			});
		}
	});
}

/// Opens a window on a fresh sequence with `c` committers; returns (rollup, index, deadline,
/// committers).
fn window_with<T: Config>(
	c: u32,
) -> (RollupId, SequenceIndex, BlockNumberFor<T>, vec::Vec<T::AccountId>) {
	let owner = funded::<T>("owner", 0);
	let rollup_id = rollup::<T>(&owner);
	let index = submit::<T>(rollup_id, &owner);
	let miners = committed::<T>(rollup_id, index, c, proof_of::<T>);
	let deadline = Sequences::<T>::get(rollup_id, index)
		.and_then(|s| s.window)
		.map(|w| w.reveal_ends_at)
		.unwrap_or_default();
	(rollup_id, index, deadline, miners)
}

/// Marks every committer's reveal valid (as if each had revealed), accepting the first.
fn mark_all_valid<T: Config>(rollup_id: RollupId, index: SequenceIndex) {
	mark_valid::<T>(rollup_id, index, u32::MAX)
}

/// Marks the first `valid` committers' reveals valid (as if each had revealed), accepting
/// the first; the others revealed nothing.
fn mark_valid<T: Config>(rollup_id: RollupId, index: SequenceIndex, valid: u32) {
	let first = Sequences::<T>::get(rollup_id, index).unwrap().window.unwrap().committers[0]
		.miner
		.clone();
	let proof = proof_of::<T>(rollup_id, index, &first);
	Sequences::<T>::mutate(rollup_id, index, |s| {
		let w = s.as_mut().unwrap().window.as_mut().unwrap();
		for c in w.committers.iter_mut().take(valid as usize) {
			c.outcome = RevealOutcome::Valid;
		}
		w.accepted = Some(AcceptedProof { prover: first, proof });
	});
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_rollup() {
		Zkpow::<T>::ensure_pot_exists();
		let caller = funded::<T>("owner", 0);
		let sequencer = T::Lookup::unlookup(caller.clone());

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller),
			max_name::<T>(),
			BaseChain { chain_id: 1, inbox: [1; 20] },
			VerifierSpec { kind: VerifierKind::ReferenceArtifactV1, key: largest_key_set::<T>() },
			sequencer,
			params::<T>(),
			RollupGenesis::default(),
			Some(max_package::<T>()),
		);

		assert!(Rollups::<T>::contains_key(0));
		assert!(ProverPackages::<T>::contains_key(0));
	}

	#[benchmark]
	fn update_rollup() {
		let caller = funded::<T>("owner", 0);
		let id = rollup::<T>(&caller);
		let new_sequencer = T::Lookup::unlookup(funded::<T>("sequencer", 1));

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, Some(new_sequencer), Some(params::<T>()));

		assert_eq!(Rollups::<T>::get(id).unwrap().sequencer, account("sequencer", 1, 0));
	}

	#[benchmark]
	fn fund_rollup() {
		let caller = funded::<T>("owner", 0);
		let id = rollup::<T>(&caller);
		let before = Rollups::<T>::get(id).unwrap().pool;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, unit::<T>());

		assert_eq!(Rollups::<T>::get(id).unwrap().pool, before + unit::<T>());
	}

	#[benchmark]
	fn set_data_url() {
		let caller = funded::<T>("owner", 0);
		let id = rollup::<T>(&caller);
		let mut url = b"https://".to_vec();
		url.resize(T::MaxDataUrlLen::get() as usize, b'a');

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, Some(url.clone()));

		assert_eq!(DataUrls::<T>::get(id).unwrap().into_inner(), url);
	}

	#[benchmark]
	fn set_prover_package() {
		let caller = funded::<T>("owner", 0);
		let id = rollup::<T>(&caller);
		let package = max_package::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, Some(package.clone()));

		assert_eq!(ProverPackages::<T>::get(id).map(Into::into), Some(package));
	}

	#[benchmark]
	fn pause_rollup() {
		let caller = funded::<T>("owner", 0);
		let id = rollup::<T>(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);

		assert_eq!(Rollups::<T>::get(id).unwrap().status, RollupStatus::Paused);
	}

	#[benchmark]
	fn resume_rollup() {
		let caller = funded::<T>("owner", 0);
		let id = rollup::<T>(&caller);
		Zkpow::<T>::do_set_paused(caller.clone(), id, true).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);

		assert_eq!(Rollups::<T>::get(id).unwrap().status, RollupStatus::Active);
	}

	#[benchmark]
	fn deregister_rollup() {
		let caller = funded::<T>("owner", 0);
		let id = rollup::<T>(&caller);
		Zkpow::<T>::do_set_prover_package(caller.clone(), id, Some(max_package::<T>()))
			.expect("a package can be set");

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);

		assert!(!Rollups::<T>::contains_key(id));
	}

	#[benchmark]
	fn submit_sequence(b: Linear<1, { T::MaxBatchesPerSequence::get() }>) {
		let caller = funded::<T>("owner", 0);
		let id = rollup::<T>(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, 1, [0; 32], batches::<T>(b));

		assert!(Sequences::<T>::contains_key(id, 0));
	}

	#[benchmark]
	fn bond() {
		let caller = funded::<T>("miner", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), min_bond::<T>());

		assert_eq!(Miners::<T>::get(&caller).unwrap().bonded, min_bond::<T>());
	}

	#[benchmark]
	fn unbond() {
		let caller = bonded_miner::<T>(0);
		// All chunks but one are taken, at other blocks, so the chunk search walks them all.
		for i in 1..T::MaxUnbondingChunks::get() {
			set_block::<T>(i.into());
			Zkpow::<T>::do_unbond(caller.clone(), unit::<T>()).unwrap();
		}
		set_block::<T>(T::MaxUnbondingChunks::get().into());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), unit::<T>());

		assert_eq!(
			Miners::<T>::get(&caller).unwrap().unbonding.len() as u32,
			T::MaxUnbondingChunks::get()
		);
	}

	#[benchmark]
	fn withdraw_unbonded() {
		let caller = bonded_miner::<T>(0);
		for i in 0..T::MaxUnbondingChunks::get() {
			set_block::<T>((i + 1).into());
			Zkpow::<T>::do_unbond(caller.clone(), unit::<T>()).unwrap();
		}
		fill_open_commitments::<T>(&caller, T::MaxOpenCommitments::get());
		set_block::<T>(BlockNumberFor::<T>::max_value() / 2u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(Miners::<T>::get(&caller).unwrap().unbonding.is_empty());
	}

	/// Opening a window whose natural deadline and the `p - 1` blocks after it are full, so
	/// the agenda is looked at `p` times; the last block looked at is one short of full.
	#[benchmark]
	fn commit_proof_hash_opening(p: Linear<1, { T::AgendaLookahead::get() }>) {
		set_block::<T>(One::one());
		let owner = funded::<T>("owner", 0);
		let id = rollup::<T>(&owner);
		let index = submit::<T>(id, &owner);
		let miner = bonded_miner::<T>(0);
		fill_open_commitments::<T>(&miner, T::MaxOpenCommitments::get() - 1);
		let terms = Rollups::<T>::get(id).unwrap().terms;
		let natural = frame_system::Pallet::<T>::block_number()
			.saturating_add(terms.commit_window)
			.saturating_add(terms.reveal_window);
		let mut deadline = natural;
		for probe in 0..p {
			let entries = if probe + 1 == p {
				T::MaxSettlementsPerBlock::get() - 1
			} else {
				T::MaxSettlementsPerBlock::get()
			};
			for i in 0..entries {
				Agenda::<T>::try_append(deadline, (RollupId::MAX, (probe * 1_000 + i) as u64))
					.unwrap();
			}
			if probe + 1 < p {
				deadline.saturating_inc();
			}
		}
		let hash = zkpow_primitives::proof_hash(&proof_of::<T>(id, index, &miner), miner.as_ref());

		#[extrinsic_call]
		commit_proof_hash(RawOrigin::Signed(miner), id, index, hash);

		assert_eq!(Agenda::<T>::get(deadline).len() as u32, T::MaxSettlementsPerBlock::get());
	}

	/// A commit into a full window that displaces the committer with the smallest weight.
	#[benchmark]
	fn commit_proof_hash_displacing() {
		set_block::<T>(One::one());
		let (id, index, _, miners) = window_with::<T>(T::MaxCommitters::get());
		let miner = bonded_miner::<T>(T::MaxCommitters::get());
		Zkpow::<T>::do_bond(miner.clone(), min_bond::<T>()).expect("bond works");
		fill_open_commitments::<T>(&miner, T::MaxOpenCommitments::get() - 1);
		let hash = zkpow_primitives::proof_hash(&proof_of::<T>(id, index, &miner), miner.as_ref());

		#[extrinsic_call]
		commit_proof_hash(RawOrigin::Signed(miner.clone()), id, index, hash);

		let window = Sequences::<T>::get(id, index).unwrap().window.unwrap();
		assert!(window.committers.iter().any(|c| c.miner == miner));
		assert!(!window.committers.iter().all(|c| miners.contains(&c.miner)));
	}

	#[benchmark]
	fn commit_proof_hash_joining() {
		set_block::<T>(One::one());
		let (id, index, _, _) = window_with::<T>(T::MaxCommitters::get() - 1);
		let miner = bonded_miner::<T>(T::MaxCommitters::get());
		fill_open_commitments::<T>(&miner, T::MaxOpenCommitments::get() - 1);
		let hash = zkpow_primitives::proof_hash(&proof_of::<T>(id, index, &miner), miner.as_ref());

		#[extrinsic_call]
		commit_proof_hash(RawOrigin::Signed(miner), id, index, hash);

		assert_eq!(
			Sequences::<T>::get(id, index).unwrap().window.unwrap().committers.len() as u32,
			T::MaxCommitters::get()
		);
	}

	#[benchmark]
	fn reveal_proof_valid() {
		set_block::<T>(One::one());
		let (id, index, _, miners) = window_with::<T>(T::MaxCommitters::get());
		let miner = miners.last().unwrap().clone();
		to_reveal_phase::<T>(id, index);
		let proof = proof_of::<T>(id, index, &miner);

		#[extrinsic_call]
		reveal_proof(RawOrigin::Signed(miner.clone()), id, index, proof);

		let window = Sequences::<T>::get(id, index).unwrap().window.unwrap();
		assert_eq!(window.accepted.map(|a| a.prover), Some(miner));
	}

	#[benchmark]
	fn reveal_proof_invalid() {
		set_block::<T>(One::one());
		let (id, index, _, miners) = window_with::<T>(T::MaxCommitters::get() - 1);
		// The last miner commits to a proof made for someone else: the hash matches, the
		// proof is well formed, the pairing check fails, the miner is slashed.
		let miner = bonded_miner::<T>(T::MaxCommitters::get());
		let proof = proof_of::<T>(id, index, &miners[0]);
		commit::<T>(&miner, id, index, &proof);
		to_reveal_phase::<T>(id, index);

		#[extrinsic_call]
		reveal_proof(RawOrigin::Signed(miner.clone()), id, index, proof);

		assert!(!MinerHistory::<T>::get(&miner).slashed.is_zero());
	}

	#[benchmark]
	fn reveal_artifact_valid(n: Linear<1, { T::MaxBatchesPerSequence::get() }>) {
		let (id, index, miners) = artifact_window::<T>(n, T::MaxCommitters::get());
		let miner = miners.last().unwrap().clone();
		to_reveal_phase::<T>(id, index);
		let artifact = artifact_of::<T>(id, index, &miner);

		#[extrinsic_call]
		reveal_proof(RawOrigin::Signed(miner.clone()), id, index, artifact);

		let window = Sequences::<T>::get(id, index).unwrap().window.unwrap();
		assert_eq!(window.accepted.map(|a| a.prover), Some(miner));
	}

	#[benchmark]
	fn reveal_artifact_invalid(n: Linear<1, { T::MaxBatchesPerSequence::get() }>) {
		let (id, index, miners) = artifact_window::<T>(n, T::MaxCommitters::get() - 1);
		// The last miner commits to an artifact made for someone else: the hash matches,
		// the artifact is well formed, the batched pairing check fails, the miner is
		// slashed.
		let miner = bonded_miner::<T>(T::MaxCommitters::get());
		let artifact = artifact_of::<T>(id, index, &miners[0]);
		commit::<T>(&miner, id, index, &artifact);
		to_reveal_phase::<T>(id, index);

		#[extrinsic_call]
		reveal_proof(RawOrigin::Signed(miner.clone()), id, index, artifact);

		assert!(!MinerHistory::<T>::get(&miner).slashed.is_zero());
	}

	/// Cancelling `n` pending sequences (each with the most batches).
	#[benchmark]
	fn cancel_sequences(n: Linear<1, { T::MaxSequencesInFlight::get() }>) {
		let owner = funded::<T>("owner", 0);
		let id = rollup::<T>(&owner);
		for _ in 0..n {
			submit::<T>(id, &owner);
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, 0);

		assert_eq!(Rollups::<T>::get(id).unwrap().in_flight, 0);
	}

	#[benchmark]
	fn spend_treasury() {
		let treasury = T::Treasury::get();
		T::Currency::set_balance(&treasury, unit::<T>().saturating_mul(1_000u32.into()));
		let to = funded::<T>("receiver", 0);
		let before = <T::Currency as frame_support::traits::fungible::Inspect<_>>::balance(&to);

		#[extrinsic_call]
		_(RawOrigin::Root, T::Lookup::unlookup(to.clone()), unit::<T>());

		assert_eq!(
			<T::Currency as frame_support::traits::fungible::Inspect<_>>::balance(&to),
			before + unit::<T>()
		);
	}

	#[benchmark]
	fn set_frozen() {
		let caller = funded::<T>("owner", 0);
		let id = rollup::<T>(&caller);

		#[extrinsic_call]
		_(RawOrigin::Root, id, true);

		assert!(Frozen::<T>::contains_key(id));
	}

	#[benchmark]
	fn rotate_verifying_key() {
		let caller = funded::<T>("owner", 0);
		let id = rollup::<T>(&caller);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller),
			id,
			VerifierSpec { kind: VerifierKind::ReferenceArtifactV1, key: largest_key_set::<T>() },
		);

		assert!(PendingKeys::<T>::contains_key(id));
	}

	#[benchmark]
	fn set_protocol_limits() {
		let limits = ProtocolLimitsOf::<T>::default();

		#[extrinsic_call]
		_(RawOrigin::Root, limits.clone());

		assert_eq!(Limits::<T>::get(), limits);
	}

	#[benchmark]
	fn on_initialize_idle() {
		let now: BlockNumberFor<T> = 100u32.into();
		set_block::<T>(now);
		SettlementCursor::<T>::put(now);

		#[block]
		{
			Zkpow::<T>::on_initialize(now);
		}

		assert_eq!(SettlementCursor::<T>::get(), Some(now + One::one()));
	}

	#[benchmark]
	fn on_initialize_pending(p: Linear<10, 10_000>) {
		set_block::<T>(One::one());
		let (id, index, deadline, _) = window_with::<T>(1);
		mark_all_valid::<T>(id, index);
		// `p` more sequences pending, never touched by settlement.
		let template = Sequences::<T>::get(id, index).map(|mut s| {
			s.window = None;
			s
		});
		for i in 0..p {
			Sequences::<T>::insert(id.saturating_add(1), i as u64, template.clone().unwrap());
		}
		set_block::<T>(deadline);
		SettlementCursor::<T>::put(deadline);

		#[block]
		{
			Zkpow::<T>::on_initialize(deadline);
		}

		assert!(FinalizedSequences::<T>::contains_key(id, index));
	}

	#[benchmark]
	fn settle_finalized(c: Linear<1, { T::MaxCommitters::get() }>) {
		set_block::<T>(One::one());
		let (id, index, deadline, _) = window_with::<T>(c);
		mark_all_valid::<T>(id, index);
		set_block::<T>(deadline);
		SettlementCursor::<T>::put(deadline);

		#[block]
		{
			Zkpow::<T>::on_initialize(deadline);
		}

		assert!(FinalizedSequences::<T>::contains_key(id, index));
	}

	/// Finalizing a window where one of `c` committers proved and the other `c - 1`
	/// revealed nothing: one payout, `c - 1` slashes.
	#[benchmark]
	fn settle_finalized_slashing(c: Linear<1, { T::MaxCommitters::get() }>) {
		set_block::<T>(One::one());
		let (id, index, deadline, miners) = window_with::<T>(c);
		mark_valid::<T>(id, index, 1);
		set_block::<T>(deadline);
		SettlementCursor::<T>::put(deadline);

		#[block]
		{
			Zkpow::<T>::on_initialize(deadline);
		}

		assert!(FinalizedSequences::<T>::contains_key(id, index));
		let slashed = miners.iter().filter(|m| !MinerHistory::<T>::get(m).slashed.is_zero());
		assert_eq!(slashed.count() as u32, c - 1);
	}

	#[benchmark]
	fn settle_reopened(c: Linear<1, { T::MaxCommitters::get() }>) {
		set_block::<T>(One::one());
		let (id, index, deadline, _) = window_with::<T>(c);
		set_block::<T>(deadline);
		SettlementCursor::<T>::put(deadline);

		#[block]
		{
			Zkpow::<T>::on_initialize(deadline);
		}

		assert_eq!(Sequences::<T>::get(id, index).unwrap().attempt, 1);
	}

	impl_benchmark_test_suite!(Zkpow, crate::mock::new_test_ext(), crate::mock::Test);
}
