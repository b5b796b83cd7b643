//! Prometheus metrics in the text exposition format (hand-rolled: a few counters, two
//! gauges and a histogram do not need a metrics library).

use std::{collections::BTreeMap, fmt::Write as _, sync::Mutex};

/// Upper bounds (seconds) of the proving-time histogram buckets.
pub const PROVE_BUCKETS: [f64; 10] = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0];

#[derive(Default)]
struct Histogram {
	buckets: [u64; PROVE_BUCKETS.len()],
	count: u64,
	sum: f64,
}

#[derive(Default)]
struct Inner {
	submitted: BTreeMap<String, u64>,
	deduplicated: u64,
	rejected: BTreeMap<String, u64>,
	finished: BTreeMap<(String, String), u64>,
	prove_seconds: BTreeMap<String, Histogram>,
}

/// The service's metrics.
#[derive(Default)]
pub struct Metrics {
	inner: Mutex<Inner>,
}

/// Point-in-time values rendered alongside the counters.
pub struct Gauges<'a> {
	/// Jobs waiting.
	pub queued: usize,
	/// Jobs being proven.
	pub running: usize,
	/// Queue capacity.
	pub queue_capacity: usize,
	/// Worker count.
	pub workers: usize,
	/// Backend name.
	pub backend: &'a str,
	/// Circuit configuration name.
	pub config: &'a str,
}

impl Metrics {
	fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
		f(&mut self.inner.lock().unwrap_or_else(|p| p.into_inner()))
	}

	/// A task was accepted.
	pub fn submitted(&self, kind: &str) {
		self.with(|m| *m.submitted.entry(kind.into()).or_default() += 1);
	}

	/// A submission matched an existing job.
	pub fn deduplicated(&self) {
		self.with(|m| m.deduplicated += 1);
	}

	/// A submission was refused (`invalid`, `queue_full`, `shutting_down`, `unauthorized`).
	pub fn rejected(&self, reason: &str) {
		self.with(|m| *m.rejected.entry(reason.into()).or_default() += 1);
	}

	/// A job ended (`succeeded`, `failed`, `cancelled`) after `seconds` of proving.
	pub fn finished(&self, kind: &str, outcome: &str, seconds: Option<f64>) {
		self.with(|m| {
			*m.finished.entry((kind.into(), outcome.into())).or_default() += 1;
			if let Some(s) = seconds {
				let h = m.prove_seconds.entry(kind.into()).or_default();
				for (bucket, bound) in h.buckets.iter_mut().zip(PROVE_BUCKETS) {
					if s <= bound {
						*bucket += 1;
					}
				}
				h.count += 1;
				h.sum += s;
			}
		});
	}

	/// The exposition text.
	pub fn render(&self, g: &Gauges) -> String {
		let mut text = String::new();
		let mut put = |name: &str, kind: &str, help: &str, samples: Vec<String>| {
			let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} {kind}");
			for s in samples {
				let _ = writeln!(text, "{s}");
			}
		};
		let gauge = |name: &str, value: usize| vec![format!("{name} {value}")];
		put(
			"zkpow_prover_info",
			"gauge",
			"Backend and circuit configuration.",
			vec![format!(
				"zkpow_prover_info{{backend=\"{}\",config=\"{}\"}} 1",
				g.backend, g.config
			)],
		);
		put(
			"zkpow_prover_queue_depth",
			"gauge",
			"Tasks waiting for a worker.",
			gauge("zkpow_prover_queue_depth", g.queued),
		);
		put(
			"zkpow_prover_queue_capacity",
			"gauge",
			"Most tasks that may wait.",
			gauge("zkpow_prover_queue_capacity", g.queue_capacity),
		);
		put(
			"zkpow_prover_running",
			"gauge",
			"Tasks being proven.",
			gauge("zkpow_prover_running", g.running),
		);
		put(
			"zkpow_prover_workers",
			"gauge",
			"Parallel proving workers.",
			gauge("zkpow_prover_workers", g.workers),
		);
		self.with(|m| {
			put(
				"zkpow_prover_tasks_submitted_total",
				"counter",
				"Tasks accepted, by kind.",
				m.submitted.iter().map(|(k, v)| format!("zkpow_prover_tasks_submitted_total{{kind=\"{k}\"}} {v}")).collect(),
			);
			put(
				"zkpow_prover_tasks_deduplicated_total",
				"counter",
				"Submissions answered by an existing job with the same content.",
				vec![format!("zkpow_prover_tasks_deduplicated_total {}", m.deduplicated)],
			);
			put(
				"zkpow_prover_tasks_rejected_total",
				"counter",
				"Submissions refused, by reason.",
				m.rejected.iter().map(|(r, v)| format!("zkpow_prover_tasks_rejected_total{{reason=\"{r}\"}} {v}")).collect(),
			);
			put(
				"zkpow_prover_tasks_finished_total",
				"counter",
				"Jobs that ended, by kind and outcome.",
				m.finished
					.iter()
					.map(|((k, o), v)| format!("zkpow_prover_tasks_finished_total{{kind=\"{k}\",outcome=\"{o}\"}} {v}"))
					.collect(),
			);
			let mut samples = Vec::new();
			for (kind, h) in &m.prove_seconds {
				for (count, bound) in h.buckets.iter().zip(PROVE_BUCKETS) {
					samples.push(format!("zkpow_prover_prove_seconds_bucket{{kind=\"{kind}\",le=\"{bound}\"}} {count}"));
				}
				samples.push(format!("zkpow_prover_prove_seconds_bucket{{kind=\"{kind}\",le=\"+Inf\"}} {}", h.count));
				samples.push(format!("zkpow_prover_prove_seconds_sum{{kind=\"{kind}\"}} {}", h.sum));
				samples.push(format!("zkpow_prover_prove_seconds_count{{kind=\"{kind}\"}} {}", h.count));
			}
			put("zkpow_prover_prove_seconds", "histogram", "Proving time of finished jobs, by kind.", samples);
		});
		text
	}
}
