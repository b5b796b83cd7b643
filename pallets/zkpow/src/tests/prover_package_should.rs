//! Prover packages: how a rollup's proofs are made, set at registration or by the owner,
//! paid for per byte as part of the registration deposit, shown by `rollup_info`.

use super::*;
use frame_support::{assert_noop, assert_ok, traits::Get};
use sp_runtime::{DispatchError, TokenError};

fn package(url: &[u8]) -> ProverPackageSpec {
	ProverPackageSpec { kind: ProverPackageKind::Circom, url: url.to_vec(), hash: [0x42; 32] }
}

fn circuit() -> ProverPackageSpec {
	package(b"https://packages.example/circuit-v1.tar")
}

/// The deposit a package adds: one `DEPOSIT_PER_BYTE` per byte of URL and hash.
fn deposit_of(p: &ProverPackageSpec) -> Balance {
	DEPOSIT_PER_BYTE * (p.url.len() + 32) as Balance
}

/// The deposit of the test rollup without a package.
fn base_deposit() -> Balance {
	DEPOSIT_BASE + DEPOSIT_PER_BYTE * (name().len() + keys().vk_bytes.len()) as Balance
}

fn held_deposit(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::RegistrationDeposit.into(), who)
}

fn stored(id: RollupId) -> Option<ProverPackageSpec> {
	ProverPackages::<Test>::get(id).map(Into::into)
}

fn bounded(p: &ProverPackageSpec) -> ProverPackageOf<Test> {
	ProverPackage {
		kind: p.kind,
		url: p.url.clone().try_into().expect("within MaxPackageUrlLen"),
		hash: p.hash,
	}
}

fn register_with_package(package: Option<ProverPackageSpec>) -> DispatchResult {
	Zkpow::register_rollup(
		RuntimeOrigin::signed(owner()),
		name(),
		base_chain(),
		vk(&keys().vk_bytes),
		sequencer(),
		params(),
		genesis(),
		package,
	)
}

fn set(who: &AccountId, id: RollupId, package: Option<ProverPackageSpec>) -> DispatchResult {
	Zkpow::set_prover_package(RuntimeOrigin::signed(who.clone()), id, package)
}

fn max_url_len() -> usize {
	<<Test as Config>::MaxPackageUrlLen as Get<u32>>::get() as usize
}

#[test]
fn be_set_at_registration_with_its_bytes_in_the_deposit() {
	new_test_ext().execute_with(|| {
		let p = circuit();
		assert_ok!(register_with_package(Some(p.clone())));
		let deposit = base_deposit() + deposit_of(&p);
		assert_eq!(stored(0), Some(p.clone()));
		assert_eq!(rollup(0).deposit, deposit);
		assert_eq!(held_deposit(&owner()), deposit);
		assert_eq!(free(&owner()), INITIAL - deposit);
		let events = zkpow_events();
		assert!(matches!(
			&events[..],
			[.., Event::RollupRegistered { rollup_id: 0, deposit: d, .. }, Event::ProverPackageSet { rollup_id: 0, package: Some(set) }]
				if *d == deposit && *set == bounded(&p)
		));
		check_invariants();

		// Without a package: nothing stored, no package event, the deposit of name and key.
		assert_ok!(register_with_package(None));
		assert_eq!(stored(1), None);
		assert_eq!(rollup(1).deposit, base_deposit());
		assert!(matches!(last_event(), Event::RollupRegistered { rollup_id: 1, .. }));
		check_invariants();
	});
}

#[test]
fn let_the_owner_set_replace_and_clear_it_with_the_deposit_following() {
	new_test_ext().execute_with(|| {
		let id = register_with(params());
		let long = package(b"https://packages.example/a-long-name/circuit-v1.tar");
		assert_ok!(set(&owner(), id, Some(long.clone())));
		assert_eq!(stored(id), Some(long.clone()));
		assert_eq!(rollup(id).deposit, base_deposit() + deposit_of(&long));
		assert_eq!(held_deposit(&owner()), base_deposit() + deposit_of(&long));
		assert_eq!(free(&owner()), INITIAL - base_deposit() - deposit_of(&long));
		assert_eq!(
			last_event(),
			Event::ProverPackageSet { rollup_id: id, package: Some(bounded(&long)) }
		);
		check_invariants();

		// A shorter package (and another kind) releases the difference.
		let short =
			ProverPackageSpec { kind: ProverPackageKind::Reference, ..package(b"http://p") };
		assert_ok!(set(&owner(), id, Some(short.clone())));
		assert_eq!(stored(id), Some(short.clone()));
		assert_eq!(rollup(id).deposit, base_deposit() + deposit_of(&short));
		assert_eq!(free(&owner()), INITIAL - base_deposit() - deposit_of(&short));
		assert_eq!(
			last_event(),
			Event::ProverPackageSet { rollup_id: id, package: Some(bounded(&short)) }
		);
		check_invariants();

		// Clearing returns all of it.
		assert_ok!(set(&owner(), id, None));
		assert_eq!(stored(id), None);
		assert_eq!(rollup(id).deposit, base_deposit());
		assert_eq!(held_deposit(&owner()), base_deposit());
		assert_eq!(free(&owner()), INITIAL - base_deposit());
		assert_eq!(last_event(), Event::ProverPackageSet { rollup_id: id, package: None });
		check_invariants();

		// Clearing what is not set changes nothing but says so.
		assert_ok!(set(&owner(), id, None));
		assert_eq!(rollup(id).deposit, base_deposit());
		assert_eq!(last_event(), Event::ProverPackageSet { rollup_id: id, package: None });
		check_invariants();
	});
}

#[test]
fn refuse_oversize_and_malformed_urls_and_charge_nothing() {
	new_test_ext().execute_with(|| {
		let id = register_with(params());
		let mut url = b"https://".to_vec();
		url.resize(max_url_len() + 1, b'a');
		let before = free(&owner());
		assert_noop!(set(&owner(), id, Some(package(&url))), Error::<Test>::PackageUrlTooLong);
		for bad in [&b"ftp://host/x"[..], b"host/x", b"https://host/a b", b"https://h\xc3\xa9"] {
			assert_noop!(set(&owner(), id, Some(package(bad))), Error::<Test>::PackageUrlMalformed);
		}
		assert_eq!(free(&owner()), before);
		assert_eq!(rollup(id).deposit, base_deposit());

		// At registration too: no rollup, no deposit.
		assert_noop!(register_with_package(Some(package(&url))), Error::<Test>::PackageUrlTooLong);
		assert_noop!(
			register_with_package(Some(package(b"ipfs://bafy"))),
			Error::<Test>::PackageUrlMalformed
		);

		// The longest URL is taken.
		url.truncate(max_url_len());
		assert_ok!(set(&owner(), id, Some(package(&url))));
		assert_eq!(rollup(id).deposit, base_deposit() + deposit_of(&package(&url)));
		check_invariants();
	});
}

#[test]
fn refuse_a_package_the_owner_cannot_pay_for() {
	use frame_support::traits::fungible::Mutate;
	new_test_ext().execute_with(|| {
		let id = register_with(params());
		Balances::set_balance(&owner(), ED + 1);
		assert_noop!(
			set(&owner(), id, Some(circuit())),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
		assert_eq!(stored(id), None);
	});
}

#[test]
fn be_refused_for_unknown_rollups() {
	new_test_ext().execute_with(|| {
		let id = register_with(params());
		assert_noop!(set(&owner(), id + 1, Some(circuit())), Error::<Test>::RollupNotFound);
	});
}

#[test]
fn return_its_deposit_at_deregistration() {
	new_test_ext().execute_with(|| {
		let id = register_with(params());
		assert_ok!(set(&owner(), id, Some(circuit())));
		let deposit = base_deposit() + deposit_of(&circuit());
		assert_ok!(Zkpow::deregister_rollup(RuntimeOrigin::signed(owner()), id));
		assert_eq!(stored(id), None);
		assert_eq!(held_deposit(&owner()), 0);
		assert_eq!(free(&owner()), INITIAL);
		assert_eq!(last_event(), Event::RollupDeregistered { rollup_id: id, refunded: 0, deposit });
		check_invariants();
	});
}

#[test]
fn be_shown_by_rollup_info() {
	new_test_ext().execute_with(|| {
		let id = register_with(params());
		assert_eq!(Zkpow::rollup_info(id).unwrap().prover_package, None);
		assert_ok!(set(&owner(), id, Some(circuit())));
		let info = Zkpow::rollup_info(id).unwrap();
		assert_eq!(info.prover_package, Some(circuit()));
		assert_eq!(info.deposit, base_deposit() + deposit_of(&circuit()));
		assert_ok!(set(&owner(), id, None));
		assert_eq!(Zkpow::rollup_info(id).unwrap().prover_package, None);
	});
}
