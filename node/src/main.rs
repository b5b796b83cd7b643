//! `zkpow-node`: the ZKPoW appchain node.

mod chain_spec;
mod cli;
mod command;
mod miner;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
