//! `zkpow-prover circom bench`: where the time of one circom proof goes, in process (the
//! whole-process comparison with snarkjs is `rollups/circom-balances/bench.sh`).
//!
//! Each stage runs `runs` times and reports its median: loading the package (hashing,
//! parsing the zkey, compiling the WASM), computing the witness in the sandbox, and the
//! Groth16 proof with its self-check against the zkey's verifying key.

use super::{
	error::{CircomError, PackageError},
	input::CircomInputs,
	package::CircomPackage,
	prove,
	witness::{SandboxLimits, WitnessCalculator},
	zkey::Zkey,
};
use std::{
	fmt,
	time::{Duration, Instant},
};

/// The medians of one `circom bench` run.
#[derive(Clone, Debug)]
pub struct CircomBench {
	/// How many times each stage ran.
	pub runs: usize,
	/// Public signals of the circuit.
	pub public: usize,
	/// Witness variables.
	pub variables: usize,
	/// The evaluation domain's size.
	pub domain_size: usize,
	/// Hash, parse the zkey, compile the WASM.
	pub load: Duration,
	/// Of which parsing the zkey.
	pub parse_zkey: Duration,
	/// Of which compiling the WASM.
	pub compile_wasm: Duration,
	/// The witness in the sandbox.
	pub witness: Duration,
	/// The proof and its self-check.
	pub prove: Duration,
}

/// Why the benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum CircomBenchError {
	/// The package was refused.
	#[error(transparent)]
	Package(#[from] PackageError),
	/// The input could not be proven.
	#[error(transparent)]
	Prove(#[from] CircomError),
}

/// Runs `f` `runs` times (at least once) and returns the median time and the last result.
fn median<T, E>(runs: usize, mut f: impl FnMut() -> Result<T, E>) -> Result<(Duration, T), E> {
	let mut times = Vec::with_capacity(runs.max(1));
	let mut last = None;
	for _ in 0..runs.max(1) {
		let started = Instant::now();
		let value = f()?;
		times.push(started.elapsed());
		last = Some(value);
	}
	times.sort();
	let value = last.expect("ran at least once");
	Ok((times[times.len() / 2], value))
}

/// Times each stage of proving `inputs` with the package `wasm`/`zkey`, `runs` times.
pub fn run(
	wasm: &[u8],
	zkey: &[u8],
	inputs: &CircomInputs,
	limits: SandboxLimits,
	runs: usize,
) -> Result<CircomBench, CircomBenchError> {
	let (load, package) = median(runs, || CircomPackage::from_bytes(wasm, zkey, None, limits))?;
	let (parse_zkey, _) = median(runs, || Zkey::parse(zkey)).map_err(PackageError::from)?;
	let (compile_wasm, _) =
		median(runs, || WitnessCalculator::new(wasm, limits)).map_err(PackageError::from)?;
	let (witness, values) = median(runs, || package.witness(inputs))?;
	let (prove, _) =
		median(runs, || prove::prove(package.zkey(), &values)).map_err(CircomError::from)?;
	let key = package.zkey();
	Ok(CircomBench {
		runs: runs.max(1),
		public: key.n_public,
		variables: key.n_vars,
		domain_size: key.domain_size,
		load,
		parse_zkey,
		compile_wasm,
		witness,
		prove,
	})
}

impl fmt::Display for CircomBench {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let ms = |d: Duration| d.as_secs_f64() * 1e3;
		writeln!(
			f,
			"circuit: {} public signals, {} witness variables, evaluation domain {}",
			self.public, self.variables, self.domain_size
		)?;
		writeln!(f, "| stage (in process, median of {}) | ms |", self.runs)?;
		writeln!(f, "|---|---:|")?;
		writeln!(
			f,
			"| load the package (hash, parse zkey, compile WASM) | {:.1} |",
			ms(self.load)
		)?;
		writeln!(f, "| of which parsing the zkey | {:.1} |", ms(self.parse_zkey))?;
		writeln!(f, "| of which compiling the WASM | {:.1} |", ms(self.compile_wasm))?;
		writeln!(f, "| witness in the sandbox | {:.1} |", ms(self.witness))?;
		writeln!(f, "| Groth16 proof + self-check | {:.1} |", ms(self.prove))?;
		writeln!(f, "| witness + proof | {:.1} |", ms(self.witness + self.prove))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn median_takes_the_middle_run_and_stops_at_the_first_error() {
		let mut calls = 0;
		let (_, last) = median(5, || {
			calls += 1;
			Ok::<_, ()>(calls)
		})
		.unwrap();
		assert_eq!((calls, last), (5, 5));
		let mut calls = 0;
		let err = median(5, || {
			calls += 1;
			if calls == 2 {
				Err("second")
			} else {
				Ok(())
			}
		});
		assert_eq!((err.unwrap_err(), calls), ("second", 2));
		// Zero runs still runs once.
		assert!(median(0, || Ok::<_, ()>(())).is_ok());
	}
}
