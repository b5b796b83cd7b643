//! Rollup registry: registration, key validation, updates, funding, pause, deregistration.

use super::*;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, TokenError};
use zkpow_primitives::groth16::{vk_len, G1_LEN};

/// The terms `params()` resolves to.
fn resolved_default_terms() -> RollupTermsOf<Test> {
	RollupTerms {
		commit_window: T1,
		reveal_window: T2,
		reward_per_sequence: REWARD,
		min_miner_bond: MIN_BOND,
		no_proof_penalty: NO_PROOF_PENALTY,
		invalid_proof_penalty: INVALID_PROOF_PENALTY,
	}
}

fn register_key(key: &[u8]) -> sp_runtime::DispatchResult {
	Zkpow::register_rollup(
		RuntimeOrigin::signed(owner()),
		name(),
		base_chain(),
		vk(key),
		sequencer(),
		params(),
		RollupGenesis { state_root: [0u8; 32], last_batch: 0 },
		None,
	)
}

#[test]
fn hold_deposit_and_store_rollup_with_default_terms() {
	new_test_ext().execute_with(|| {
		let id = register_with(params());
		assert_eq!(id, 0);
		assert_eq!(NextRollupId::<Test>::get(), 1);
		let deposit =
			DEPOSIT_BASE + DEPOSIT_PER_BYTE * (name().len() + keys().vk_bytes.len()) as u128;
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::RegistrationDeposit.into(), &owner()),
			deposit
		);
		assert_eq!(free(&owner()), INITIAL - deposit);

		let r = rollup(id);
		assert_eq!(r.owner, owner());
		assert_eq!(r.sequencer, sequencer());
		assert_eq!(r.base_chain, base_chain());
		assert_eq!(r.status, RollupStatus::Active);
		assert_eq!(r.deposit, deposit);
		assert_eq!(
			(r.pool, r.escrowed, r.in_flight, r.next_sequence, r.last_batch),
			(0, 0, 0, 0, 0)
		);
		let expected = RollupTerms {
			commit_window: T1,
			reveal_window: T2,
			reward_per_sequence: REWARD,
			min_miner_bond: MIN_BOND,
			no_proof_penalty: MIN_BOND / 50,
			invalid_proof_penalty: MIN_BOND / 5,
		};
		assert_eq!(r.terms, expected);
		assert_eq!(Verifiers::<Test>::get(id).unwrap().key.to_vec(), keys().vk_bytes);
		assert_eq!(
			last_event(),
			Event::RollupRegistered {
				rollup_id: 0,
				owner: owner(),
				sequencer: sequencer(),
				verifier: VerifierKind::Groth16Bn254,
				terms: expected,
				deposit,
			}
		);
	});
}

#[test]
fn reject_malformed_verifying_key() {
	new_test_ext().execute_with(|| {
		let good = &keys().vk_bytes;
		assert_noop!(register_key(&good[..100]), Error::<Test>::KeyMalformed);
		let mut big = good.clone();
		big[..32].copy_from_slice(&[0xff; 32]);
		assert_noop!(register_key(&big), Error::<Test>::KeyMalformed);
	});
}

#[test]
fn reject_key_with_point_off_curve() {
	new_test_ext().execute_with(|| {
		let mut key = keys().vk_bytes.clone();
		key[63] ^= 1;
		assert_noop!(register_key(&key), Error::<Test>::KeyPointInvalid);
	});
}

#[test]
fn reject_key_with_point_outside_subgroup() {
	use ark_bn254::{Fq2, G2Affine};
	use ark_ff::One;
	new_test_ext().execute_with(|| {
		// A point on the G2 twist curve that is not in the prime-order subgroup.
		let mut x = Fq2::one();
		let point = loop {
			if let Some(p) = G2Affine::get_point_from_x_unchecked(x, false) {
				if !p.is_in_correct_subgroup_assuming_on_curve() {
					break p;
				}
			}
			x += Fq2::one();
		};
		let mut key = keys().vk_bytes.clone();
		// beta is the first G2 point, after alpha.
		key[G1_LEN..G1_LEN + 128].copy_from_slice(&zkpow_primitives::groth16::encode_g2(&point));
		assert_noop!(register_key(&key), Error::<Test>::KeyPointInvalid);
	});
}

#[test]
fn reject_degenerate_key() {
	new_test_ext().execute_with(|| {
		let mut key = keys().vk_bytes.clone();
		key[..G1_LEN].copy_from_slice(&[0; G1_LEN]);
		assert_noop!(register_key(&key), Error::<Test>::KeyDegenerate);
	});
}

#[test]
fn reject_key_for_another_number_of_inputs() {
	new_test_ext().execute_with(|| {
		let key = &keys().vk_bytes[..vk_len(3)];
		assert_noop!(register_key(key), Error::<Test>::KeyInputCountMismatch);
	});
}

#[test]
fn reject_names_and_keys_that_are_too_long() {
	new_test_ext().execute_with(|| {
		let max_name = <<Test as Config>::MaxNameLen as Get<u32>>::get() as usize;
		let max_key = <<Test as Config>::MaxVerifyingKeyLen as Get<u32>>::get() as usize;
		assert_noop!(
			Zkpow::register_rollup(
				RuntimeOrigin::signed(owner()),
				vec![b'n'; max_name + 1],
				base_chain(),
				vk(&keys().vk_bytes),
				sequencer(),
				params(),
				RollupGenesis { state_root: [0; 32], last_batch: 0 },
				None,
			),
			Error::<Test>::NameTooLong
		);
		assert_noop!(
			Zkpow::register_rollup(
				RuntimeOrigin::signed(owner()),
				name(),
				base_chain(),
				VerifierSpec { kind: VerifierKind::Groth16Bn254, key: vec![0u8; max_key + 1] },
				sequencer(),
				params(),
				RollupGenesis { state_root: [0; 32], last_batch: 0 },
				None,
			),
			Error::<Test>::KeyTooLong
		);
	});
}

#[test]
fn reject_empty_name() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Zkpow::register_rollup(
				RuntimeOrigin::signed(owner()),
				Vec::new(),
				base_chain(),
				vk(&keys().vk_bytes),
				sequencer(),
				params(),
				RollupGenesis { state_root: [0; 32], last_batch: 0 },
				None,
			),
			Error::<Test>::EmptyName
		);
	});
}

#[test]
fn reject_windows_outside_limits() {
	new_test_ext().execute_with(|| {
		for t1 in [0u64, 601] {
			let p = RollupParams { commit_window: Some(t1), ..params() };
			assert_noop!(try_register(p), Error::<Test>::CommitWindowOutOfBounds);
		}
		for t2 in [0u64, 2, 601] {
			let p = RollupParams { reveal_window: Some(t2), ..params() };
			assert_noop!(try_register(p), Error::<Test>::RevealWindowOutOfBounds);
		}
		let p = RollupParams { commit_window: Some(600), reveal_window: Some(3), ..params() };
		assert_ok!(try_register(p));
	});
}

#[test]
fn reject_bond_below_floor_and_bad_penalties() {
	new_test_ext().execute_with(|| {
		let limits = ProtocolLimits { min_miner_bond: 1_000, ..Default::default() };
		assert_ok!(Zkpow::set_protocol_limits(RuntimeOrigin::root(), limits));
		let p = RollupParams { min_miner_bond: 999, ..params() };
		assert_noop!(try_register(p), Error::<Test>::MinerBondBelowFloor);

		// 1/50 of 1,000 is 20; zero penalties are rejected.
		let p = RollupParams { min_miner_bond: 1_000, no_proof_penalty: Some(0), ..params() };
		assert_noop!(try_register(p), Error::<Test>::InvalidPenalty);
		let p = RollupParams { min_miner_bond: 1_000, invalid_proof_penalty: Some(0), ..params() };
		assert_noop!(try_register(p), Error::<Test>::InvalidPenalty);
		// Together above the minimum bond.
		let p = RollupParams {
			min_miner_bond: 1_000,
			no_proof_penalty: Some(500),
			invalid_proof_penalty: Some(501),
			..params()
		};
		assert_noop!(try_register(p), Error::<Test>::InvalidPenalty);
	});
}

#[test]
fn reject_registration_without_funds_for_the_deposit() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Zkpow::register_rollup(
				RuntimeOrigin::signed(nobody()),
				name(),
				base_chain(),
				vk(&keys().vk_bytes),
				sequencer(),
				params(),
				RollupGenesis { state_root: [0; 32], last_batch: 0 },
				None,
			),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
	});
}

#[test]
fn let_owner_update_sequencer_and_params() {
	new_test_ext().execute_with(|| {
		let id = register_with(params());
		let new_params = RollupParams {
			commit_window: Some(5),
			reveal_window: Some(6),
			reward_per_sequence: 7,
			min_miner_bond: 1_000,
			no_proof_penalty: Some(10),
			invalid_proof_penalty: None,
		};
		assert_ok!(Zkpow::update_rollup(
			RuntimeOrigin::signed(owner()),
			id,
			Some(account(3)),
			Some(new_params)
		));
		let r = rollup(id);
		assert_eq!(r.sequencer, account(3));
		let terms = RollupTerms {
			commit_window: 5,
			reveal_window: 6,
			reward_per_sequence: 7,
			min_miner_bond: 1_000,
			no_proof_penalty: 10,
			invalid_proof_penalty: 200,
		};
		// The sequencer changes at once; the terms are announced for after the notice.
		let before = resolved_default_terms();
		assert_eq!(r.terms, before);
		let pending = PendingTerms { terms: terms.clone(), effective_at: 1 + NOTICE };
		assert_eq!(r.pending_terms, Some(pending.clone()));
		assert_eq!(
			last_event(),
			Event::RollupUpdated {
				rollup_id: id,
				sequencer: account(3),
				terms: before,
				pending: Some(pending)
			}
		);
		run_to_block(1 + NOTICE);
		assert_eq!(Zkpow::rollup_info(id).unwrap().terms, terms);

		assert_noop!(
			Zkpow::update_rollup(RuntimeOrigin::signed(sequencer()), id, Some(account(3)), None),
			Error::<Test>::NotRollupOwner
		);
		assert_noop!(
			Zkpow::update_rollup(RuntimeOrigin::signed(owner()), id, None, None),
			Error::<Test>::NothingToUpdate
		);
		assert_noop!(
			Zkpow::update_rollup(RuntimeOrigin::signed(owner()), 7, Some(account(3)), None),
			Error::<Test>::RollupNotFound
		);
		let bad = RollupParams { commit_window: Some(0), ..params() };
		assert_noop!(
			Zkpow::update_rollup(RuntimeOrigin::signed(owner()), id, None, Some(bad)),
			Error::<Test>::CommitWindowOutOfBounds
		);
	});
}

#[test]
fn keep_terms_of_an_open_window_after_an_update() {
	new_test_ext().execute_with(|| {
		let s = open_window(1);
		let new_params = RollupParams {
			commit_window: Some(2),
			reveal_window: Some(3),
			no_proof_penalty: Some(100),
			invalid_proof_penalty: Some(1),
			..params()
		};
		assert_ok!(Zkpow::update_rollup(
			RuntimeOrigin::signed(owner()),
			s.rollup_id,
			None,
			Some(new_params)
		));
		let w = window(s.rollup_id, s.index);
		assert_eq!((w.commit_ends_at, w.reveal_ends_at), (s.b + T1, s.b + T1 + T2));
		assert_eq!(
			(w.no_proof_penalty, w.invalid_proof_penalty),
			(NO_PROOF_PENALTY, INVALID_PROOF_PENALTY)
		);
		// Nobody reveals: the slash is the penalty of the window, not the updated one.
		run_to_block(s.b + T1 + T2);
		assert_eq!(held_bond(&miner(0)), MIN_BOND * 2 - NO_PROOF_PENALTY);
	});
}

#[test]
fn fund_pool_from_any_account() {
	new_test_ext().execute_with(|| {
		let id = register_with(params());
		assert_ok!(Zkpow::fund_rollup(RuntimeOrigin::signed(account(3)), id, 500));
		assert_eq!(rollup(id).pool, 500);
		assert_eq!(free(&account(3)), INITIAL - 500);
		assert_eq!(free(&Zkpow::pot_account()), ED + 500);
		assert_eq!(
			last_event(),
			Event::RollupFunded { rollup_id: id, from: account(3), amount: 500, pool: 500 }
		);
		assert_noop!(
			Zkpow::fund_rollup(RuntimeOrigin::signed(owner()), id, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Zkpow::fund_rollup(RuntimeOrigin::signed(owner()), 9, 1),
			Error::<Test>::RollupNotFound
		);
		// Funds below the existential deposit are fine: the pallet account exists.
		assert_ok!(Zkpow::fund_rollup(RuntimeOrigin::signed(owner()), id, 1));
		assert_eq!(rollup(id).pool, 501);
	});
}

#[test]
fn pause_stops_submissions_but_not_proving() {
	new_test_ext().execute_with(|| {
		let s = open_window(2);
		assert_noop!(
			Zkpow::pause_rollup(RuntimeOrigin::signed(sequencer()), s.rollup_id),
			Error::<Test>::NotRollupOwner
		);
		assert_noop!(
			Zkpow::resume_rollup(RuntimeOrigin::signed(owner()), s.rollup_id),
			Error::<Test>::RollupNotPaused
		);
		assert_ok!(Zkpow::pause_rollup(RuntimeOrigin::signed(owner()), s.rollup_id));
		assert_eq!(last_event(), Event::RollupPaused { rollup_id: s.rollup_id });
		assert_noop!(
			Zkpow::pause_rollup(RuntimeOrigin::signed(owner()), s.rollup_id),
			Error::<Test>::RollupAlreadyPaused
		);
		assert_noop!(submit_batches(s.rollup_id, batches(1, 0)), Error::<Test>::RollupPaused);
		// The sequence in flight is still proven.
		commit(&miner(1), s.rollup_id, s.index, &s.proofs[1]);
		run_to_block(s.b + T1);
		reveal(&miner(0), s.rollup_id, s.index, &s.proofs[0]);
		run_to_block(s.b + T1 + T2);
		assert!(FinalizedSequences::<Test>::contains_key(s.rollup_id, s.index));

		assert_ok!(Zkpow::resume_rollup(RuntimeOrigin::signed(owner()), s.rollup_id));
		assert_eq!(last_event(), Event::RollupResumed { rollup_id: s.rollup_id });
		submit(s.rollup_id, 1);
	});
}

#[test]
fn reject_deregistration_with_work_in_flight() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let index = submit(id, 1);
		// Pending, no window yet.
		assert_noop!(
			Zkpow::deregister_rollup(RuntimeOrigin::signed(owner()), id),
			Error::<Test>::SequencesInFlight
		);
		bond(&miner(0), MIN_BOND);
		let proof = proof_for(id, index, &miner(0));
		commit(&miner(0), id, index, &proof);
		// Window open.
		assert_noop!(
			Zkpow::deregister_rollup(RuntimeOrigin::signed(owner()), id),
			Error::<Test>::SequencesInFlight
		);
		run_to_block(1 + T1);
		reveal(&miner(0), id, index, &proof);
		// Reveal phase over but not yet settled.
		run_to_block(T1 + T2);
		assert_noop!(
			Zkpow::deregister_rollup(RuntimeOrigin::signed(owner()), id),
			Error::<Test>::SequencesInFlight
		);
		run_to_block(1 + T1 + T2);
		assert_noop!(
			Zkpow::deregister_rollup(RuntimeOrigin::signed(sequencer()), id),
			Error::<Test>::NotRollupOwner
		);

		let deposit = rollup(id).deposit;
		let pool = rollup(id).pool;
		assert_eq!(pool, POOL - REWARD);
		let owner_free = free(&owner());
		assert_ok!(Zkpow::deregister_rollup(RuntimeOrigin::signed(owner()), id));
		assert_eq!(free(&owner()), owner_free + pool + deposit);
		assert_eq!(Balances::balance_on_hold(&HoldReason::RegistrationDeposit.into(), &owner()), 0);
		assert!(!Rollups::<Test>::contains_key(id));
		assert!(!Verifiers::<Test>::contains_key(id));
		assert!(FinalizedSequences::<Test>::contains_key(id, index));
		assert_eq!(
			last_event(),
			Event::RollupDeregistered { rollup_id: id, refunded: pool, deposit }
		);
		assert_eq!(free(&Zkpow::pot_account()), ED);
		assert_noop!(
			Zkpow::deregister_rollup(RuntimeOrigin::signed(owner()), id),
			Error::<Test>::RollupNotFound
		);
	});
}

#[test]
fn let_owner_set_and_remove_the_data_url() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let url = b"http://127.0.0.1:8700/rollup".to_vec();
		assert_noop!(
			Zkpow::set_data_url(RuntimeOrigin::signed(sequencer()), id, Some(url.clone())),
			Error::<Test>::NotRollupOwner
		);
		assert_noop!(
			Zkpow::set_data_url(RuntimeOrigin::signed(owner()), id + 1, Some(url.clone())),
			Error::<Test>::RollupNotFound
		);
		assert_ok!(Zkpow::set_data_url(RuntimeOrigin::signed(owner()), id, Some(url.clone())));
		assert_eq!(DataUrls::<Test>::get(id).unwrap().into_inner(), url);
		System::assert_last_event(
			Event::DataUrlSet { rollup_id: id, url: Some(url.clone().try_into().unwrap()) }.into(),
		);
		assert_eq!(Zkpow::rollup_info(id).unwrap().data_url, Some(url));

		assert_ok!(Zkpow::set_data_url(RuntimeOrigin::signed(owner()), id, None));
		assert!(DataUrls::<Test>::get(id).is_none());
		System::assert_last_event(Event::DataUrlSet { rollup_id: id, url: None }.into());
	});
}

#[test]
fn reject_data_urls_that_are_too_long_or_malformed() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let max =
			<<Test as Config>::MaxDataUrlLen as frame_support::traits::Get<u32>>::get() as usize;
		let mut long = b"https://".to_vec();
		long.resize(max + 1, b'a');
		assert_noop!(
			Zkpow::set_data_url(RuntimeOrigin::signed(owner()), id, Some(long.clone())),
			Error::<Test>::DataUrlTooLong
		);
		long.truncate(max);
		assert_ok!(Zkpow::set_data_url(RuntimeOrigin::signed(owner()), id, Some(long)));
		for bad in
			[&b"ftp://host/x"[..], b"127.0.0.1:8700", b"http://host/a b", b"http://h\xc3\xa9"]
		{
			assert_noop!(
				Zkpow::set_data_url(RuntimeOrigin::signed(owner()), id, Some(bad.to_vec())),
				Error::<Test>::DataUrlMalformed
			);
		}
	});
}

#[test]
fn drop_the_data_url_at_deregistration() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		assert_ok!(Zkpow::set_data_url(
			RuntimeOrigin::signed(owner()),
			id,
			Some(b"https://data.example/r".to_vec())
		));
		assert_ok!(Zkpow::deregister_rollup(RuntimeOrigin::signed(owner()), id));
		assert!(DataUrls::<Test>::get(id).is_none());
	});
}
