//! Verifying-key rotation under notice: a new key verifies only the sequences submitted
//! after its notice period; sequences submitted before keep the key they were proven
//! under, and the old key (and its deposit) goes once they are done.

use super::*;
use frame_support::{assert_noop, assert_ok};

/// Keys of another statement circuit (another setup): the rollup's new key.
fn new_keys() -> &'static StatementKeys {
	static KEYS: OnceLock<StatementKeys> = OnceLock::new();
	KEYS.get_or_init(|| testing::setup(43))
}

fn held_deposit(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::RegistrationDeposit.into(), who)
}

fn announce(id: RollupId) {
	assert_ok!(Zkpow::rotate_verifying_key(
		RuntimeOrigin::signed(owner()),
		id,
		vk(&new_keys().vk_bytes)
	));
}

fn proof_with(
	keys: &StatementKeys,
	id: RollupId,
	index: SequenceIndex,
	who: &AccountId,
) -> Vec<u8> {
	let seq = Sequences::<Test>::get(id, index).expect("sequence in flight");
	testing::prove(keys, &Zkpow::statement_of(id, index, &seq, who), 7 + index)
}

/// Commits and reveals `proof` for miner 0 and settles the window.
fn prove(id: RollupId, index: SequenceIndex, proof: &[u8]) {
	let now = System::block_number();
	commit(&miner(0), id, index, proof);
	run_to_block(now + T1);
	reveal(&miner(0), id, index, proof);
	run_to_block(now + T1 + T2);
}

#[test]
fn put_an_announced_key_in_force_for_sequences_submitted_after_the_notice() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		bond(&miner(0), MIN_BOND * 4);
		let deposit = rollup(id).deposit;
		let key_len = new_keys().vk_bytes.len() as Balance;
		let old_index = submit(id, 1);
		announce(id);
		assert_eq!(
			last_event(),
			Event::KeyRotationAnnounced {
				rollup_id: id,
				kind: VerifierKind::Groth16Bn254,
				effective_at: 1 + NOTICE,
				deposit: deposit + DEPOSIT_PER_BYTE * key_len,
			}
		);
		assert_eq!(held_deposit(&owner()), deposit + DEPOSIT_PER_BYTE * key_len);
		// Submitted during the notice: still the old key's.
		let during = submit(id, 1);
		assert_eq!(Verifiers::<Test>::get(id).unwrap().key.to_vec(), keys().vk_bytes);

		run_to_block(1 + NOTICE);
		let after = submit(id, 1);
		assert!(zkpow_events().contains(&Event::KeyRotated {
			rollup_id: id,
			kind: VerifierKind::Groth16Bn254,
			first_sequence: after,
		}));
		assert_eq!(Verifiers::<Test>::get(id).unwrap().key.to_vec(), new_keys().vk_bytes);
		let retired = RetiredKeys::<Test>::get(id).expect("old key kept for its sequences");
		assert_eq!((retired.last_index, retired.remaining), (during, 2));

		// The new key verifies the new sequence, not the old one's proofs, and vice versa.
		let check = |index, proof: &[u8]| {
			let seq = Sequences::<Test>::get(id, index).unwrap();
			Zkpow::verify_proof(id, index, &seq, &miner(0), proof).unwrap().0.is_ok()
		};
		assert!(check(after, &proof_with(new_keys(), id, after, &miner(0))));
		assert!(!check(after, &proof_with(keys(), id, after, &miner(0))));
		assert!(check(old_index, &proof_with(keys(), id, old_index, &miner(0))));
		assert!(!check(old_index, &proof_with(new_keys(), id, old_index, &miner(0))));

		// Once both old sequences are finalized, the old key and its deposit go.
		prove(id, old_index, &proof_with(keys(), id, old_index, &miner(0)));
		assert_eq!(RetiredKeys::<Test>::get(id).unwrap().remaining, 1);
		prove(id, during, &proof_with(keys(), id, during, &miner(0)));
		assert!(FinalizedSequences::<Test>::contains_key(id, during));
		assert!(!RetiredKeys::<Test>::contains_key(id));
		let old_len = keys().vk_bytes.len() as Balance;
		let now_deposit = deposit + DEPOSIT_PER_BYTE * key_len - DEPOSIT_PER_BYTE * old_len;
		assert_eq!(rollup(id).deposit, now_deposit);
		assert_eq!(held_deposit(&owner()), now_deposit);
		prove(id, after, &proof_with(new_keys(), id, after, &miner(0)));
		assert!(FinalizedSequences::<Test>::contains_key(id, after));
	});
}

/// The attack: an owner rotates the key right after miners committed, to a key their
/// proofs do not verify under, hoping to collect their invalid-proof penalties (or at
/// least spoil their work). The committed sequence keeps the key it was submitted under:
/// the miner's proof is accepted and nothing is slashed.
#[test]
fn an_owner_rotating_the_key_under_committed_miners_gets_them_slashed_for_nothing() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		bond(&miner(0), MIN_BOND * 4);
		let index = submit(id, 1);
		let proof = proof_with(keys(), id, index, &miner(0));
		commit(&miner(0), id, index, &proof);
		announce(id);
		// Even with the notice over and the key promoted by a new submission, the
		// committed sequence is verified with its own key.
		run_to_block(1 + NOTICE.max(T1));
		submit(id, 1);
		assert_eq!(Verifiers::<Test>::get(id).unwrap().key.to_vec(), new_keys().vk_bytes);
		let held = held_bond(&miner(0));
		reveal(&miner(0), id, index, &proof);
		run_to_block(1 + NOTICE.max(T1) + T2);
		assert!(FinalizedSequences::<Test>::contains_key(id, index));
		assert_eq!(held_bond(&miner(0)), held, "nothing slashed");
	});
}

#[test]
fn refuse_a_second_rotation_a_bad_key_or_a_stranger() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		assert_noop!(
			Zkpow::rotate_verifying_key(
				RuntimeOrigin::signed(miner(0)),
				id,
				vk(&new_keys().vk_bytes)
			),
			Error::<Test>::NotRollupOwner
		);
		let mut bad = new_keys().vk_bytes.clone();
		bad[10] ^= 1;
		assert!(Zkpow::rotate_verifying_key(RuntimeOrigin::signed(owner()), id, vk(&bad)).is_err());
		assert!(!PendingKeys::<Test>::contains_key(id), "nothing kept from a refused key");
		announce(id);
		assert_noop!(
			Zkpow::rotate_verifying_key(RuntimeOrigin::signed(owner()), id, vk(&keys().vk_bytes)),
			Error::<Test>::KeyRotationInProgress
		);
	});
}

/// Cancelled sequences give their indices to new submissions: those belong to the key in
/// force, not to the retired key the cancelled ones were submitted under.
#[test]
fn cancelled_old_sequences_leave_the_retired_key_and_its_deposit() {
	new_test_ext().execute_with(|| {
		let id = setup_rollup();
		let first = submit(id, 1);
		announce(id);
		run_to_block(1 + NOTICE);
		let after = submit(id, 1);
		assert_eq!(RetiredKeys::<Test>::get(id).unwrap().remaining, 1);
		assert_ok!(Zkpow::cancel_sequences(RuntimeOrigin::signed(owner()), id, first));
		assert!(!RetiredKeys::<Test>::contains_key(id));
		assert_eq!(after, first + 1);
		// The next submission reuses index `first` and is the new key's.
		let again = submit(id, 1);
		assert_eq!(again, first);
		assert_eq!(Zkpow::verifier_for(id, again).unwrap().key.to_vec(), new_keys().vk_bytes);
	});
}
