// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {FinalizedSequence} from "../InboxBase.sol";
import {BatchHeader} from "../SequenceStatement.sol";

/// @title Test adversary: an inbox that lies to relayers
/// @notice For the relayer's tests only (never deployed on a real chain). It has the inbox's
///         delivery ABI (`finalizeSequence`, `nextSequenceIndex`, `rollupId`, `stateRoot`)
///         and accepts any sequence in order, but:
///         - `baitAndSwitch`: a call (`eth_call`, `eth_estimateGas`: gas price 0) succeeds
///           cheaply, a real transaction (gas price above 0) burns all its gas and reverts;
///         - otherwise every execution burns about `burnGas` gas first (an inbox too
///           expensive to serve).
contract HostileInbox {
    uint32 public immutable rollupId;
    bool public immutable baitAndSwitch;
    uint256 public immutable burnGas;

    bytes32 public stateRoot;
    uint64 public nextSequenceIndex;
    uint256 private sink;

    constructor(uint32 rollupId_, bool baitAndSwitch_, uint256 burnGas_) {
        rollupId = rollupId_;
        baitAndSwitch = baitAndSwitch_;
        burnGas = burnGas_;
    }

    /// Looks like the inbox's; see the contract's notice for what it really does.
    function finalizeSequence(FinalizedSequence calldata seq, BatchHeader[] calldata) external {
        if (baitAndSwitch && tx.gasprice > 0) {
            assembly ("memory-safe") {
                invalid()
            }
        }
        uint256 stop = gasleft() > burnGas ? gasleft() - burnGas : 0;
        uint256 acc = sink;
        while (gasleft() > stop) {
            acc = uint256(keccak256(abi.encode(acc)));
        }
        sink = acc;
        stateRoot = seq.newStateRoot;
        nextSequenceIndex = seq.sequenceIndex + 1;
    }
}
