// The circom-balances state machine in JavaScript, with the same hashes as the circuit
// (circomlibjs's Poseidon is circomlib's): a Poseidon Merkle tree of accounts, transfers
// applied in order, and the batch witness the circuit takes.
import { buildPoseidon } from 'circomlibjs';

/** Tree depth of balances.circom's main component (2^DEPTH accounts). */
export const DEPTH = 4;
/** Transfers per batch (one batch per sequence) of balances.circom's main component. */
export const TRANSFERS = 2;
/** Balances are range-checked to this many bits. */
export const BALANCE_BITS = 64n;

let poseidonPromise;
/** circomlib's Poseidon over field elements, returning a BigInt. */
export async function poseidonHasher() {
  poseidonPromise ??= buildPoseidon();
  const poseidon = await poseidonPromise;
  return (inputs) => poseidon.F.toObject(poseidon(inputs.map((x) => BigInt(x))));
}

/** A field element as 0x-hex of its 32-byte big-endian encoding. */
export function fieldHex(x) {
  return `0x${x.toString(16).padStart(64, '0')}`;
}

/** The account tree: leaf i = Poseidon(i, balance_i), node = Poseidon(left, right). */
export class BalanceTree {
  constructor(hash, balances, depth = DEPTH) {
    if (balances.length !== 2 ** depth) throw new Error(`expected ${2 ** depth} balances`);
    this.hash = hash;
    this.depth = depth;
    this.balances = balances.map((b) => BigInt(b));
    for (const b of this.balances) {
      if (b < 0n || b >> BALANCE_BITS) throw new Error(`balance ${b} is not a u64`);
    }
    this.rebuild();
  }

  rebuild() {
    let level = this.balances.map((b, i) => this.hash([BigInt(i), b]));
    this.levels = [level];
    while (level.length > 1) {
      const up = [];
      for (let i = 0; i < level.length; i += 2) up.push(this.hash([level[i], level[i + 1]]));
      this.levels.push(up);
      level = up;
    }
  }

  get root() {
    return this.levels[this.depth][0];
  }

  /** The siblings of leaf `index`, from the leaf up. */
  path(index) {
    const siblings = [];
    for (let j = 0, i = index; j < this.depth; j++, i >>= 1) siblings.push(this.levels[j][i ^ 1]);
    return siblings;
  }

  setBalance(index, balance) {
    this.balances[index] = balance;
    this.rebuild();
  }
}

/**
 * Applies `transfers` ({from, to, amount}, exactly TRANSFERS of them; padding has amount
 * 0) to `tree` in order and returns the batch: its new root, data hash and the circuit's
 * private inputs. Throws (leaving the tree as it was) if a transfer overdraws its sender,
 * overflows its receiver or names an account outside the tree.
 */
export function applyBatch(tree, transfers) {
  if (transfers.length !== TRANSFERS) throw new Error(`a batch has exactly ${TRANSFERS} transfers (pad with amount 0)`);
  const saved = [...tree.balances];
  const w = {
    from: [], to: [], amount: [],
    sender_balance: [], sender_path: [], receiver_balance: [], receiver_path: [],
  };
  try {
    for (const t of transfers) {
      const [from, to, amount] = [Number(t.from), Number(t.to), BigInt(t.amount)];
      for (const i of [from, to]) {
        if (!Number.isInteger(i) || i < 0 || i >= 2 ** tree.depth) throw new Error(`no account ${i}`);
      }
      if (amount < 0n) throw new Error(`negative amount ${amount}`);
      const senderBalance = tree.balances[from];
      if (amount > senderBalance) throw new Error(`account ${from} holds ${senderBalance}, cannot send ${amount}`);
      w.from.push(from);
      w.to.push(to);
      w.amount.push(amount);
      w.sender_balance.push(senderBalance);
      w.sender_path.push(tree.path(from));
      tree.setBalance(from, senderBalance - amount);
      const receiverBalance = tree.balances[to];
      if ((receiverBalance + amount) >> BALANCE_BITS) throw new Error(`account ${to} would overflow`);
      w.receiver_balance.push(receiverBalance);
      w.receiver_path.push(tree.path(to));
      tree.setBalance(to, receiverBalance + amount);
    }
  } catch (e) {
    tree.balances = saved;
    tree.rebuild();
    throw e;
  }
  const dataHash = tree.hash(transfers.flatMap((t) => [BigInt(t.from), BigInt(t.to), BigInt(t.amount)]));
  const dec = (v) => (Array.isArray(v) ? v.map(dec) : v.toString());
  const witness = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, dec(v)]));
  witness.data_hash = dataHash.toString();
  return { stateRoot: tree.root, dataHash, witness };
}
