//! Running one configured command under its limits: a cleared environment (`PATH` and
//! the entry's `env` only), one JSON document on stdin, stdout read up to
//! `max_output_bytes`, the last [`STDERR_TAIL_BYTES`] of stderr kept, a wall-clock
//! timeout. The command runs in a process group of its own, and the whole group is killed
//! when the run ends, however it ends (done, timed out, flooding stdout, failed, or the
//! host's thread unwinding): a wrapper script cannot leave its prover running.
//!
//! A program that leaves its process group (`setsid`, `setpgid`) escapes that kill;
//! only operator-configured programs run here, so that is the operator's choice.

use super::config::CommandSpec;
use rustix::process::{kill_process_group, Pid, Signal};
use std::{
	io::{Read, Write},
	os::unix::process::CommandExt,
	path::PathBuf,
	process::{Child, ExitStatus, Stdio},
	sync::{mpsc, Arc, Mutex},
	thread,
	time::{Duration, Instant},
};

/// Bytes of a command's stderr kept for the failure message (the rest is read and
/// dropped).
pub const STDERR_TAIL_BYTES: usize = 2048;
/// How often a command that closed its stdout is checked for having exited.
const POLL: Duration = Duration::from_millis(5);
/// How long the end of stderr is waited for once the command is gone.
const STDERR_GRACE: Duration = Duration::from_millis(500);

/// Why a run gave no output.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
	/// The program could not be started.
	#[error("cannot start {}: {source}", program.display())]
	Spawn {
		/// The program.
		program: PathBuf,
		/// The cause.
		source: std::io::Error,
	},
	/// It did not finish within its timeout; it was killed.
	#[error(
		"did not finish within its timeout of {} s and was killed{}",
		secs,
		stderr_suffix(stderr)
	)]
	Timeout {
		/// The timeout.
		secs: u64,
		/// The end of its stderr.
		stderr: String,
	},
	/// It wrote more than its output limit to stdout; it was killed.
	#[error("wrote more than {limit} bytes to stdout and was killed{}", stderr_suffix(stderr))]
	OutputTooLarge {
		/// The limit (`max_output_bytes`).
		limit: usize,
		/// The end of its stderr.
		stderr: String,
	},
	/// It exited unsuccessfully (non-zero status, or killed by a signal).
	#[error("failed with {status}{}", stderr_suffix(stderr))]
	Failed {
		/// How it ended.
		status: ExitStatus,
		/// The end of its stderr.
		stderr: String,
	},
	/// Its stdout could not be read, or it could not be waited for.
	#[error("cannot watch it: {0}")]
	Io(std::io::Error),
}

fn stderr_suffix(stderr: &str) -> String {
	match stderr.trim() {
		"" => String::new(),
		tail => format!("; the end of its stderr: {tail}"),
	}
}

/// What a successful run printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
	/// Its whole stdout (at most `max_output_bytes`).
	pub stdout: Vec<u8>,
	/// The end of its stderr (at most [`STDERR_TAIL_BYTES`]).
	pub stderr: String,
}

/// Kills a process group when dropped.
struct Group(Option<Pid>);

impl Drop for Group {
	fn drop(&mut self) {
		if let Some(pid) = self.0 {
			// ESRCH: nothing of the group is left.
			let _ = kill_process_group(pid, Signal::KILL);
		}
	}
}

/// How the wait for a command ended.
enum Ended {
	Exited(ExitStatus, Vec<u8>),
	TimedOut,
	Flooded,
}

/// Runs `spec` with `stdin` as its standard input and waits for it within its limits.
pub fn run(spec: &CommandSpec, stdin: Vec<u8>) -> Result<Output, RunError> {
	let started = Instant::now();
	let mut command = std::process::Command::new(&spec.program);
	command.args(&spec.args).env_clear();
	if let Some(path) = std::env::var_os("PATH") {
		command.env("PATH", path);
	}
	command
		.envs(&spec.env)
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.process_group(0);
	let mut child = command
		.spawn()
		.map_err(|source| RunError::Spawn { program: spec.program.clone(), source })?;
	let group = Group(Some(Pid::from_child(&child)));
	let (mut input, stdout, stderr) = (
		child.stdin.take().expect("piped stdin"),
		child.stdout.take().expect("piped stdout"),
		child.stderr.take().expect("piped stderr"),
	);
	// A command that does not read its input fails on its own; a write error is its.
	thread::spawn(move || {
		let _ = input.write_all(&stdin);
	});
	let (out_tx, out_rx) = mpsc::channel();
	let limit = spec.max_output_bytes;
	thread::spawn(move || {
		let _ = out_tx.send(read_capped(stdout, limit));
	});
	let tail = Arc::new(Mutex::new(Vec::new()));
	let (err_tx, err_rx) = mpsc::channel();
	let keep = tail.clone();
	thread::spawn(move || {
		drain_tail(stderr, &keep);
		let _ = err_tx.send(());
	});
	let ended = wait(&mut child, &out_rx, started + spec.timeout);
	// The command is done or out of time: end the whole group (leftover children too),
	// then reap it.
	drop(group);
	let _ = child.kill();
	let _ = child.wait();
	let _ = err_rx.recv_timeout(STDERR_GRACE);
	let stderr = String::from_utf8_lossy(&tail.lock().unwrap_or_else(|p| p.into_inner()))
		.trim()
		.to_string();
	match ended? {
		Ended::Exited(status, stdout) if status.success() => Ok(Output { stdout, stderr }),
		Ended::Exited(status, _) => Err(RunError::Failed { status, stderr }),
		Ended::TimedOut => Err(RunError::Timeout { secs: spec.timeout.as_secs(), stderr }),
		Ended::Flooded => Err(RunError::OutputTooLarge { limit, stderr }),
	}
}

/// Waits for the end of stdout, then for the exit, until `deadline`.
fn wait(
	child: &mut Child,
	stdout: &mpsc::Receiver<std::io::Result<Option<Vec<u8>>>>,
	deadline: Instant,
) -> Result<Ended, RunError> {
	let remaining = deadline.saturating_duration_since(Instant::now());
	let bytes = match stdout.recv_timeout(remaining) {
		Ok(Ok(Some(bytes))) => bytes,
		Ok(Ok(None)) => return Ok(Ended::Flooded),
		Ok(Err(e)) => return Err(RunError::Io(e)),
		Err(mpsc::RecvTimeoutError::Timeout) => return Ok(Ended::TimedOut),
		Err(mpsc::RecvTimeoutError::Disconnected) => {
			return Err(RunError::Io(std::io::Error::other("the stdout reader stopped")))
		},
	};
	loop {
		if let Some(status) = child.try_wait().map_err(RunError::Io)? {
			return Ok(Ended::Exited(status, bytes));
		}
		if Instant::now() >= deadline {
			return Ok(Ended::TimedOut);
		}
		thread::sleep(POLL);
	}
}

/// All of `from` if it is at most `limit` bytes; `None` as soon as it is more.
fn read_capped(from: impl Read, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
	let mut bytes = Vec::new();
	from.take(limit as u64 + 1).read_to_end(&mut bytes)?;
	Ok((bytes.len() <= limit).then_some(bytes))
}

/// Reads `from` to its end, keeping its last [`STDERR_TAIL_BYTES`] in `tail`.
fn drain_tail(mut from: impl Read, tail: &Mutex<Vec<u8>>) {
	let mut chunk = [0u8; 8192];
	loop {
		match from.read(&mut chunk) {
			Ok(0) | Err(_) => return,
			Ok(n) => {
				let mut kept = tail.lock().unwrap_or_else(|p| p.into_inner());
				kept.extend_from_slice(&chunk[..n]);
				let excess = kept.len().saturating_sub(STDERR_TAIL_BYTES);
				kept.drain(..excess);
			},
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn stdout_is_read_up_to_the_limit_and_no_further() {
		assert_eq!(read_capped(&b"12345"[..], 5).unwrap(), Some(b"12345".to_vec()));
		assert_eq!(read_capped(&b"123456"[..], 5).unwrap(), None);
		assert_eq!(read_capped(std::io::repeat(b'x'), 1 << 10).unwrap(), None, "endless");
	}

	#[test]
	fn only_the_end_of_stderr_is_kept() {
		let tail = Mutex::new(Vec::new());
		let mut text = vec![b'a'; 100_000];
		text.extend_from_slice(b"the last words");
		drain_tail(&text[..], &tail);
		let kept = tail.into_inner().unwrap();
		assert_eq!(kept.len(), STDERR_TAIL_BYTES);
		assert!(kept.ends_with(b"the last words"));
		assert_eq!(stderr_suffix("  "), "");
	}
}
