#!/usr/bin/env node
// Owner actions on a rollup: set a new sequencer, pause (no new sequences; sequences in
// flight are still proven), resume, rotate its verifying key; and governance's freeze.
//
//   node examples/manage.js --url ws://127.0.0.1:9944 --suri //Alice --rollup 0 --sequencer <address>
//   node examples/manage.js --rollup 0 --pause
//   node examples/manage.js --rollup 0 --resume
//   node examples/manage.js --rollup 0 --rotate-vk keys/vk_set.hex [--verifier ReferenceArtifactV1]
//   node examples/manage.js --rollup 0 --rotate-snarkjs-vk verification_key.json
//   node examples/manage.js --suri //Alice --rollup 0 --freeze     # or --unfreeze (sudo key)
//
// A rotated key verifies the sequences submitted once the notice period
// (`zkpow.termsNoticePeriod` blocks) is over; earlier sequences keep their key. A frozen
// rollup takes no sequences, commits or reveals, and its windows close without penalty;
// `--freeze` sends `sudo(zkpow.setFrozen)`, so the signer must be the sudo key.

import { connect, signer, submit, findEvent } from '../lib/api.js';
import { args, isMain, required, run } from '../lib/cli.js';
import { importSnarkjsKey, readKey } from './register.js';

/** Makes `sequencer` the only account allowed to submit sequences; resolves with the `RollupUpdated` data. */
export async function setSequencer(api, pair, rollupId, sequencer) {
  const tx = api.tx.zkpow.updateRollup(rollupId, { Id: sequencer }, null);
  const { blockHash, events } = await submit(api, tx, pair);
  const e = findEvent(api, events, 'RollupUpdated').data;
  return { rollupId: e.rollupId.toNumber(), sequencer: e.sequencer.toString(), terms: e.terms.toJSON(), blockHash };
}

/** Pauses a rollup; resolves with the block hash. */
export async function pauseRollup(api, pair, rollupId) {
  const { blockHash, events } = await submit(api, api.tx.zkpow.pauseRollup(rollupId), pair);
  findEvent(api, events, 'RollupPaused');
  return { rollupId, blockHash };
}

/** Resumes a paused rollup; resolves with the block hash. */
export async function resumeRollup(api, pair, rollupId) {
  const { blockHash, events } = await submit(api, api.tx.zkpow.resumeRollup(rollupId), pair);
  findEvent(api, events, 'RollupResumed');
  return { rollupId, blockHash };
}

/**
 * Announces a new verifying key (hex or bytes) of kind `verifier` (default
 * 'ReferenceArtifactV1'); resolves with `{ rollupId, kind, effectiveAt, deposit, blockHash }`
 * from `KeyRotationAnnounced`.
 */
export async function rotateKey(api, pair, rollupId, verifyingKey, verifier = 'ReferenceArtifactV1') {
  const tx = api.tx.zkpow.rotateVerifyingKey(rollupId, { kind: verifier, key: verifyingKey });
  const { blockHash, events } = await submit(api, tx, pair);
  const e = findEvent(api, events, 'KeyRotationAnnounced').data;
  return {
    rollupId: e.rollupId.toNumber(),
    kind: e.kind.toString(),
    effectiveAt: e.effectiveAt.toNumber(),
    deposit: e.deposit.toBigInt(),
    blockHash,
  };
}

/** Freezes (`frozen` true) or unfreezes a rollup through `sudo`; resolves with the block hash. */
export async function setFrozen(api, sudoPair, rollupId, frozen) {
  const tx = api.tx.sudo.sudo(api.tx.zkpow.setFrozen(rollupId, frozen));
  const { blockHash, events } = await submit(api, tx, sudoPair);
  findEvent(api, events, frozen ? 'RollupFrozen' : 'RollupUnfrozen');
  return { rollupId, frozen, blockHash };
}

const USAGE = `usage: node examples/manage.js [--url ws://127.0.0.1:9944] [--suri //Alice] --rollup ID
  (--sequencer ADDRESS | --pause | --resume | --freeze | --unfreeze
   | --rotate-vk FILE [--verifier ReferenceArtifactV1|Groth16Bn254] | --rotate-snarkjs-vk FILE)`;

if (isMain(import.meta.url)) {
  run(async () => {
    const o = args(
      {
        rollup: { type: 'string' }, sequencer: { type: 'string' }, pause: { type: 'boolean' },
        resume: { type: 'boolean' }, freeze: { type: 'boolean' }, unfreeze: { type: 'boolean' },
        'rotate-vk': { type: 'string' }, 'rotate-snarkjs-vk': { type: 'string' }, verifier: { type: 'string' },
      },
      USAGE,
    );
    const rollupId = Number(required(o, 'rollup', USAGE));
    const actions = [o.sequencer !== undefined, o.pause, o.resume, o.freeze, o.unfreeze,
      o['rotate-vk'] !== undefined, o['rotate-snarkjs-vk'] !== undefined];
    if (actions.filter(Boolean).length !== 1) {
      throw new Error(`give exactly one action\n${USAGE}`);
    }
    const pair = await signer(o.suri);
    const api = await connect(o.url);
    try {
      let out;
      if (o.pause) out = await pauseRollup(api, pair, rollupId);
      else if (o.resume) out = await resumeRollup(api, pair, rollupId);
      else if (o.freeze || o.unfreeze) out = await setFrozen(api, pair, rollupId, Boolean(o.freeze));
      else if (o['rotate-vk'] !== undefined) {
        out = await rotateKey(api, pair, rollupId, readKey(o['rotate-vk']), o.verifier);
      } else if (o['rotate-snarkjs-vk'] !== undefined) {
        out = await rotateKey(api, pair, rollupId, importSnarkjsKey(o['rotate-snarkjs-vk']), 'Groth16Bn254');
      } else out = await setSequencer(api, pair, rollupId, o.sequencer);
      console.log(JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
    } finally {
      await api.disconnect();
    }
  });
}
