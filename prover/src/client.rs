//! A minimal blocking HTTP/1.1 client for the prover's own API (tests, benchmarks,
//! scripts): one request per connection, JSON bodies.

use std::{
	io::{Read, Write},
	net::{SocketAddr, TcpStream},
	time::Duration,
};

/// A response: status code and body.
#[derive(Debug, Clone)]
pub struct Reply {
	/// HTTP status code.
	pub status: u16,
	/// Response headers, names lowercased.
	pub headers: Vec<(String, String)>,
	/// Body bytes.
	pub body: Vec<u8>,
}

impl Reply {
	/// The body as JSON.
	pub fn json(&self) -> serde_json::Value {
		serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
	}

	/// The body as text.
	pub fn text(&self) -> String {
		String::from_utf8_lossy(&self.body).into_owned()
	}

	/// A header's value.
	pub fn header(&self, name: &str) -> Option<&str> {
		self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
	}
}

/// Sends one request and reads the whole response.
pub fn request(
	addr: SocketAddr,
	method: &str,
	path: &str,
	body: Option<&[u8]>,
) -> std::io::Result<Reply> {
	request_with(addr, method, path, body, &[])
}

/// Sends one request with extra `headers` and reads the whole response.
pub fn request_with(
	addr: SocketAddr,
	method: &str,
	path: &str,
	body: Option<&[u8]>,
	headers: &[(&str, &str)],
) -> std::io::Result<Reply> {
	let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))?;
	stream.set_read_timeout(Some(Duration::from_secs(600)))?;
	let body = body.unwrap_or_default();
	let extra: String = headers.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect();
	let head = format!(
		"{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n",
		body.len()
	);
	stream.write_all(head.as_bytes())?;
	stream.write_all(body)?;
	let mut raw = Vec::new();
	stream.read_to_end(&mut raw)?;
	parse(&raw).ok_or_else(|| {
		std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed HTTP response")
	})
}

fn parse(raw: &[u8]) -> Option<Reply> {
	let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
	let head = std::str::from_utf8(&raw[..split]).ok()?;
	let mut lines = head.split("\r\n");
	let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
	let headers: Vec<(String, String)> = lines
		.filter_map(|l| l.split_once(':'))
		.map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
		.collect();
	let mut body = raw[split + 4..].to_vec();
	if headers
		.iter()
		.any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"))
	{
		body = dechunk(&body)?;
	}
	Some(Reply { status, headers, body })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
	let mut out = Vec::new();
	loop {
		let line_end = data.windows(2).position(|w| w == b"\r\n")?;
		let size = usize::from_str_radix(
			std::str::from_utf8(&data[..line_end]).ok()?.split(';').next()?.trim(),
			16,
		)
		.ok()?;
		data = &data[line_end + 2..];
		if size == 0 {
			return Some(out);
		}
		out.extend_from_slice(data.get(..size)?);
		data = data.get(size + 2..)?;
	}
}

/// `GET path`.
pub fn get(addr: SocketAddr, path: &str) -> std::io::Result<Reply> {
	request(addr, "GET", path, None)
}

/// `POST path` with a JSON body.
pub fn post_json(addr: SocketAddr, path: &str, body: &serde_json::Value) -> std::io::Result<Reply> {
	request(addr, "POST", path, Some(&serde_json::to_vec(body).expect("JSON serializes")))
}

/// Polls `GET /tasks/{id}` until the job is final, then returns its status.
pub fn wait_final(
	addr: SocketAddr,
	id: &str,
	timeout: Duration,
) -> std::io::Result<serde_json::Value> {
	let deadline = std::time::Instant::now() + timeout;
	loop {
		let status = get(addr, &format!("/tasks/{id}"))?.json();
		if matches!(status["state"].as_str(), Some("succeeded" | "failed" | "cancelled")) {
			return Ok(status);
		}
		if std::time::Instant::now() > deadline {
			return Err(std::io::Error::new(
				std::io::ErrorKind::TimedOut,
				format!("task {id} still {status}"),
			));
		}
		std::thread::sleep(Duration::from_millis(20));
	}
}
