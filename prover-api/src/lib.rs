#![doc = include_str!("../README.md")]
#![warn(unreachable_pub)]

pub mod body;
mod client;
pub mod hex;
mod sequence;
mod status;
mod task;

pub use client::{ClientError, Fetched, ProverClient, Submission};
pub use hex::Hex;
pub use sequence::{BatchData, SequenceData, SequenceMismatch};
pub use status::{ErrorBody, Health, JobState, JobStatus, PackageKind, TaskOutput};
pub use task::{key_hash, Header, PackageRef, SubmitParams, Task, TaskId, TaskKind};
