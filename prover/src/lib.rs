#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! - [`api`]: the wire format of [`zkpow_prover_api`] with this host's witness, and the
//!   checks a task passes before it is queued;
//! - [`backend`]: the [`backend::Backend`] trait and the CPU backend;
//! - [`jobs`]: the bounded, idempotent job store;
//! - [`server`]: routes and workers;
//! - [`metrics`]: Prometheus exposition;
//! - [`sequencer`]: random valid sequences with their witnesses;
//! - [`publish`]: the rollup's data endpoint miners fetch witnesses from;
//! - [`bench`](mod@bench): the benchmark behind the README table;
//! - [`circom`]: the circom backend (prover packages: witness WASM in a sandbox, zkey,
//!   Groth16 proofs snarkjs verifies);
//! - [`command`]: the command backend (native provers the operator configured by
//!   verifying-key hash, run as processes under limits).

#![cfg_attr(not(test), warn(unreachable_pub))]

pub mod api;
pub mod backend;
pub mod bench;
pub mod circom;
pub mod command;
pub mod jobs;
pub mod metrics;
pub mod publish;
pub mod sequencer;
pub mod server;
