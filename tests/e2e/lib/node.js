// Starts a real `zkpow-node --dev` on free loopback ports in a fresh base path, for tests.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** `$CARGO_TARGET_DIR`, by default `~/.cache/zkpow-target` (as in scripts/). */
export function targetDir() {
  return process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'zkpow-target');
}

/** `$ZKPOW_NODE_BIN`, else `$CARGO_TARGET_DIR/debug/zkpow-node`; throws if it does not exist. */
export function nodeBinary() {
  const bin = process.env.ZKPOW_NODE_BIN || join(targetDir(), 'debug', 'zkpow-node');
  if (!existsSync(bin)) {
    throw new Error(
      `zkpow-node binary not found at ${bin}: build it first (cargo build -p zkpow-node) or set ZKPOW_NODE_BIN`,
    );
  }
  return bin;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function rpcAnswers(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'chain_getHeader', params: [] }),
    });
    const { result } = await res.json();
    return result ? parseInt(result.number, 16) : -1;
  } catch {
    return -1;
  }
}

/**
 * Starts the node and resolves once it has produced block 1, with `{ url, rpcPort, basePath,
 * logTail(n), stop() }`. `stop()` kills the node and removes its base path and log.
 */
export async function startDevNode({ timeoutMs = 180_000 } = {}) {
  const bin = nodeBinary();
  const basePath = mkdtempSync(join(tmpdir(), 'zkpow-e2e-'));
  const logPath = join(basePath, 'node.log');
  const [rpcPort, p2pPort, promPort] = [await freePort(), await freePort(), await freePort()];
  const log = openSync(logPath, 'w');
  const child = spawn(
    bin,
    [
      '--dev', '--rpc-port', `${rpcPort}`, '--port', `${p2pPort}`, '--prometheus-port', `${promPort}`,
      '--no-telemetry', '--no-mdns', '--base-path', join(basePath, 'data'),
    ],
    { stdio: ['ignore', log, log] },
  );
  let exited = null;
  child.once('exit', (code, signal) => { exited = signal ?? code; });
  // Never leave the node behind, even if the test process ends without calling stop().
  const reap = () => { if (exited === null) child.kill('SIGKILL'); };
  process.once('exit', reap);
  const logTail = (n = 30) => {
    try { return readFileSync(logPath, 'utf8').trim().split('\n').slice(-n).join('\n'); } catch { return ''; }
  };
  const stop = async () => {
    if (exited === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    process.removeListener('exit', reap);
    rmSync(basePath, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while ((await rpcAnswers(rpcPort)) < 1) {
    if (exited !== null || Date.now() > deadline) {
      const why = exited !== null ? `exited (${exited})` : `produced no block within ${timeoutMs / 1000} s`;
      const tail = logTail();
      await stop();
      throw new Error(`zkpow-node ${why}; last log lines:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url: `ws://127.0.0.1:${rpcPort}`, rpcPort, basePath, logTail, stop };
}
