// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "../MerkleProof.sol";
import {Mmr, MmrProof} from "../Mmr.sol";
import {FinalizedSequence} from "../InboxBase.sol";
import {FinalizedRecord, FinalityProof} from "../FinalizedRecord.sol";
import {BeefyClient} from "../BeefyClient.sol";

/// @title Test harness: the proof libraries' internal functions as external ones
/// @notice For `tests/beefy_client.rs` only (never deployed on a real chain): it lets the
///         tests run `MerkleProof`, `Mmr` and `FinalizedRecord` against polkadot-sdk's and
///         the appchain's Rust code, and measure what an inbox adds per delivery.
contract ProofHarness {
    /// `MerkleProof.verify`.
    function merkleVerify(
        bytes32 root,
        bytes32[] calldata proof,
        uint32 numberOfLeaves,
        uint32 leafIndex,
        bytes32 leafHash
    ) external pure returns (bool) {
        return MerkleProof.verify(root, proof, numberOfLeaves, leafIndex, leafHash);
    }

    /// `MerkleProof.verifyCanonical`.
    function merkleVerifyCanonical(
        bytes32 root,
        bytes32[] calldata proof,
        uint32 numberOfLeaves,
        uint32 leafIndex,
        bytes32 leafHash
    ) external pure returns (bool) {
        return MerkleProof.verifyCanonical(root, proof, numberOfLeaves, leafIndex, leafHash);
    }

    /// `Mmr.root`.
    function mmrRoot(bytes32 leafHash, MmrProof calldata proof) external pure returns (bytes32) {
        return Mmr.root(leafHash, proof);
    }

    /// `FinalizedRecord.hash`.
    function recordHash(FinalizedSequence calldata seq) external pure returns (bytes32) {
        return FinalizedRecord.hash(seq);
    }

    /// `FinalizedRecord.prove`, what an inbox will call per sequence.
    function prove(BeefyClient client, FinalizedSequence calldata seq, FinalityProof calldata proof)
        external
        view
        returns (uint32 blockNumber)
    {
        return FinalizedRecord.prove(client, seq, proof);
    }
}
