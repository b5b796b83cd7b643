//! Storage migrations: state written in an old layout comes out of its migration complete
//! and consistent (`try_state` holds), and each migration runs once (v0 → v1, v1 → v2).

use super::*;
use crate::migrations::v1::{v0, MigrateV0ToV1};
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

/// Writes a v0 rollup with four sequences in flight, each with a window open by its own
/// miner and all due at `deadline` (one more than a v1 block settles), plus one finalized
/// record and v0 limits.
fn v0_state(deadline: BlockNumber) -> RollupId {
	let id = setup_rollup();
	let r = rollup(id);
	let count = MAX_SETTLEMENTS + 1;
	for n in 0..count {
		let index = n as SequenceIndex + 1;
		let miner = miner(n as u8);
		bond(&miner, MIN_BOND * 2);
		Miners::<Test>::mutate(&miner, |l| {
			let l = l.as_mut().unwrap();
			l.open_commitments
				.try_push(OpenCommitment {
					rollup_id: id,
					sequence_index: index,
					exposure: NO_PROOF_PENALTY + INVALID_PROOF_PENALTY,
				})
				.unwrap();
		});
		let committers = BoundedVec::truncate_from(vec![Commitment {
			miner,
			proof_hash: [n as u8; 32],
			weight: MIN_BOND * 2,
			outcome: RevealOutcome::NotRevealed,
		}]);
		v0::Sequences::<Test>::insert(
			id,
			index,
			v0::SequenceInfo {
				start_batch: index,
				batch_count: 1,
				prev_state_root: [index as u8 - 1; 32],
				new_state_root: [index as u8; 32],
				data_commitment: [0xcc; 32],
				submitted_at: 1,
				reward: REWARD,
				attempt: 0,
				window: Some(v0::Window {
					opened_at: 1,
					commit_ends_at: 2,
					reveal_ends_at: deadline,
					no_proof_penalty: NO_PROOF_PENALTY,
					invalid_proof_penalty: INVALID_PROOF_PENALTY,
					committers,
					accepted: None,
				}),
			},
		);
		SequenceBatches::<Test>::insert(id, index, batches(1, n as u8));
	}
	let entries: Vec<_> = (1..=count as SequenceIndex).map(|i| (id, i)).collect();
	v0::Agenda::<Test>::insert(deadline, entries);
	// Sequence 0 was finalized under v0.
	FinalizedSequences::<Test>::insert(
		id,
		0,
		FinalizedSequence {
			start_batch: 1,
			batch_count: 1,
			prev_state_root: [0x11; 32],
			new_state_root: [0; 32],
			data_commitment: [0; 32],
			finalized_at: 1,
			accepted: AcceptedProof { prover: miner(0), proof: BoundedVec::new() },
		},
	);
	let escrowed = REWARD * count as Balance;
	v0::Rollups::<Test>::insert(
		id,
		v0::RollupInfo {
			owner: r.owner,
			name: r.name,
			base_chain: r.base_chain,
			verifier: r.verifier,
			sequencer: r.sequencer,
			terms: r.terms,
			status: r.status,
			deposit: r.deposit,
			pool: POOL - escrowed,
			escrowed,
			in_flight: count,
			last_batch: count as u64,
			last_state_root: [count as u8; 32],
			next_sequence: count as SequenceIndex + 1,
			stats: r.stats,
		},
	);
	let l = Limits::<Test>::get();
	v0::Limits::<Test>::put(v0::ProtocolLimits {
		min_commit_window: l.min_commit_window,
		max_commit_window: l.max_commit_window,
		default_commit_window: l.default_commit_window,
		min_reveal_window: 1,
		max_reveal_window: l.max_reveal_window,
		default_reveal_window: l.default_reveal_window,
		unbonding_period: l.unbonding_period,
		min_miner_bond: l.min_miner_bond,
	});
	StorageVersion::new(0).put::<Pallet<Test>>();
	id
}

#[test]
fn migrate_v0_state_to_v1_completely_and_consistently() {
	new_test_ext().execute_with(|| {
		let deadline = 40;
		let id = v0_state(deadline);
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(1));
		Zkpow::do_try_state().expect("consistent after the migration");

		let r = rollup(id);
		assert_eq!(r.genesis, RollupGenesis { state_root: [0x11; 32], last_batch: 0 });
		assert_eq!(r.batch_capacity, 8);
		assert_eq!(r.pending_terms, None);
		let s = Sequences::<Test>::get(id, 1).unwrap();
		assert_eq!((s.depositor, s.deposit), (sequencer(), 0));
		assert_eq!(s.window.unwrap().min_miner_bond, MIN_BOND);
		// The agenda holds one block's settlements; the window beyond moved one block on.
		assert_eq!(Agenda::<Test>::get(deadline).len() as u32, MAX_SETTLEMENTS);
		let last = MAX_SETTLEMENTS as SequenceIndex + 1;
		assert_eq!(Agenda::<Test>::get(deadline + 1).into_inner(), vec![(id, last)]);
		assert_eq!(window(id, last).reveal_ends_at, deadline + 1);
		let limits = Limits::<Test>::get();
		assert_eq!((limits.min_reveal_window, limits.min_reward_per_sequence), (3, 1));
		assert_eq!(FinalizedExpiry::<Test>::get(1 + RETENTION).into_inner(), vec![(id, 0)]);

		// Every window still settles, each in its (new) deadline block.
		run_to_block(deadline + 1);
		assert!(Agenda::<Test>::iter().next().is_none());
		assert_eq!(rollup(id).stats.windows_failed, MAX_SETTLEMENTS as u64 + 1);

		// A second run does nothing: the version is already 1.
		let before = rollup(id);
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(rollup(id), before);
	});
}

#[test]
fn migrate_v1_miner_totals_out_of_the_ledgers() {
	use crate::migrations::v2::{v1, MigrateV1ToV2};
	new_test_ext().execute_with(|| {
		// Two v1 ledgers: one with totals, one without.
		bond(&miner(0), MIN_BOND);
		bond(&miner(1), MIN_BOND * 2);
		for (n, rewards, slashed) in [(0u8, 700, 30), (1, 0, 0)] {
			let l = Miners::<Test>::get(miner(n)).unwrap();
			v1::Miners::<Test>::insert(
				miner(n),
				v1::MinerLedger::<Test> {
					bonded: l.bonded,
					unbonding: l.unbonding,
					open_commitments: l.open_commitments,
					total_rewards: rewards,
					total_slashed: slashed,
				},
			);
		}
		StorageVersion::new(1).put::<Pallet<Test>>();

		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(2));
		Zkpow::do_try_state().expect("consistent after the migration");
		assert_eq!(Miners::<Test>::get(miner(0)).unwrap().bonded, MIN_BOND);
		assert_eq!(Miners::<Test>::get(miner(1)).unwrap().bonded, MIN_BOND * 2);
		assert_eq!(MinerHistory::<Test>::get(miner(0)), MinerTotals { rewards: 700, slashed: 30 });
		assert!(!MinerHistory::<Test>::contains_key(miner(1)), "nothing to keep, no entry");

		// A second run does nothing: the version is already 2.
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Miners::<Test>::get(miner(0)).unwrap().bonded, MIN_BOND);
	});
}
