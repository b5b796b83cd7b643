//! Storage migrations, one module per storage version, run by the runtime's `Executive`
//! through [`frame_support::migrations::VersionedMigration`] (so each runs once, at the
//! version it expects, and bumps the on-chain version).
//!
//! - [`v1`]: the open-market rules. Rollups gain their genesis, batch capacity and
//!   announced terms; sequences their deposit; windows their minimum bond; commitments
//!   record a reward weight; the protocol limits a reward floor; the settlement agenda is
//!   bounded by what one block settles; finalized records are scheduled for pruning.
//! - [`v2`]: miners' reward and slash totals move out of their ledgers into
//!   `MinerHistory`, which outlives them.

pub mod v1;
pub mod v2;
