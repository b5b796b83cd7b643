//! `0x`-prefixed hex on the wire: the definitions shared with the circuits crate, in
//! [`zkpow_primitives::hex`].

pub use zkpow_primitives::hex::*;
