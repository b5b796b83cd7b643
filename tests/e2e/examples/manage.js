#!/usr/bin/env node
// Owner actions on a rollup: set a new sequencer, pause (no new sequences; sequences in
// flight are still proven), resume.
//
//   node examples/manage.js --url ws://127.0.0.1:9944 --suri //Alice --rollup 0 --sequencer <address>
//   node examples/manage.js --rollup 0 --pause
//   node examples/manage.js --rollup 0 --resume

import { connect, signer, submit, findEvent } from '../lib/api.js';
import { args, isMain, required, run } from '../lib/cli.js';

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

const USAGE = `usage: node examples/manage.js [--url ws://127.0.0.1:9944] [--suri //Alice] --rollup ID
  (--sequencer ADDRESS | --pause | --resume)`;

if (isMain(import.meta.url)) {
  run(async () => {
    const o = args(
      { rollup: { type: 'string' }, sequencer: { type: 'string' }, pause: { type: 'boolean' }, resume: { type: 'boolean' } },
      USAGE,
    );
    const rollupId = Number(required(o, 'rollup', USAGE));
    if ([o.sequencer !== undefined, o.pause, o.resume].filter(Boolean).length !== 1) {
      throw new Error(`give exactly one of --sequencer, --pause, --resume\n${USAGE}`);
    }
    const pair = await signer(o.suri);
    const api = await connect(o.url);
    try {
      const out = o.pause
        ? await pauseRollup(api, pair, rollupId)
        : o.resume
          ? await resumeRollup(api, pair, rollupId)
          : await setSequencer(api, pair, rollupId, o.sequencer);
      console.log(JSON.stringify(out, null, 2));
    } finally {
      await api.disconnect();
    }
  });
}
