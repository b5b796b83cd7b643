#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! - [`follow`]: reads finalized appchain blocks ([`appchain`], [`extract`]) into the
//!   embedded database ([`store`]), cursor and records in one transaction per block, each
//!   block only once its runtime passed the check of the types the relayer decodes
//!   ([`metadata`]);
//! - [`deliver`]: one worker per base chain ([`evm`]) delivers each rollup's sequences in
//!   index order, skipping what the inbox already has, retrying transient failures and
//!   reporting permanent rejections; a delivery is done once its block is final
//!   ([`finality`]), stuck transactions are replaced by fee, and each chain's rules (fee
//!   and gas caps, served rollups, expected inbox code) are its [`policy`];
//! - [`beefy`]: the appchain validators' signed commitments and the MMR and record proofs
//!   that put a finalized sequence under them, for the inboxes' light client;
//! - [`service`]: runs the follower and the workers; [`deploy`]: deploys an inbox;
//! - [`config`], [`keys`], [`metrics`]: configuration file and flags, signing keys (never
//!   logged), Prometheus metrics.
#![cfg_attr(not(test), warn(unreachable_pub))]

pub mod appchain;
pub mod beefy;
pub mod config;
pub mod deliver;
pub mod deploy;
pub mod evm;
pub mod extract;
pub mod finality;
pub mod follow;
pub mod keys;
pub mod metadata;
pub mod metrics;
pub mod policy;
pub mod service;
pub mod store;
