// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ArtifactVerifier} from "./ArtifactVerifier.sol";
import {InboxBase} from "./InboxBase.sol";
import {BatchHeader, Statement} from "./SequenceStatement.sol";

/// @title ZKPoW rollup inbox (multi-proof artifacts)
/// @notice The EVM end of one rollup proven on the ZKPoW appchain with the multi-proof
///         artifact: `InboxBase` keeps the state root and the sequence order, this contract
///         verifies each sequence's artifact itself (BN254 precompiles) against the
///         verifying-key set fixed at deployment.
/// @dev The key set (3,266 + 256·N bytes) lives in the code of a data contract.
contract ZkpowInbox is InboxBase {
    /// Aggregator capacity of the key set: the most batches a sequence may have.
    uint256 public immutable capacity;
    /// `keccak256` of the key set (bound into the Fiat–Shamir transcript).
    bytes32 public immutable vkSetHash;
    /// The data contract whose code (after one STOP byte) is the key set.
    address public immutable vkSetStore;

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
    ) InboxBase(rollupId_, genesisStateRoot, firstSequenceIndex, firstBatch) {
        capacity = ArtifactVerifier.validateKeySet(vkSet);
        vkSetHash = keccak256(vkSet);
        vkSetStore = _storeData(vkSet);
    }

    /// The verifying-key set fixed at deployment.
    function verifyingKeySet() public view returns (bytes memory vkSet) {
        return _loadData(vkSetStore);
    }

    /// Verifies the artifact (`ArtifactVerifier.verify`).
    function _verify(Statement memory statement, bytes calldata proof, BatchHeader[] calldata batches)
        internal
        view
        override
    {
        ArtifactVerifier.verify(verifyingKeySet(), vkSetHash, capacity, proof, statement, batches);
    }
}
