//! `zkpow-node`: the ZKPoW appchain node.

#![allow(
	clippy::result_large_err,
	reason = "`sc_cli::Error`, the error of every Substrate CLI and service entry point, is large"
)]

mod chain_spec;
mod cli;
mod command;
mod miner;
mod rpc;
mod service;
mod try_upgrade;

fn main() -> sc_cli::Result<()> {
	command::run()
}
