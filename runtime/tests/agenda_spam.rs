//! Agenda crowding with the runtime's own numbers: `MaxSettlementsPerBlock`,
//! `MaxOpenCommitments`, the sequence deposit and the protocol floors of the presets.
//!
//! A spammer registers a rollup on the cheapest terms the runtime allows, fills it with
//! sequences and opens, from one account, every window the chain lets one account open, all
//! due in the block an honest miner's window is due. The honest window is admitted, and it is
//! settled (finalized with its real proof) at most one block after its natural deadline. The
//! test prints what the spam cost; `pallets/zkpow/README.md` quotes it.

use frame_support::{
	assert_noop, assert_ok,
	traits::{Get, Hooks},
};
use pallet_zkpow::{
	Agenda, Error, FinalizedSequences, HoldReason, RollupGenesis, RollupParams, Rollups, Sequences,
	VerifierKind, VerifierSpec,
};
use sp_runtime::BuildStorage;
use zkpow_primitives::{testing, BatchHeader};
use zkpow_runtime::{
	configs::ZkpowTreasury, genesis_config_presets::protocol_limits, AccountId, Balance, Balances,
	BlockNumber, Runtime, RuntimeOrigin, System, Zkpow, UNIT,
};

fn account(n: u8) -> AccountId {
	AccountId::from([n; 32])
}

fn honest_owner() -> AccountId {
	account(1)
}
fn honest_miner() -> AccountId {
	account(2)
}
fn spammer() -> AccountId {
	account(3)
}

fn ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Runtime>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Runtime> {
		balances: [honest_owner(), honest_miner(), spammer()]
			.into_iter()
			.map(|a| (a, 1_000_000 * UNIT))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	pallet_zkpow::GenesisConfig::<Runtime> { limits: protocol_limits() }
		.assimilate_storage(&mut t)
		.unwrap();
	let mut ext = sp_io::TestExternalities::from(t);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

fn run_to(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Zkpow::on_initialize(next);
	}
}

fn register(owner: &AccountId, key: &[u8], params: RollupParams<Balance, BlockNumber>) -> u32 {
	let id = pallet_zkpow::NextRollupId::<Runtime>::get();
	assert_ok!(Zkpow::register_rollup(
		RuntimeOrigin::signed(owner.clone()),
		b"rollup".to_vec(),
		pallet_zkpow::BaseChain { chain_id: 1, inbox: [0; 20] },
		VerifierSpec { kind: VerifierKind::Groth16Bn254, key: key.to_vec() },
		sp_runtime::MultiAddress::Id(owner.clone()),
		params,
		RollupGenesis::default(),
		None,
	));
	assert_ok!(Zkpow::fund_rollup(RuntimeOrigin::signed(owner.clone()), id, 10_000 * UNIT));
	id
}

fn submit(owner: &AccountId, id: u32, seed: u8) -> u64 {
	let r = Rollups::<Runtime>::get(id).unwrap();
	let batch = BatchHeader { state_root: [seed; 32], data_hash: [seed; 32] };
	assert_ok!(Zkpow::submit_sequence(
		RuntimeOrigin::signed(owner.clone()),
		id,
		r.last_batch + 1,
		r.last_state_root,
		vec![batch].try_into().unwrap(),
	));
	r.next_sequence
}

#[test]
fn one_account_crowding_the_agenda_delays_an_honest_window_by_at_most_one_block() {
	ext().execute_with(|| {
		let keys = testing::setup(5);
		let limits = protocol_limits();
		let honest = register(
			&honest_owner(),
			&keys.vk_bytes,
			RollupParams {
				commit_window: None,
				reveal_window: None,
				reward_per_sequence: 100 * UNIT,
				min_miner_bond: 1_000 * UNIT,
				no_proof_penalty: None,
				invalid_proof_penalty: None,
			},
		);
		// The cheapest terms the runtime accepts.
		let spam = register(
			&spammer(),
			&keys.vk_bytes,
			RollupParams {
				commit_window: None,
				reveal_window: None,
				reward_per_sequence: limits.min_reward_per_sequence,
				min_miner_bond: limits.min_miner_bond,
				no_proof_penalty: Some(limits.min_miner_bond / 50),
				invalid_proof_penalty: Some(1),
			},
		);
		let per_block = <Runtime as pallet_zkpow::Config>::MaxSettlementsPerBlock::get();
		let most = <Runtime as pallet_zkpow::Config>::MaxOpenCommitments::get();
		let spam_sequences: Vec<_> =
			(0..=most).map(|n| submit(&spammer(), spam, n as u8)).collect();
		let index = submit(&honest_owner(), honest, 0xaa);
		let statement = {
			let s = Sequences::<Runtime>::get(honest, index).unwrap();
			Zkpow::statement_of(honest, index, &s, &honest_miner())
		};
		let proof = testing::prove(&keys, &statement, 1);
		let exposure = limits.min_miner_bond / 50 + 1;
		assert_ok!(Zkpow::bond(
			RuntimeOrigin::signed(spammer()),
			limits.min_miner_bond + exposure * most as Balance
		));
		assert_ok!(Zkpow::bond(RuntimeOrigin::signed(honest_miner()), 2_000 * UNIT));

		run_to(10);
		for &s in &spam_sequences[..most as usize] {
			assert_ok!(Zkpow::commit_proof_hash(
				RuntimeOrigin::signed(spammer()),
				spam,
				s,
				[1; 32]
			));
		}
		// One account cannot open more.
		assert_noop!(
			Zkpow::commit_proof_hash(
				RuntimeOrigin::signed(spammer()),
				spam,
				spam_sequences[most as usize],
				[1; 32]
			),
			Error::<Runtime>::TooManyOpenCommitments
		);
		let hash = zkpow_primitives::proof_hash(&proof, honest_miner().as_ref());
		assert_ok!(Zkpow::commit_proof_hash(
			RuntimeOrigin::signed(honest_miner()),
			honest,
			index,
			hash
		));
		let terms = Rollups::<Runtime>::get(honest).unwrap().terms;
		let natural = 10 + terms.commit_window + terms.reveal_window;
		let w = Sequences::<Runtime>::get(honest, index).unwrap().window.unwrap();
		assert!(w.reveal_ends_at <= natural + 1, "scheduled at {}", w.reveal_ends_at);
		assert!(Agenda::<Runtime>::get(natural).len() as u32 <= per_block);

		run_to(w.commit_ends_at);
		assert_ok!(Zkpow::reveal_proof(
			RuntimeOrigin::signed(honest_miner()),
			honest,
			index,
			proof.try_into().unwrap()
		));
		run_to(natural + 1);
		let finalized = FinalizedSequences::<Runtime>::get(honest, index).expect("finalized");
		assert!(finalized.finalized_at <= natural + 1);

		let deposits =
			<Balances as frame_support::traits::fungible::InspectHold<_>>::balance_on_hold(
				&HoldReason::SequenceDeposit.into(),
				&spammer(),
			);
		let treasury = <Balances as frame_support::traits::fungible::Inspect<_>>::balance(
			&ZkpowTreasury::get(),
		);
		println!(
			"spam: {most} windows from one account, honest window due at {natural}, settled at \
			 {} ({} block(s) late); spammer held {} UNIT of sequence deposits, escrowed {} UNIT, \
			 bonded {} UNIT, and paid {} UNIT of penalties to the treasury",
			finalized.finalized_at,
			finalized.finalized_at - natural,
			deposits / UNIT,
			(limits.min_reward_per_sequence * (most as Balance + 1)) / UNIT,
			(limits.min_miner_bond + exposure * most as Balance) / UNIT,
			treasury / UNIT,
		);
		assert_eq!(
			treasury,
			zkpow_runtime::EXISTENTIAL_DEPOSIT + most as Balance * (limits.min_miner_bond / 50)
		);
	});
}
