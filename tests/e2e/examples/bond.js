#!/usr/bin/env node
// Bond as a miner: `amount` planck is held from the signer's free balance. A miner needs a
// free bond of at least the rollup's minimum plus the worst-case penalties of its open
// commitments to commit; rewards are split in proportion to bonds.
//
//   node examples/bond.js --url ws://127.0.0.1:9944 --suri //Charlie --amount 2000000000000000

import { connect, signer, submit, findEvent } from '../lib/api.js';
import { args, isMain, required, run } from '../lib/cli.js';

/** Bonds `amount` planck for `pair`; resolves with `{ miner, amount }` of the `Bonded` event. */
export async function bond(api, pair, amount) {
  const { events } = await submit(api, api.tx.zkpow.bond(amount), pair);
  const e = findEvent(api, events, 'Bonded').data;
  return { miner: e.miner.toString(), amount: e.amount.toBigInt() };
}

const USAGE = `usage: node examples/bond.js [--url ws://127.0.0.1:9944] [--suri //Charlie] --amount PLANCK`;

if (isMain(import.meta.url)) {
  run(async () => {
    const o = args({ amount: { type: 'string' } }, USAGE);
    const amount = BigInt(required(o, 'amount', USAGE));
    const pair = await signer(o.suri);
    const api = await connect(o.url);
    try {
      const out = await bond(api, pair, amount);
      console.log(JSON.stringify({ ...out, amount: out.amount.toString() }));
    } finally {
      await api.disconnect();
    }
  });
}
