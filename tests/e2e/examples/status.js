#!/usr/bin/env node
// A compact live status of a local network, one line per new block: chain height and
// finality, the rollup's sequences (pending, in a window, finalized on the appchain,
// relayed to the inbox on the EVM chain) and the miner's rewards and slashes.
//
//   node examples/status.js --url ws://127.0.0.1:9944 --rollup 0 --miner <address> \
//     --evm-url http://127.0.0.1:8545 --inbox 0x<20 bytes> [--until-relayed N --timeout S]
//
// With `--until-relayed N` it exits 0 once N sequences are in the inbox, or 1 after
// `--timeout` seconds (default 900).

import { keccakAsHex } from '@polkadot/util-crypto';
import { connect } from '../lib/api.js';
import { args, isMain, required, run } from '../lib/cli.js';

const UNIT = 10n ** 12n;

/** `nextSequenceIndex()` of the inbox at `inbox` on the EVM chain at `evmUrl`. */
export async function relayedCount(evmUrl, inbox) {
  const data = keccakAsHex('nextSequenceIndex()').slice(0, 10);
  const reply = await fetch(evmUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_call', params: [{ to: inbox, data }, 'latest'] }),
  });
  const body = await reply.json();
  if (body.error) throw new Error(`eth_call on ${inbox}: ${body.error.message}`);
  return body.result === '0x' ? 0 : Number(BigInt(body.result));
}

/** One status snapshot at the best block. */
export async function snapshot(api, { rollupId, miner, evmUrl, inbox }) {
  const header = await api.rpc.chain.getHeader();
  const finalized = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
  const tasks = (await api.rpc.zkpow.openTasks(rollupId)).map((t) => t.toJSON());
  const pending = tasks.filter((t) => t.phase === 'Pending').length;
  const rollup = (await api.rpc.zkpow.rollupInfo(rollupId)).toJSON();
  const info = miner ? (await api.rpc.zkpow.minerInfo(miner)).toJSON() : null;
  let relayed = null;
  if (evmUrl && inbox) {
    relayed = await relayedCount(evmUrl, inbox).catch(() => null);
  }
  return {
    block: header.number.toNumber(),
    finalized: finalized.number.toNumber(),
    pending,
    inWindow: tasks.length - pending,
    finalizedSequences: rollup ? rollup.stats.sequences_finalized : 0,
    relayed,
    rewards: info ? BigInt(info.total_rewards) : 0n,
    slashed: info ? BigInt(info.total_slashed) : 0n,
  };
}

function units(planck) {
  return `${planck / UNIT}.${String(planck % UNIT).padStart(12, '0').slice(0, 2)}`;
}

/** The snapshot as one line. */
export function format(s) {
  return `#${s.block} (final #${s.finalized}) | sequences: ${s.pending} pending, ${s.inWindow} in a window, `
    + `${s.finalizedSequences} finalized, ${s.relayed ?? '?'} relayed | miner: ${units(s.rewards)} UNIT rewarded, `
    + `${units(s.slashed)} slashed`;
}

const USAGE = `usage: node examples/status.js [--url ws://127.0.0.1:9944] --rollup ID [--miner ADDRESS]
  [--evm-url http://127.0.0.1:8545 --inbox 0x...] [--until-relayed N] [--timeout SECONDS]`;

if (isMain(import.meta.url)) {
  run(async () => {
    const o = args(
      {
        rollup: { type: 'string' }, miner: { type: 'string' }, 'evm-url': { type: 'string' },
        inbox: { type: 'string' }, 'until-relayed': { type: 'string' }, timeout: { type: 'string', default: '900' },
      },
      USAGE,
    );
    const opts = { rollupId: Number(required(o, 'rollup', USAGE)), miner: o.miner, evmUrl: o['evm-url'], inbox: o.inbox };
    const target = o['until-relayed'] === undefined ? null : Number(o['until-relayed']);
    const api = await connect(o.url);
    const deadline = Date.now() + Number(o.timeout) * 1000;
    await new Promise((resolve, reject) => {
      let busy = false;
      api.rpc.chain.subscribeNewHeads(async () => {
        if (busy) return;
        busy = true;
        try {
          const s = await snapshot(api, opts);
          console.log(format(s));
          if (target !== null && s.relayed !== null && s.relayed >= target) resolve();
          else if (target !== null && Date.now() > deadline) {
            reject(new Error(`${s.relayed ?? 0} of ${target} sequence(s) relayed after ${o.timeout} s`));
          }
        } catch (e) {
          reject(e);
        } finally {
          busy = false;
        }
      }).catch(reject);
    });
    await api.disconnect();
  });
}
