//! Built-in chain specifications, built from the runtime's genesis presets.

use sc_service::ChainType;
use zkpow_runtime::WASM_BINARY;

/// Chain specification of this node (no extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime WASM binary is not available: this node was built with \
		 SKIP_WASM_BUILD set; rebuild without it."
			.to_string()
	})
}

fn properties() -> sc_chain_spec::Properties {
	let mut p = sc_chain_spec::Properties::new();
	p.insert("tokenSymbol".into(), "ZKP".into());
	p.insert("tokenDecimals".into(), 12.into());
	p.insert("ss58Format".into(), 42.into());
	p
}

/// Single-validator development chain (Alice), used by `--dev`.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("ZKPoW Development")
		.with_id("zkpow_dev")
		.with_chain_type(ChainType::Development)
		.with_protocol_id("zkpow-dev")
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// Four-validator local network (Alice, Bob, Charlie, Dave).
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("ZKPoW Local Testnet")
		.with_id("zkpow_local")
		.with_chain_type(ChainType::Local)
		.with_protocol_id("zkpow-local")
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}
