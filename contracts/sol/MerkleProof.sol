// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Proofs of `binary-merkle-tree` (polkadot-sdk) with keccak-256
/// @notice The tree BEEFY builds over a validator set's Ethereum addresses
///         (`BeefyAuthoritySet.keyset_commitment`) and the appchain over the records of the
///         sequences finalized in a block (`zkpow_primitives::record::records_root`): each
///         leaf is `keccak256(leaf data)`, each inner node `keccak256(left ++ right)`, a
///         node left alone at the end of a row moves up unchanged.
/// @dev A mirror of `binary_merkle_tree::verify_proof` (16.1.2), verdict for verdict: false
///      when `leafIndex >= numberOfLeaves`; otherwise the proof items are folded into the
///      leaf hash from the leaf up, one item per step, the item going on the left when
///      `position % 2 == 1 || position + 1 == width` and on the right otherwise, then
///      `position /= 2` and `width = (width - 1) / 2 + 1`; the result must be the root.
///      The counts are `uint32` as in the Rust function.
library MerkleProof {
    /// Whether `leafHash` (the keccak-256 of the leaf's data) is leaf `leafIndex` of a tree
    /// of `numberOfLeaves` leaves with root `root`, by the sibling hashes `proof` (from the
    /// leaf up, as `binary_merkle_tree::merkle_proof` gives them).
    function verify(
        bytes32 root,
        bytes32[] calldata proof,
        uint32 numberOfLeaves,
        uint32 leafIndex,
        bytes32 leafHash
    ) internal pure returns (bool) {
        if (leafIndex >= numberOfLeaves) return false;
        return computeRoot(proof, numberOfLeaves, leafIndex, leafHash) == root;
    }

    /// `verify`, and `proof` has exactly the length of the proof `merkle_proof` makes for
    /// `leafIndex` (`canonicalLength`): then a leaf verifies at its own index only.
    /// @dev `verify_proof` alone binds the index loosely: a node that is last in its row is
    ///      taken as a right child whatever its level, so a leaf can verify at other indices
    ///      with its own proof (in a tree of 3 leaves, leaf 2's proof `[H(l0, l1)]` also
    ///      verifies it at index 1). With the length fixed by the index, the left/right
    ///      pattern differs between any two indices, so the index is bound. The light client
    ///      counts signers by index and needs that.
    function verifyCanonical(
        bytes32 root,
        bytes32[] calldata proof,
        uint32 numberOfLeaves,
        uint32 leafIndex,
        bytes32 leafHash
    ) internal pure returns (bool) {
        if (leafIndex >= numberOfLeaves) return false;
        if (proof.length != canonicalLength(numberOfLeaves, leafIndex)) return false;
        return computeRoot(proof, numberOfLeaves, leafIndex, leafHash) == root;
    }

    /// The number of items of `binary_merkle_tree::merkle_proof` for `leafIndex` of
    /// `numberOfLeaves` (one per row where the leaf's ancestor has a sibling; requires
    /// `leafIndex < numberOfLeaves`).
    function canonicalLength(uint32 numberOfLeaves, uint32 leafIndex) internal pure returns (uint256 length) {
        uint256 position = leafIndex;
        uint256 width = numberOfLeaves;
        while (width > 1) {
            if (position % 2 == 1 || position + 1 < width) length++;
            position /= 2;
            width = (width + 1) / 2;
        }
    }

    /// The root that `proof` leads to from `leafHash` at `leafIndex` of `numberOfLeaves`;
    /// requires `leafIndex < numberOfLeaves` (what `verify` checks first).
    function computeRoot(bytes32[] calldata proof, uint32 numberOfLeaves, uint32 leafIndex, bytes32 leafHash)
        internal
        pure
        returns (bytes32 node)
    {
        node = leafHash;
        uint256 position = leafIndex;
        uint256 width = numberOfLeaves;
        for (uint256 i = 0; i < proof.length; i++) {
            bytes32 item = proof[i];
            if (position % 2 == 1 || position + 1 == width) {
                node = hashPair(item, node);
            } else {
                node = hashPair(node, item);
            }
            position /= 2;
            // At least 1 throughout, as `numberOfLeaves > leafIndex >= 0`.
            width = (width - 1) / 2 + 1;
        }
    }

    /// `keccak256(left ++ right)` without an allocation.
    function hashPair(bytes32 left, bytes32 right) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            mstore(0x00, left)
            mstore(0x20, right)
            h := keccak256(0x00, 0x40)
        }
    }
}
