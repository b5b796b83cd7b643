//! The service's Prometheus metrics (`GET /metrics`), kept in a `prometheus` registry of
//! its own.

use prometheus::{
	Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
	IntGaugeVec, Opts, Registry, TextEncoder,
};

/// Upper bounds (seconds) of the proving-time histogram buckets.
pub const PROVE_BUCKETS: [f64; 10] = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0];

/// The service's metrics.
pub struct Metrics {
	registry: Registry,
	submitted: IntCounterVec,
	deduplicated: IntCounter,
	rejected: IntCounterVec,
	finished: IntCounterVec,
	prove_seconds: HistogramVec,
	info: IntGaugeVec,
	queue_depth: IntGauge,
	queue_capacity: IntGauge,
	running: IntGauge,
	workers: IntGauge,
}

/// Point-in-time values set when the metrics are read.
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

fn register<M: prometheus::core::Collector + Clone + 'static>(registry: &Registry, metric: M) -> M {
	registry.register(Box::new(metric.clone())).expect("metric names are unique");
	metric
}

impl Default for Metrics {
	fn default() -> Self {
		let r = Registry::new();
		let counter_vec = |name: &str, help: &str, labels: &[&str]| {
			register(&r, IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric"))
		};
		let gauge =
			|name: &str, help: &str| register(&r, IntGauge::new(name, help).expect("valid metric"));
		Self {
			submitted: counter_vec(
				"zkpow_prover_tasks_submitted_total",
				"Tasks accepted, by kind.",
				&["kind"],
			),
			deduplicated: register(
				&r,
				IntCounter::new(
					"zkpow_prover_tasks_deduplicated_total",
					"Submissions answered by an existing job with the same content.",
				)
				.expect("valid metric"),
			),
			rejected: counter_vec(
				"zkpow_prover_tasks_rejected_total",
				"Submissions refused, by reason.",
				&["reason"],
			),
			finished: counter_vec(
				"zkpow_prover_tasks_finished_total",
				"Jobs that ended, by kind and outcome.",
				&["kind", "outcome"],
			),
			prove_seconds: register(
				&r,
				HistogramVec::new(
					HistogramOpts::new(
						"zkpow_prover_prove_seconds",
						"Proving time of finished jobs, by kind.",
					)
					.buckets(PROVE_BUCKETS.to_vec()),
					&["kind"],
				)
				.expect("valid metric"),
			),
			info: register(
				&r,
				IntGaugeVec::new(
					Opts::new("zkpow_prover_info", "Backend and circuit configuration."),
					&["backend", "config"],
				)
				.expect("valid metric"),
			),
			queue_depth: gauge("zkpow_prover_queue_depth", "Tasks waiting for a worker."),
			queue_capacity: gauge("zkpow_prover_queue_capacity", "Most tasks that may wait."),
			running: gauge("zkpow_prover_running", "Tasks being proven."),
			workers: gauge("zkpow_prover_workers", "Parallel proving workers."),
			registry: r,
		}
	}
}

impl Metrics {
	/// A task was accepted.
	pub fn submitted(&self, kind: &str) {
		self.submitted.with_label_values(&[kind]).inc();
	}

	/// A submission matched an existing job.
	pub fn deduplicated(&self) {
		self.deduplicated.inc();
	}

	/// A submission was refused (`invalid`, `queue_full`, `shutting_down`, `unauthorized`,
	/// `overloaded`, `timeout`).
	pub fn rejected(&self, reason: &str) {
		self.rejected.with_label_values(&[reason]).inc();
	}

	/// A job ended (`succeeded`, `failed`, `cancelled`) after `seconds` of proving.
	pub fn finished(&self, kind: &str, outcome: &str, seconds: Option<f64>) {
		self.finished.with_label_values(&[kind, outcome]).inc();
		if let Some(s) = seconds {
			let histogram: Histogram = self.prove_seconds.with_label_values(&[kind]);
			histogram.observe(s);
		}
	}

	/// The exposition text, with the gauges set to `g`.
	pub fn render(&self, g: &Gauges) -> String {
		self.info.with_label_values(&[g.backend, g.config]).set(1);
		self.queue_depth.set(g.queued as i64);
		self.queue_capacity.set(g.queue_capacity as i64);
		self.running.set(g.running as i64);
		self.workers.set(g.workers as i64);
		let mut text = Vec::new();
		TextEncoder::new()
			.encode(&self.registry.gather(), &mut text)
			.expect("the text encoder writes to memory");
		String::from_utf8(text).expect("the text format is UTF-8")
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn render_counters_histograms_and_gauges() {
		let m = Metrics::default();
		m.submitted("batch");
		m.rejected("unauthorized");
		m.rejected("unauthorized");
		m.finished("batch", "succeeded", Some(0.7));
		let text = m.render(&Gauges {
			queued: 3,
			running: 1,
			queue_capacity: 64,
			workers: 2,
			backend: "cpu",
			config: "test",
		});
		for line in [
			"zkpow_prover_tasks_submitted_total{kind=\"batch\"} 1",
			"zkpow_prover_tasks_rejected_total{reason=\"unauthorized\"} 2",
			"zkpow_prover_tasks_finished_total{kind=\"batch\",outcome=\"succeeded\"} 1",
			"zkpow_prover_prove_seconds_bucket{kind=\"batch\",le=\"0.5\"} 0",
			"zkpow_prover_prove_seconds_bucket{kind=\"batch\",le=\"1\"} 1",
			"zkpow_prover_prove_seconds_count{kind=\"batch\"} 1",
			"zkpow_prover_queue_depth 3",
			"zkpow_prover_workers 2",
			"zkpow_prover_info{backend=\"cpu\",config=\"test\"} 1",
			"# TYPE zkpow_prover_prove_seconds histogram",
		] {
			assert!(text.contains(line), "missing {line} in\n{text}");
		}
	}
}
