//! `zkpow-prover`: the prover host service and its tools.

mod import;
mod serve_args;

use clap::{Args, Parser, Subcommand};
use serve_args::{CircomServeArgs, CommandServeArgs};
use std::{net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};
use zkpow_circuits::{config, export::export_keys, CircuitConfig, KeySet};
use zkpow_prover::{
	backend::{self, BackendKind, Extras, WorkerPools},
	bench::{self, BenchOptions},
	circom::cli::{self as circom, CircomCommand},
	command::{CommandSet, ConfigError},
	sequencer::{self, SequencerOptions},
	server::{self, AuthToken, ServiceConfig},
};

#[derive(Parser)]
#[command(
	name = "zkpow-prover",
	version,
	about = "ZKPoW prover host: proves rollup batches for miners"
)]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Args, Clone)]
struct KeyArgs {
	/// Circuit configuration: `test` (small, fast) or `realistic`.
	#[arg(long, default_value = "test")]
	config: String,
	/// Where proving keys are cached (default: $ZKPOW_KEYS_DIR, else ~/.cache/zkpow/keys).
	#[arg(long)]
	keys_dir: Option<PathBuf>,
	/// Seed of the deterministic development keys.
	#[arg(long, default_value = zkpow_circuits::DEV_SEED)]
	seed: String,
}

/// How each worker's thread pool is sized (`serve`, and `bench`'s throughput table).
#[derive(Args, Clone, Copy)]
struct PoolArgs {
	/// Threads of each worker's own thread pool (every running proof gets a pool of its
	/// own, so workers do not contend for one). 0: the machine's CPU threads divided by
	/// the worker count, at least 1.
	#[arg(
		long,
		default_value_t = 0,
		value_name = "N",
		value_parser = clap::value_parser!(u32).range(0..=MAX_THREADS_PER_WORKER)
	)]
	threads_per_worker: u32,
}

#[derive(Subcommand)]
enum Command {
	/// Run the HTTP proving service.
	Serve {
		#[command(flatten)]
		keys: KeyArgs,
		/// Address to listen on.
		#[arg(long, default_value = "127.0.0.1:8547")]
		listen: SocketAddr,
		/// Tasks proven in parallel.
		#[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1024))]
		workers: u32,
		#[command(flatten)]
		pools: PoolArgs,
		/// Most tasks waiting for a worker; more are refused with 429.
		#[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
		queue_capacity: u32,
		/// Finished tasks kept for fetching.
		#[arg(long, default_value_t = 1024)]
		retention: usize,
		/// Proving backend.
		#[arg(long, value_enum, default_value_t = BackendKind::Auto)]
		backend: BackendKind,
		/// Token that submitting and cancelling tasks need (`Authorization: Bearer
		/// <token>`), at least 16 visible ASCII characters; prefer the environment
		/// variable to the flag (command lines are visible to other users). A host that
		/// listens beyond loopback does not start without one.
		#[arg(long, env = "ZKPOW_PROVER_TOKEN", hide_env_values = true, value_name = "TOKEN")]
		auth_token: Option<AuthToken>,
		/// Accept tasks from anyone who reaches a non-loopback address (no token).
		#[arg(long, conflicts_with = "auth_token")]
		insecure_no_auth: bool,
		#[command(flatten)]
		circom: CircomServeArgs,
		#[command(flatten)]
		commands: CommandServeArgs,
	},
	/// Generate (or load) the proving keys and print their sizes.
	Setup {
		#[command(flatten)]
		keys: KeyArgs,
	},
	/// Write the verifying keys for the chain (`vk_set.hex`) and Solidity.
	ExportKeys {
		#[command(flatten)]
		keys: KeyArgs,
		/// Output directory.
		#[arg(long)]
		out: PathBuf,
	},
	/// Import verifying keys from snarkjs or arkworks into the chain's encoding, or
	/// export chain keys back (see prover/README.md).
	Keys {
		#[command(subcommand)]
		command: import::KeysCommand,
	},
	/// Import proofs from snarkjs or arkworks into the chain's 256-byte encoding.
	Proofs {
		#[command(subcommand)]
		command: import::ProofsCommand,
	},
	/// Prove with a rollup's circom package (witness WASM in a sandbox, snarkjs zkey), or
	/// print its hash (see prover/README.md).
	Circom {
		#[command(subcommand)]
		command: CircomCommand,
	},
	/// Generate random valid sequences of the reference rollup, with prover witnesses.
	Sequencer {
		/// Circuit configuration the batches must fit.
		#[arg(long, default_value = "test")]
		config: String,
		/// Output and state directory (an existing state is continued).
		#[arg(long)]
		out: PathBuf,
		/// Sequences to generate.
		#[arg(long, default_value_t = 1)]
		sequences: usize,
		/// Batches per sequence.
		#[arg(long, default_value_t = 2)]
		batches: usize,
		/// Transfers per batch (default: the configuration's batch size).
		#[arg(long)]
		transfers: Option<usize>,
		/// Accounts taking part in transfers.
		#[arg(long, default_value_t = 16)]
		accounts: u32,
		/// Accounts funded at genesis.
		#[arg(long, default_value_t = 8)]
		funded: u32,
		/// Genesis balance per funded account.
		#[arg(long, default_value_t = 1_000_000)]
		balance: u64,
		/// Seed of the transfer generator.
		#[arg(long, default_value_t = 1)]
		seed: u64,
	},
	/// Serve a sequencer output directory as the rollup's data endpoint
	/// (`GET /sequences/{index}`, `GET /genesis`), the URL given to `set_data_url`.
	Publish {
		/// The sequencer's output directory.
		#[arg(long)]
		dir: PathBuf,
		/// Address to listen on.
		#[arg(long, default_value = "127.0.0.1:8548")]
		listen: SocketAddr,
	},
	/// Measure constraints, proving and verification time, and service throughput.
	Bench {
		/// Configurations for the per-stage table, comma separated.
		#[arg(long, default_value = "test,realistic", value_delimiter = ',')]
		configs: Vec<String>,
		/// Configuration whose batch proof is compared with plain ark-groth16 proving a
		/// synthetic circuit of the same size (`none`: skip the comparison).
		#[arg(long, default_value = "realistic")]
		baseline_config: String,
		/// Configuration for the throughput table.
		#[arg(long, default_value = "test")]
		throughput_config: String,
		/// Worker counts for the throughput table, comma separated.
		#[arg(
			long,
			default_value = "1,2,4",
			value_delimiter = ',',
			value_parser = clap::value_parser!(u32).range(1..=1024)
		)]
		workers: Vec<u32>,
		#[command(flatten)]
		pools: PoolArgs,
		/// Batch tasks per throughput run.
		#[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
		tasks: u32,
		/// Proofs per stage measurement.
		#[arg(long, default_value_t = 3)]
		samples: usize,
		/// Where proving keys are cached.
		#[arg(long)]
		keys_dir: Option<PathBuf>,
	},
}

/// The most `--threads-per-worker` accepts.
const MAX_THREADS_PER_WORKER: i64 = 1024;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
enum CliError {
	/// Keys could not be loaded, generated or exported, or a configuration is unknown.
	#[error(transparent)]
	Circuit(#[from] zkpow_circuits::Error),
	/// The backend asked for cannot run here.
	#[error(transparent)]
	Backend(#[from] backend::SelectError),
	/// The workers' thread pools could not be started.
	#[error("cannot start the provers' thread pools: {0}")]
	Pools(#[from] rayon::ThreadPoolBuildError),
	/// The async runtime could not be started.
	#[error("cannot start the async runtime: {0}")]
	Runtime(std::io::Error),
	/// The address to listen on is taken or not ours.
	#[error("cannot listen on {addr}: {source}")]
	Listen {
		/// The address.
		addr: SocketAddr,
		/// The cause.
		source: std::io::Error,
	},
	/// `serve` beyond loopback without a token.
	#[error(
		"refusing to take tasks from anyone who reaches {0}: set ZKPOW_PROVER_TOKEN (or \
		 --auth-token), or pass --insecure-no-auth"
	)]
	NoToken(SocketAddr),
	/// `publish --dir` is not a directory.
	#[error("{} is not a directory", .0.display())]
	NotADirectory(PathBuf),
	/// A `keys` or `proofs` command failed.
	#[error(transparent)]
	Import(#[from] import::ImportCommandError),
	/// `serve --commands`: the configuration is unusable.
	#[error(transparent)]
	Commands(#[from] ConfigError),
	/// A `circom` command failed.
	#[error(transparent)]
	Circom(#[from] circom::CircomCliError),
	/// The sequencer failed.
	#[error(transparent)]
	Sequencer(#[from] sequencer::SequencerError),
	/// The benchmark failed.
	#[error(transparent)]
	Bench(#[from] bench::BenchError),
}

fn log(line: &str) {
	eprintln!("{line}");
}

fn keys_dir(explicit: &Option<PathBuf>) -> PathBuf {
	explicit
		.clone()
		.or_else(|| std::env::var_os("ZKPOW_KEYS_DIR").map(PathBuf::from))
		.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/zkpow/keys")))
		.unwrap_or_else(|| PathBuf::from("zkpow-keys"))
}

fn load_keys(args: &KeyArgs) -> Result<KeySet, CliError> {
	let config = CircuitConfig::by_name(&args.config)?;
	Ok(KeySet::load_or_generate(&keys_dir(&args.keys_dir), config, &args.seed, &log)?)
}

fn async_runtime() -> Result<tokio::runtime::Runtime, CliError> {
	tokio::runtime::Runtime::new().map_err(CliError::Runtime)
}

fn serve(
	keys: &KeyArgs,
	listen: SocketAddr,
	service: ServiceConfig,
	kind: BackendKind,
	extras: Extras,
) -> Result<(), CliError> {
	let keys = Arc::new(load_keys(keys)?);
	// `service.threads_per_worker` is the flag's value here (0: an even share of the
	// cores); the service reports the resolved one.
	let pools = WorkerPools::new(service.workers, service.threads_per_worker)?;
	let service = ServiceConfig { threads_per_worker: pools.threads_per_worker(), ..service };
	let backend = backend::select_with_pools(kind, keys, Some(pools), extras, &log)?;
	async_runtime()?.block_on(async move {
		let (workers, threads) = (service.workers, service.threads_per_worker);
		let running = server::start(listen, backend.clone(), service)
			.await
			.map_err(|source| CliError::Listen { addr: listen, source })?;
		log(&format!(
			"zkpow-prover listening on http://{} ({} backend, `{}` circuits, {workers} \
			 worker(s) of {threads} thread(s))",
			running.addr,
			backend.name(),
			backend.config().name
		));
		let _ = tokio::signal::ctrl_c().await;
		log("shutting down");
		running.stop().await;
		Ok(())
	})
}

fn run(cli: Cli) -> Result<(), CliError> {
	match cli.command {
		Command::Serve {
			keys,
			listen,
			workers,
			pools,
			queue_capacity,
			retention,
			backend,
			auth_token,
			insecure_no_auth,
			circom,
			commands,
		} => {
			if auth_token.is_none() && !listen.ip().is_loopback() && !insecure_no_auth {
				return Err(CliError::NoToken(listen));
			}
			// Checked before the keys are loaded: a bad entry stops the host at once.
			let commands = commands.load()?.map(CommandSet::new);
			serve_args::log_commands(commands.as_ref(), &log);
			let service = ServiceConfig {
				workers: workers as usize,
				queue_capacity: queue_capacity as usize,
				retention,
				auth_token,
				threads_per_worker: pools.threads_per_worker as usize,
				..Default::default()
			};
			let extras = Extras { circom: circom.store(), commands };
			serve(&keys, listen, service, backend, extras)
		},
		Command::Setup { keys } => {
			let set = load_keys(&keys)?;
			for stage in zkpow_circuits::stages::Stage::ALL {
				let k = set.stage(stage);
				println!(
					"{:<10} {:>9} constraints {:>3} public inputs {:>6} VK bytes",
					stage.name(),
					k.shape.constraints,
					k.shape.public_inputs,
					k.vk_bytes.len()
				);
			}
			println!("vk_set: {} bytes", set.vk_set.len());
			Ok(())
		},
		Command::ExportKeys { keys, out } => {
			let set = load_keys(&keys)?;
			for path in export_keys(&set, &keys.seed, &out)? {
				println!("{}", path.display());
			}
			Ok(())
		},
		Command::Keys { command } => Ok(import::keys(command)?),
		Command::Proofs { command } => Ok(import::proofs(command)?),
		Command::Circom { command } => Ok(circom::run(command)?),
		Command::Sequencer {
			config,
			out,
			sequences,
			batches,
			transfers,
			accounts,
			funded,
			balance,
			seed,
		} => {
			let config = CircuitConfig::by_name(&config)?;
			let options = SequencerOptions {
				out,
				config,
				sequences,
				batches,
				transfers: transfers.unwrap_or(config.batch_size),
				accounts,
				funded,
				balance,
				seed,
			};
			for path in sequencer::run(&options, &log)? {
				println!("{}", path.display());
			}
			Ok(())
		},
		Command::Publish { dir, listen } => {
			if !dir.is_dir() {
				return Err(CliError::NotADirectory(dir));
			}
			async_runtime()?
				.block_on(zkpow_prover::publish::serve(
					listen,
					dir.clone(),
					|addr| log(&format!("publishing {} on http://{addr}", dir.display())),
					async {
						let _ = tokio::signal::ctrl_c().await;
					},
				))
				.map_err(|source| CliError::Listen { addr: listen, source })
		},
		Command::Bench {
			configs,
			baseline_config,
			throughput_config,
			workers,
			pools,
			tasks,
			samples,
			keys_dir: dir,
		} => {
			let parse = |n: &str| CircuitConfig::by_name(n);
			let options = BenchOptions {
				configs: configs.iter().map(|c| parse(c)).collect::<Result<_, _>>()?,
				baseline_config: match baseline_config.as_str() {
					"none" => None,
					name => Some(parse(name)?),
				},
				throughput_config: parse(&throughput_config)?,
				workers: workers.into_iter().map(|w| w as usize).collect(),
				threads_per_worker: pools.threads_per_worker as usize,
				tasks: tasks as usize,
				samples,
				keys_dir: keys_dir(&dir),
			};
			print!("{}", bench::run(&options, &log)?);
			Ok(())
		},
	}
}

fn main() -> ExitCode {
	let _ = config::ALL;
	match run(Cli::parse()) {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("zkpow-prover: error: {e}");
			ExitCode::FAILURE
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
		Cli::try_parse_from(std::iter::once("zkpow-prover").chain(args.iter().copied()))
	}

	fn serve_threads(args: &[&str]) -> Result<u32, clap::Error> {
		match parse(&[&["serve"], args].concat())?.command {
			Command::Serve { pools, .. } => Ok(pools.threads_per_worker),
			_ => unreachable!("a serve command line"),
		}
	}

	#[test]
	fn threads_per_worker_defaults_to_an_even_share_and_is_range_checked() {
		assert_eq!(serve_threads(&[]).unwrap(), 0, "0: CPU threads divided by --workers");
		assert_eq!(serve_threads(&["--threads-per-worker", "8"]).unwrap(), 8);
		assert_eq!(serve_threads(&["--threads-per-worker", "1024"]).unwrap(), 1024);
		for bad in ["1025", "-1", "many"] {
			let err = serve_threads(&[&format!("--threads-per-worker={bad}")]).unwrap_err();
			assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation, "{bad}: {err}");
			assert!(err.to_string().contains("--threads-per-worker <N>"), "{err}");
		}
	}

	#[test]
	fn counts_that_cannot_work_are_refused_when_parsed() {
		for args in [
			&["serve", "--workers", "0"][..],
			&["serve", "--workers", "1025"],
			&["serve", "--queue-capacity", "0"],
			&["bench", "--workers", "1,0,4"],
			&["bench", "--tasks", "0"],
			&["circom", "bench", "--wasm", "w", "--zkey", "z", "--input", "i", "--runs", "0"],
			&["circom", "bench", "--wasm", "w", "--zkey", "z", "--input", "i", "--runs", "101"],
		] {
			let err = parse(args).err().unwrap_or_else(|| panic!("{args:?} parsed"));
			assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation, "{args:?}: {err}");
		}
		match parse(&["bench", "--workers", "1,8"]).unwrap().command {
			Command::Bench { workers, tasks, .. } => {
				assert_eq!(workers, [1, 8]);
				assert_eq!(tasks, 8);
			},
			_ => unreachable!("a bench command line"),
		}
		let cli = parse(&["circom", "bench", "--wasm", "w", "--zkey", "z", "--input", "i"]);
		match cli.unwrap().command {
			Command::Circom { command: CircomCommand::Bench { runs, .. } } => assert_eq!(runs, 7),
			_ => unreachable!("a circom bench command line"),
		}
	}

	#[test]
	fn serve_beyond_loopback_without_a_token_names_the_way_out() {
		let cli = parse(&["serve", "--listen", "0.0.0.0:8547"]).unwrap();
		let err = run(cli).unwrap_err();
		assert!(matches!(err, CliError::NoToken(_)), "{err}");
		let text = err.to_string();
		assert!(
			text.contains("ZKPOW_PROVER_TOKEN") && text.contains("--insecure-no-auth"),
			"{text}"
		);
	}

	/// A bad `--commands` file stops `serve` before any key is loaded or generated.
	#[test]
	fn serve_with_a_bad_command_file_fails_before_loading_keys() {
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("commands.toml");
		std::fs::write(&file, "[[command]]\nkey_hash = \"0x12\"\nprogram = \"/bin/sh\"\n").unwrap();
		let keys = dir.path().join("keys");
		let cli = parse(&[
			"serve",
			"--commands",
			file.to_str().unwrap(),
			"--keys-dir",
			keys.to_str().unwrap(),
		])
		.unwrap();
		let err = run(cli).unwrap_err();
		assert!(matches!(err, CliError::Commands(_)), "{err}");
		assert!(err.to_string().contains("command 1: `key_hash`"), "{err}");
		assert!(!keys.exists(), "no keys generated");
	}

	#[test]
	fn bench_takes_a_baseline_config_and_threads_per_worker() {
		let cli = parse(&["bench", "--baseline-config", "none", "--threads-per-worker", "2"]);
		match cli.unwrap().command {
			Command::Bench { baseline_config, pools, .. } => {
				assert_eq!(baseline_config, "none");
				assert_eq!(pools.threads_per_worker, 2);
			},
			_ => unreachable!("a bench command line"),
		}
		match parse(&["bench"]).unwrap().command {
			Command::Bench { baseline_config, pools, .. } => {
				assert_eq!(baseline_config, "realistic");
				assert_eq!(pools.threads_per_worker, 0);
			},
			_ => unreachable!("a bench command line"),
		}
	}
}
