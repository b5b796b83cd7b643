#!/usr/bin/env node
// A rollup's sequencer: every `--interval` seconds it makes one more sequence (written, with
// its witnesses, into `--dir`, which `zkpow-prover publish` serves to miners) and posts its
// batch headers on chain with `submit_sequence`, signed by the rollup's sequencer.
//
//   node examples/sequencer.js --url ws://127.0.0.1:9944 --suri //Bob --rollup 0 \
//     --dir rollup/ [--kind reference] --prover-bin target/debug/zkpow-prover [--batches 2] \
//     [--interval 20] [--count N]
//
// `--kind` names the rollup whose sequences are made:
//   reference        the reference rollup: `zkpow-prover sequencer` makes `--batches` random
//                    valid batches (needs `--prover-bin`);
//   circom-balances  the example circom rollup (rollups/circom-balances): its
//                    `sequencer.mjs` makes one batch of two random transfers (`--batches`
//                    does not apply).
// Both keep their state in `--dir` and write `sequence-NNNNNN.json` files there.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, signer, submit, findEvent } from '../lib/api.js';
import { args, isMain, required, run } from '../lib/cli.js';

/** The example circom rollup's sequencer script. */
const CIRCOM_BALANCES = join(dirname(fileURLToPath(import.meta.url)), '../../../rollups/circom-balances/sequencer.mjs');

/** The sequence kinds `--kind` accepts. */
export const KINDS = ['reference', 'circom-balances'];

/**
 * Generates the next sequence of a `kind` rollup in `dir`; returns its file's content.
 * `proverBin` (reference) is the `zkpow-prover` binary, `batches` (reference) the batches
 * per sequence.
 */
export function nextSequence({ kind = 'reference', proverBin, dir, batches }) {
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
  if (kind === 'reference') {
    execFileSync(proverBin, ['sequencer', '--out', dir, '--sequences', '1', '--batches', String(batches)], quiet);
  } else if (kind === 'circom-balances') {
    execFileSync(process.execPath, [CIRCOM_BALANCES, '--out', dir, '--sequences', '1'], quiet);
  } else {
    throw new Error(`unknown sequencer kind \`${kind}\` (one of ${KINDS.join(', ')})`);
  }
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  const index = state.next_sequence - 1;
  const file = join(dir, `sequence-${String(index).padStart(6, '0')}.json`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * Posts a sequence's headers; resolves with the `SequenceSubmitted` event's index.
 *
 * The call names where the sequence continues the rollup: the batch after the rollup's last
 * one and the file's previous root. If this sequence was already posted (a retry), the
 * chain's last root has moved on and the call fails with `UnexpectedPrevStateRoot` instead
 * of posting the batches twice.
 */
export async function postSequence(api, pair, rollupId, sequence) {
  const headers = sequence.batches.map((b) => ({ stateRoot: b.state_root, dataHash: b.data_hash }));
  const rollup = (await api.query.zkpow.rollups(rollupId)).unwrap();
  const startBatch = rollup.lastBatch.toBigInt() + 1n;
  const tx = api.tx.zkpow.submitSequence(rollupId, startBatch, sequence.prev_root, headers);
  const { events } = await submit(api, tx, pair);
  const index = findEvent(api, events, 'SequenceSubmitted').data.sequenceIndex.toNumber();
  if (index !== sequence.sequence_index) {
    throw new Error(`the chain numbered sequence ${sequence.sequence_index} as ${index}: ${sequence.sequence_index} is out of step`);
  }
  return index;
}

const USAGE = `usage: node examples/sequencer.js [--url ws://127.0.0.1:9944] [--suri //Bob] --rollup ID
  --dir DIR [--kind reference|circom-balances] [--prover-bin PATH] [--batches 2] [--interval 20] [--count N]`;

if (isMain(import.meta.url)) {
  run(async () => {
    const o = args(
      {
        rollup: { type: 'string' }, dir: { type: 'string' }, 'prover-bin': { type: 'string' },
        kind: { type: 'string', default: 'reference' },
        batches: { type: 'string', default: '2' }, interval: { type: 'string', default: '20' },
        count: { type: 'string' },
      },
      USAGE,
    );
    const rollupId = Number(required(o, 'rollup', USAGE));
    const dir = required(o, 'dir', USAGE);
    const kind = o.kind;
    if (!KINDS.includes(kind)) throw new Error(`--kind is one of ${KINDS.join(', ')}, not \`${kind}\`\n${USAGE}`);
    const proverBin = kind === 'reference' ? required(o, 'prover-bin', USAGE) : undefined;
    const count = o.count === undefined ? Infinity : Number(o.count);
    const pair = await signer(o.suri);
    const api = await connect(o.url);
    try {
      for (let posted = 0; posted < count; posted += 1) {
        const sequence = nextSequence({ kind, proverBin, dir, batches: Number(o.batches) });
        const index = await postSequence(api, pair, rollupId, sequence);
        console.log(`sequencer: posted sequence ${index} (${sequence.batches.length} batches)`);
        if (posted + 1 < count) await new Promise((r) => setTimeout(r, Number(o.interval) * 1000));
      }
    } finally {
      await api.disconnect();
    }
  });
}
