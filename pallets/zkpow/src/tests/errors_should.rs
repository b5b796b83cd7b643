//! Every `Error` variant is reached by a test; this list says where, and fails when a new
//! variant is added without a test.

use super::*;
use scale_info::{TypeDef, TypeInfo};

/// (variant, test that reaches it).
const REACHED: &[(&str, &str)] = &[
	("RollupNotFound", "registration_should::let_owner_update_sequencer_and_params"),
	("NotRollupOwner", "registration_should::let_owner_update_sequencer_and_params"),
	("NotSequencer", "sequence_should::reject_submissions_that_are_not_the_sequencers"),
	("RollupPaused", "registration_should::pause_stops_submissions_but_not_proving"),
	("RollupAlreadyPaused", "registration_should::pause_stops_submissions_but_not_proving"),
	("RollupNotPaused", "registration_should::pause_stops_submissions_but_not_proving"),
	("RollupFrozen", "emergency_should::freeze_a_rollup_against_sequences_commits_and_reveals_until_unfrozen"),
	("RollupAlreadyFrozen", "emergency_should::freeze_a_rollup_against_sequences_commits_and_reveals_until_unfrozen"),
	("RollupNotFrozen", "emergency_should::freeze_a_rollup_against_sequences_commits_and_reveals_until_unfrozen"),
	("KeyRotationInProgress", "key_rotation_should::refuse_a_second_rotation_a_bad_key_or_a_stranger"),
	("SequencesInFlight", "registration_should::reject_deregistration_with_work_in_flight"),
	("EmptyName", "registration_should::reject_empty_name"),
	("NameTooLong", "registration_should::reject_names_and_keys_that_are_too_long"),
	("KeyTooLong", "registration_should::reject_names_and_keys_that_are_too_long"),
	("KeyMalformed", "registration_should::reject_malformed_verifying_key"),
	("KeyPointInvalid", "registration_should::reject_key_with_point_off_curve"),
	("KeyDegenerate", "registration_should::reject_degenerate_key"),
	("KeyInputCountMismatch", "registration_should::reject_key_for_another_number_of_inputs"),
	("CommitWindowOutOfBounds", "registration_should::reject_windows_outside_limits"),
	("RevealWindowOutOfBounds", "registration_should::reject_windows_outside_limits"),
	("MinerBondBelowFloor", "registration_should::reject_bond_below_floor_and_bad_penalties"),
	("InvalidPenalty", "registration_should::reject_bond_below_floor_and_bad_penalties"),
	("InvalidLimits", "limits_should::reject_inconsistent_limits"),
	("NothingToUpdate", "registration_should::let_owner_update_sequencer_and_params"),
	("ZeroAmount", "bonding_should::hold_the_bond"),
	("EmptySequence", "sequence_should::reject_submissions_that_are_not_the_sequencers"),
	("InsufficientPool", "sequence_should::reject_a_sequence_the_pool_cannot_pay"),
	("SequenceNotFound", "commit_should::reject_unknown_and_finalized_sequences"),
	("AlreadyFinalized", "commit_should::reject_unknown_and_finalized_sequences"),
	("NotBonded", "commit_should::require_a_bond_covering_the_minimum_and_open_exposure"),
	("InsufficientBond", "commit_should::require_a_bond_covering_the_minimum_and_open_exposure"),
	("TooManyUnbondingChunks", "bonding_should::reject_bad_unbonds"),
	("NothingToWithdraw", "bonding_should::keep_unbonding_funds_held_until_the_period_ends"),
	("CommitWindowClosed", "commit_should::reject_after_commit_window"),
	("AlreadyCommitted", "commit_should::reject_a_second_commit_of_the_same_miner"),
	("TooManyCommitters", "commit_should::reject_committers_beyond_the_maximum"),
	("TooManyOpenCommitments", "commit_should::reject_open_commitments_beyond_the_maximum"),
	("AgendaFull", "commit_should::reject_a_window_when_every_block_of_the_lookahead_is_full"),
	("NoOpenWindow", "reveal_should::reject_a_reveal_on_a_pending_sequence"),
	("RevealWindowNotOpen", "reveal_should::reject_before_reveal_window"),
	("RevealWindowClosed", "reveal_should::reject_at_the_deadline_even_if_settlement_is_late"),
	("NotCommitted", "reveal_should::reject_reveals_without_commit_or_twice"),
	("AlreadyRevealed", "reveal_should::reject_reveals_without_commit_or_twice"),
	("DataUrlTooLong", "registration_should::reject_data_urls_that_are_too_long_or_malformed"),
	("DataUrlMalformed", "registration_should::reject_data_urls_that_are_too_long_or_malformed"),
	("PackageUrlTooLong", "prover_package_should::refuse_oversize_and_malformed_urls_and_charge_nothing"),
	("PackageUrlMalformed", "prover_package_should::refuse_oversize_and_malformed_urls_and_charge_nothing"),
	("RewardBelowFloor", "attacks_should::spamming_sequences_costs_a_deposit_each_and_is_capped_per_rollup"),
	("UnexpectedStartBatch", "attacks_should::a_retried_or_forked_submission_is_refused_instead_of_taken_as_new_batches"),
	("UnexpectedPrevStateRoot", "attacks_should::a_retried_or_forked_submission_is_refused_instead_of_taken_as_new_batches"),
	("TooManyBatchesForKey", "attacks_should::a_sequence_longer_than_the_key_set_can_prove_is_refused"),
	("TooManySequencesInFlight", "attacks_should::spamming_sequences_costs_a_deposit_each_and_is_capped_per_rollup"),
	("NothingToCancel", "attacks_should::a_stuck_sequence_is_cancelled_its_funds_returned_and_the_rollup_deregistered"),
	("CannotCancel", "attacks_should::a_stuck_sequence_is_cancelled_its_funds_returned_and_the_rollup_deregistered"),
];

#[test]
fn be_reached_by_a_test_each() {
	let TypeDef::Variant(def) = Error::<Test>::type_info().type_def else {
		panic!("Error is an enum");
	};
	let mut declared: Vec<&str> = def.variants.iter().map(|v| v.name).collect();
	let mut listed: Vec<&str> = REACHED.iter().map(|(v, _)| *v).collect();
	declared.sort();
	listed.sort();
	assert_eq!(declared, listed, "every Error variant needs a test listed in REACHED");
}
