//! The runtime types the relayer decodes with, checked against the node's metadata.
//!
//! The relayer decodes the appchain's events and storage with the types of the runtime it
//! was built with (`zkpow-runtime`). A runtime upgrade that keeps those types changes
//! nothing for it; one that changes any of them would make it misread blocks. So, before
//! it reads a block of a runtime version it has not checked yet, [`crate::appchain`]
//! compares every storage entry it reads ([`READ_ENTRIES`]) in the node's metadata at that
//! block with the same entry of its own runtime, by `subxt-metadata`'s structural hash
//! (key hashers and value type, resolved all the way down, independent of type ids). Equal
//! entries let it go on; a changed or missing entry stops it, before anything is misread,
//! with an [`MetadataError::Incompatible`] naming each one.
//!
//! `System.Events` stands for every event: its value type is the runtime's whole
//! `RuntimeEvent`, so any pallet's event change shows there (the relayer decodes a block's
//! events as one vector, so any change can make it misread).

use std::sync::OnceLock;
use subxt_metadata::Metadata;

/// The storage entries the relayer reads, as `(pallet, entry)`.
pub const READ_ENTRIES: [(&str, &str); 7] = [
	("System", "Events"),
	("Zkpow", "Rollups"),
	("Zkpow", "Verifiers"),
	("Zkpow", "SequenceBatches"),
	("Zkpow", "FinalizedSequences"),
	("Beefy", "Authorities"),
	("Beefy", "ValidatorSetId"),
];

/// Why a runtime's metadata does not fit this relayer.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum MetadataError {
	/// The node's metadata is not SCALE-encoded metadata of a version `subxt-metadata`
	/// reads (V14 to V16).
	#[error("the node's metadata (spec version {spec_version}) cannot be read: {message}")]
	Unreadable {
		/// The runtime's spec version.
		spec_version: u32,
		/// Why.
		message: String,
	},
	/// The runtime changed what the relayer decodes.
	#[error(
		"the appchain's runtime (spec version {spec_version}) changed what this relayer decodes: {}; this relayer was built for another runtime (run a build of the relayer for this one; it resumes from its cursor)",
		.changes.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
	)]
	Incompatible {
		/// The runtime's spec version.
		spec_version: u32,
		/// Every entry that differs.
		changes: Vec<Change>,
	},
}

/// One storage entry the relayer reads that the node's runtime has otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
	/// The pallet.
	pub pallet: &'static str,
	/// The entry.
	pub entry: &'static str,
	/// Whether the node's runtime has the entry at all.
	pub missing: bool,
}

impl std::fmt::Display for Change {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		let what = if self.missing { "missing" } else { "type changed" };
		write!(f, "{}.{} ({what})", self.pallet, self.entry)
	}
}

/// The structural hashes of [`READ_ENTRIES`] in one runtime (`None`: no such entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadTypes([Option<[u8; 32]>; READ_ENTRIES.len()]);

impl ReadTypes {
	/// The hashes in `metadata`.
	pub fn of(metadata: &Metadata) -> Self {
		Self(READ_ENTRIES.map(|(pallet, entry)| {
			metadata.pallet_by_name(pallet).and_then(|p| p.storage_hash(entry))
		}))
	}

	/// The hashes in SCALE-encoded metadata of spec version `spec_version`.
	pub fn decode(bytes: &[u8], spec_version: u32) -> Result<Self, MetadataError> {
		Metadata::decode_from(bytes)
			.map(|m| Self::of(&m))
			.map_err(|e| MetadataError::Unreadable { spec_version, message: e.to_string() })
	}

	/// The hashes in the runtime this relayer was built with.
	pub fn built() -> &'static ReadTypes {
		static BUILT: OnceLock<ReadTypes> = OnceLock::new();
		BUILT.get_or_init(|| {
			let encoded = codec::Encode::encode(&zkpow_runtime::Runtime::metadata());
			let built = Self::decode(&encoded, zkpow_runtime::VERSION.spec_version)
				.expect("the relayer's own runtime has readable metadata");
			assert!(
				built.0.iter().all(Option::is_some),
				"READ_ENTRIES names the runtime's own entries"
			);
			built
		})
	}

	/// The entries where `self` (a node's runtime) differs from `built`.
	pub fn changes_from(&self, built: &ReadTypes) -> Vec<Change> {
		READ_ENTRIES
			.iter()
			.zip(self.0.iter().zip(&built.0))
			.filter(|(_, (node, built))| node != built)
			.map(|(&(pallet, entry), (node, _))| Change { pallet, entry, missing: node.is_none() })
			.collect()
	}
}

/// Checks the node's SCALE-encoded metadata of spec version `spec_version` against the
/// runtime this relayer was built with.
pub fn check(bytes: &[u8], spec_version: u32) -> Result<(), MetadataError> {
	let changes = ReadTypes::decode(bytes, spec_version)?.changes_from(ReadTypes::built());
	if changes.is_empty() {
		Ok(())
	} else {
		Err(MetadataError::Incompatible { spec_version, changes })
	}
}

#[cfg(test)]
mod tests {
	//! The node's metadata is the relayer's own runtime's, changed the way an upgrade would
	//! change it (the real node's metadata is checked in `tests/runtime_upgrade.rs`).

	use super::*;
	use codec::Encode;
	use frame_metadata::{v14::RuntimeMetadataV14, RuntimeMetadata, RuntimeMetadataPrefixed};
	use scale_info::{form::PortableForm, PortableRegistry, Type, TypeDef, TypeDefPrimitive};

	fn own_v14() -> RuntimeMetadataV14 {
		match zkpow_runtime::Runtime::metadata().1 {
			RuntimeMetadata::V14(m) => m,
			_ => panic!("the runtime's default metadata is V14"),
		}
	}

	fn encode(m: RuntimeMetadataV14) -> Vec<u8> {
		RuntimeMetadataPrefixed::from(m).encode()
	}

	/// pallet-zkpow's type `name` (its `Event`, `Call`, `RollupInfo`).
	fn zkpow_type<'a>(types: &'a mut PortableRegistry, name: &str) -> &'a mut Type<PortableForm> {
		types
			.types
			.iter_mut()
			.map(|t| &mut t.ty)
			.find(|t| {
				let path = &t.path.segments;
				path.first().is_some_and(|s| s == "pallet_zkpow")
					&& path.last().is_some_and(|s| s == name)
			})
			.unwrap_or_else(|| panic!("no type {name}"))
	}

	fn primitive(types: &PortableRegistry, p: TypeDefPrimitive) -> u32 {
		types
			.types
			.iter()
			.find(|t| t.ty.type_def == TypeDef::Primitive(p.clone()))
			.map(|t| t.id)
			.expect("the primitive is in the registry")
	}

	/// Changes the type of field `field` of variant `variant` of pallet-zkpow's enum `name`.
	fn retype_variant_field(
		m: &mut RuntimeMetadataV14,
		name: &str,
		variant: &str,
		field: &str,
		to: TypeDefPrimitive,
	) {
		let to = primitive(&m.types, to);
		let TypeDef::Variant(def) = &mut zkpow_type(&mut m.types, name).type_def else {
			panic!("{name} is an enum")
		};
		let variant = def.variants.iter_mut().find(|v| v.name == variant).expect("variant");
		let field = variant
			.fields
			.iter_mut()
			.find(|f| f.name.as_deref() == Some(field))
			.expect("field");
		field.ty = to.into();
	}

	#[test]
	fn the_runtime_the_relayer_was_built_with_passes() {
		assert_eq!(check(&encode(own_v14()), 1), Ok(()));
	}

	/// The attack on the reader: an upgrade widens `SequenceFinalized::rollup_id`. Every
	/// later event vector would be misread (a shifted field), so the check names
	/// `System.Events`, the entry that holds every event, and nothing else.
	#[test]
	fn a_changed_event_field_stops_the_relayer_naming_the_events() {
		let mut m = own_v14();
		retype_variant_field(
			&mut m,
			"Event",
			"SequenceFinalized",
			"rollup_id",
			TypeDefPrimitive::U64,
		);
		let error = check(&encode(m), 7).expect_err("a changed event must be refused");
		assert_eq!(
			error,
			MetadataError::Incompatible {
				spec_version: 7,
				changes: vec![Change { pallet: "System", entry: "Events", missing: false }],
			}
		);
		let message = error.to_string();
		assert!(message.contains("spec version 7"), "{message}");
		assert!(message.contains("System.Events (type changed)"), "{message}");
	}

	/// A storage entry the relayer reads changes its value type (a field of the rollup's
	/// record) or disappears (a pallet renamed): each is named.
	#[test]
	fn a_changed_or_missing_storage_entry_is_named() {
		let mut m = own_v14();
		let u64_id = primitive(&m.types, TypeDefPrimitive::U64);
		let rollup_info = zkpow_type(&mut m.types, "RollupInfo");
		let TypeDef::Composite(def) = &mut rollup_info.type_def else { panic!("a struct") };
		def.fields[0].ty = u64_id.into();
		let beefy = m.pallets.iter_mut().find(|p| p.name == "Beefy").expect("BEEFY pallet");
		beefy.name = "Bridge".into();
		let Err(MetadataError::Incompatible { changes, .. }) = check(&encode(m), 2) else {
			panic!("must be refused")
		};
		assert_eq!(
			changes,
			vec![
				Change { pallet: "Zkpow", entry: "Rollups", missing: false },
				Change { pallet: "Beefy", entry: "Authorities", missing: true },
				Change { pallet: "Beefy", entry: "ValidatorSetId", missing: true },
			]
		);
	}

	/// What the relayer does not read may change: a call's argument and a storage entry it
	/// never reads.
	#[test]
	fn a_change_the_relayer_does_not_read_lets_it_go_on() {
		let mut m = own_v14();
		retype_variant_field(&mut m, "Call", "pause_rollup", "rollup_id", TypeDefPrimitive::U8);
		let zkpow = m.pallets.iter_mut().find(|p| p.name == "Zkpow").expect("pallet");
		let storage = zkpow.storage.as_mut().expect("storage");
		storage.entries.retain(|e| e.name != "Miners");
		assert_eq!(check(&encode(m), 3), Ok(()));
	}

	#[test]
	fn metadata_that_is_not_metadata_is_unreadable() {
		let Err(MetadataError::Unreadable { spec_version: 4, .. }) = check(b"not metadata", 4)
		else {
			panic!("must be unreadable")
		};
	}
}
