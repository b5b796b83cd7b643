#!/usr/bin/env node
// Add to a rollup's reward pool (any account may fund). Sequences are accepted only while
// the pool covers one more reward.
//
//   node examples/fund.js --url ws://127.0.0.1:9944 --suri //Alice --rollup 0 --amount 1000000000000000
//
// Amounts are in planck (1 UNIT = 10^12). Prints the new pool as JSON.

import { connect, signer, submit, findEvent } from '../lib/api.js';
import { args, isMain, required, run } from '../lib/cli.js';

/** Funds rollup `rollupId` with `amount` planck; resolves with `{ rollupId, from, amount, pool, blockHash }`. */
export async function fundRollup(api, pair, rollupId, amount) {
  const { blockHash, events } = await submit(api, api.tx.zkpow.fundRollup(rollupId, amount), pair);
  const e = findEvent(api, events, 'RollupFunded').data;
  return {
    rollupId: e.rollupId.toNumber(),
    from: e.from.toString(),
    amount: e.amount.toBigInt(),
    pool: e.pool.toBigInt(),
    blockHash,
  };
}

const USAGE = `usage: node examples/fund.js [--url ws://127.0.0.1:9944] [--suri //Alice] --rollup ID --amount PLANCK`;

if (isMain(import.meta.url)) {
  run(async () => {
    const o = args({ rollup: { type: 'string' }, amount: { type: 'string' } }, USAGE);
    const rollupId = Number(required(o, 'rollup', USAGE));
    const amount = BigInt(required(o, 'amount', USAGE));
    const pair = await signer(o.suri);
    const api = await connect(o.url);
    try {
      const out = await fundRollup(api, pair, rollupId, amount);
      console.log(JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
    } finally {
      await api.disconnect();
    }
  });
}
