//! Every storage migration, run by the real node (`zkpow-node try-upgrade`, which executes
//! the runtime with the node's own host functions) on a chain in the oldest storage
//! layout, with each migration's pre- and post-upgrade checks and every pallet's
//! `try_state` afterwards.
//!
//! These need a runtime built with the `try-runtime` feature; `scripts/try-runtime.sh`
//! builds one and runs them with `ZKPOW_TRY_RUNTIME_WASM` set to it (`scripts/test.sh`
//! calls it).

use std::{path::Path, process::Command};
use zkpow_integration_tests::{
	node_binary,
	old_state::{write_v0_chain_spec, Flaw},
};

fn try_runtime_wasm() -> String {
	std::env::var("ZKPOW_TRY_RUNTIME_WASM").expect(
		"ZKPOW_TRY_RUNTIME_WASM names a runtime built with try-runtime: run scripts/try-runtime.sh",
	)
}

fn dev_raw_spec() -> String {
	let out = Command::new(node_binary())
		.args(["build-spec", "--chain", "dev", "--raw"])
		.output()
		.expect("zkpow-node runs");
	assert!(out.status.success(), "build-spec: {}", String::from_utf8_lossy(&out.stderr));
	String::from_utf8(out.stdout).expect("the spec is UTF-8")
}

/// Runs `try-upgrade` on a v0 chain with `flaw`; returns (success, stdout, stderr).
fn try_upgrade(dir: &Path, flaw: Flaw) -> (bool, String, String) {
	let spec = dir.join("v0.json");
	write_v0_chain_spec(&dev_raw_spec(), &spec, flaw).expect("the old state is written");
	let out = Command::new(node_binary())
		.arg("try-upgrade")
		.arg("--chain")
		.arg(&spec)
		.arg("--runtime")
		.arg(try_runtime_wasm())
		.output()
		.expect("zkpow-node runs");
	let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
	(out.status.success(), text(&out.stdout), text(&out.stderr))
}

#[test]
#[ignore = "needs a runtime built with try-runtime: run scripts/try-runtime.sh"]
fn migrate_a_v0_chain_through_every_version_and_pass_every_check() {
	let dir = tempfile::tempdir().unwrap();
	let (ok, stdout, stderr) = try_upgrade(dir.path(), Flaw::None);
	assert!(ok, "try-upgrade failed:\n{stdout}\n{stderr}");
	assert!(stdout.contains("migrations passed their checks"), "{stdout}");
	assert!(stdout.contains("storage version of Zkpow: 0 -> 2"), "{stdout}");
}

/// The checks are not vacuous: a v0 chain with a window the agenda has lost (it would
/// never settle, and its committers' bonds would stay locked) migrates, and `try_state`
/// refuses the result.
#[test]
#[ignore = "needs a runtime built with try-runtime: run scripts/try-runtime.sh"]
fn refuse_an_upgrade_that_leaves_a_window_off_the_agenda() {
	let dir = tempfile::tempdir().unwrap();
	let (ok, stdout, stderr) = try_upgrade(dir.path(), Flaw::WindowOffTheAgenda);
	assert!(!ok, "try-upgrade passed a broken state:\n{stdout}");
	assert!(stderr.contains("open window not on the agenda under its deadline"), "{stderr}");
}
