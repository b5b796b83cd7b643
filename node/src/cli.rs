//! Command-line interface of `zkpow-node`.

/// Subcommands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management (generate, inspect, insert keys into the keystore).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification of the chain the node is configured for.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Runtime benchmarks (`benchmark pallet`, `benchmark machine`).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Runtime benchmarks: needs a node built with `--features runtime-benchmarks`.
	#[cfg(not(feature = "runtime-benchmarks"))]
	Benchmark(BenchmarksNotBuilt),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Run a new runtime's storage migrations and their checks on a chain's state, with
	/// this node's host functions (the runtime must be built with `try-runtime`).
	TryUpgrade(crate::try_upgrade::TryUpgradeCmd),
}

/// `zkpow-node` arguments.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// Subcommand; without one the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Node options (`--dev`, `--chain`, `--validator`, ports, ...).
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// Miner options (`--miner`, `--prover-url`, ...).
	#[clap(flatten)]
	pub miner: crate::miner::MinerParams,
}

/// Stand-in for the `benchmark` subcommand in a node built without benchmarks.
#[cfg(not(feature = "runtime-benchmarks"))]
#[derive(Debug, clap::Args)]
pub struct BenchmarksNotBuilt {
	/// Arguments of the benchmark command (ignored).
	#[arg(trailing_var_arg = true, allow_hyphen_values = true)]
	pub args: Vec<String>,
}
