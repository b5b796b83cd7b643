//! The prover service over real HTTP on loopback: submit/poll/fetch with real proofs,
//! idempotency, malformed input, back-pressure, crashes, cancellation, concurrency, and
//! the bearer token that guards submitting and cancelling.

mod common;

use common::{get, post_json, request, request_with, wait_final, Reply};
use serde_json::{json, Value};
use std::{
	net::SocketAddr,
	sync::{Arc, Condvar, Mutex, OnceLock},
	time::Duration,
};
use zkpow_circuits::{
	config::TEST,
	keys::{quiet, KeySet},
	rollup::generator::{funded_genesis, TransferGenerator},
	CircuitConfig, DEV_SEED,
};
use zkpow_primitives::{
	artifact::{batch_public_inputs, verify_sequence_artifact},
	groth16, proof_hash, BatchHeader, SequenceStatement,
};
use zkpow_prover::{
	api::{self, Hex, InvalidTask, Task, TaskOutput},
	backend::{self, Backend, BackendKind, CpuBackend, ProveError},
	server::{self, AuthToken, Service, ServiceConfig},
};

const WAIT: Duration = Duration::from_secs(300);
const MINER: [u8; 32] = [0x5a; 32];

fn keys() -> Arc<KeySet> {
	static KEYS: OnceLock<Arc<KeySet>> = OnceLock::new();
	KEYS.get_or_init(|| Arc::new(KeySet::generate(TEST, DEV_SEED, &quiet).expect("setup")))
		.clone()
}

/// A service on its own runtime, stopped on drop.
struct TestService {
	runtime: tokio::runtime::Runtime,
	service: Option<Service>,
	addr: SocketAddr,
}

impl TestService {
	fn start(backend: Arc<dyn Backend>, config: ServiceConfig) -> Self {
		let runtime = tokio::runtime::Builder::new_multi_thread()
			.worker_threads(2)
			.enable_all()
			.build()
			.unwrap();
		let service = runtime
			.block_on(server::start("127.0.0.1:0".parse().unwrap(), backend, config))
			.unwrap();
		let addr = service.addr;
		Self { runtime, service: Some(service), addr }
	}

	fn submit(&self, task: &Value) -> Reply {
		post_json(self.addr, "/tasks", task).unwrap()
	}

	fn wait(&self, id: &str) -> Value {
		wait_final(self.addr, id, WAIT)
	}

	fn metrics(&self) -> String {
		get(self.addr, "/metrics").unwrap().text()
	}
}

impl Drop for TestService {
	fn drop(&mut self) {
		if let Some(service) = self.service.take() {
			self.runtime.block_on(service.stop());
		}
	}
}

/// A fake backend whose proofs wait for a gate, or panic.
struct FakeBackend {
	open: Mutex<bool>,
	opened: Condvar,
	panic: bool,
	validations: std::sync::atomic::AtomicUsize,
	/// Ids of the tasks proven, in the order they were proven.
	proved: Mutex<Vec<String>>,
}

impl FakeBackend {
	fn gated() -> Arc<Self> {
		Arc::new(Self {
			open: Mutex::new(false),
			opened: Condvar::new(),
			panic: false,
			validations: Default::default(),
			proved: Default::default(),
		})
	}
	fn open() -> Arc<Self> {
		Arc::new(Self {
			open: Mutex::new(true),
			opened: Condvar::new(),
			panic: false,
			validations: Default::default(),
			proved: Default::default(),
		})
	}
	fn panicking() -> Arc<Self> {
		Arc::new(Self {
			open: Mutex::new(true),
			opened: Condvar::new(),
			panic: true,
			validations: Default::default(),
			proved: Default::default(),
		})
	}
	fn release(&self) {
		*self.open.lock().unwrap() = true;
		self.opened.notify_all();
	}
}

impl Backend for FakeBackend {
	fn name(&self) -> &str {
		"fake"
	}
	fn config(&self) -> &CircuitConfig {
		&TEST
	}
	fn validate(&self, task: &Task) -> Result<(), InvalidTask> {
		self.validations.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
		api::validate(task, self.config())
	}
	fn prove(&self, task: &Task) -> Result<TaskOutput, ProveError> {
		{
			let mut open = self.open.lock().unwrap();
			while !*open {
				open = self.opened.wait(open).unwrap();
			}
		}
		if self.panic {
			panic!("simulated prover crash");
		}
		self.proved.lock().unwrap().push(task.id());
		Ok(TaskOutput::Aggregator { proof: Hex(task.id().into_bytes()) })
	}
}

/// A well-formed aggregator task (accepted by validation), distinct per `n`.
fn fake_task(n: u8) -> Value {
	let word = |b: u8| format!("0x{}", hex::encode([b; 32]));
	let proof = format!("0x{}", hex::encode([0u8; 256]));
	json!({
		"kind": "aggregator",
		"prover": word(1),
		"prev_root": word(n),
		"batches": [
			{"state_root": word(2), "data_hash": word(3)},
			{"state_root": word(4), "data_hash": word(5)},
		],
		"batch_proofs": [proof, proof],
	})
}

fn wait_running(s: &TestService, id: &str) {
	for _ in 0..500 {
		if get(s.addr, &format!("/tasks/{id}")).unwrap().json()["state"] == "running" {
			return;
		}
		std::thread::sleep(Duration::from_millis(10));
	}
	panic!("task {id} never started");
}

fn config(workers: usize, queue_capacity: usize) -> ServiceConfig {
	ServiceConfig { workers, queue_capacity, ..Default::default() }
}

fn hex_field(v: &Value) -> Vec<u8> {
	hex::decode(v.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

fn word_field(v: &Value) -> [u8; 32] {
	hex_field(v).try_into().unwrap()
}

#[test]
fn batch_task_is_proven_over_http() {
	let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new(keys()).unwrap());
	let s = TestService::start(backend, config(1, 8));
	let health = get(s.addr, "/health").unwrap();
	assert_eq!(health.status, 200);
	assert_eq!(health.json()["config"], "test");
	assert_eq!(health.json()["backend"], "cpu");

	let mut state = funded_genesis(TEST.tree_depth, 4, 500).unwrap();
	let witness = TransferGenerator::new(3, (0..6).collect())
		.unwrap()
		.sequence(&mut state, 1, 2)
		.remove(0);
	let task =
		serde_json::to_value(Task::Batch { prover: MINER, witness: witness.clone() }).unwrap();
	let reply = s.submit(&task);
	assert_eq!(reply.status, 202, "{}", reply.text());
	let id = reply.json()["id"].as_str().unwrap().to_string();
	assert_eq!(s.wait(&id)["state"], "succeeded");

	let result = get(s.addr, &format!("/tasks/{id}/result")).unwrap();
	assert_eq!(result.status, 200);
	let out = result.json();
	let header = BatchHeader {
		state_root: word_field(&out["state_root"]),
		data_hash: word_field(&out["data_hash"]),
	};
	assert_eq!(header.state_root, state.root_bytes());
	let inputs = batch_public_inputs(&witness.prev_root, &header, &MINER);
	assert_eq!(groth16::verify(&keys().batch.vk_bytes, &hex_field(&out["proof"]), &inputs), Ok(()));

	let metrics = s.metrics();
	assert!(
		metrics
			.contains("zkpow_prover_tasks_finished_total{kind=\"batch\",outcome=\"succeeded\"} 1"),
		"{metrics}"
	);
	assert!(metrics.contains("zkpow_prover_prove_seconds_count{kind=\"batch\"} 1"));
}

#[test]
fn a_whole_sequence_proven_concurrently_yields_a_verifying_artifact() {
	let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new(keys()).unwrap());
	let s = TestService::start(backend, config(2, 8));
	let mut state = funded_genesis(TEST.tree_depth, 4, 500).unwrap();
	let prev_root = state.root_bytes();
	let witnesses = TransferGenerator::new(9, (0..6).collect()).unwrap().sequence(&mut state, 3, 2);

	// Batch tasks submitted from three client threads at once.
	let ids: Vec<String> = std::thread::scope(|scope| {
		let handles: Vec<_> = witnesses
			.iter()
			.map(|w| {
				let task = serde_json::to_value(Task::Batch { prover: MINER, witness: w.clone() })
					.unwrap();
				let s = &s;
				scope.spawn(move || s.submit(&task).json()["id"].as_str().unwrap().to_string())
			})
			.collect();
		handles.into_iter().map(|h| h.join().unwrap()).collect()
	});
	let outputs: Vec<Value> = ids
		.iter()
		.map(|id| {
			assert_eq!(s.wait(id)["state"], "succeeded");
			get(s.addr, &format!("/tasks/{id}/result")).unwrap().json()
		})
		.collect();
	let batches: Vec<Value> = outputs
		.iter()
		.map(|o| json!({"state_root": o["state_root"], "data_hash": o["data_hash"]}))
		.collect();
	let batch_proofs: Vec<Value> = outputs.iter().map(|o| o["proof"].clone()).collect();
	let prev = format!("0x{}", hex::encode(prev_root));
	let miner = format!("0x{}", hex::encode(MINER));

	let agg = s.submit(&json!({"kind": "aggregator", "prover": miner, "prev_root": prev, "batches": batches, "batch_proofs": batch_proofs}));
	let agg_id = agg.json()["id"].as_str().unwrap().to_string();
	assert_eq!(s.wait(&agg_id)["state"], "succeeded");
	let agg_proof =
		get(s.addr, &format!("/tasks/{agg_id}/result")).unwrap().json()["proof"].clone();

	let fin = s.submit(
		&json!({"kind": "final", "rollup_id": 3, "sequence_index": 1, "prover": miner, "prev_root": prev,
		"batches": batches, "batch_proofs": batch_proofs, "aggregator_proof": agg_proof}),
	);
	let fin_id = fin.json()["id"].as_str().unwrap().to_string();
	assert_eq!(s.wait(&fin_id)["state"], "succeeded");
	let out = get(s.addr, &format!("/tasks/{fin_id}/result")).unwrap().json();
	let artifact = hex_field(&out["artifact"]);
	let headers: Vec<BatchHeader> = outputs
		.iter()
		.map(|o| BatchHeader {
			state_root: word_field(&o["state_root"]),
			data_hash: word_field(&o["data_hash"]),
		})
		.collect();
	let statement = SequenceStatement::new(3, 1, prev_root, &headers, MINER);
	assert_eq!(verify_sequence_artifact(&keys().vk_set, &artifact, &statement, &headers), Ok(()));
	assert_eq!(word_field(&out["proof_hash"]), proof_hash(&artifact, &MINER));
}

#[test]
fn the_same_task_submitted_twice_is_one_job() {
	let fake = FakeBackend::open();
	let s = TestService::start(fake, config(1, 8));
	let first = s.submit(&fake_task(1));
	assert_eq!(first.status, 202);
	let id = first.json()["id"].as_str().unwrap().to_string();
	// Same content, different key order and whitespace.
	let reordered = serde_json::to_string_pretty(&fake_task(1))
		.unwrap()
		.replace("\"kind\": \"aggregator\",", "");
	let reordered = reordered.replacen('{', "{\"kind\": \"aggregator\",", 1);
	let second = request(s.addr, "POST", "/tasks", Some(reordered.as_bytes())).unwrap();
	assert!(second.status == 200 || second.status == 202, "{}", second.text());
	assert_eq!(second.json()["id"], id.as_str());
	assert_eq!(s.wait(&id)["state"], "succeeded");
	let third = s.submit(&fake_task(1));
	assert_eq!(third.status, 200);
	assert_eq!(third.json()["state"], "succeeded");
	let metrics = s.metrics();
	assert!(
		metrics.contains("zkpow_prover_tasks_submitted_total{kind=\"aggregator\"} 1"),
		"{metrics}"
	);
	assert!(metrics.contains("zkpow_prover_tasks_deduplicated_total 2"), "{metrics}");
}

#[test]
fn malformed_tasks_get_a_4xx_with_a_message() {
	let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new(keys()).unwrap());
	let s = TestService::start(backend, ServiceConfig { max_body_bytes: 64 << 10, ..config(1, 8) });
	let post = |body: &str| request(s.addr, "POST", "/tasks", Some(body.as_bytes())).unwrap();

	let reply = post("{not json");
	assert_eq!(reply.status, 400);
	assert!(reply.json()["error"].as_str().unwrap().contains("malformed task"));
	let reply = post(r#"{"kind": "recursive"}"#);
	assert_eq!(reply.status, 400);
	assert!(reply.text().contains("unknown variant"), "{}", reply.text());
	let mut bad_hex = fake_task(1);
	bad_hex["prover"] = json!("0x1234");
	let reply = s.submit(&bad_hex);
	assert_eq!(reply.status, 400);
	assert!(reply.text().contains("32 bytes"), "{}", reply.text());
	let mut extra = fake_task(1);
	extra["surprise"] = json!(1);
	assert_eq!(s.submit(&extra).status, 400);

	// Well-formed JSON that is not a valid task: 422.
	let mut state = funded_genesis(TEST.tree_depth, 2, 10).unwrap();
	let mut witness = state
		.apply_batch(&[zkpow_circuits::rollup::transfer::Transfer {
			from: 0,
			to: 1,
			amount: 5,
			nonce: 0,
		}])
		.unwrap();
	witness.transfers[0].amount = 50;
	let reply = s.submit(&serde_json::to_value(Task::Batch { prover: MINER, witness }).unwrap());
	assert_eq!(reply.status, 422);
	assert!(reply.text().contains("overspend"), "{}", reply.text());
	let mut too_many = fake_task(1);
	too_many["batches"] = json!(vec![too_many["batches"][0].clone(); 5]);
	too_many["batch_proofs"] = json!(vec![too_many["batch_proofs"][0].clone(); 5]);
	let reply = s.submit(&too_many);
	assert_eq!(reply.status, 422);
	assert!(reply.text().contains("at most 4"), "{}", reply.text());
	let mut short_proof = fake_task(1);
	short_proof["batch_proofs"][1] = json!("0x00");
	assert_eq!(s.submit(&short_proof).status, 422);

	// Too large, unknown ids.
	let big = format!("{{\"kind\": \"batch\", \"pad\": \"{}\"}}", "x".repeat(100 << 10));
	assert_eq!(post(&big).status, 413);
	for (method, path) in
		[("GET", "/tasks/abc"), ("GET", "/tasks/abc/result"), ("DELETE", "/tasks/abc")]
	{
		let reply = request(s.addr, method, path, None).unwrap();
		assert_eq!(reply.status, 404);
		assert!(reply.json()["error"].as_str().unwrap().contains("no task"));
	}
	assert!(s.metrics().contains("zkpow_prover_tasks_rejected_total{reason=\"invalid\"}"));
}

#[test]
fn a_full_queue_refuses_with_429_and_recovers() {
	let fake = FakeBackend::gated();
	let s = TestService::start(fake.clone(), config(1, 2));
	let running = s.submit(&fake_task(1)).json()["id"].as_str().unwrap().to_string();
	wait_running(&s, &running);
	assert_eq!(s.submit(&fake_task(2)).status, 202);
	let queued = s.submit(&fake_task(3));
	assert_eq!(queued.status, 202);
	assert_eq!(queued.json()["queue_position"], 1);
	let refused = s.submit(&fake_task(4));
	assert_eq!(refused.status, 429);
	assert_eq!(refused.header("retry-after"), Some("5"));
	assert!(refused.json()["error"].as_str().unwrap().contains("queue full"));
	// A duplicate of a queued task is still answered while the queue is full.
	assert_eq!(s.submit(&fake_task(3)).status, 200);
	let health = get(s.addr, "/health").unwrap().json();
	assert_eq!((health["queued"].as_u64(), health["running"].as_u64()), (Some(2), Some(1)));

	fake.release();
	for n in 1..=3 {
		let id = s.submit(&fake_task(n)).json()["id"].as_str().unwrap().to_string();
		assert_eq!(s.wait(&id)["state"], "succeeded");
	}
	assert_eq!(s.submit(&fake_task(4)).status, 202);
	assert!(s
		.metrics()
		.contains("zkpow_prover_tasks_rejected_total{reason=\"queue_full\"} 1"));
}

/// The attack on a prover host: with its queue full, a client keeps submitting tasks
/// whose validation is expensive (a batch witness is replayed natively) to burn its CPU.
/// A full prover answers 429 before it validates anything.
#[test]
fn a_full_queue_refuses_before_validating() {
	use std::sync::atomic::Ordering::SeqCst;
	let fake = FakeBackend::gated();
	let s = TestService::start(fake.clone(), config(1, 1));
	let running = s.submit(&fake_task(1)).json()["id"].as_str().unwrap().to_string();
	wait_running(&s, &running);
	assert_eq!(s.submit(&fake_task(2)).status, 202, "fills the queue");
	let validated = fake.validations.load(SeqCst);
	// This task is invalid (a 422 if it were looked at): the full queue answers first.
	let mut invalid = fake_task(3);
	invalid["batches"] = json!([]);
	let refused = s.submit(&invalid);
	let validated_since = fake.validations.load(SeqCst) - validated;
	// Open the gate before asserting, so that a failure ends the test instead of hanging it.
	fake.release();
	assert_eq!(refused.status, 429, "{:?}", refused.json());
	assert_eq!(validated_since, 0, "validated a task it could not take");
	assert_eq!(s.wait(&running)["state"], "succeeded");
	// With room again, the same task is looked at and refused for what it is.
	let id = s.submit(&fake_task(2)).json()["id"].as_str().unwrap().to_string();
	s.wait(&id);
	assert_eq!(s.submit(&invalid).status, 422);
}

#[test]
fn a_crashed_job_is_reported_failed_and_the_worker_carries_on() {
	let s = TestService::start(FakeBackend::panicking(), config(1, 4));
	for n in 1..=2 {
		let id = s.submit(&fake_task(n)).json()["id"].as_str().unwrap().to_string();
		let status = s.wait(&id);
		assert_eq!(status["state"], "failed");
		assert!(status["error"].as_str().unwrap().contains("simulated prover crash"), "{status}");
		let result = get(s.addr, &format!("/tasks/{id}/result")).unwrap();
		assert_eq!(result.status, 409);
		assert!(result.text().contains("failed"));
	}
	assert!(s.metrics().contains("outcome=\"failed\"} 2"));
	// A failed task may be submitted again.
	assert_eq!(s.submit(&fake_task(1)).status, 202);
}

#[test]
fn queued_and_running_jobs_can_be_cancelled() {
	let fake = FakeBackend::gated();
	let s = TestService::start(fake.clone(), config(1, 4));
	let a = s.submit(&fake_task(1)).json()["id"].as_str().unwrap().to_string();
	wait_running(&s, &a);
	let b = s.submit(&fake_task(2)).json()["id"].as_str().unwrap().to_string();
	let cancelled = request(s.addr, "DELETE", &format!("/tasks/{b}"), None).unwrap().json();
	assert_eq!(cancelled["state"], "cancelled");
	let marked = request(s.addr, "DELETE", &format!("/tasks/{a}"), None).unwrap().json();
	assert_eq!(marked["state"], "running");
	assert_eq!(marked["cancel_requested"], true);
	fake.release();
	assert_eq!(s.wait(&a)["state"], "cancelled");
	assert_eq!(get(s.addr, &format!("/tasks/{a}/result")).unwrap().status, 409);
	// Cancelled work can be asked for again.
	let again = s.submit(&fake_task(2));
	assert_eq!(again.status, 202);
	assert_eq!(s.wait(&b)["state"], "succeeded");
}

#[test]
fn many_clients_at_once_get_one_job_per_distinct_task() {
	let s = TestService::start(FakeBackend::open(), config(3, 64));
	let ids: Vec<String> = std::thread::scope(|scope| {
		let handles: Vec<_> = (0..16u8)
			.map(|i| {
				let s = &s;
				scope.spawn(move || {
					let reply = s.submit(&fake_task(i % 8));
					assert!(reply.status == 200 || reply.status == 202, "{}", reply.text());
					reply.json()["id"].as_str().unwrap().to_string()
				})
			})
			.collect();
		handles.into_iter().map(|h| h.join().unwrap()).collect()
	});
	let mut distinct = ids.clone();
	distinct.sort();
	distinct.dedup();
	assert_eq!(distinct.len(), 8);
	for id in &distinct {
		assert_eq!(s.wait(id)["state"], "succeeded");
		let out = get(s.addr, &format!("/tasks/{id}/result")).unwrap().json();
		assert_eq!(hex_field(&out["proof"]), id.as_bytes(), "each job gets its own result");
	}
	assert!(s
		.metrics()
		.contains("zkpow_prover_tasks_submitted_total{kind=\"aggregator\"} 8"));
}

#[test]
fn backend_selection_falls_back_to_cpu_and_refuses_a_missing_gpu() {
	let err = backend::select(BackendKind::Gpu, keys(), &|_| {}).err().unwrap();
	assert!(matches!(err, backend::SelectError::NoGpu), "{err}");
	assert!(err.to_string().contains("without a GPU backend"), "{err}");
	let lines = Mutex::new(Vec::new());
	let chosen =
		backend::select(BackendKind::Auto, keys(), &|l| lines.lock().unwrap().push(l.to_string()))
			.unwrap();
	assert_eq!(chosen.name(), "cpu");
	assert!(lines.lock().unwrap()[0].contains("CPU"));
	assert!(<BackendKind as clap::ValueEnum>::from_str("tpu", false).is_err());
	assert_eq!(<BackendKind as clap::ValueEnum>::from_str("cpu", false), Ok(BackendKind::Cpu));
}

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// Attack: a stranger who reaches an exposed prover host fills its queue with tasks of
/// its own (or cancels the miner's). With a token configured, submitting and cancelling
/// without it, or with another, is refused before anything is read or queued; reading
/// stays open.
#[test]
fn a_host_with_a_token_refuses_strangers_submissions_and_cancellations() {
	let fake = FakeBackend::open();
	let token: AuthToken = TOKEN.parse().unwrap();
	let s =
		TestService::start(fake.clone(), ServiceConfig { auth_token: Some(token), ..config(1, 8) });
	let body = serde_json::to_vec(&fake_task(1)).unwrap();
	let post = |headers: &[(&str, &str)]| {
		request_with(s.addr, "POST", "/tasks", Some(&body), headers).unwrap()
	};

	let anonymous = post(&[]);
	assert_eq!(anonymous.status, 401, "{}", anonymous.text());
	assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
	assert!(anonymous.json()["error"].as_str().unwrap().contains("Authorization: Bearer"));
	let wrong = post(&[("Authorization", "Bearer 0123456789abcdef0123456789abcdee")]);
	assert_eq!((wrong.status, wrong.json()["error"].as_str()), (401, Some("wrong token")));
	let prefix = post(&[("Authorization", &format!("Bearer {}", &TOKEN[..20]))]);
	assert_eq!(prefix.status, 401, "a prefix of the token is not the token");
	assert_eq!(fake.validations.load(std::sync::atomic::Ordering::SeqCst), 0, "nothing read");
	assert!(s.metrics().contains("reason=\"unauthorized\"} 3"), "{}", s.metrics());

	let bearer = format!("Bearer {TOKEN}");
	let accepted = post(&[("Authorization", &bearer)]);
	assert_eq!(accepted.status, 202, "{}", accepted.text());
	let id = accepted.json()["id"].as_str().unwrap().to_string();
	// Reading stays open.
	assert_eq!(get(s.addr, &format!("/tasks/{id}")).unwrap().status, 200);
	assert_eq!(get(s.addr, "/health").unwrap().json()["auth"], true);
	assert_eq!(get(s.addr, "/metrics").unwrap().status, 200);
	// Cancelling needs the token too.
	let path = format!("/tasks/{id}");
	assert_eq!(request(s.addr, "DELETE", &path, None).unwrap().status, 401);
	let cancelled = request_with(s.addr, "DELETE", &path, None, &[("Authorization", &bearer)]);
	assert_eq!(cancelled.unwrap().status, 200);
}

#[test]
fn tokens_too_short_or_unprintable_are_refused() {
	assert!("short".parse::<AuthToken>().is_err());
	assert!("0123456789abcdef 0123".parse::<AuthToken>().is_err());
	assert!(TOKEN.parse::<AuthToken>().is_ok());
	assert_eq!(format!("{:?}", TOKEN.parse::<AuthToken>().unwrap()), "AuthToken(..)");
}

/// The real binary: a host listening beyond loopback does not start without a token.
#[test]
fn the_binary_refuses_to_serve_strangers_without_a_token() {
	let out = std::process::Command::new(env!("CARGO_BIN_EXE_zkpow-prover"))
		.args(["serve", "--listen", "0.0.0.0:0"])
		.env_remove("ZKPOW_PROVER_TOKEN")
		.output()
		.unwrap();
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("ZKPOW_PROVER_TOKEN"), "{stderr}");
}

/// The attack on an earlier sequence's deadline, over HTTP: a later sequence's batch
/// proofs are queued before those of the sequence that must be revealed first. The host
/// serves the lower `start_batch` first; tasks without one go last.
#[test]
fn tasks_with_a_lower_start_batch_are_proven_first() {
	let fake = FakeBackend::gated();
	let s = TestService::start(fake.clone(), config(1, 8));
	let submit_at = |n: u8, query: &str| {
		let body = serde_json::to_vec(&fake_task(n)).unwrap();
		let reply = request(s.addr, "POST", &format!("/tasks{query}"), Some(&body)).unwrap();
		assert_eq!(reply.status, 202, "{}", reply.text());
		reply.json()["id"].as_str().unwrap().to_string()
	};
	let running = submit_at(1, "");
	wait_running(&s, &running);
	let late = submit_at(2, "?start_batch=50");
	let early = submit_at(3, "?start_batch=10");
	let none = submit_at(4, "");
	let middle = submit_at(5, "?start_batch=30");
	let bad = request(s.addr, "POST", "/tasks?start_batch=soon", Some(b"{}")).unwrap();
	assert_eq!(bad.status, 400, "{}", bad.text());
	fake.release();
	for id in [&late, &early, &none, &middle] {
		assert_eq!(s.wait(id)["state"], "succeeded");
	}
	assert_eq!(*fake.proved.lock().unwrap(), vec![running, early, middle, late, none]);
}

/// Opens a connection and sends a `POST /tasks` whose body never comes.
fn hanging_submission(addr: SocketAddr) -> std::net::TcpStream {
	use std::io::Write;
	let mut socket = std::net::TcpStream::connect(addr).unwrap();
	socket
		.write_all(b"POST /tasks HTTP/1.1\r\nHost: prover\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
		.unwrap();
	socket
}

/// Attack: a client sends a task's headers and then trickles (or never sends) its body,
/// to hold the host's connections. The request is cut at the request timeout with `408`.
#[test]
fn a_client_that_never_finishes_its_body_gets_408() {
	use std::io::Read;
	let config = ServiceConfig { request_timeout: Duration::from_secs(1), ..config(1, 4) };
	let s = TestService::start(FakeBackend::open(), config);
	let mut socket = hanging_submission(s.addr);
	socket.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
	let mut answer = [0u8; 512];
	let n = socket.read(&mut answer).unwrap();
	let answer = String::from_utf8_lossy(&answer[..n]);
	assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
	assert!(answer.contains("not done within 1 s"), "{answer}");
	assert!(s.metrics().contains("zkpow_prover_tasks_rejected_total{reason=\"timeout\"} 1"));
}

/// Attack: a client opens more requests than the host handles at once and leaves them
/// hanging, so that the miner's requests wait behind them. Beyond the limit the host
/// answers `503` at once instead of queueing, and serves again when they are gone.
#[test]
fn requests_beyond_the_concurrency_limit_are_refused_at_once() {
	let config = ServiceConfig {
		max_concurrent_requests: 2,
		request_timeout: Duration::from_secs(60),
		..config(1, 4)
	};
	let s = TestService::start(FakeBackend::open(), config);
	let hanging = [hanging_submission(s.addr), hanging_submission(s.addr)];
	let mut refused = None;
	for _ in 0..200 {
		let reply = get(s.addr, "/health").unwrap();
		if reply.status == 503 {
			refused = Some(reply);
			break;
		}
		std::thread::sleep(Duration::from_millis(10));
	}
	let refused = refused.expect("a third request at once is refused");
	assert!(refused.json()["error"].as_str().unwrap().contains("too many requests at once"));
	drop(hanging);
	let mut served = false;
	for _ in 0..500 {
		if get(s.addr, "/health").unwrap().status == 200 {
			served = true;
			break;
		}
		std::thread::sleep(Duration::from_millis(10));
	}
	assert!(served, "the host serves again once the hanging requests are gone");
	assert!(s.metrics().contains("zkpow_prover_tasks_rejected_total{reason=\"overloaded\"}"));
}
