// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {FinalizedSequence} from "./InboxBase.sol";
import {BeefyClient, MmrLeaf} from "./BeefyClient.sol";
import {MmrProof} from "./Mmr.sol";
import {MerkleProof} from "./MerkleProof.sol";

/// What proves that the appchain finalized a sequence: its record is in the records root of
/// a block's MMR leaf, and that leaf is in an MMR root the BEEFY light client accepted.
struct FinalityProof {
    /// The MMR leaf of the block whose `SequenceFinalized` event is the sequence's; its
    /// `extra` is the block's records root.
    MmrLeaf leaf;
    /// The leaf's proof (`mmr_generateProof` at the block) against an MMR root the light
    /// client accepted (any accepted root at or after the block).
    MmrProof leafProof;
    /// The record's position among the block's records (the order of the block's
    /// `SequenceFinalized` events).
    uint32 recordIndex;
    /// Number of records of the block.
    uint32 recordCount;
    /// `zkpow_primitives::record::record_proof` of the record under `leaf.extra`.
    bytes32[] recordProof;
}

/// The record of the sequence is not at `recordIndex` of `recordCount` under the leaf's
/// records root: the appchain did not finalize this sequence as given in that block.
error RecordNotInLeaf(bytes32 recordHash, bytes32 recordsRoot);

/// @title The record of a finalized sequence and its finality proof
/// @notice `hash` is `zkpow_primitives::record::FinalizedRecord::hash` of a
///         `FinalizedSequence`; `prove` checks the record → MMR leaf → accepted MMR root
///         chain, so an inbox accepts only what the appchain's validators signed: one call
///         with the light client's address.
library FinalizedRecord {
    /// `keccak256(rollupId (4) ++ sequenceIndex (8) ++ startBatch (8) ++ batchCount (4) ++
    /// prevStateRoot ++ newStateRoot ++ dataCommitment ++ keccak256(proof) ++ prover ++
    /// keccak256(provers[0] ++ … ++ provers[n-1]))`, integers big-endian.
    function hash(FinalizedSequence calldata seq) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                seq.rollupId,
                seq.sequenceIndex,
                seq.startBatch,
                seq.batchCount,
                seq.prevStateRoot,
                seq.newStateRoot,
                seq.dataCommitment,
                keccak256(seq.proof),
                seq.prover,
                keccak256(abi.encodePacked(seq.provers))
            )
        );
    }

    /// Reverts unless `seq`'s record is in `proof.leaf`'s records root (`RecordNotInLeaf`)
    /// and that leaf is under an MMR root `client` accepted (the client's
    /// `UnknownMmrRoot`, `MmrLeafIndexOutOfRange`, `MmrProofItemCount`, passed through);
    /// returns the block number of that root.
    function prove(BeefyClient client, FinalizedSequence calldata seq, FinalityProof calldata proof)
        internal
        view
        returns (uint32 blockNumber)
    {
        bytes32 record = hash(seq);
        bytes32 recordsRoot = proof.leaf.extra;
        bytes32 leaf = keccak256(abi.encodePacked(record));
        if (!MerkleProof.verify(recordsRoot, proof.recordProof, proof.recordCount, proof.recordIndex, leaf)) {
            revert RecordNotInLeaf(record, recordsRoot);
        }
        return client.verifyMmrLeaf(proof.leaf, proof.leafProof);
    }
}
