// Custom RPC definitions of the `zkpow_*` methods (node/src/rpc/zkpow.rs), in the form
// polkadot.js takes them:
//
//   import { ApiPromise, WsProvider } from '@polkadot/api';
//   import { zkpowRpc } from './lib/zkpow-rpc.js';
//   const api = await ApiPromise.create({ provider: new WsProvider(url), rpc: zkpowRpc });
//   const info = (await api.rpc.zkpow.rollupInfo(0)).toJSON();
//
// Results are `Json` objects (`Option<Json>` where the node may answer null, `Vec<Json>` for
// lists; call `.toJSON()` for plain values): the node serializes the runtime API's structs with serde
// (snake_case fields, except `protocolLimits` which is camelCase; byte arrays as arrays of
// numbers). Balances are decimal strings of planck (`"100000000000000"`), exact whatever
// their size: read them with `BigInt(value)` (a JSON number would lose precision above
// 2^53 planck, about 9,007 UNIT).

/** Optional trailing parameter: the block to answer at (default: best block). */
const at = { name: 'at', type: 'BlockHash', isOptional: true };

/** `rpc` option of `ApiPromise.create` for the `zkpow_*` methods. */
export const zkpowRpc = {
  zkpow: {
    openTasks: {
      description:
        'Open proving tasks by priority (lowest start batch first), optionally for one rollup, from startBatch on; at most limit (1..=1000, default 1000)',
      params: [
        { name: 'rollupId', type: 'u32', isOptional: true },
        { name: 'startBatch', type: 'u64', isOptional: true },
        { name: 'limit', type: 'u32', isOptional: true },
        at,
      ],
      type: 'Vec<Json>',
    },
    sequenceStatus: {
      description:
        'Status of a sequence: window phase and deadlines, committers, reveals, accepted proof; null if unknown',
      params: [
        { name: 'rollupId', type: 'u32' },
        { name: 'sequenceIndex', type: 'u64' },
        at,
      ],
      type: 'Option<Json>',
    },
    minerInfo: {
      description:
        "A miner's bond, unbonding chunks, open commitments, rewards and slashes; null if it never bonded",
      params: [{ name: 'miner', type: 'AccountId' }, at],
      type: 'Option<Json>',
    },
    rollupInfo: {
      description:
        "A rollup's parameters, status, reward pool, escrow and statistics; null if not registered",
      params: [{ name: 'rollupId', type: 'u32' }, at],
      type: 'Option<Json>',
    },
    protocolLimits: {
      description: 'The runtime-wide protocol limits in force',
      params: [at],
      type: 'Json',
    },
    checkProof: {
      description:
        'Checks a proof for a sequence in flight as a reveal by prover would be checked: { valid, reason }; null if not in flight',
      params: [
        { name: 'rollupId', type: 'u32' },
        { name: 'sequenceIndex', type: 'u64' },
        { name: 'prover', type: 'AccountId' },
        { name: 'proof', type: 'Bytes' },
        at,
      ],
      type: 'Option<Json>',
    },
  },
};
