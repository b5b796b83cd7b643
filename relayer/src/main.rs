//! `zkpow-relayer`: see the crate documentation and `relayer/README.md`.

use clap::{Parser, Subcommand};
use std::{net::SocketAddr, path::PathBuf, process::ExitCode};
use zkpow_relayer::{
	config::{parse_chain_flag, ChainConfig, Config, KeySource},
	deploy,
	policy::{parse_chain_value, ChainPolicy, Confirmations, Finality, RollupList, Wei},
	service::Relayer,
	store::{DeliveryState, Store},
};

/// Relays finalized ZKPoW sequences to their rollups' inboxes on EVM base chains.
#[derive(Parser, Debug)]
#[command(name = "zkpow-relayer", version)]
struct Cli {
	/// TOML configuration file (flags override it).
	#[arg(long, short, global = true)]
	config: Option<PathBuf>,
	/// Appchain node WebSocket endpoint.
	#[arg(long, global = true)]
	appchain_url: Option<String>,
	/// Database file.
	#[arg(long, global = true)]
	db: Option<PathBuf>,
	/// Serve Prometheus metrics at this address.
	#[arg(long, global = true)]
	metrics_addr: Option<SocketAddr>,
	/// A base chain: CHAIN_ID=URL[,URL...] (repeatable; replaces the file's endpoints of
	/// that chain).
	#[arg(long = "chain", global = true, value_parser = parse_chain_flag)]
	chains: Vec<(u64, Vec<String>)>,
	/// When deliveries to a chain count as done: CHAIN_ID=finalized|safe|confirmations
	/// (repeatable; the chain must be configured).
	#[arg(long = "finality", global = true, value_parser = parse_chain_value::<Finality>)]
	finality: Vec<(u64, Finality)>,
	/// Confirmations a block needs on a chain: CHAIN_ID=N, 1..=10000 (with
	/// `--finality ID=confirmations`, or where the chain has no finalized/safe tag).
	#[arg(long = "confirmations", global = true, value_parser = parse_chain_value::<Confirmations>)]
	confirmations: Vec<(u64, Confirmations)>,
	/// The most a delivery on a chain offers per gas: CHAIN_ID=AMOUNT (`30 gwei`, wei).
	#[arg(long = "max-fee-per-gas", global = true, value_parser = parse_chain_value::<Wei>)]
	max_fee_per_gas: Vec<(u64, Wei)>,
	/// Serve only these rollups on a chain: CHAIN_ID=ID[,ID...].
	#[arg(long = "rollups", global = true, value_parser = parse_chain_value::<RollupList>)]
	rollups: Vec<(u64, RollupList)>,
	/// File holding the default signing key (hex).
	#[arg(long, global = true)]
	key_file: Option<PathBuf>,
	/// Environment variable holding the default signing key (hex).
	#[arg(long, global = true)]
	key_env: Option<String>,
	/// First appchain block to scan when the database has no cursor.
	#[arg(long, global = true)]
	start_block: Option<u32>,
	/// Poll interval in milliseconds.
	#[arg(long, global = true)]
	poll_interval_ms: Option<u64>,
	/// Log filter (`info`, `zkpow_relayer=debug`, ...); `RUST_LOG` also works.
	#[arg(long, global = true, default_value = "info")]
	log: String,
	#[command(subcommand)]
	command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Follow the appchain and deliver (the default).
	Run,
	/// Deploy the inbox of a registered rollup on its base chain.
	Deploy {
		/// The rollup.
		#[arg(long)]
		rollup_id: u32,
		/// The name its inbox address was predicted with (`predict-address --salt`).
		#[arg(long)]
		salt: String,
	},
	/// Deploy the appchain's BEEFY light client on a chain, trusting the validator sets
	/// of the appchain's latest BEEFY-finalized block (read from the appchain node).
	DeployLightClient {
		/// The chain.
		#[arg(long)]
		chain_id: u64,
		/// A name for the deployment, unique per key.
		#[arg(long)]
		salt: String,
	},
	/// Print the address `deploy --salt NAME` puts an inbox at on a chain, from the
	/// configured key (fixed by key and name alone: register the rollup with it).
	PredictAddress {
		/// The chain.
		#[arg(long)]
		chain_id: u64,
		/// A name for the deployment, unique per key (the rollup's name, say).
		#[arg(long)]
		salt: String,
	},
	/// Print the cursor and every rollup's undelivered sequences from the database.
	Status,
	/// Sequences the relayer stopped at (rejected by their inbox): list them, retry one
	/// or give one up. Run with the relayer stopped (it holds the database).
	Rejected {
		/// What to do.
		#[command(subcommand)]
		action: RejectedAction,
	},
}

/// `zkpow-relayer rejected …`.
#[derive(Subcommand, Debug, PartialEq, Eq)]
enum RejectedAction {
	/// Every rejected or skipped sequence, with its destination and reason.
	List,
	/// Make a rejected sequence pending again: the next pass simulates it again (after the
	/// cause, an inbox or its chain, was fixed).
	Retry {
		/// The rollup.
		#[arg(long)]
		rollup_id: u32,
		/// The sequence index.
		#[arg(long)]
		sequence: u64,
	},
	/// Give a rejected sequence up for good: it is never sent again and its payload is
	/// dropped; the rollup's later sequences still wait until the inbox moves past it.
	Skip {
		/// The rollup.
		#[arg(long)]
		rollup_id: u32,
		/// The sequence index.
		#[arg(long)]
		sequence: u64,
	},
}

fn config(cli: &Cli) -> Result<Config, String> {
	let mut config = match &cli.config {
		Some(path) => Config::from_file(path).map_err(|e| e.to_string())?,
		None => Config::default(),
	};
	if let Some(url) = &cli.appchain_url {
		config.appchain_url = url.clone();
	}
	if let Some(db) = &cli.db {
		config.db_path = db.clone();
	}
	if cli.metrics_addr.is_some() {
		config.metrics_addr = cli.metrics_addr;
	}
	if cli.key_file.is_some() || cli.key_env.is_some() {
		config.key = KeySource { key_file: cli.key_file.clone(), key_env: cli.key_env.clone() };
	}
	if let Some(block) = cli.start_block {
		config.start_block = block;
	}
	if let Some(ms) = cli.poll_interval_ms {
		config.poll_interval = std::time::Duration::from_millis(ms);
	}
	for (chain_id, rpc) in &cli.chains {
		match config.chains.iter_mut().find(|c| c.chain_id == *chain_id) {
			Some(chain) => chain.rpc = rpc.clone(),
			None => config.chains.push(ChainConfig::new(*chain_id, rpc.clone())),
		}
	}
	apply_policy_flags(cli, &mut config)?;
	Ok(config)
}

/// The per-chain policy flags, each for a chain the file or `--chain` configures.
fn apply_policy_flags(cli: &Cli, config: &mut Config) -> Result<(), String> {
	fn policy(config: &mut Config, chain_id: u64) -> Result<&mut ChainPolicy, String> {
		config
			.chains
			.iter_mut()
			.find(|c| c.chain_id == chain_id)
			.map(|c| &mut c.policy)
			.ok_or_else(|| {
				format!("chain {chain_id} is not configured (add --chain {chain_id}=URL)")
			})
	}
	for (id, finality) in &cli.finality {
		policy(config, *id)?.finality = *finality;
	}
	for (id, confirmations) in &cli.confirmations {
		policy(config, *id)?.confirmations = *confirmations;
	}
	for (id, fee) in &cli.max_fee_per_gas {
		policy(config, *id)?.max_fee_per_gas = *fee;
	}
	for (id, RollupList(ids)) in &cli.rollups {
		policy(config, *id)?.rollups = Some(ids.clone());
	}
	Ok(())
}

fn status(config: &Config) -> Result<(), String> {
	let store = operator_store(config)?;
	match store.cursor().map_err(|e| e.to_string())? {
		Some(c) => println!("cursor: block #{} 0x{}", c.number, hex::encode(c.hash)),
		None => println!("cursor: none (nothing processed yet)"),
	}
	for open in store.open_rollups().map_err(|e| e.to_string())? {
		println!(
			"rollup {} -> chain {} inbox 0x{}",
			open.rollup_id,
			open.destination.chain_id,
			hex::encode(open.destination.inbox)
		);
		for (index, status) in
			store.statuses(open.rollup_id, open.lowest).map_err(|e| e.to_string())?
		{
			let state = match &status.state {
				DeliveryState::Pending => "pending".to_string(),
				DeliveryState::Sent { tx_hash, .. } => format!("sent 0x{}", hex::encode(tx_hash)),
				DeliveryState::InFlight { attempt, included: None } => format!(
					"sent 0x{} (nonce {}, {} transaction(s)), not mined",
					hex::encode(attempt.newest()),
					attempt.nonce,
					attempt.hashes.len()
				),
				DeliveryState::InFlight { included: Some(at), .. } => format!(
					"mined in block #{} (tx 0x{}), waiting for it to be final",
					at.block_number,
					hex::encode(at.tx_hash)
				),
				DeliveryState::Reverted { count, tx_hash } => format!(
					"pending after {count} on-chain revert(s), the last 0x{}",
					hex::encode(tx_hash)
				),
				DeliveryState::Delivered { .. } => continue,
				DeliveryState::Rejected { reason } => format!(
					"REJECTED: {reason} (`zkpow-relayer rejected retry|skip --rollup-id {} --sequence {index}`)",
					open.rollup_id
				),
				DeliveryState::Skipped { reason } => format!("skipped by an operator: {reason}"),
			};
			println!("  sequence {index}: {state} ({} attempts)", status.attempts);
		}
	}
	Ok(())
}

/// Opens the database for an operator command, naming the way out when a running relayer
/// holds it.
fn operator_store(config: &Config) -> Result<Store, String> {
	Store::open(&config.db_path).map_err(|e| {
		format!("{e} (a running relayer holds its database: stop it first, then run the command)")
	})
}

fn rejected(config: &Config, action: &RejectedAction) -> Result<(), String> {
	let store = operator_store(config)?;
	match *action {
		RejectedAction::List => {
			let stopped = store.stopped().map_err(|e| e.to_string())?;
			if stopped.is_empty() {
				println!("no rejected sequences");
			}
			for (rollup, index, status) in stopped {
				let (what, reason) = match &status.state {
					DeliveryState::Rejected { reason } => ("rejected", reason),
					DeliveryState::Skipped { reason } => ("skipped", reason),
					_ => unreachable!("`stopped` lists rejected and skipped sequences"),
				};
				println!(
					"rollup {rollup} sequence {index} -> chain {} inbox 0x{}: {what}: {reason}",
					status.destination.chain_id,
					hex::encode(status.destination.inbox)
				);
			}
		},
		RejectedAction::Retry { rollup_id, sequence } => {
			store.retry(rollup_id, sequence).map_err(|e| e.to_string())?;
			println!("rollup {rollup_id} sequence {sequence}: pending again; the next pass simulates it again");
		},
		RejectedAction::Skip { rollup_id, sequence } => {
			let reason = store.skip(rollup_id, sequence).map_err(|e| e.to_string())?;
			println!(
				"rollup {rollup_id} sequence {sequence}: skipped (it was rejected: {reason}); later sequences wait until the inbox moves past it"
			);
		},
	}
	Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	let filter = tracing_subscriber::EnvFilter::try_from_default_env()
		.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&cli.log));
	tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_writer(std::io::stderr)
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
		.init();
	let result = async {
		let config = config(&cli)?;
		let command = cli.command.as_ref().unwrap_or(&Command::Run);
		if !matches!(command, Command::Status | Command::Rejected { .. }) {
			config.validate().map_err(|e| e.to_string())?;
		}
		match command {
			Command::Run => {
				let relayer = Relayer::new(&config).map_err(|e| e.to_string())?;
				relayer
					.run(async {
						let _ = tokio::signal::ctrl_c().await;
					})
					.await;
				Ok(())
			},
			Command::Deploy { rollup_id, salt } => {
				let deployed =
					deploy::deploy(&config, *rollup_id, salt).await.map_err(|e| e.to_string())?;
				println!("{}", deployed.address);
				eprintln!("deployed {} for rollup {rollup_id} on chain {}", deployed.inbox, deployed.chain_id);
				eprintln!(
					"inbox code hash {}: to send nothing to any other code at that address, add to the chain's configuration:\n  [[chains.inboxes]]\n  rollup_id = {rollup_id}\n  code_hash = \"{}\"",
					deployed.code_hash, deployed.code_hash
				);
				Ok(())
			},
			Command::DeployLightClient { chain_id, salt } => {
				let client = deploy::deploy_light_client(&config, *chain_id, salt)
					.await
					.map_err(|e| e.to_string())?;
				println!("{}", client.address);
				eprintln!(
					"deployed the BEEFY light client on chain {chain_id}: from appchain block {}, validator set {} ({} validators), next set {}",
					client.latest_block, client.current.id, client.current.len, client.next.id
				);
				Ok(())
			},
			Command::PredictAddress { chain_id, salt } => {
				let address =
					deploy::predict_address(&config, *chain_id, salt).map_err(|e| e.to_string())?;
				println!("{address}");
				Ok(())
			},
			Command::Status => status(&config),
			Command::Rejected { action } => rejected(&config, action),
		}
	}
	.await;
	match result {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
		Cli::try_parse_from(std::iter::once("zkpow-relayer").chain(args.iter().copied()))
	}

	/// The per-chain flags are typed and ranged, and name a configured chain.
	#[test]
	fn chain_policy_flags_parse_and_apply() {
		let cli = parse(&[
			"--chain",
			"1=http://a",
			"--finality",
			"1=safe",
			"--confirmations",
			"1=12",
			"--max-fee-per-gas",
			"1=40 gwei",
			"--rollups",
			"1=0,2",
		])
		.unwrap();
		let configured = config(&cli).unwrap();
		let policy = &configured.chain(1).unwrap().policy;
		assert_eq!(policy.finality, Finality::Safe);
		assert_eq!(policy.confirmations.get(), 12);
		assert_eq!(policy.max_fee_per_gas, Wei::gwei(40));
		assert_eq!(policy.rollups, Some([0, 2].into()));
		for bad in [
			&["--finality", "1=latest"][..],
			&["--confirmations", "1=0"],
			&["--confirmations", "1=10001"],
			&["--max-fee-per-gas", "1=lots"],
			&["--rollups", "1=a"],
			&["--finality", "safe"],
		] {
			assert!(parse(bad).is_err(), "{bad:?} parsed");
		}
		let unconfigured = parse(&["--finality", "9=safe"]).unwrap();
		assert!(config(&unconfigured).unwrap_err().contains("chain 9 is not configured"));
	}

	#[test]
	fn deployments_name_their_salt() {
		match parse(&["predict-address", "--chain-id", "31337", "--salt", "my-rollup"])
			.unwrap()
			.command
		{
			Some(Command::PredictAddress { chain_id, salt }) => {
				assert_eq!((chain_id, salt.as_str()), (31337, "my-rollup"))
			},
			other => panic!("{other:?}"),
		}
		match parse(&["deploy", "--rollup-id", "4", "--salt", "my-rollup"]).unwrap().command {
			Some(Command::Deploy { rollup_id, salt }) => {
				assert_eq!((rollup_id, salt.as_str()), (4, "my-rollup"))
			},
			other => panic!("{other:?}"),
		}
		match parse(&["deploy-light-client", "--chain-id", "31338", "--salt", "beefy"])
			.unwrap()
			.command
		{
			Some(Command::DeployLightClient { chain_id, salt }) => {
				assert_eq!((chain_id, salt.as_str()), (31338, "beefy"))
			},
			other => panic!("{other:?}"),
		}
		// Without a salt the address is not the predicted one: refused at parse time.
		for bad in [
			&["predict-address", "--chain-id", "31337"][..],
			&["deploy", "--rollup-id", "4"],
			&["deploy-light-client", "--chain-id", "31337"],
		] {
			let error = parse(bad).unwrap_err().to_string();
			assert!(error.contains("--salt"), "{error}");
		}
	}

	#[test]
	fn rejected_commands_name_one_sequence() {
		let action = |args: &[&str]| match parse(args).unwrap().command {
			Some(Command::Rejected { action }) => action,
			other => panic!("{other:?}"),
		};
		assert_eq!(action(&["rejected", "list"]), RejectedAction::List);
		assert_eq!(
			action(&["rejected", "retry", "--rollup-id", "3", "--sequence", "7"]),
			RejectedAction::Retry { rollup_id: 3, sequence: 7 }
		);
		assert_eq!(
			action(&["--db", "x.db", "rejected", "skip", "--rollup-id", "0", "--sequence", "0"]),
			RejectedAction::Skip { rollup_id: 0, sequence: 0 }
		);
		for bad in [
			&["rejected", "retry", "--rollup-id", "3"][..],
			&["rejected", "skip", "--sequence", "1"],
			&["rejected", "retry", "--rollup-id", "-1", "--sequence", "1"],
			&["rejected"],
		] {
			assert!(parse(bad).is_err(), "{bad:?} parsed");
		}
	}
}
