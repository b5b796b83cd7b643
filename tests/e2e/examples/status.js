#!/usr/bin/env node
// A compact live status of a local network, one line per new block: chain height and
// finality, each rollup's sequences (pending, in a window, finalized on the appchain,
// relayed to its inbox on its EVM base chain) and the miner's rewards and slashes.
//
//   node examples/status.js --url ws://127.0.0.1:9944 --miner <address> \
//     --rollup 0 --evm-url http://127.0.0.1:8545 --inbox 0x<20 bytes> \
//     [--rollup 1 --evm-url http://127.0.0.1:8549 --inbox 0x<20 bytes>] \
//     [--until-relayed N --timeout S]
//
// `--rollup` may be given several times; the n-th `--evm-url` and `--inbox` belong to the
// n-th rollup (give both for every rollup, or neither for any). With `--until-relayed N`
// it exits 0 once every rollup has N sequences in its inbox, printing for each the chain it
// reached, or 1 after `--timeout` seconds (default 900).

import { hexToString, isHex, u8aToString } from '@polkadot/util';
import { keccakAsHex } from '@polkadot/util-crypto';
import { connect } from '../lib/api.js';
import { args, isMain, run } from '../lib/cli.js';

const UNIT = 10n ** 12n;

/** One JSON-RPC call to the EVM node at `evmUrl`. */
async function evmCall(evmUrl, method, params) {
  const reply = await fetch(evmUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await reply.json();
  if (body.error) throw new Error(`${method} on ${evmUrl}: ${body.error.message}`);
  return body.result;
}

/** `nextSequenceIndex()` of the inbox at `inbox` on the EVM chain at `evmUrl`. */
export async function relayedCount(evmUrl, inbox) {
  const data = keccakAsHex('nextSequenceIndex()').slice(0, 10);
  const result = await evmCall(evmUrl, 'eth_call', [{ to: inbox, data }, 'latest']);
  return result === '0x' ? 0 : Number(BigInt(result));
}

/** The chain id the EVM node at `evmUrl` reports. */
export async function evmChainId(evmUrl) {
  return Number(BigInt(await evmCall(evmUrl, 'eth_chainId', [])));
}

/**
 * A rollup's name as text: the RPC's JSON gives the bytes as an array of numbers (as it
 * does every byte string); 0x-hex and text are taken too.
 */
export function nameText(name) {
  if (Array.isArray(name)) return u8aToString(Uint8Array.from(name));
  return isHex(name) ? hexToString(name) : String(name);
}

/** The status of one rollup (`{ rollupId, evmUrl, inbox }`) at the best block. */
async function rollupSnapshot(api, { rollupId, evmUrl, inbox }) {
  const tasks = (await api.rpc.zkpow.openTasks(rollupId)).map((t) => t.toJSON());
  const pending = tasks.filter((t) => t.phase === 'Pending').length;
  const rollup = (await api.rpc.zkpow.rollupInfo(rollupId)).toJSON();
  const relayed = evmUrl && inbox ? await relayedCount(evmUrl, inbox).catch(() => null) : null;
  return {
    rollupId,
    name: rollup ? nameText(rollup.name) : '?',
    baseChain: rollup ? rollup.base_chain.chain_id : null,
    pending,
    inWindow: tasks.length - pending,
    finalizedSequences: rollup ? rollup.stats.sequences_finalized : 0,
    relayed,
  };
}

/** One status snapshot at the best block, for each of `rollups`. */
export async function snapshot(api, { rollups, miner }) {
  const header = await api.rpc.chain.getHeader();
  const finalized = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
  const info = miner ? (await api.rpc.zkpow.minerInfo(miner)).toJSON() : null;
  return {
    block: header.number.toNumber(),
    finalized: finalized.number.toNumber(),
    rollups: await Promise.all(rollups.map((r) => rollupSnapshot(api, r))),
    rewards: info ? BigInt(info.total_rewards) : 0n,
    slashed: info ? BigInt(info.total_slashed) : 0n,
  };
}

function units(planck) {
  return `${planck / UNIT}.${String(planck % UNIT).padStart(12, '0').slice(0, 2)}`;
}

/** The snapshot as one line. */
export function format(s) {
  const rollups = s.rollups.map((r) => `rollup ${r.rollupId} (chain ${r.baseChain ?? '?'}): ${r.pending} pending, `
    + `${r.inWindow} in a window, ${r.finalizedSequences} finalized, ${r.relayed ?? '?'} relayed`);
  return `#${s.block} (final #${s.finalized}) | ${rollups.join(' | ')} | miner: ${units(s.rewards)} UNIT rewarded, `
    + `${units(s.slashed)} slashed`;
}

/** The rollups named by repeated `--rollup`, `--evm-url` and `--inbox` flags, zipped. */
export function rollupsFromFlags(o, usage) {
  const ids = o.rollup ?? [];
  const urls = o['evm-url'] ?? [];
  const inboxes = o.inbox ?? [];
  if (ids.length === 0) throw new Error(`--rollup is required\n${usage}`);
  for (const [flag, list] of [['--evm-url', urls], ['--inbox', inboxes]]) {
    if (list.length !== 0 && list.length !== ids.length) {
      throw new Error(`${ids.length} --rollup but ${list.length} ${flag}: give one per rollup, or none\n${usage}`);
    }
  }
  return ids.map((id, i) => {
    if (!/^[0-9]+$/.test(id)) throw new Error(`--rollup takes a rollup id, not \`${id}\``);
    return { rollupId: Number(id), evmUrl: urls[i], inbox: inboxes[i] };
  });
}

/**
 * Per rollup, `{ line, ok }`: a line saying which chain its sequences reached (the chain id
 * its EVM node reports), `ok` when that is the base chain it registered.
 */
export async function reached(s, rollups) {
  return Promise.all(s.rollups.map(async (r, i) => {
    const chain = await evmChainId(rollups[i].evmUrl);
    const ok = chain === r.baseChain;
    const mismatch = ok ? '' : ` (but it registered chain ${r.baseChain})`;
    const line = `rollup ${r.rollupId} (${r.name}): ${r.relayed} sequence(s) relayed to chain ${chain}${mismatch}, inbox ${rollups[i].inbox}`;
    return { line, ok };
  }));
}

const USAGE = `usage: node examples/status.js [--url ws://127.0.0.1:9944] [--miner ADDRESS]
  --rollup ID [--evm-url http://127.0.0.1:8545 --inbox 0x...] [--rollup ID ...]
  [--until-relayed N] [--timeout SECONDS]`;

if (isMain(import.meta.url)) {
  run(async () => {
    const o = args(
      {
        rollup: { type: 'string', multiple: true }, miner: { type: 'string' },
        'evm-url': { type: 'string', multiple: true }, inbox: { type: 'string', multiple: true },
        'until-relayed': { type: 'string' }, timeout: { type: 'string', default: '900' },
      },
      USAGE,
    );
    const rollups = rollupsFromFlags(o, USAGE);
    const target = o['until-relayed'] === undefined ? null : Number(o['until-relayed']);
    if (target !== null && rollups.some((r) => !r.evmUrl)) {
      throw new Error(`--until-relayed needs --evm-url and --inbox for every rollup\n${USAGE}`);
    }
    const api = await connect(o.url);
    const deadline = Date.now() + Number(o.timeout) * 1000;
    const last = await new Promise((resolve, reject) => {
      let busy = false;
      api.rpc.chain.subscribeNewHeads(async () => {
        if (busy) return;
        busy = true;
        try {
          const s = await snapshot(api, { rollups, miner: o.miner });
          console.log(format(s));
          const behind = s.rollups.filter((r) => r.relayed === null || r.relayed < target);
          if (target !== null && behind.length === 0) resolve(s);
          else if (target !== null && Date.now() > deadline) {
            const counts = behind.map((r) => `rollup ${r.rollupId}: ${r.relayed ?? 0}`).join(', ');
            reject(new Error(`not every rollup has ${target} sequence(s) relayed after ${o.timeout} s (${counts})`));
          }
        } catch (e) {
          reject(e);
        } finally {
          busy = false;
        }
      }).catch(reject);
    });
    await api.disconnect();
    if (target !== null) {
      const lines = await reached(last, rollups);
      for (const { line } of lines) console.log(line);
      if (lines.some((l) => !l.ok)) throw new Error('a rollup was relayed to a chain it did not register');
    }
  });
}
