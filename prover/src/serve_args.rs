//! `serve`'s options for what a host proves besides the reference rollup: circom
//! packages (`--circom-*`) and operator-configured commands (`--commands`).

use clap::Args;
use std::path::PathBuf;
use zkpow_prover::{
	circom::{host::PackageStore, SandboxLimits},
	command::{CommandConfig, CommandSet, ConfigError},
};

/// Circom tasks on `serve`: where packages are cached and the budgets they run under.
#[derive(Args, Clone)]
pub(crate) struct CircomServeArgs {
	/// Also prove rollups' circom packages (`circom` tasks), fetched from their URLs,
	/// checked against their hashes and cached in this directory.
	#[arg(long, value_name = "DIR")]
	circom_cache: Option<PathBuf>,
	/// Largest package file (`circuit.wasm`, `circuit.zkey`) fetched, in MiB.
	#[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=65536))]
	circom_max_file_mib: u32,
	/// Most memory a package's witness generator may use, in MiB.
	#[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u32).range(1..=65536))]
	circom_memory_mib: u32,
	/// Fuel of one witness calculation (about one unit per WASM instruction).
	#[arg(long, default_value_t = SandboxLimits::default().fuel)]
	circom_fuel: u64,
}

impl CircomServeArgs {
	/// The package store these options ask for, if any.
	pub(crate) fn store(&self) -> Option<PackageStore> {
		let limits = SandboxLimits {
			memory_bytes: (self.circom_memory_mib as usize) << 20,
			fuel: self.circom_fuel,
			..SandboxLimits::default()
		};
		let max_file = (self.circom_max_file_mib as usize) << 20;
		self.circom_cache.clone().map(|dir| PackageStore::new(dir, limits, max_file))
	}
}

/// Command tasks on `serve`: the operator's configuration of native provers.
#[derive(Args, Clone)]
pub(crate) struct CommandServeArgs {
	/// Also prove `command` tasks with the native provers this TOML file configures, by
	/// verifying-key hash (see prover/README.md, "Command backend"); checked at start-up.
	#[arg(long, value_name = "FILE")]
	commands: Option<PathBuf>,
}

impl CommandServeArgs {
	/// The checked configuration, if one is named.
	pub(crate) fn load(&self) -> Result<Option<CommandConfig>, ConfigError> {
		self.commands.as_deref().map(CommandConfig::load).transpose()
	}
}

/// Logs which commands the host runs, for which key hashes, under which limits.
pub(crate) fn log_commands(commands: Option<&CommandSet>, log: &dyn Fn(&str)) {
	for spec in commands.map(CommandSet::commands).unwrap_or_default() {
		log(&format!(
			"command `{}` proves verifying-key hash 0x{}: {} (timeout {} s, stdout up to {} \
			 bytes{})",
			spec.name,
			hex::encode(spec.key_hash),
			spec.program.display(),
			spec.timeout.as_secs(),
			spec.max_output_bytes,
			if spec.verifying_key.is_some() { ", proofs verified" } else { "" }
		));
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::Parser;

	#[derive(Parser)]
	struct Serve {
		#[command(flatten)]
		circom: CircomServeArgs,
		#[command(flatten)]
		commands: CommandServeArgs,
	}

	fn parse(args: &[&str]) -> Result<Serve, clap::Error> {
		Serve::try_parse_from(std::iter::once("serve").chain(args.iter().copied()))
	}

	#[test]
	fn commands_are_optional_and_read_from_the_named_file() {
		let none = parse(&[]).unwrap();
		assert!(none.commands.load().unwrap().is_none());
		assert!(none.circom.store().is_none());

		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("commands.toml");
		let hash = format!("0x{}", "ab".repeat(32));
		std::fs::write(
			&file,
			format!("[[command]]\nkey_hash = \"{hash}\"\nprogram = \"/bin/sh\"\n"),
		)
		.unwrap();
		let some = parse(&["--commands", file.to_str().unwrap()]).unwrap();
		let config = some.commands.load().unwrap().unwrap();
		assert_eq!(config.commands[0].key_hash, [0xab; 32]);
	}

	/// A host whose configuration names a program that is not there does not start; the
	/// message names the file, the entry and the program.
	#[test]
	fn a_bad_command_file_stops_the_host_naming_file_and_entry() {
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("commands.toml");
		let hash = format!("0x{}", "ab".repeat(32));
		std::fs::write(
			&file,
			format!("[[command]]\nname = \"gone\"\nkey_hash = \"{hash}\"\nprogram = \"/nonexistent/p\"\n"),
		)
		.unwrap();
		let args = parse(&["--commands", file.to_str().unwrap()]).unwrap();
		let err = args.commands.load().unwrap_err().to_string();
		assert!(
			err.starts_with(&format!(
				"{}: command 1 (`gone`): `program` /nonexistent/p",
				file.display()
			)),
			"{err}"
		);
		let missing = parse(&["--commands", "/nonexistent/commands.toml"]).unwrap();
		assert!(missing.commands.load().is_err());
	}

	#[test]
	fn circom_budgets_are_range_checked() {
		for args in [
			&["--circom-max-file-mib", "0"][..],
			&["--circom-memory-mib", "65537"],
			&["--circom-memory-mib", "0"],
		] {
			let err = parse(args).err().unwrap_or_else(|| panic!("{args:?} parsed"));
			assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation, "{args:?}: {err}");
		}
	}
}
