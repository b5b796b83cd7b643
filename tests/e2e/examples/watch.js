#!/usr/bin/env node
// Follow a rollup: print every zkpow event about it (registration, funding, updates, pauses,
// sequences, windows, proofs, rewards, slashes) as one JSON line per event, from new best
// blocks. Ctrl-C stops it.
//
//   node examples/watch.js --url ws://127.0.0.1:9944 --rollup 0 [--blocks 20]

import { connect } from '../lib/api.js';
import { args, isMain, required, run } from '../lib/cli.js';

/**
 * Calls `onEvent({ block, name, data })` for each zkpow event of `rollupId` in each new best
 * block. `data` is a plain object keyed by the event's field names (`rollupId`, `owner`,
 * ...): accounts as SS58 addresses, byte arrays as hex, balances as numbers (decimal
 * strings above 2^53). Also calls `onBlock(number)`
 * after each block if given. Resolves with a function that stops watching.
 */
export async function watchRollup(api, rollupId, onEvent, onBlock = () => {}) {
  return api.rpc.chain.subscribeNewHeads(async (header) => {
    const block = header.number.toNumber();
    const records = await (await api.at(header.hash)).query.system.events();
    for (const { event } of records) {
      if (event.section !== 'zkpow') continue;
      const data = event.data;
      if (!data.rollupId || data.rollupId.toNumber() !== rollupId) continue;
      const fields = Object.fromEntries(data.names.map((name, i) => [name, data[i].toPrimitive()]));
      onEvent({ block, name: event.method, data: fields });
    }
    onBlock(block);
  });
}

const USAGE = `usage: node examples/watch.js [--url ws://127.0.0.1:9944] --rollup ID [--blocks N]`;

if (isMain(import.meta.url)) {
  run(async () => {
    const o = args({ rollup: { type: 'string' }, blocks: { type: 'string' } }, USAGE);
    const rollupId = Number(required(o, 'rollup', USAGE));
    const api = await connect(o.url);
    const info = (await api.rpc.zkpow.rollupInfo(rollupId)).toJSON();
    if (info === null) console.error(`rollup ${rollupId} is not registered (yet); watching anyway`);
    let left = o.blocks === undefined ? Infinity : Number(o.blocks);
    await new Promise((resolve) => {
      let stop = () => {};
      const finish = () => { stop(); resolve(); };
      process.on('SIGINT', finish);
      watchRollup(
        api,
        rollupId,
        (e) => console.log(JSON.stringify(e)),
        () => { if (--left <= 0) finish(); },
      ).then((unsub) => { stop = unsub; if (left <= 0) finish(); });
    });
    await api.disconnect();
  });
}
