// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// A proof that one leaf is in a Merkle Mountain Range: `sp_mmr_primitives::LeafProof`
/// for a single leaf, as the appchain's `mmr_generateProof` RPC returns it.
struct MmrProof {
    /// Index of the leaf among the MMR's leaves (0-based, in insertion order).
    uint64 leafIndex;
    /// Number of leaves of the MMR the proof is against.
    uint64 leafCount;
    /// The proof items in ckb's order: the sibling hashes from the leaf up to its peak,
    /// then the hashes of the peaks to its left (left to right), then the peaks to its
    /// right bagged into one hash (or that one peak, if only one).
    bytes32[] items;
}

/// The leaf index is not below the leaf count (ckb: `CorruptedProof`).
error MmrLeafIndexOutOfRange(uint64 leafIndex, uint64 leafCount);
/// The proof has fewer items than the path to the leaf's peak and the peaks to its left,
/// or more than those plus one per peak to its right plus one (ckb: `CorruptedProof`).
error MmrProofItemCount(uint256 items, uint256 atLeast, uint256 atMost);

/// @title Merkle Mountain Range roots from a leaf and its proof (pallet-mmr, keccak-256)
/// @notice The MMR of pallet-mmr (polkadot-sdk stable2609, `polkadot-ckb-merkle-mountain-range`
///         0.8) with BEEFY's hasher: a leaf's node is `keccak256(SCALE(leaf))`, an inner
///         node `keccak256(left ++ right)` (pallet-mmr's `Hasher::merge`), and the root bags
///         the peaks from right to left, `keccak256(right ++ left)` (ckb's
///         `bagging_peaks_hashes`).
/// @dev A mirror of ckb's `MerkleProof::calculate_root` for exactly one leaf, verdict for
///      verdict (what pallet-mmr's `verify_leaves_proof` runs with
///      `mmr_size = NodesUtils::new(leafCount).size()`):
///      - `leafIndex >= leafCount`: corrupt;
///      - one leaf: the root is the leaf; ckb returns before looking at the items, so any
///        items are ignored here too;
///      - otherwise the peaks are the powers of two of `leafCount`, highest (leftmost)
///        first. Each peak left of the leaf's takes one item (its hash); the leaf's peak
///        is computed from the leaf and one item per level (the leaf's position within the
///        peak says left or right); each peak to the right takes one item while items
///        remain, and one more item may follow them; no item may be left. So a proof has
///        between `left + height` and `left + height + right + 1` items, and the peak
///        hashes so collected (the given right-hand items in their order) are bagged.
library Mmr {
    /// The root of the MMR that `proof` proves the leaf with node hash `leafHash` in;
    /// reverts with `MmrLeafIndexOutOfRange` or `MmrProofItemCount` where ckb returns
    /// `CorruptedProof`.
    function root(bytes32 leafHash, MmrProof calldata proof) internal pure returns (bytes32) {
        uint256 index = proof.leafIndex;
        uint256 count = proof.leafCount;
        if (index >= count) revert MmrLeafIndexOutOfRange(proof.leafIndex, proof.leafCount);
        if (count == 1) return leafHash;

        (uint256 left, uint256 height, uint256 first, uint256 right) = locate(index, count);
        bytes32[] calldata items = proof.items;
        uint256 path = left + height;
        if (items.length < path || items.length > path + right + 1) {
            revert MmrProofItemCount(items.length, path, path + right + 1);
        }

        // The leaf's peak: one sibling per level, items[left .. left + height].
        bytes32 node = leafHash;
        uint256 local = index - first;
        for (uint256 k = 0; k < height; k++) {
            bytes32 sibling = items[left + k];
            node = (local >> k) & 1 == 1 ? merge(sibling, node) : merge(node, sibling);
        }

        // Bag the peaks `items[0 .. left] ++ [node] ++ items[path ..]` from right to left.
        bytes32 bag = node;
        uint256 m = items.length;
        if (m > path) {
            bag = items[m - 1];
            for (uint256 j = m - 1; j > path; j--) {
                bag = merge(bag, items[j - 1]);
            }
            bag = merge(bag, node);
        }
        for (uint256 j = left; j > 0; j--) {
            bag = merge(bag, items[j - 1]);
        }
        return bag;
    }

    /// Where leaf `index` of an MMR of `count` leaves is: the number of peaks to the left of
    /// its peak, the height of its peak, the index of its peak's first leaf and the number
    /// of peaks to the right (requires `index < count`).
    function locate(uint256 index, uint256 count)
        internal
        pure
        returns (uint256 left, uint256 height, uint256 first, uint256 right)
    {
        for (uint256 h = 64; h > 0; h--) {
            uint256 size = 1 << (h - 1);
            if (count & size == 0) continue;
            if (index < first + size) {
                height = h - 1;
                right = popcount(count & (size - 1));
                return (left, height, first, right);
            }
            first += size;
            left++;
        }
    }

    /// Number of set bits of `x`.
    function popcount(uint256 x) internal pure returns (uint256 n) {
        while (x != 0) {
            x &= x - 1;
            n++;
        }
    }

    /// `keccak256(a ++ b)` without an allocation.
    function merge(bytes32 a, bytes32 b) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            mstore(0x00, a)
            mstore(0x20, b)
            h := keccak256(0x00, 0x40)
        }
    }
}
