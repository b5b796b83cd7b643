//! Runtime-wide limits set by the admin origin.

use super::*;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn default_to_the_spec_values() {
	let l = ProtocolLimits::<Balance, BlockNumber>::default();
	assert_eq!((l.default_commit_window, l.default_reveal_window), (20, 32));
	assert!(l.unbonding_period > l.max_commit_window + l.max_reveal_window);
	assert!(l.is_consistent());
}

#[test]
fn be_set_by_the_admin_only() {
	new_test_ext().execute_with(|| {
		let limits = ProtocolLimits {
			max_commit_window: 100,
			max_reveal_window: 100,
			unbonding_period: 201,
			min_miner_bond: 10,
			..Default::default()
		};
		assert_noop!(
			Zkpow::set_protocol_limits(RuntimeOrigin::signed(owner()), limits.clone()),
			DispatchError::BadOrigin
		);
		assert_ok!(Zkpow::set_protocol_limits(RuntimeOrigin::root(), limits.clone()));
		assert_eq!(Limits::<Test>::get(), limits);
		assert_eq!(last_event(), Event::ProtocolLimitsSet { limits });

		// The new unbonding period applies to the next unbond.
		bond(&miner(0), 100);
		assert_ok!(Zkpow::unbond(RuntimeOrigin::signed(miner(0)), 1));
		assert_eq!(Miners::<Test>::get(miner(0)).unwrap().unbonding[0].unlock_at, 1 + 201);
	});
}

#[test]
fn reject_inconsistent_limits() {
	new_test_ext().execute_with(|| {
		let base = ProtocolLimits::<Balance, BlockNumber>::default();
		let bad = [
			// Unbonding not longer than the longest window.
			ProtocolLimits {
				unbonding_period: base.max_commit_window + base.max_reveal_window,
				..base.clone()
			},
			// Zero minimum window.
			ProtocolLimits { min_commit_window: 0, ..base.clone() },
			ProtocolLimits { min_reveal_window: 0, ..base.clone() },
			// Default outside [min, max].
			ProtocolLimits { default_commit_window: 601, ..base.clone() },
			ProtocolLimits { min_reveal_window: 40, ..base.clone() },
			// Zero bond floor.
			ProtocolLimits { min_miner_bond: 0, ..base.clone() },
		];
		for limits in bad {
			assert_noop!(
				Zkpow::set_protocol_limits(RuntimeOrigin::root(), limits),
				Error::<Test>::InvalidLimits
			);
		}
	});
}
