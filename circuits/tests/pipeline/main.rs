//! Circuit and artifact tests with real Groth16 proofs (the `test` configuration).

mod artifact;
mod batch;
mod common;
mod keys;
