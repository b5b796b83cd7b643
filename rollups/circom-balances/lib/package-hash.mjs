// The content hash that pins a circom prover package on chain:
// keccak256(keccak256(wasm) ++ keccak256(zkey)) over the files' exact bytes (what
// `zkpow-prover circom hash` prints).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sha3 from 'js-sha3';

const keccak = (bytes) => Buffer.from(sha3.keccak256.arrayBuffer(bytes));

/** The package hash of a witness generator (`.wasm`) and a proving key (`.zkey`), 0x-hex. */
export function packageHash(wasmPath, zkeyPath) {
  const both = Buffer.concat([keccak(readFileSync(wasmPath)), keccak(readFileSync(zkeyPath))]);
  return `0x${keccak(both).toString('hex')}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [wasm, zkey] = process.argv.slice(2);
  if (!wasm || !zkey) {
    console.error('usage: node lib/package-hash.mjs WASM ZKEY');
    process.exit(2);
  }
  console.log(packageHash(wasm, zkey));
}
