//! Miner benchmarks on this machine, with the real node, prover hosts and proofs:
//!
//! - coordination overhead: per sequence, blocks from submission to finalization minus
//!   T1 + T2 and minus the pure proving time (the prover hosts' own measure), for 1 and 4
//!   batches of the reference rollup, and for a single-proof rollup proven through the
//!   circom backend (the example circuit `prover/tests/circom/statement10.circom`);
//! - load: S sequences of N batches posted at once, proven by M miners on P prover hosts;
//!   sequences finalized per hour and seconds per proof, for each P.
//!
//! `cargo run -p zkpow-integration-tests --bin miner-bench -- [--sequences S] [--batches N]
//! [--miners M] [--hosts 1,2,4] [--repeat R] [--parts reference,single-proof,load]` (build
//! the node and the prover first:
//! `cargo build -p zkpow-node -p zkpow-prover`). Prints Markdown tables.

use sp_keyring::Sr25519Keyring::{self, Charlie, Dave, Eve, Ferdie};
use std::time::{Duration, Instant};
use zkpow_integration_tests::{
	circom::CircomCircuit,
	circom_rollup::{CircomRollup, Package},
	http_get,
	mining::*,
	Node, ProverHost, Rpc,
};

/// Block time of the chain, in seconds.
const BLOCK_SECONDS: f64 = 2.0;
const T1: u32 = 3;
const T2: u32 = 3;

/// What `--parts` can pick: the reference rollup's overhead, the single-proof rollup's,
/// the load table.
const PARTS: [&str; 3] = ["reference", "single-proof", "load"];

struct Options {
	sequences: usize,
	batches: usize,
	miners: usize,
	hosts: Vec<usize>,
	repeat: usize,
	parts: Vec<String>,
}

fn parse() -> Result<Options, String> {
	let mut o = Options {
		sequences: 6,
		batches: 2,
		miners: 1,
		hosts: vec![1, 2, 4],
		repeat: 3,
		parts: PARTS.iter().map(|p| p.to_string()).collect(),
	};
	let mut args = std::env::args().skip(1);
	while let Some(flag) = args.next() {
		let value = args.next().ok_or(format!("{flag} needs a value"))?;
		let number =
			|v: &str| v.parse::<usize>().map_err(|_| format!("{flag}: `{v}` is not a number"));
		match flag.as_str() {
			"--sequences" => o.sequences = number(&value)?,
			"--batches" => o.batches = number(&value)?,
			"--miners" => o.miners = number(&value)?,
			"--repeat" => o.repeat = number(&value)?,
			"--parts" => o.parts = value.split(',').map(str::to_string).collect(),
			"--hosts" => o.hosts = value.split(',').map(number).collect::<Result<_, _>>()?,
			other => return Err(format!("unknown option {other}")),
		}
	}
	if o.sequences == 0 || o.repeat == 0 || o.hosts.contains(&0) || !(1..=4).contains(&o.batches) {
		return Err("--sequences, --repeat and hosts must be at least 1, --batches 1..=4".into());
	}
	if let Some(part) = o.parts.iter().find(|p| !PARTS.contains(&p.as_str())) {
		return Err(format!("--parts: no part `{part}` (parts: {})", PARTS.join(", ")));
	}
	if !(1..=4).contains(&o.miners) {
		return Err("--miners must be 1..=4 (Charlie, Dave, Eve, Ferdie)".into());
	}
	Ok(o)
}

fn proving_seconds(hosts: &[ProverHost]) -> f64 {
	hosts
		.iter()
		.filter_map(|h| metric(&http_get(h.port, "/metrics"), "zkpow_prover_prove_seconds_sum"))
		.sum()
}

fn proofs_made(hosts: &[ProverHost]) -> f64 {
	hosts
		.iter()
		.filter_map(|h| metric(&http_get(h.port, "/metrics"), "zkpow_prover_prove_seconds_count"))
		.sum()
}

/// A dev network: the validator mines with the first miner; more miners run full nodes.
struct Network {
	validator: Node,
	rpc: Rpc,
	_miners: Vec<(Node, Rpc)>,
	hosts: Vec<ProverHost>,
	rollup: Rollup,
}

async fn network(hosts: usize, miners: usize) -> Network {
	let mut started = Vec::new();
	for _ in 0..hosts {
		started.push(ProverHost::spawn().await);
	}
	let urls = started.iter().map(ProverHost::url).collect::<Vec<_>>().join(",");
	let mut validator = Node::spawn(&["--dev", "--miner", "--prover-url", &urls]);
	let rpc = validator.rpc(Duration::from_secs(120)).await;
	let rollup = Rollup::register(&rpc, &validator, T1, T2).await;
	let keys: [Sr25519Keyring; 4] = [Charlie, Dave, Eve, Ferdie];
	let mut others = Vec::new();
	for (i, key) in keys.iter().take(miners).enumerate() {
		bond(&rpc, &validator, *key, 2 * MIN_BOND).await;
		if i == 0 {
			insert_miner_key(&rpc, *key).await;
		} else {
			let (node, node_rpc) = miner_node(&validator, &rpc, &["--prover-url", &urls]).await;
			insert_miner_key(&node_rpc, *key).await;
			others.push((node, node_rpc));
		}
	}
	Network { validator, rpc, _miners: others, hosts: started, rollup }
}

async fn overhead(batches: usize, repeat: usize) -> String {
	let net = network(1, 1).await;
	let mut rows = String::new();
	for _ in 0..repeat {
		let proving_before = proving_seconds(&net.hosts);
		let (index, submitted) = net.rollup.post_at(&net.rpc, &net.validator, batches).await;
		let status =
			finalized(&net.rpc, &net.validator, net.rollup.id, index, Duration::from_secs(600))
				.await;
		let proving = proving_seconds(&net.hosts) - proving_before;
		rows += &overhead_row(&format!("reference, {batches}"), submitted, &status, proving);
	}
	rows
}

/// The blocks a sequence took from submission to settlement beyond T1 + T2 and beyond
/// `proving` seconds of proving: one table row.
fn overhead_row(what: &str, submitted: u32, status: &serde_json::Value, proving: f64) -> String {
	let finalized_at = status["phase"]["Finalized"]["finalized_at"].as_u64().unwrap() as f64;
	let latency = finalized_at - f64::from(submitted);
	let overhead = latency - f64::from(T1 + T2) - proving / BLOCK_SECONDS;
	format!("| {what} | {latency:.0} | {proving:.1} | {} | {overhead:.1} |\n", T1 + T2)
}

/// The same for a single-proof rollup: the circom example rollup on a host that proves
/// circom packages. Its first sequence also fetches and loads the package.
async fn single_proof_overhead(repeat: usize) -> String {
	let circuit = CircomCircuit::setup();
	let hosts = [ProverHost::spawn_with_circom().await];
	let (node, rpc, _reference) = solo_miner(&hosts[0].url(), &[], T1, T2).await;
	let mut rollup = CircomRollup::register(&rpc, &node, &circuit, Package::Pinned, (T1, T2)).await;
	let mut rows = String::new();
	for run in 0..repeat {
		let proving_before = proving_seconds(&hosts);
		let (index, submitted) = rollup.post(&rpc, &node).await;
		let status = finalized(&rpc, &node, rollup.id, index, Duration::from_secs(600)).await;
		let proving = proving_seconds(&hosts) - proving_before;
		let what = if run == 0 { "circom, 1 (package fetched)" } else { "circom, 1" };
		rows += &overhead_row(what, submitted, &status, proving);
	}
	rows
}

async fn load(o: &Options, hosts: usize) -> String {
	let net = network(hosts, o.miners).await;
	let start = Instant::now();
	let mut indices = Vec::new();
	for _ in 0..o.sequences {
		indices.push(net.rollup.post(&net.rpc, &net.validator, o.batches).await);
	}
	for index in indices {
		finalized(&net.rpc, &net.validator, net.rollup.id, index, Duration::from_secs(3600)).await;
	}
	let elapsed = start.elapsed().as_secs_f64();
	let proofs = proofs_made(&net.hosts);
	format!(
		"| {} | {} | {hosts} | {} | {elapsed:.0} | {:.0} | {proofs:.0} | {:.2} | {:.2} |\n",
		o.sequences,
		o.miners,
		o.batches,
		o.sequences as f64 * 3600.0 / elapsed,
		proving_seconds(&net.hosts) / proofs,
		elapsed / proofs,
	)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
	let o = match parse() {
		Ok(o) => o,
		Err(e) => {
			eprintln!("miner-bench: {e}");
			std::process::exit(2);
		},
	};
	println!("Coordination overhead (T1 = {T1}, T2 = {T2} blocks of {BLOCK_SECONDS} s, one prover host):\n");
	println!("| rollup, batches | blocks submit→final | proving s | T1+T2 | overhead blocks |");
	println!("|---|---:|---:|---:|---:|");
	let part = |name: &str| o.parts.iter().any(|p| p == name);
	if part("reference") {
		for batches in [1, 4] {
			print!("{}", overhead(batches, o.repeat).await);
		}
	}
	if part("single-proof") {
		print!("{}", single_proof_overhead(o.repeat).await);
	}
	if !part("load") {
		return;
	}
	println!(
		"\nLoad ({} sequences of {} batches, {} miner(s)):\n",
		o.sequences, o.batches, o.miners
	);
	println!(
		"| S | M | P | batches | wall s | sequences/h | proofs | prove s/proof | wall s/proof |"
	);
	println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
	for hosts in &o.hosts {
		print!("{}", load(&o, *hosts).await);
	}
}
