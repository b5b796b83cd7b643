//! Everything a rollup owner or miner sees in polkadot.js has a doc comment.

use super::*;
use scale_info::{TypeDef, TypeInfo};

fn variants_documented<E: TypeInfo>(what: &str) {
	let TypeDef::Variant(def) = E::type_info().type_def else {
		panic!("{what} is an enum");
	};
	assert!(!def.variants.is_empty());
	for v in def.variants {
		assert!(!v.docs.is_empty(), "{what}::{} has no doc comment", v.name);
	}
}

#[test]
fn describe_every_call_event_and_error() {
	variants_documented::<Error<Test>>("Error");
	variants_documented::<Event<Test>>("Event");
	variants_documented::<Call<Test>>("Call");
}

#[test]
fn describe_every_storage_item_and_constant() {
	let storage = Pallet::<Test>::storage_metadata();
	for entry in storage.entries {
		assert!(!entry.docs.is_empty(), "storage {} has no doc comment", entry.name);
	}
	let constants = Pallet::<Test>::pallet_constants_metadata();
	assert_eq!(constants.len(), 21);
	for c in constants {
		assert!(!c.docs.is_empty(), "constant {} has no doc comment", c.name);
	}
}
