// Connecting to a zkpow node, signing as a rollup owner, and waiting for transactions.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { zkpowRpc } from './zkpow-rpc.js';

/** Connects to `url` with the `zkpow_*` RPC definitions registered. */
export async function connect(url, { timeoutMs = 30_000 } = {}) {
  const provider = new WsProvider(url, false);
  await provider.connect();
  const api = new ApiPromise({ provider, rpc: zkpowRpc, noInitWarn: true });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from a node at ${url} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([api.isReadyOrError, timeout]);
  } catch (e) {
    await api.disconnect().catch(() => {});
    throw new Error(`cannot use the node at ${url}: ${e.message}`);
  } finally {
    clearTimeout(timer);
  }
  return api;
}

/** An sr25519 key pair from a secret URI (`//Alice`, a mnemonic, ...). */
export async function signer(suri) {
  await cryptoWaitReady();
  return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);
}

/** A dispatch error of the runtime, with its metadata (`section`, `name`, `docs`). */
export class DispatchFailed extends Error {
  constructor(section, name, docs, blockHash) {
    super(`${section}.${name}: ${docs || '(no docs)'}`);
    this.section = section;
    this.name = name;
    this.docs = docs;
    this.blockHash = blockHash;
  }
}

/** Turns a `DispatchError` into a `DispatchFailed`, looking module errors up in the metadata. */
export function explain(api, dispatchError, blockHash) {
  if (dispatchError.isModule) {
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    return new DispatchFailed(section, name, docs.join(' '), blockHash);
  }
  return new DispatchFailed('system', dispatchError.type, dispatchError.toString(), blockHash);
}

/**
 * Signs and submits `tx`, resolves once it is in a block with `{ blockHash, events }`
 * (the records of this extrinsic). Rejects with `DispatchFailed` if the call failed, or
 * with the node's error if the pool refused the transaction.
 */
export function submit(api, tx, pair, { timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    let unsub = () => {};
    const timer = setTimeout(() => {
      unsub();
      reject(new Error(`${tx.method.section}.${tx.method.method} not in a block after ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (fn, value) => {
      clearTimeout(timer);
      unsub();
      fn(value);
    };
    tx.signAndSend(pair, ({ status, events, dispatchError }) => {
      if (status.isInBlock) {
        const blockHash = status.asInBlock.toHex();
        if (dispatchError) done(reject, explain(api, dispatchError, blockHash));
        else done(resolve, { blockHash, events });
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        done(reject, new Error(`${tx.method.section}.${tx.method.method}: transaction ${status.type}`));
      }
    })
      .then((u) => { unsub = u; })
      .catch((e) => done(reject, e));
  });
}

/** The first event `api.events.zkpow[name]` among `records`, or an error naming what was there. */
export function findEvent(api, records, name) {
  const record = records.find(({ event }) => api.events.zkpow[name].is(event));
  if (!record) {
    const seen = records.map(({ event }) => `${event.section}.${event.method}`).join(', ');
    throw new Error(`no zkpow.${name} event (saw: ${seen || 'none'})`);
  }
  return record.event;
}
