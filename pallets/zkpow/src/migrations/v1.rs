//! Storage version 0 → 1.
//!
//! - `Rollups`: `batch_capacity` (from the stored key), `pending_terms` (none) and `genesis`
//!   (from the rollup's first sequence when it is still stored, else its last batch and
//!   root when it has no sequence yet, else zero) are added.
//! - `Sequences`: `depositor` (the rollup's sequencer) and `deposit` (zero: nothing was
//!   held before) are added; an open window gets `min_miner_bond` from the rollup's terms;
//!   a commitment's `bond` is read as its reward weight (same encoding).
//! - `Limits`: `min_reward_per_sequence` is added (one unit of the balance), and the
//!   minimum T2 is raised to the runtime's `MinRevealWindow` (defaults and maximums with
//!   it when they were below).
//! - `Agenda`: a block's entries beyond `MaxSettlementsPerBlock` move to the next blocks
//!   with room, and their windows' deadlines with them (their reveal phase grows).
//! - `FinalizedExpiry`: every finalized record is scheduled for pruning
//!   `FinalizedRetention` blocks from the upgrade, `MaxSettlementsPerBlock` per block.
//! - The treasury account is endowed with the existential deposit if it does not exist.
//!
//! Slashes that v0 paid into reward pools stay there.

use crate::{
	pallet::*, AgendaEntry, BalanceOf, BaseChain, Commitment, RollupGenesis, RollupInfo,
	RollupStats, RollupStatus, RollupTermsOf, SequenceInfo, WindowOf,
};
use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use codec::{Decode, Encode};
use frame_support::{
	migrations::VersionedMigration, pallet_prelude::*, storage_alias,
	traits::UncheckedOnRuntimeUpgrade, BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{One, Saturating};
use zkpow_primitives::{BatchNumber, Bytes32, RollupId, SequenceIndex};

/// The v0 layouts.
pub mod v0 {
	use super::*;

	/// A v0 rollup.
	#[derive(Encode, Decode)]
	pub struct RollupInfo<T: Config> {
		/// Owner.
		pub owner: T::AccountId,
		/// Name.
		pub name: BoundedVec<u8, T::MaxNameLen>,
		/// Base chain.
		pub base_chain: BaseChain,
		/// Verifier kind.
		pub verifier: crate::VerifierKind,
		/// Sequencer.
		pub sequencer: T::AccountId,
		/// Terms.
		pub terms: RollupTermsOf<T>,
		/// Status.
		pub status: RollupStatus,
		/// Registration deposit.
		pub deposit: BalanceOf<T>,
		/// Pool.
		pub pool: BalanceOf<T>,
		/// Escrow.
		pub escrowed: BalanceOf<T>,
		/// Sequences in flight.
		pub in_flight: u32,
		/// Last batch.
		pub last_batch: BatchNumber,
		/// Last state root.
		pub last_state_root: Bytes32,
		/// Next sequence index.
		pub next_sequence: SequenceIndex,
		/// Stats.
		pub stats: RollupStats<BalanceOf<T>>,
	}

	/// A v0 window.
	#[derive(Encode, Decode)]
	pub struct Window<T: Config> {
		/// Opening block.
		pub opened_at: BlockNumberFor<T>,
		/// End of commits.
		pub commit_ends_at: BlockNumberFor<T>,
		/// End of reveals.
		pub reveal_ends_at: BlockNumberFor<T>,
		/// No-proof penalty.
		pub no_proof_penalty: BalanceOf<T>,
		/// Invalid-proof penalty.
		pub invalid_proof_penalty: BalanceOf<T>,
		/// Commitments (`bond` then, read as the reward weight now).
		pub committers: BoundedVec<Commitment<T::AccountId, BalanceOf<T>>, T::MaxCommitters>,
		/// Accepted proof.
		pub accepted: Option<crate::AcceptedProofOf<T>>,
	}

	/// A v0 sequence.
	#[derive(Encode, Decode)]
	pub struct SequenceInfo<T: Config> {
		/// First batch.
		pub start_batch: BatchNumber,
		/// Batch count.
		pub batch_count: u32,
		/// Previous root.
		pub prev_state_root: Bytes32,
		/// New root.
		pub new_state_root: Bytes32,
		/// Data commitment.
		pub data_commitment: Bytes32,
		/// Submission block.
		pub submitted_at: BlockNumberFor<T>,
		/// Escrowed reward.
		pub reward: BalanceOf<T>,
		/// Failed windows.
		pub attempt: u32,
		/// Open window.
		pub window: Option<Window<T>>,
	}

	/// The v0 protocol limits.
	#[derive(Encode, Decode)]
	pub struct ProtocolLimits<Balance, BlockNumber> {
		/// Min T1.
		pub min_commit_window: BlockNumber,
		/// Max T1.
		pub max_commit_window: BlockNumber,
		/// Default T1.
		pub default_commit_window: BlockNumber,
		/// Min T2.
		pub min_reveal_window: BlockNumber,
		/// Max T2.
		pub max_reveal_window: BlockNumber,
		/// Default T2.
		pub default_reveal_window: BlockNumber,
		/// Unbonding period.
		pub unbonding_period: BlockNumber,
		/// Bond floor.
		pub min_miner_bond: Balance,
	}

	/// `Rollups` in v0.
	#[storage_alias]
	pub(crate) type Rollups<T: Config> =
		StorageMap<Pallet<T>, Twox64Concat, RollupId, RollupInfo<T>>;

	/// `Sequences` in v0.
	#[storage_alias]
	pub(crate) type Sequences<T: Config> = StorageDoubleMap<
		Pallet<T>,
		Twox64Concat,
		RollupId,
		Twox64Concat,
		SequenceIndex,
		SequenceInfo<T>,
	>;

	/// `Limits` in v0.
	#[storage_alias]
	pub(crate) type Limits<T: Config> =
		StorageValue<Pallet<T>, ProtocolLimits<BalanceOf<T>, BlockNumberFor<T>>>;

	/// `Agenda` in v0, whose bound (`MaxAgendaEntries`) was larger than one block's
	/// settlements.
	#[storage_alias]
	pub(crate) type Agenda<T: Config> =
		StorageMap<Pallet<T>, Twox64Concat, BlockNumberFor<T>, Vec<AgendaEntry>>;
}

/// The v0 → v1 translation, without the version check (see [`MigrateV0ToV1`]).
pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

/// The v0 → v1 migration: runs only at on-chain version 0 and sets version 1.
pub type MigrateV0ToV1<T> = VersionedMigration<
	0,
	1,
	InnerMigrateV0ToV1<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
	fn on_runtime_upgrade() -> Weight {
		let mut reads = 0u64;
		let mut writes = 0u64;
		let rollups: Vec<_> = v0::Rollups::<T>::iter().collect();
		let mut sequencers = BTreeMap::new();
		let mut min_bonds = BTreeMap::new();
		for (id, old) in rollups {
			reads += 3;
			writes += 1;
			let genesis = genesis_of::<T>(id, &old);
			let batch_capacity = Verifiers::<T>::get(id)
				.map(|v| Pallet::<T>::capacity_of(&v))
				.unwrap_or(T::MaxBatchesPerSequence::get());
			sequencers.insert(id, old.sequencer.clone());
			min_bonds.insert(id, old.terms.min_miner_bond);
			Rollups::<T>::insert(
				id,
				RollupInfo {
					owner: old.owner,
					name: old.name,
					base_chain: old.base_chain,
					verifier: old.verifier,
					batch_capacity,
					sequencer: old.sequencer,
					terms: old.terms,
					pending_terms: None,
					genesis,
					status: old.status,
					deposit: old.deposit,
					pool: old.pool,
					escrowed: old.escrowed,
					in_flight: old.in_flight,
					last_batch: old.last_batch,
					last_state_root: old.last_state_root,
					next_sequence: old.next_sequence,
					stats: old.stats,
				},
			);
		}

		let sequences: Vec<_> = v0::Sequences::<T>::iter().collect();
		for (id, index, old) in sequences {
			reads += 1;
			writes += 1;
			let (Some(depositor), Some(min_miner_bond)) =
				(sequencers.get(&id).cloned(), min_bonds.get(&id).copied())
			else {
				continue;
			};
			let window = old.window.map(|w| WindowOf::<T> {
				opened_at: w.opened_at,
				commit_ends_at: w.commit_ends_at,
				reveal_ends_at: w.reveal_ends_at,
				min_miner_bond,
				no_proof_penalty: w.no_proof_penalty,
				invalid_proof_penalty: w.invalid_proof_penalty,
				committers: w.committers,
				accepted: w.accepted,
			});
			Sequences::<T>::insert(
				id,
				index,
				SequenceInfo {
					start_batch: old.start_batch,
					batch_count: old.batch_count,
					prev_state_root: old.prev_state_root,
					new_state_root: old.new_state_root,
					data_commitment: old.data_commitment,
					submitted_at: old.submitted_at,
					reward: old.reward,
					depositor,
					deposit: Zero::zero(),
					attempt: old.attempt,
					window,
				},
			);
		}

		migrate_limits::<T>();
		let (r, w) = rebound_agenda::<T>();
		reads += r + 2;
		writes += w + 1;
		let (r, w) = schedule_pruning::<T>();
		reads += r;
		writes += w;
		Pallet::<T>::ensure_pot_exists();
		T::DbWeight::get().reads_writes(reads + 4, writes + 2)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
		let counts = (
			v0::Rollups::<T>::iter_keys().count() as u64,
			v0::Sequences::<T>::iter_keys().count() as u64,
		);
		Ok(counts.encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		let (rollups, sequences) = <(u64, u64)>::decode(&mut &state[..])
			.map_err(|_| sp_runtime::TryRuntimeError::Other("pre_upgrade state"))?;
		ensure!(
			Rollups::<T>::iter_keys().count() as u64 == rollups,
			"a rollup was lost in the migration"
		);
		ensure!(
			Sequences::<T>::iter_keys().count() as u64 == sequences,
			"a sequence was lost in the migration"
		);
		Pallet::<T>::do_try_state()
	}
}

/// Where a v0 rollup started: its first sequence's previous root if that is still stored.
fn genesis_of<T: Config>(id: RollupId, old: &v0::RollupInfo<T>) -> RollupGenesis {
	if old.next_sequence == 0 {
		return RollupGenesis { state_root: old.last_state_root, last_batch: old.last_batch };
	}
	if let Some(f) = FinalizedSequences::<T>::get(id, 0) {
		return RollupGenesis {
			state_root: f.prev_state_root,
			last_batch: f.start_batch.saturating_sub(1),
		};
	}
	if let Some(s) = v0::Sequences::<T>::get(id, 0) {
		return RollupGenesis {
			state_root: s.prev_state_root,
			last_batch: s.start_batch.saturating_sub(1),
		};
	}
	RollupGenesis::default()
}

/// Adds the reward floor and raises the T2 floor to `MinRevealWindow`.
fn migrate_limits<T: Config>() {
	let Some(old) = v0::Limits::<T>::get() else { return };
	let floor = T::MinRevealWindow::get();
	let min_reveal_window = old.min_reveal_window.max(floor);
	let limits = crate::ProtocolLimits {
		min_commit_window: old.min_commit_window,
		max_commit_window: old.max_commit_window,
		default_commit_window: old.default_commit_window,
		min_reveal_window,
		max_reveal_window: old.max_reveal_window.max(min_reveal_window),
		default_reveal_window: old.default_reveal_window.max(min_reveal_window),
		unbonding_period: old.unbonding_period,
		min_miner_bond: old.min_miner_bond,
		min_reward_per_sequence: One::one(),
	};
	Limits::<T>::put(limits);
}

/// Rewrites the agenda with at most `MaxSettlementsPerBlock` entries per block, moving the
/// rest (and their windows' deadlines) to the next blocks with room. Returns reads, writes.
fn rebound_agenda<T: Config>() -> (u64, u64) {
	let mut all: Vec<(BlockNumberFor<T>, Vec<AgendaEntry>)> = v0::Agenda::<T>::iter().collect();
	all.sort_by_key(|(block, _)| *block);
	let capacity = T::MaxSettlementsPerBlock::get() as usize;
	let mut slots: BTreeMap<BlockNumberFor<T>, Vec<AgendaEntry>> = BTreeMap::new();
	let mut moved: Vec<(AgendaEntry, BlockNumberFor<T>)> = Vec::new();
	let (mut reads, mut writes) = (all.len() as u64, 0u64);
	for (block, entries) in all {
		for entry in entries {
			let mut at = block;
			while slots.get(&at).is_some_and(|s| s.len() >= capacity) {
				at.saturating_inc();
			}
			slots.entry(at).or_default().push(entry);
			if at != block {
				moved.push((entry, at));
			}
		}
	}
	let _ = v0::Agenda::<T>::clear(u32::MAX, None);
	for (block, entries) in slots {
		writes += 1;
		Agenda::<T>::insert(block, BoundedVec::truncate_from(entries));
	}
	for ((id, index), deadline) in moved {
		reads += 1;
		writes += 1;
		Sequences::<T>::mutate(id, index, |s| {
			if let Some(w) = s.as_mut().and_then(|s| s.window.as_mut()) {
				w.reveal_ends_at = deadline;
			}
		});
	}
	(reads, writes)
}

/// Puts every finalized record on the pruning agenda. Returns reads, writes.
fn schedule_pruning<T: Config>() -> (u64, u64) {
	let capacity = T::MaxSettlementsPerBlock::get() as usize;
	let mut at =
		frame_system::Pallet::<T>::block_number().saturating_add(T::FinalizedRetention::get());
	let mut batch: Vec<AgendaEntry> = Vec::new();
	let (mut reads, mut writes) = (0u64, 0u64);
	for (id, index) in FinalizedSequences::<T>::iter_keys() {
		reads += 1;
		batch.push((id, index));
		if batch.len() == capacity {
			FinalizedExpiry::<T>::insert(
				at,
				BoundedVec::truncate_from(core::mem::take(&mut batch)),
			);
			writes += 1;
			at.saturating_inc();
		}
	}
	if !batch.is_empty() {
		FinalizedExpiry::<T>::insert(at, BoundedVec::truncate_from(batch));
		writes += 1;
	}
	(reads, writes)
}
