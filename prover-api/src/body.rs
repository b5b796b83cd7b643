//! Reading answers from endpoints a miner does not control (a rollup's data URL, a prover
//! host): the body is read in chunks up to a cap, so an endpoint that answers gigabytes
//! costs at most the cap. Each request also has the `reqwest::Client`'s total timeout,
//! which covers a body that trickles.

/// Why a body was not read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
	/// The body is larger than the cap (announced or read so far).
	#[error("answered more than {cap} bytes")]
	TooLarge {
		/// The cap.
		cap: usize,
	},
	/// The connection failed or timed out while reading.
	#[error("body unreadable: {0}")]
	Read(#[from] reqwest::Error),
	/// The body is not the JSON expected.
	#[error("body is not the expected JSON: {0}")]
	Json(#[from] serde_json::Error),
}

/// Reads `reply`'s body, refusing more than `cap` bytes.
pub async fn read_capped(mut reply: reqwest::Response, cap: usize) -> Result<Vec<u8>, BodyError> {
	if reply.content_length().is_some_and(|len| len > cap as u64) {
		return Err(BodyError::TooLarge { cap });
	}
	let mut body = Vec::new();
	while let Some(chunk) = reply.chunk().await? {
		if body.len() + chunk.len() > cap {
			return Err(BodyError::TooLarge { cap });
		}
		body.extend_from_slice(&chunk);
	}
	Ok(body)
}

/// Reads `reply`'s body as JSON, refusing more than `cap` bytes.
pub async fn json_capped<T: serde::de::DeserializeOwned>(
	reply: reqwest::Response,
	cap: usize,
) -> Result<T, BodyError> {
	let body = read_capped(reply, cap).await?;
	Ok(serde_json::from_slice(&body)?)
}

#[cfg(test)]
mod tests {
	use super::*;
	use tokio::io::{AsyncReadExt, AsyncWriteExt};

	/// Serves one answer of `head` then `body_len` bytes of `x` on a loopback port.
	async fn serve_once(head: &'static str, body_len: usize) -> String {
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		let addr = listener.local_addr().unwrap();
		tokio::spawn(async move {
			let (mut socket, _) = listener.accept().await.unwrap();
			let mut request = [0u8; 1024];
			let _ = socket.read(&mut request).await;
			let _ = socket.write_all(head.as_bytes()).await;
			let chunk = vec![b'x'; 64 << 10];
			let mut sent = 0;
			while sent < body_len {
				let n = chunk.len().min(body_len - sent);
				if socket.write_all(&chunk[..n]).await.is_err() {
					return;
				}
				sent += n;
			}
		});
		format!("http://{addr}/")
	}

	/// Attack: a data endpoint answers a huge body (announced or not); the miner reads at
	/// most the cap and refuses the rest.
	#[tokio::test]
	async fn refuse_a_body_over_the_cap_announced_or_not() {
		let http = reqwest::Client::new();
		let announced = serve_once("HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n", 0).await;
		let reply = http.get(announced).send().await.unwrap();
		assert!(matches!(read_capped(reply, 1 << 20).await, Err(BodyError::TooLarge { .. })));

		let unannounced = serve_once("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", 4 << 20).await;
		let reply = http.get(unannounced).send().await.unwrap();
		assert!(matches!(read_capped(reply, 1 << 20).await, Err(BodyError::TooLarge { .. })));

		let small = serve_once("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", 3).await;
		let reply = http.get(small).send().await.unwrap();
		assert_eq!(read_capped(reply, 1 << 20).await.unwrap(), b"xxx");
	}
}
