//! Native cost of what the `zkpow_crypto` host functions run, on the fixtures of the FRAME
//! benchmarks (`benchmark_fixtures.rs`), so that the pallet README can put each
//! verification weight next to the native time it is made of, measured on the same
//! machine.
//!
//! ```text
//! cargo bench -p pallet-zkpow --features runtime-benchmarks --bench native_verify
//! ```
//!
//! Prints a Markdown table: minimum and median of `RUNS` runs per row.

use pallet_zkpow::benchmark_fixtures::{
	trapdoor_artifact, trapdoor_key_set, trapdoor_proof, trapdoor_verifying_key,
};
use std::time::{Duration, Instant};
use zkpow_primitives::{
	artifact::{validate_vk_set, verify_sequence_artifact},
	groth16::{validate_verifying_key, verify},
	statement::STATEMENT_PUBLIC_INPUTS,
	BatchHeader, SequenceStatement,
};

const RUNS: usize = 40;
/// Batches per sequence of the runtime (`MaxBatchesPerSequence`), the key sets' capacity.
const CAPACITY: usize = 16;

fn measure(mut f: impl FnMut()) -> (Duration, Duration) {
	f(); // warm-up
	let mut times: Vec<Duration> = (0..RUNS)
		.map(|_| {
			let start = Instant::now();
			f();
			start.elapsed()
		})
		.collect();
	times.sort();
	(times[0], times[RUNS / 2])
}

fn row(what: &str, (min, median): (Duration, Duration)) {
	let ms = |d: Duration| d.as_secs_f64() * 1e3;
	println!("| {what} | {:.2} | {:.2} |", ms(min), ms(median));
}

fn sequence(n: usize) -> (SequenceStatement, Vec<BatchHeader>) {
	let batches: Vec<BatchHeader> = (0..n)
		.map(|i| BatchHeader { state_root: [i as u8 + 1; 32], data_hash: [7; 32] })
		.collect();
	(SequenceStatement::new(0, 0, [0; 32], &batches, [9; 32]), batches)
}

fn main() {
	println!("| native, what the host function runs | min ms | median ms |");
	println!("|---|---:|---:|");

	let key = trapdoor_verifying_key();
	row(
		"validate a Groth16 key (10 inputs)",
		measure(|| {
			validate_verifying_key(&key, STATEMENT_PUBLIC_INPUTS).expect("valid key");
		}),
	);
	let key_set = trapdoor_key_set(CAPACITY);
	row(
		&format!("validate a key set (capacity {CAPACITY})"),
		measure(|| {
			validate_vk_set(&key_set).expect("valid key set");
		}),
	);

	let (statement, _) = sequence(1);
	let proof = trapdoor_proof(&statement);
	let inputs = statement.public_inputs().to_vec();
	row(
		"verify a Groth16 proof (10 inputs, raw key)",
		measure(|| {
			verify(&key, &proof, &inputs).expect("valid proof");
		}),
	);

	for n in [1, 2, 4, 8, 16] {
		let (statement, batches) = sequence(n);
		let artifact = trapdoor_artifact(CAPACITY, &statement, &batches);
		row(
			&format!("verify an artifact of {n} batches"),
			measure(|| {
				verify_sequence_artifact(&key_set, &artifact, &statement, &batches)
					.expect("valid artifact");
			}),
		);
	}
}
