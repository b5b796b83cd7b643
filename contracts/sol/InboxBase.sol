// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BatchHeader, Statement} from "./SequenceStatement.sol";

/// What the appchain's `SequenceFinalized` event carries, field for field. (Declared at
/// file level, like `BatchHeader`, so that both inboxes' ABIs name the same type and the
/// Rust bindings of either one encode calls for both.)
struct FinalizedSequence {
    uint32 rollupId;
    uint64 sequenceIndex;
    /// Number of the sequence's first batch.
    uint64 startBatch;
    uint32 batchCount;
    bytes32 prevStateRoot;
    bytes32 newStateRoot;
    bytes32 dataCommitment;
    /// The accepted proof: the inbox's verifier decides its format (ZkpowInbox: the
    /// version-1 artifact; Groth16Inbox: one 256-byte Groth16 proof).
    bytes proof;
    /// The miner account the proof's statement is bound to.
    bytes32 prover;
    /// Every miner that revealed a valid proof (the reward sharers).
    bytes32[] provers;
}

/// @title What every ZKPoW rollup inbox does, whatever its verifier
/// @notice Holds one rollup's state root, the index of the next sequence and the next batch
///         number, and advances them for the next finalized sequence of the rollup once the
///         concrete inbox's `_verify` accepted its proof for the statement built from the
///         sequence: no trusted operator, anyone may relay. The external ABI here
///         (`finalizeSequence`, the views, `SequenceFinalized`, the errors) is the same for
///         every inbox.
/// @dev Verifying keys live in the code of a data contract written at deployment
///      (`_storeData`) and read with EXTCODECOPY, which costs a few thousand gas per
///      finalization instead of one cold SLOAD per 32 bytes.
abstract contract InboxBase {
    /// Code offset of the data in a store written by `_storeData` (after one STOP byte).
    uint256 internal constant DATA_OFFSET = 1;

    /// Id of the rollup on the appchain.
    uint32 public immutable rollupId;

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
    /// The key store could not be created.
    error KeyStoreCreationFailed();

    /// @param rollupId_ the rollup's id on the appchain.
    /// @param genesisStateRoot the state root before `firstSequenceIndex`.
    /// @param firstSequenceIndex the first sequence this inbox accepts (0 for a new rollup).
    /// @param firstBatch the number of that sequence's first batch.
    constructor(uint32 rollupId_, bytes32 genesisStateRoot, uint64 firstSequenceIndex, uint64 firstBatch) {
        rollupId = rollupId_;
        stateRoot = genesisStateRoot;
        nextSequenceIndex = firstSequenceIndex;
        nextBatch = firstBatch;
    }

    /// @notice Accepts the next finalized sequence of the rollup: checks order, root and
    ///         batch continuity, verifies the proof, then advances the state root.
    /// @param seq the fields of the appchain's `SequenceFinalized` event.
    /// @param batches the sequence's batch headers (from the appchain's `SequenceSubmitted`
    ///        event), needed to derive the proof's public inputs.
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
        _verify(statement, seq.proof, batches);

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

    /// Verifies `proof` for `statement` (rollup, order and previous root already checked
    /// against this inbox) and the sequence's `batches`; reverts with the verifier's error
    /// when the sequence is not proven.
    function _verify(Statement memory statement, bytes calldata proof, BatchHeader[] calldata batches)
        internal
        view
        virtual;

    /// Deploys a contract whose code is `0x00 ++ data` (STOP first, so it cannot run);
    /// `data` is then at code offset `DATA_OFFSET` of `store`.
    function _storeData(bytes memory data) internal returns (address store) {
        bytes memory init = abi.encodePacked(
            hex"61", uint16(data.length + 1), hex"80600a3d393df3", hex"00", data
        );
        assembly ("memory-safe") {
            store := create(0, add(init, 0x20), mload(init))
        }
        if (store == address(0)) revert KeyStoreCreationFailed();
    }

    /// The data a store written by `_storeData` holds.
    function _loadData(address store) internal view returns (bytes memory data) {
        uint256 len = store.code.length - DATA_OFFSET;
        data = new bytes(len);
        assembly ("memory-safe") {
            extcodecopy(store, add(data, 0x20), DATA_OFFSET, len)
        }
    }
}
