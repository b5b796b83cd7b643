// `npm test` runs this first: fail at once, with one clear line, if a binary is missing.

import { nodeBinary } from './node.js';
import { proverBinary } from './keys.js';

try {
  console.log(`zkpow-node:   ${nodeBinary()}\nzkpow-prover: ${proverBinary()}`);
} catch (e) {
  console.error(`error: ${e.message}`);
  process.exit(1);
}
