// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ArtifactVerifier, BatchHeader, Statement} from "./ArtifactVerifier.sol";

/// @title ZKPoW rollup inbox
/// @notice The EVM end of one rollup proven on the ZKPoW appchain. It holds the rollup's
///         state root and the index of the next sequence, and advances them only for a
///         finalized sequence whose proof artifact it verifies itself (BN254 precompiles)
///         against the verifying-key set fixed at deployment: no trusted operator, anyone
///         may relay.
/// @dev The key set (3,266 + 256·N bytes) lives in the code of a data contract written at
///      deployment and read with EXTCODECOPY, which costs a few thousand gas per
///      finalization instead of one cold SLOAD per 32 bytes.
contract ZkpowInbox {
    /// What the appchain's `SequenceFinalized` event carries, field for field.
    struct FinalizedSequence {
        uint32 rollupId;
        uint64 sequenceIndex;
        /// Number of the sequence's first batch.
        uint64 startBatch;
        uint32 batchCount;
        bytes32 prevStateRoot;
        bytes32 newStateRoot;
        bytes32 dataCommitment;
        /// The artifact (version 1): final proof, batch proofs, aggregator proof.
        bytes proof;
        /// The miner account the artifact's statement is bound to.
        bytes32 prover;
        /// Every miner that revealed a valid proof (the reward sharers).
        bytes32[] provers;
    }

    /// Id of the rollup on the appchain.
    uint32 public immutable rollupId;
    /// Aggregator capacity of the key set: the most batches a sequence may have.
    uint256 public immutable capacity;
    /// `keccak256` of the key set (bound into the Fiat–Shamir transcript).
    bytes32 public immutable vkSetHash;
    /// The data contract whose code (after one STOP byte) is the key set.
    address public immutable vkSetStore;

    /// The rollup's current state root.
    bytes32 public stateRoot;
    /// Index of the next sequence this inbox accepts.
    uint64 public nextSequenceIndex;
    /// Number of the next batch (first batch of the next sequence).
    uint64 public nextBatch;

    /// A sequence was verified and the state root advanced to `newStateRoot`.
    event SequenceFinalized(
        uint64 indexed sequenceIndex,
        uint64 startBatch,
        uint32 batchCount,
        bytes32 prevStateRoot,
        bytes32 newStateRoot,
        bytes32 dataCommitment,
        bytes32 prover,
        bytes32[] provers
    );

    /// The sequence belongs to another rollup.
    error WrongRollup(uint32 expected, uint32 given);
    /// The sequence was already finalized here (a replay).
    error SequenceAlreadyFinalized(uint64 sequenceIndex, uint64 nextSequenceIndex);
    /// An earlier sequence is missing: sequences are accepted strictly in order.
    error SequenceGap(uint64 sequenceIndex, uint64 nextSequenceIndex);
    /// The sequence does not start from this inbox's state root.
    error WrongPrevStateRoot(bytes32 expected, bytes32 given);
    /// The sequence does not start at this inbox's next batch.
    error WrongStartBatch(uint64 expected, uint64 given);
    /// `batchCount` differs from the number of headers given.
    error BatchHeadersMismatch(uint32 batchCount, uint256 headers);
    /// The key-set store could not be created.
    error KeyStoreCreationFailed();

    /// @param rollupId_ the rollup's id on the appchain.
    /// @param vkSet the rollup's verifying-key set (as registered on the appchain); fully
    ///        validated here, so an unusable key set cannot be deployed.
    /// @param genesisStateRoot the state root before `firstSequenceIndex`.
    /// @param firstSequenceIndex the first sequence this inbox accepts (0 for a new rollup).
    /// @param firstBatch the number of that sequence's first batch.
    constructor(
        uint32 rollupId_,
        bytes memory vkSet,
        bytes32 genesisStateRoot,
        uint64 firstSequenceIndex,
        uint64 firstBatch
    ) {
        capacity = ArtifactVerifier.validateKeySet(vkSet);
        rollupId = rollupId_;
        vkSetHash = keccak256(vkSet);
        vkSetStore = _storeData(vkSet);
        stateRoot = genesisStateRoot;
        nextSequenceIndex = firstSequenceIndex;
        nextBatch = firstBatch;
    }

    /// @notice Accepts the next finalized sequence of the rollup: checks order, root and
    ///         batch continuity, verifies the artifact, then advances the state root.
    /// @param seq the fields of the appchain's `SequenceFinalized` event.
    /// @param batches the sequence's batch headers (from the appchain's `SequenceSubmitted`
    ///        event), needed to derive the proofs' public inputs.
    function finalizeSequence(FinalizedSequence calldata seq, BatchHeader[] calldata batches) external {
        if (seq.rollupId != rollupId) revert WrongRollup(rollupId, seq.rollupId);
        uint64 next = nextSequenceIndex;
        if (seq.sequenceIndex < next) revert SequenceAlreadyFinalized(seq.sequenceIndex, next);
        if (seq.sequenceIndex > next) revert SequenceGap(seq.sequenceIndex, next);
        bytes32 root = stateRoot;
        if (seq.prevStateRoot != root) revert WrongPrevStateRoot(root, seq.prevStateRoot);
        uint64 batch = nextBatch;
        if (seq.startBatch != batch) revert WrongStartBatch(batch, seq.startBatch);
        if (seq.batchCount != batches.length) revert BatchHeadersMismatch(seq.batchCount, batches.length);

        Statement memory statement = Statement({
            rollupId: seq.rollupId,
            sequenceIndex: seq.sequenceIndex,
            prevStateRoot: seq.prevStateRoot,
            newStateRoot: seq.newStateRoot,
            dataCommitment: seq.dataCommitment,
            prover: seq.prover
        });
        ArtifactVerifier.verify(verifyingKeySet(), vkSetHash, capacity, seq.proof, statement, batches);

        stateRoot = seq.newStateRoot;
        nextSequenceIndex = next + 1;
        nextBatch = batch + seq.batchCount;
        emit SequenceFinalized(
            seq.sequenceIndex,
            seq.startBatch,
            seq.batchCount,
            seq.prevStateRoot,
            seq.newStateRoot,
            seq.dataCommitment,
            seq.prover,
            seq.provers
        );
    }

    /// The verifying-key set fixed at deployment.
    function verifyingKeySet() public view returns (bytes memory vkSet) {
        address store = vkSetStore;
        uint256 len = store.code.length - 1;
        vkSet = new bytes(len);
        assembly ("memory-safe") {
            extcodecopy(store, add(vkSet, 0x20), 1, len)
        }
    }

    /// Deploys a contract whose code is `0x00 ++ data` (STOP first, so it cannot run).
    function _storeData(bytes memory data) private returns (address store) {
        bytes memory init = abi.encodePacked(
            hex"61", uint16(data.length + 1), hex"80600a3d393df3", hex"00", data
        );
        assembly ("memory-safe") {
            store := create(0, add(init, 0x20), mload(init))
        }
        if (store == address(0)) revert KeyStoreCreationFailed();
    }
}
