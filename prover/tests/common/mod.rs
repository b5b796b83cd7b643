//! Raw HTTP for the service tests, over `reqwest`: the tests also send what a typed
//! client never would (malformed JSON, wrong tokens, unknown paths) and look at status
//! codes and headers.

#![allow(dead_code)]

use std::{net::SocketAddr, sync::OnceLock, time::Duration};

/// A response: status code, headers and body.
#[derive(Debug, Clone)]
pub struct Reply {
	/// HTTP status code.
	pub status: u16,
	headers: reqwest::header::HeaderMap,
	/// Body bytes.
	pub body: Vec<u8>,
}

impl Reply {
	/// The body as JSON (`null` if it is not JSON).
	pub fn json(&self) -> serde_json::Value {
		serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
	}

	/// The body as text.
	pub fn text(&self) -> String {
		String::from_utf8_lossy(&self.body).into_owned()
	}

	/// A header's value.
	pub fn header(&self, name: &str) -> Option<&str> {
		self.headers.get(name).and_then(|v| v.to_str().ok())
	}
}

/// The runtime the test threads' requests run on.
pub fn runtime() -> &'static tokio::runtime::Runtime {
	static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
	RUNTIME.get_or_init(|| {
		tokio::runtime::Builder::new_multi_thread()
			.worker_threads(1)
			.enable_all()
			.build()
			.expect("client runtime")
	})
}

fn client() -> &'static reqwest::Client {
	static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
	CLIENT.get_or_init(|| {
		reqwest::Client::builder()
			.timeout(Duration::from_secs(600))
			.build()
			.expect("client")
	})
}

/// Sends one request with extra `headers` and reads the whole response.
pub fn request_with(
	addr: SocketAddr,
	method: &str,
	path: &str,
	body: Option<&[u8]>,
	headers: &[(&str, &str)],
) -> reqwest::Result<Reply> {
	let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
	let mut request = client()
		.request(method, format!("http://{addr}{path}"))
		.header("content-type", "application/json");
	for (name, value) in headers {
		request = request.header(*name, *value);
	}
	if let Some(body) = body {
		request = request.body(body.to_vec());
	}
	runtime().block_on(async move {
		let reply = request.send().await?;
		let status = reply.status().as_u16();
		let headers = reply.headers().clone();
		let body = reply.bytes().await?.to_vec();
		Ok(Reply { status, headers, body })
	})
}

/// Sends one request and reads the whole response.
pub fn request(
	addr: SocketAddr,
	method: &str,
	path: &str,
	body: Option<&[u8]>,
) -> reqwest::Result<Reply> {
	request_with(addr, method, path, body, &[])
}

/// `GET path`.
pub fn get(addr: SocketAddr, path: &str) -> reqwest::Result<Reply> {
	request(addr, "GET", path, None)
}

/// `POST path` with a JSON body.
pub fn post_json(addr: SocketAddr, path: &str, body: &serde_json::Value) -> reqwest::Result<Reply> {
	request(addr, "POST", path, Some(&serde_json::to_vec(body).expect("JSON serializes")))
}

/// Polls `GET /tasks/{id}` until the job is final, then returns its status.
pub fn wait_final(addr: SocketAddr, id: &str, timeout: Duration) -> serde_json::Value {
	let deadline = std::time::Instant::now() + timeout;
	loop {
		let status = get(addr, &format!("/tasks/{id}")).expect("the host answers").json();
		if matches!(status["state"].as_str(), Some("succeeded" | "failed" | "cancelled")) {
			return status;
		}
		assert!(std::time::Instant::now() < deadline, "task {id} still {status}");
		std::thread::sleep(Duration::from_millis(20));
	}
}
