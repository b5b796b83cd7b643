//! The open market against hostile participants: each test is an attack (named after it,
//! described in its doc comment) and shows it failing, or costing the attacker more than
//! anyone else, with nothing lost.
//!
//! The mock's bounds are small so that every limit is reached: `MaxSettlementsPerBlock` 3
//! (so at most 3 windows share a deadline), `MaxOpenCommitments` 3, `MaxCommitters` 4,
//! `AgendaLookahead` 3, `MaxSequencesInFlight` 6.

use super::*;
use frame_support::{assert_noop, assert_ok};

/// The spammer's own rollup, registered by `account(3)` with itself as sequencer, on the
/// cheapest terms the protocol allows (reward and bond at their floors).
fn register_spam_rollup() -> RollupId {
	let spammer = account(3);
	let id = NextRollupId::<Test>::get();
	let limits = Limits::<Test>::get();
	assert_ok!(Zkpow::register_rollup(
		RuntimeOrigin::signed(spammer.clone()),
		b"spam".to_vec(),
		base_chain(),
		vk(&keys().vk_bytes),
		spammer.clone(),
		RollupParams {
			reward_per_sequence: limits.min_reward_per_sequence,
			min_miner_bond: limits.min_miner_bond.max(2),
			no_proof_penalty: Some(1),
			invalid_proof_penalty: Some(1),
			..params()
		},
		genesis(),
		None,
	));
	assert_ok!(Zkpow::fund_rollup(RuntimeOrigin::signed(spammer), id, 1_000));
	id
}

/// Submits a one-batch sequence to the spam rollup as its sequencer.
fn spam_sequence(id: RollupId) -> SequenceIndex {
	let r = rollup(id);
	let seed = 200u8.wrapping_add(r.next_sequence as u8);
	assert_ok!(Zkpow::submit_sequence(
		RuntimeOrigin::signed(account(3)),
		id,
		r.last_batch + 1,
		r.last_state_root,
		batches(1, seed),
	));
	r.next_sequence
}

/// `spammers` accounts each open as many spam windows as the chain lets one account
/// (`MaxOpenCommitments`), all in the current block.
fn open_spam_windows(id: RollupId, spammers: &[AccountId]) {
	let per_account = <<Test as Config>::MaxOpenCommitments as Get<u32>>::get();
	for who in spammers {
		bond(who, 100);
		for _ in 0..per_account {
			let index = spam_sequence(id);
			assert_ok!(Zkpow::commit_proof_hash(
				RuntimeOrigin::signed(who.clone()),
				id,
				index,
				[1; 32]
			));
		}
	}
}

/// The block at which a window of the test rollup's sequence was settled (from its events).
fn settled_at(rollup_id: RollupId, index: SequenceIndex) -> Option<BlockNumber> {
	FinalizedSequences::<Test>::get(rollup_id, index).map(|f| f.finalized_at)
}

/// An honest rollup's sequence and miner, and a spam rollup whose `spammers` open their
/// windows in block 10, the block the honest miner opens its window. Returns (honest
/// rollup, spam rollup, honest sequence, honest proof).
fn honest_window_among_spam(
	spammers: &[AccountId],
) -> (RollupId, RollupId, SequenceIndex, Vec<u8>) {
	let honest = setup_rollup();
	let spam = register_spam_rollup();
	let index = submit(honest, 1);
	let proof = proof_for(honest, index, &miner(0));
	bond(&miner(0), MIN_BOND * 2);
	run_to_block(10);
	open_spam_windows(spam, spammers);
	commit(&miner(0), honest, index, &proof);
	(honest, spam, index, proof)
}

/// **Agenda crowding, one account.** A spammer opens the most windows one account can
/// (`MaxOpenCommitments`, on the cheapest terms) in the block an honest miner opens its
/// window, all due at the same deadline. The honest commit is accepted and its window is
/// settled at most one block after its natural deadline `b + T1 + T2`.
#[test]
fn crowding_the_agenda_from_one_account_delays_an_honest_window_by_at_most_one_block() {
	new_test_ext().execute_with(|| {
		let (honest, _, index, proof) = honest_window_among_spam(&[miner(5)]);
		let natural = 10 + T1 + T2;
		assert!(window(honest, index).reveal_ends_at <= natural + 1);

		run_to_block(10 + T1);
		reveal(&miner(0), honest, index, &proof);
		run_to_block(natural + 1);
		let at = settled_at(honest, index).expect("the honest sequence is finalized");
		assert!(at <= natural + 1, "settled at {at}, natural deadline {natural}");
	});
}

/// **Agenda crowding, many accounts.** Two spam accounts fill two deadlines (on the old
/// rules the agenda refused the honest opening commit with `AgendaFull`). The honest
/// commit is accepted, scheduled at the first block with room, and settled there; the
/// spammers paid a no-proof penalty per window into the treasury, and the honest miner
/// lost nothing.
#[test]
fn crowding_the_agenda_from_sybil_accounts_never_refuses_an_honest_window() {
	new_test_ext().execute_with(|| {
		let (honest, spam, index, proof) = honest_window_among_spam(&[miner(4), miner(5)]);
		let natural = 10 + T1 + T2;
		let deadline = window(honest, index).reveal_ends_at;
		assert_eq!(deadline, natural + 2, "two full deadlines pushed it two blocks");
		assert_eq!(Agenda::<Test>::get(natural).len() as u32, MAX_SETTLEMENTS);

		run_to_block(10 + T1);
		reveal(&miner(0), honest, index, &proof);
		run_to_block(deadline);
		assert_eq!(settled_at(honest, index), Some(deadline));
		assert_eq!(free(&miner(0)), INITIAL - MIN_BOND * 2 + REWARD);
		// Every spam window settled in its own deadline block, each slashing its spammer.
		let windows = 2 * <<Test as Config>::MaxOpenCommitments as Get<u32>>::get();
		assert_eq!(free(&TreasuryAccount::get()), ED + windows as Balance);
		assert_eq!(rollup(spam).stats.windows_failed, windows as u64);
	});
}

/// **Agenda crowding beyond the lookahead.** Filling every block the lookahead reaches
/// takes `AgendaLookahead` deadlines of windows (each a sequence deposit, an escrowed
/// reward and a bonded account); only then is a new window refused, and the refused commit
/// loses nothing.
#[test]
fn crowding_the_whole_lookahead_needs_a_bonded_account_per_deadline() {
	new_test_ext().execute_with(|| {
		let honest = setup_rollup();
		let spam = register_spam_rollup();
		let index = submit(honest, 1);
		bond(&miner(0), MIN_BOND * 2);
		run_to_block(10);
		let second_spam = register_spam_rollup();
		open_spam_windows(spam, &[miner(3), miner(4)]);
		open_spam_windows(second_spam, &[miner(5)]);
		let held = held_bond(&miner(0));
		assert_noop!(
			Zkpow::commit_proof_hash(RuntimeOrigin::signed(miner(0)), honest, index, [9; 32]),
			Error::<Test>::AgendaFull
		);
		assert_eq!(held_bond(&miner(0)), held);
		// Held from the spammer for those windows: a deposit per sequence.
		let sequences = 3 * 3;
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::SequenceDeposit.into(), &account(3)),
			sequences * (SEQUENCE_DEPOSIT_BASE + SEQUENCE_DEPOSIT_PER_BATCH)
		);
		// The next block's windows have room again.
		run_to_block(11);
		assert_ok!(Zkpow::commit_proof_hash(
			RuntimeOrigin::signed(miner(0)),
			honest,
			index,
			[9; 32]
		));
	});
}

/// **Spam sequences.** A rollup filling state with sequences pays a deposit for each
/// (returned when finalized or cancelled) and cannot have more than
/// `MaxSequencesInFlight` in flight; a reward below the protocol's floor is refused.
#[test]
fn spamming_sequences_costs_a_deposit_each_and_is_capped_per_rollup() {
	new_test_ext().execute_with(|| {
		assert_ok!(Zkpow::set_protocol_limits(
			RuntimeOrigin::root(),
			ProtocolLimits { min_reward_per_sequence: 10, ..Limits::<Test>::get() }
		));
		assert_noop!(
			try_register(RollupParams { reward_per_sequence: 9, ..params() }),
			Error::<Test>::RewardBelowFloor
		);
		let id = setup_rollup();
		let before = free(&sequencer());
		for _ in 0..MAX_IN_FLIGHT {
			submit(id, 2);
		}
		let deposit = SEQUENCE_DEPOSIT_BASE + 2 * SEQUENCE_DEPOSIT_PER_BATCH;
		assert_eq!(free(&sequencer()), before - MAX_IN_FLIGHT as Balance * deposit);
		assert_noop!(submit_batches(id, batches(1, 99)), Error::<Test>::TooManySequencesInFlight);
	});
}

/// **Retried or duplicated submission.** A sequencer (or anyone replaying its transaction
/// after a reconnect) submits the same sequence twice: the second is refused instead of
/// being taken as new batches; so is a sequence forking the rollup's history.
#[test]
fn a_retried_or_forked_submission_is_refused_instead_of_taken_as_new_batches() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let b = batches(2, 0);
		assert_ok!(Zkpow::submit_sequence(
			RuntimeOrigin::signed(sequencer()),
			id,
			1,
			[0; 32],
			b.clone()
		));
		assert_noop!(
			Zkpow::submit_sequence(RuntimeOrigin::signed(sequencer()), id, 1, [0; 32], b),
			Error::<Test>::UnexpectedStartBatch
		);
		assert_noop!(
			Zkpow::submit_sequence(
				RuntimeOrigin::signed(sequencer()),
				id,
				3,
				[0xee; 32],
				batches(1, 7)
			),
			Error::<Test>::UnexpectedPrevStateRoot
		);
		assert_eq!(rollup(id).next_sequence, 1);
	});
}

/// **A sequence its key cannot prove.** A sequence with more batches than the rollup's
/// key set can aggregate would never be proven and lock its escrow and deposit: refused
/// at submission.
#[test]
fn a_sequence_longer_than_the_key_set_can_prove_is_refused() {
	new_test_ext().execute_with(|| {
		let key = crate::benchmark_fixtures::trapdoor_key_set(2);
		assert_ok!(Zkpow::register_rollup(
			RuntimeOrigin::signed(owner()),
			name(),
			base_chain(),
			VerifierSpec { kind: VerifierKind::ReferenceArtifactV1, key },
			sequencer(),
			params(),
			genesis(),
			None,
		));
		assert_ok!(Zkpow::fund_rollup(RuntimeOrigin::signed(owner()), 0, POOL));
		assert_eq!(rollup(0).batch_capacity, 2);
		assert_noop!(submit_batches(0, batches(3, 0)), Error::<Test>::TooManyBatchesForKey);
		assert_ok!(submit_batches(0, batches(2, 0)));
	});
}

/// **Stuck sequences lock funds.** Nobody can prove a sequence (its windows keep failing):
/// the owner cancels it and everything after it, gets the escrows back into the pool and
/// the sequencer its deposits, the rollup rewinds, and it can deregister.
#[test]
fn a_stuck_sequence_is_cancelled_its_funds_returned_and_the_rollup_deregistered() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let sequencer_free = free(&sequencer());
		let first = submit(id, 2);
		let second = submit(id, 1);
		bond(&miner(0), MIN_BOND * 2);
		commit(&miner(0), id, first, &[1]);
		assert_noop!(
			Zkpow::cancel_sequences(RuntimeOrigin::signed(owner()), id, first),
			Error::<Test>::CannotCancel
		);
		run_to_block(1 + T1 + T2);
		assert_eq!(Sequences::<Test>::get(id, first).unwrap().attempt, 1);

		assert_noop!(
			Zkpow::cancel_sequences(RuntimeOrigin::signed(sequencer()), id, first),
			Error::<Test>::NotRollupOwner
		);
		assert_noop!(
			Zkpow::cancel_sequences(RuntimeOrigin::signed(owner()), id, 2),
			Error::<Test>::NothingToCancel
		);
		assert_ok!(Zkpow::cancel_sequences(RuntimeOrigin::signed(owner()), id, first));
		let r = rollup(id);
		assert_eq!((r.in_flight, r.escrowed, r.pool, r.next_sequence), (0, 0, POOL, first));
		assert_eq!((r.last_batch, r.last_state_root), (0, [0; 32]));
		assert!(!Sequences::<Test>::contains_key(id, second));
		assert!(!SequenceBatches::<Test>::contains_key(id, first));
		assert_eq!(free(&sequencer()), sequencer_free);
		assert_eq!(
			last_event(),
			Event::SequencesCancelled {
				rollup_id: id,
				from_index: first,
				count: 2,
				last_batch: 0,
				last_state_root: [0; 32],
				refunded: 2 * REWARD,
			}
		);
		// The next submission continues from the rewound state with the freed index.
		assert_eq!(submit(id, 1), first);
		assert_ok!(Zkpow::cancel_sequences(RuntimeOrigin::root(), id, first));
		assert_ok!(Zkpow::deregister_rollup(RuntimeOrigin::signed(owner()), id));
	});
}

/// **Unpaid state.** Finalized records are pruned after `FinalizedRetention` blocks, and
/// the finalized event carries the batch headers, so nothing has to stay for relayers.
#[test]
fn finalized_records_are_pruned_after_the_retention_and_the_event_carries_the_batches() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		let deadline = s.b + T1 + T2;
		run_to_block(s.b + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		run_to_block(deadline);
		let Event::SequenceFinalized { batches: carried, .. } = last_event() else {
			panic!("finalized last");
		};
		assert_eq!(carried, batches(2, 0));
		assert_eq!(Balances::balance_on_hold(&HoldReason::SequenceDeposit.into(), &sequencer()), 0);
		run_to_block(deadline + RETENTION - 1);
		assert!(FinalizedSequences::<Test>::contains_key(s.rollup_id, s.index));
		run_to_block(deadline + RETENTION);
		assert!(!FinalizedSequences::<Test>::contains_key(s.rollup_id, s.index));
		assert!(FinalizedExpiry::<Test>::get(deadline + RETENTION).is_empty());
	});
}

/// **Honeypot: slashes into the owner's pool.** An owner whose key or data makes miners
/// fail would collect their penalties through its pool (and get them back at
/// deregistration). Slashes go to the treasury: the owner's pool and refund do not move.
#[test]
fn a_honeypot_owner_gains_nothing_from_slashed_miners() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		run_to_block(s.b + T1);
		assert_ok!(Zkpow::reveal_proof(
			RuntimeOrigin::signed(miner(1)),
			s.rollup_id,
			s.index,
			proof_arg(&[0u8; 256])
		));
		run_to_block(s.b + T1 + T2);
		let slashed = INVALID_PROOF_PENALTY + 2 * NO_PROOF_PENALTY;
		let r = rollup(s.rollup_id);
		assert_eq!((r.pool, r.escrowed), (POOL - REWARD, REWARD));
		assert_eq!(r.stats.miners_slashed, slashed);
		assert_eq!(free(&TreasuryAccount::get()), ED + slashed);

		assert_ok!(Zkpow::cancel_sequences(RuntimeOrigin::signed(owner()), s.rollup_id, 0));
		let owner_free = free(&owner());
		assert_ok!(Zkpow::deregister_rollup(RuntimeOrigin::signed(owner()), s.rollup_id));
		assert_eq!(free(&owner()), owner_free + POOL + r.deposit);

		// Governance, not the owner, decides what the treasury pays.
		assert_noop!(
			Zkpow::spend_treasury(RuntimeOrigin::signed(owner()), owner(), slashed),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Zkpow::spend_treasury(RuntimeOrigin::root(), account(3), slashed));
		assert_eq!(free(&TreasuryAccount::get()), ED);
	});
}

/// **Honeypot: terms changed under the miners.** The owner raises the penalties to the
/// whole minimum bond right before miners commit. Windows opened before the notice period
/// is over keep the announced-before terms; the new ones apply only to windows opened from
/// `effective_at` on, which every miner could read beforehand.
#[test]
fn an_owner_raising_penalties_right_before_commits_gains_nothing() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let index = submit(id, 1);
		let harsh = RollupParams {
			no_proof_penalty: Some(MIN_BOND / 2),
			invalid_proof_penalty: Some(MIN_BOND / 2),
			..params()
		};
		assert_ok!(Zkpow::update_rollup(RuntimeOrigin::signed(owner()), id, None, Some(harsh)));
		let pending = rollup(id).pending_terms.expect("announced");
		assert_eq!(pending.effective_at, 1 + NOTICE);

		bond(&miner(0), MIN_BOND * 2);
		commit(&miner(0), id, index, &[1]);
		let w = window(id, index);
		assert_eq!(
			(w.no_proof_penalty, w.invalid_proof_penalty),
			(NO_PROOF_PENALTY, INVALID_PROOF_PENALTY)
		);
		run_to_block(1 + T1 + T2);
		assert_eq!(free(&TreasuryAccount::get()), ED + NO_PROOF_PENALTY);
		assert_eq!(rollup(id).pool, POOL - REWARD);

		// After the notice, a new window uses the announced terms.
		commit(&miner(0), id, index, &[2]);
		assert_eq!(window(id, index).no_proof_penalty, MIN_BOND / 2);
		assert_eq!(Zkpow::rollup_info(id).unwrap().terms.no_proof_penalty, MIN_BOND / 2);
	});
}

/// **Honeypot: a one-block reveal phase.** With T2 = 1 an owner (or anyone) filling that
/// block would get every committer slashed. The reveal window has a floor.
#[test]
fn a_reveal_window_below_the_floor_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			try_register(RollupParams { reveal_window: Some(1), ..params() }),
			Error::<Test>::RevealWindowOutOfBounds
		);
		assert_noop!(
			Zkpow::set_protocol_limits(
				RuntimeOrigin::root(),
				ProtocolLimits { min_reveal_window: 1, ..Limits::<Test>::get() }
			),
			Error::<Test>::InvalidLimits
		);
	});
}

/// **Sybils in the committer slots.** Sybil accounts with the smallest bond take every
/// committer slot of a window first; an honest miner with a larger bond displaces the
/// smallest (its exposure released, nothing slashed), so shutting it out takes as much
/// bond per slot as the honest miner has.
#[test]
fn sybils_filling_the_committer_slots_are_displaced_by_a_larger_bond() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let index = submit(id, 1);
		let sybils: Vec<_> = (1..=MAX_COMMITTERS as u8).map(miner).collect();
		for (n, s) in sybils.iter().enumerate() {
			bond(s, MIN_BOND + n as Balance);
			commit(s, id, index, &[n as u8]);
		}
		bond(&miner(0), MIN_BOND);
		assert_noop!(
			Zkpow::commit_proof_hash(RuntimeOrigin::signed(miner(0)), id, index, [0; 32]),
			Error::<Test>::TooManyCommitters
		);
		bond(&miner(0), 10);
		commit(&miner(0), id, index, &[0]);
		let w = window(id, index);
		assert!(w.committers.iter().any(|c| c.miner == miner(0)));
		assert!(!w.committers.iter().any(|c| c.miner == sybils[0]));
		assert!(Miners::<Test>::get(&sybils[0]).unwrap().open_commitments.is_empty());
		assert!(zkpow_events().contains(&Event::CommitmentDisplaced {
			rollup_id: id,
			sequence_index: index,
			miner: sybils[0].clone(),
			weight: MIN_BOND,
			by: miner(0),
		}));
		// The displaced sybil is not slashed at settlement.
		run_to_block(1 + T1 + T2);
		assert_eq!(held_bond(&sybils[0]), MIN_BOND);
	});
}

/// **One bond in every window.** A miner commits its one bond in two windows at once; on
/// the old rules it weighed in full in both. Its weight in the second is its bond net of
/// the first commitment's exposure, so a miner with the same bond committing only there
/// gets the larger share.
#[test]
fn one_bond_is_not_counted_in_full_in_every_window() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let first = submit(id, 1);
		let second = submit(id, 1);
		let bond_each = MIN_BOND * 2;
		bond(&miner(0), bond_each);
		bond(&miner(1), bond_each);
		commit(&miner(0), id, first, &[1]);
		let p0 = proof_for(id, second, &miner(0));
		let p1 = proof_for(id, second, &miner(1));
		commit(&miner(0), id, second, &p0);
		commit(&miner(1), id, second, &p1);
		let exposure = NO_PROOF_PENALTY + INVALID_PROOF_PENALTY;
		let w = window(id, second);
		assert_eq!(
			(w.committers[0].weight, w.committers[1].weight),
			(bond_each - exposure, bond_each)
		);

		run_to_block(1 + T1);
		reveal(&miner(0), id, second, &p0);
		reveal(&miner(1), id, second, &p1);
		let free0 = free(&miner(0));
		let free1 = free(&miner(1));
		run_to_block(1 + T1 + T2);
		let total = 2 * bond_each - exposure;
		let share0 = REWARD * (bond_each - exposure) / total;
		let share1 = REWARD * bond_each / total;
		assert_eq!(free(&miner(0)) - free0, share0);
		assert_eq!(free(&miner(1)) - free1, share1);
		assert!(share1 > share0);
	});
}

/// **Hijacking a rollup's prover package.** A stranger (here the rollup's own sequencer,
/// then a miner) sets or clears another owner's prover package, to point miners at code
/// of its choosing or to leave them without a way to prove: refused, the owner's package
/// and deposit untouched.
#[test]
fn a_stranger_cannot_set_or_clear_another_owners_prover_package() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let honest = ProverPackageSpec {
			kind: ProverPackageKind::Circom,
			url: b"https://owner.example/circuit.tar".to_vec(),
			hash: [1; 32],
		};
		assert_ok!(Zkpow::set_prover_package(
			RuntimeOrigin::signed(owner()),
			id,
			Some(honest.clone())
		));
		let deposit = rollup(id).deposit;
		let evil = ProverPackageSpec {
			url: b"https://attacker.example/x.tar".to_vec(),
			hash: [0xee; 32],
			..honest.clone()
		};
		for stranger in [sequencer(), miner(0)] {
			assert_noop!(
				Zkpow::set_prover_package(
					RuntimeOrigin::signed(stranger.clone()),
					id,
					Some(evil.clone())
				),
				Error::<Test>::NotRollupOwner
			);
			assert_noop!(
				Zkpow::set_prover_package(RuntimeOrigin::signed(stranger), id, None),
				Error::<Test>::NotRollupOwner
			);
		}
		assert_eq!(ProverPackages::<Test>::get(id).map(Into::into), Some(honest));
		assert_eq!(rollup(id).deposit, deposit);
	});
}
