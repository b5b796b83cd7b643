#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! - [`api`]: tasks, results, job status (the wire format);
//! - [`backend`]: the [`backend::Backend`] trait and the CPU backend;
//! - [`jobs`]: the bounded, idempotent job store;
//! - [`server`]: routes and workers;
//! - [`metrics`]: Prometheus exposition;
//! - [`client`]: a minimal HTTP client for tests and scripts;
//! - [`sequencer`]: random valid sequences with their witnesses;
//! - [`publish`]: the rollup's data endpoint miners fetch witnesses from;
//! - [`bench`](mod@bench): the benchmark behind the README table.

#![cfg_attr(not(test), warn(unreachable_pub))]

pub mod api;
pub mod backend;
pub mod bench;
pub mod client;
pub mod jobs;
pub mod metrics;
pub mod publish;
pub mod sequencer;
pub mod server;
