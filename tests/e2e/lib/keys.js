// Verifying keys of the reference rollup, as the project's export command writes them.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targetDir } from './node.js';

/** `$ZKPOW_PROVER_BIN`, else the release then the debug `zkpow-prover` under `$CARGO_TARGET_DIR`. */
export function proverBinary() {
  const candidates = process.env.ZKPOW_PROVER_BIN
    ? [process.env.ZKPOW_PROVER_BIN]
    : ['release', 'debug'].map((p) => join(targetDir(), p, 'zkpow-prover'));
  const bin = candidates.find((c) => existsSync(c));
  if (!bin) {
    throw new Error(
      `zkpow-prover binary not found (looked at ${candidates.join(', ')}): build it first (cargo build -p zkpow-prover) or set ZKPOW_PROVER_BIN`,
    );
  }
  return bin;
}

/**
 * Runs `zkpow-prover export-keys --config <config>` into a temporary directory and returns
 * the hex files: `vkSet` (the key set for `ReferenceArtifactV1`), `final` (the ten-input
 * Groth16 key, usable with `Groth16Bn254`), `batch`, `aggregator`, and `manifest` (keys.json).
 * Keys not yet cached in ~/.cache/zkpow/keys are generated first (seconds for `test`).
 */
export function exportKeys({ config = 'test' } = {}) {
  const out = mkdtempSync(join(tmpdir(), 'zkpow-keys-'));
  try {
    execFileSync(proverBinary(), ['export-keys', '--config', config, '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 600_000,
    });
    const hex = (name) => readFileSync(join(out, name), 'utf8').trim();
    return {
      vkSet: hex('vk_set.hex'),
      final: hex('final_vk.hex'),
      batch: hex('batch_vk.hex'),
      aggregator: hex('aggregator_vk.hex'),
      manifest: JSON.parse(readFileSync(join(out, 'keys.json'), 'utf8')),
    };
  } catch (e) {
    throw new Error(`zkpow-prover export-keys failed: ${e.stderr?.toString().trim() || e.message}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
