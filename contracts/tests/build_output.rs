//! `out/` holds what `build.js` produces from `sol/` with the pinned solc-js: recompiling
//! must give the committed bytes (the Rust bindings are generated from them).

use std::process::Command;

#[test]
fn compiled_artifacts_are_up_to_date() {
	let dir = zkpow_contracts::contracts_dir();
	assert!(
		dir.join("node_modules/solc").exists(),
		"solc-js is not installed: run `npm ci --prefix contracts`"
	);
	let output = Command::new("node")
		.arg("build.js")
		.arg("--check")
		.current_dir(&dir)
		.output()
		.expect("run `node build.js --check` (is Node.js installed?)");
	assert!(
		output.status.success(),
		"{}{}",
		String::from_utf8_lossy(&output.stdout),
		String::from_utf8_lossy(&output.stderr)
	);
}

#[test]
fn the_bindings_carry_the_bytecode() {
	assert!(zkpow_contracts::ZkpowInbox::BYTECODE.len() > 1000);
}
