// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "./MerkleProof.sol";
import {Mmr, MmrProof} from "./Mmr.sol";

// The BEEFY types, as the appchain's runtime defines them (polkadot-sdk stable2609,
// sp-consensus-beefy 32), with the fields our chain fills. File-level so that every ABI
// that uses them names the same types.

/// A BEEFY validator set as MMR leaves state it (`sp_consensus_beefy::mmr::BeefyAuthoritySet`).
struct ValidatorSet {
    /// The set's id (`ValidatorSetId`): one more at each change of the set.
    uint64 id;
    /// Number of validators.
    uint32 len;
    /// `binary_merkle_tree::merkle_root::<Keccak256>` of the validators' Ethereum addresses
    /// in set order (each tree leaf is `keccak256(address)`, 20 bytes; pallet-beefy-mmr's
    /// `keyset_commitment` with `BeefyEcdsaToEthereum`).
    bytes32 root;
}

/// What BEEFY validators sign: `sp_consensus_beefy::Commitment<u32>` with the payload of
/// our chain, one entry `(b"mh", SCALE(mmrRoot))`.
struct Commitment {
    /// The MMR root of the finalized block `blockNumber` (pallet-mmr's root after that
    /// block's leaf).
    bytes32 mmrRoot;
    /// The finalized block.
    uint32 blockNumber;
    /// Id of the validator set that signs.
    uint64 validatorSetId;
}

/// One validator's signature of a commitment, with what proves the signer is in the set.
struct ValidatorSignature {
    /// The validator's position in the set (its position in `SignedCommitment.signatures`).
    uint32 index;
    /// The validator's Ethereum address (`BeefyEcdsaToEthereum` of its BEEFY key).
    address account;
    /// The signature `r ++ s ++ v` of `sp_core::ecdsa::Signature` over
    /// `keccak256(SCALE(commitment))`; `v` is the recovery id, 0 or 1.
    bytes32 r;
    bytes32 s;
    uint8 v;
    /// `binary_merkle_tree::merkle_proof` of `account` at `index` in the set's root.
    bytes32[] proof;
}

/// A leaf of the appchain's MMR: `sp_consensus_beefy::mmr::MmrLeaf<u32, H256, H256, H256>`
/// (pallet-beefy-mmr's leaf, `LeafExtra = H256`), one per block.
struct MmrLeaf {
    /// `MmrLeafVersion` (major 3 bits, minor 5 bits).
    uint8 version;
    /// The number of the leaf's block's parent (the leaf of block `n` has `n - 1`).
    uint32 parentNumber;
    /// The hash of the leaf's block's parent.
    bytes32 parentHash;
    /// The BEEFY validator set after the current one (`BeefyNextAuthorities` at that
    /// block).
    ValidatorSet nextAuthoritySet;
    /// `leaf_extra`: the root over the records of the sequences finalized in the block
    /// (`zkpow_primitives::record::records_root`).
    bytes32 extra;
}

/// The validator set has no validators (at deployment, or as a handover leaf states it).
error EmptyValidatorSet(uint64 id);
/// A next validator set does not have the id one above the set before it (at deployment,
/// or as a handover leaf states it).
error NextSetIdMismatch(uint256 expected, uint64 given);
/// The commitment is not newer than the latest accepted one (a replay, or an old one).
error StaleCommitment(uint32 blockNumber, uint32 latestBlock);
/// The commitment is signed by neither the current nor the next validator set.
error UnknownValidatorSet(uint64 given, uint64 currentSetId, uint64 nextSetId);
/// The commitment is signed by the next validator set: that is a handover, which
/// `submitHandover` takes with the MMR leaf stating the set after it.
error HandoverNeedsLeaf(uint64 nextSetId);
/// `submitHandover` was given a commitment not signed by the next validator set.
error NotAHandover(uint64 given, uint64 nextSetId);
/// Not more than two thirds of the set's validators signed (`3 * signatures > 2 * len`
/// fails).
error NotEnoughSignatures(uint256 signatures, uint32 setLen);
/// A signature names a validator index outside the set.
error ValidatorIndexOutOfRange(uint32 index, uint32 setLen);
/// Two signatures name the same validator index.
error DuplicateSigner(uint32 index);
/// The membership proof does not put `account` at `index` in the set's root (a
/// `binary_merkle_tree` proof of exactly the length `merkle_proof` gives that index).
error NotInValidatorSet(uint32 index, address account);
/// A signature's `s` is in the upper half of the curve order (a malleated signature).
error MalleableSignature(uint32 index);
/// A signature's recovery id is not 0 or 1.
error InvalidSignatureV(uint32 index, uint8 v);
/// The signature does not recover to the validator's address (another key, another
/// commitment, or no valid signature at all).
error BadSignature(uint32 index, address account);
/// A handover's MMR leaf is not the leaf of the commitment's block.
error LeafNotOfCommitmentBlock(uint32 leafParentNumber, uint32 blockNumber);
/// A handover's MMR leaf and proof do not lead to the commitment's MMR root.
error LeafNotUnderCommitment(bytes32 computedRoot, bytes32 mmrRoot);
/// The MMR root a leaf and its proof lead to was never accepted.
error UnknownMmrRoot(bytes32 root);

/// @title SCALE encodings of BEEFY commitments and MMR leaves
/// @notice Built from typed fields (nothing is decoded): integers little-endian, `H256`
///         raw, `Vec` with a compact length.
library BeefyCodec {
    /// The payload id of an MMR root (`sp_consensus_beefy::known_payloads::MMR_ROOT_ID`).
    bytes2 internal constant MMR_ROOT_ID = "mh";

    /// `keccak256(SCALE(commitment))`, what validators sign: 48 bytes
    /// `0x04 ++ "mh" ++ 0x80 ++ mmrRoot ++ u32 LE blockNumber ++ u64 LE validatorSetId`
    /// (a payload of one entry `(id, Vec<u8> of 32 bytes)`: compact 1 = `0x04`, compact
    /// 32 = `0x80`).
    function commitmentHash(Commitment calldata c) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                hex"04", MMR_ROOT_ID, hex"80", c.mmrRoot, le32(c.blockNumber), le64(c.validatorSetId)
            )
        );
    }

    /// The leaf's MMR node hash, `keccak256(SCALE(leaf))` over 113 bytes: `version ++ u32
    /// LE parentNumber ++ parentHash ++ u64 LE id ++ u32 LE len ++ root ++ extra`.
    function leafHash(MmrLeaf calldata leaf) internal pure returns (bytes32) {
        ValidatorSet calldata next = leaf.nextAuthoritySet;
        return keccak256(
            abi.encodePacked(
                leaf.version,
                le32(leaf.parentNumber),
                leaf.parentHash,
                le64(next.id),
                le32(next.len),
                next.root,
                leaf.extra
            )
        );
    }

    /// `x` as 4 little-endian bytes.
    function le32(uint32 x) internal pure returns (bytes4) {
        x = ((x & 0x00ff00ff) << 8) | ((x >> 8) & 0x00ff00ff);
        return bytes4((x << 16) | (x >> 16));
    }

    /// `x` as 8 little-endian bytes.
    function le64(uint64 x) internal pure returns (bytes8) {
        x = ((x & 0x00ff00ff00ff00ff) << 8) | ((x >> 8) & 0x00ff00ff00ff00ff);
        x = ((x & 0x0000ffff0000ffff) << 16) | ((x >> 16) & 0x0000ffff0000ffff);
        return bytes8((x << 32) | (x >> 32));
    }
}

/// @title BEEFY light client of the ZKPoW appchain
/// @notice Follows the appchain's BEEFY finality: accepts a commitment (an MMR root of a
///         finalized block) signed by more than two thirds of the current validator set,
///         hands over to the next set when that set signs together with the MMR leaf that
///         states the set after it, and keeps every accepted MMR root, so that anything in
///         an MMR leaf (a block's finalized-sequence records) can be proven against it.
///         Nobody is trusted but the validator set fixed at deployment and its successors:
///         anyone may relay.
/// @dev Validators are known by their Ethereum addresses under the set's Merkle root; each
///      signature comes with its signer's index, address and membership proof, and is
///      checked with `ecrecover` (low `s` only, recovery id 0 or 1). Indices are distinct
///      (a bitfield) and a membership proof must have the length of that index's proof
///      (`MerkleProof.verifyCanonical`: `verify_proof` alone lets a leaf verify at other
///      indices), so `n` accepted signatures are `n` distinct validators of the set (the
///      chain's sets hold each key once: session keys are unique).
contract BeefyClient {
    /// Half the secp256k1 group order: a larger `s` is the malleated twin of a signature.
    uint256 internal constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    // One slot: both sets' ids and lengths and the latest block.
    uint64 private _currentId;
    uint32 private _currentLen;
    uint64 private _nextId;
    uint32 private _nextLen;
    /// The block of the latest accepted commitment; only newer ones are accepted.
    uint32 public latestBlock;
    bytes32 private _currentRoot;
    bytes32 private _nextRoot;
    /// The block number of each accepted MMR root (0: not accepted; accepted blocks are
    /// above the deployment's `latestBlock`, so never 0).
    mapping(bytes32 => uint32) public mmrRootBlock;

    /// @notice A commitment was accepted: `mmrRoot` is the appchain's MMR root at the
    ///         finalized block `blockNumber`.
    /// @param mmrRoot the MMR root, now accepted by `verifyMmrLeaf`.
    /// @param blockNumber the finalized block the root is of, now `latestBlock`.
    /// @param validatorSetId the validator set that signed it.
    event NewMmrRoot(bytes32 indexed mmrRoot, uint32 indexed blockNumber, uint64 validatorSetId);

    /// @notice The next validator set signed a commitment: it is now the current set, and
    ///         the set its MMR leaf states is the next one.
    /// @param currentSetId id of the new current set (the former next set).
    /// @param nextSetId id of the new next set (`currentSetId + 1`).
    /// @param nextSetLen number of validators of the new next set.
    /// @param nextSetRoot Merkle root of the new next set's addresses.
    event ValidatorSetChanged(uint64 indexed currentSetId, uint64 nextSetId, uint32 nextSetLen, bytes32 nextSetRoot);

    /// @param latestBlock_ a finalized block of the appchain; only commitments of later
    ///        blocks are accepted.
    /// @param current the validator set of that block (`BeefyMmrApi::authority_set_proof`),
    ///        trusted as given: the deployer checks it against the appchain.
    /// @param next the next validator set (`BeefyMmrApi::next_authority_set_proof`), id one
    ///        above `current`'s.
    constructor(uint32 latestBlock_, ValidatorSet memory current, ValidatorSet memory next) {
        if (current.len == 0) revert EmptyValidatorSet(current.id);
        if (next.len == 0) revert EmptyValidatorSet(next.id);
        if (uint256(next.id) != uint256(current.id) + 1) revert NextSetIdMismatch(uint256(current.id) + 1, next.id);
        latestBlock = latestBlock_;
        _setSets(current, next);
    }

    /// The validator set that signs the commitments `submit` accepts.
    function currentValidatorSet() external view returns (ValidatorSet memory) {
        return ValidatorSet(_currentId, _currentLen, _currentRoot);
    }

    /// The validator set that takes over with `submitHandover`.
    function nextValidatorSet() external view returns (ValidatorSet memory) {
        return ValidatorSet(_nextId, _nextLen, _nextRoot);
    }

    /// @notice Accepts a commitment of the current validator set: newer than `latestBlock`
    ///         (`StaleCommitment`), signed by more than two thirds of the set, each
    ///         signature valid for its validator (errors of `_verifySignatures`).
    /// @dev A commitment of the next set reverts with `HandoverNeedsLeaf`, of any other set
    ///      with `UnknownValidatorSet`.
    /// @param commitment the signed commitment (`SignedCommitment.commitment`).
    /// @param signatures the signatures, one per signing validator, each with its index.
    function submit(Commitment calldata commitment, ValidatorSignature[] calldata signatures) external {
        uint64 id = commitment.validatorSetId;
        if (id != _currentId) {
            if (id == _nextId) revert HandoverNeedsLeaf(id);
            revert UnknownValidatorSet(id, _currentId, _nextId);
        }
        _checkNewer(commitment.blockNumber);
        _verifySignatures(
            BeefyCodec.commitmentHash(commitment), ValidatorSet(_currentId, _currentLen, _currentRoot), signatures
        );
        _accept(commitment);
    }

    /// @notice Accepts a commitment of the next validator set and hands over to it: the
    ///         commitment is newer than `latestBlock`, signed by more than two thirds of
    ///         the next set, and comes with the MMR leaf of its block (`parentNumber + 1 ==
    ///         blockNumber`, else `LeafNotOfCommitmentBlock`) proven against its own MMR
    ///         root (`LeafNotUnderCommitment`). The leaf's `nextAuthoritySet` (id one above
    ///         the next set's, else `NextSetIdMismatch`; not empty, else
    ///         `EmptyValidatorSet`) becomes the next set, the next set the current one.
    /// @param commitment the signed commitment, of the next set (else `NotAHandover`).
    /// @param signatures the next set's signatures.
    /// @param leaf the MMR leaf of the commitment's block.
    /// @param leafProof the leaf's proof in the MMR of the commitment's root.
    function submitHandover(
        Commitment calldata commitment,
        ValidatorSignature[] calldata signatures,
        MmrLeaf calldata leaf,
        MmrProof calldata leafProof
    ) external {
        ValidatorSet memory signers = ValidatorSet(_nextId, _nextLen, _nextRoot);
        if (commitment.validatorSetId != signers.id) revert NotAHandover(commitment.validatorSetId, signers.id);
        _checkNewer(commitment.blockNumber);
        if (uint256(leaf.parentNumber) + 1 != commitment.blockNumber) {
            revert LeafNotOfCommitmentBlock(leaf.parentNumber, commitment.blockNumber);
        }
        bytes32 computed = Mmr.root(BeefyCodec.leafHash(leaf), leafProof);
        if (computed != commitment.mmrRoot) revert LeafNotUnderCommitment(computed, commitment.mmrRoot);
        ValidatorSet calldata successor = leaf.nextAuthoritySet;
        if (uint256(successor.id) != uint256(signers.id) + 1) {
            revert NextSetIdMismatch(uint256(signers.id) + 1, successor.id);
        }
        if (successor.len == 0) revert EmptyValidatorSet(successor.id);
        _verifySignatures(BeefyCodec.commitmentHash(commitment), signers, signatures);

        _setSets(signers, successor);
        emit ValidatorSetChanged(signers.id, successor.id, successor.len, successor.root);
        _accept(commitment);
    }

    /// @notice Whether `leaf` is in an accepted MMR: returns the block number of the
    ///         accepted root that `leafProof` leads to, reverts with `UnknownMmrRoot` (or a
    ///         corrupt proof's `MmrLeafIndexOutOfRange` / `MmrProofItemCount`) otherwise.
    /// @param leaf the MMR leaf (hashed here from its fields).
    /// @param leafProof its proof against an accepted root (any accepted root, not only the
    ///        latest one).
    function verifyMmrLeaf(MmrLeaf calldata leaf, MmrProof calldata leafProof)
        external
        view
        returns (uint32 blockNumber)
    {
        return _verifyLeafHash(BeefyCodec.leafHash(leaf), leafProof);
    }

    /// @notice `verifyMmrLeaf` for a leaf's node hash.
    /// @dev Only for a hash the caller computed itself as `keccak256(SCALE(leaf))`: an
    ///      inner node of an accepted MMR also passes as a "leaf" of a smaller proof, so a
    ///      hash taken from an untrusted party proves nothing about any leaf.
    /// @param leafHash `keccak256` of the leaf's SCALE encoding.
    /// @param leafProof its proof against an accepted root.
    function verifyLeafHash(bytes32 leafHash, MmrProof calldata leafProof)
        external
        view
        returns (uint32 blockNumber)
    {
        return _verifyLeafHash(leafHash, leafProof);
    }

    /// `keccak256(SCALE(commitment))`, the message validators sign (for relayers to check
    /// their encoding against).
    function commitmentHash(Commitment calldata commitment) external pure returns (bytes32) {
        return BeefyCodec.commitmentHash(commitment);
    }

    /// `keccak256(SCALE(leaf))`, the leaf's MMR node hash.
    function mmrLeafHash(MmrLeaf calldata leaf) external pure returns (bytes32) {
        return BeefyCodec.leafHash(leaf);
    }

    function _verifyLeafHash(bytes32 leafHash, MmrProof calldata leafProof) private view returns (uint32 blockNumber) {
        bytes32 root = Mmr.root(leafHash, leafProof);
        blockNumber = mmrRootBlock[root];
        if (blockNumber == 0) revert UnknownMmrRoot(root);
    }

    function _checkNewer(uint32 blockNumber) private view {
        uint32 latest = latestBlock;
        if (blockNumber <= latest) revert StaleCommitment(blockNumber, latest);
    }

    function _accept(Commitment calldata commitment) private {
        latestBlock = commitment.blockNumber;
        mmrRootBlock[commitment.mmrRoot] = commitment.blockNumber;
        emit NewMmrRoot(commitment.mmrRoot, commitment.blockNumber, commitment.validatorSetId);
    }

    function _setSets(ValidatorSet memory current, ValidatorSet memory next) private {
        (_currentId, _currentLen, _currentRoot) = (current.id, current.len, current.root);
        (_nextId, _nextLen, _nextRoot) = (next.id, next.len, next.root);
    }

    /// More than two thirds of `set` signed `hash`: `3 * n > 2 * len` signatures
    /// (`NotEnoughSignatures`), each of a distinct validator (`DuplicateSigner`) of the set
    /// (`ValidatorIndexOutOfRange`, `NotInValidatorSet`), each valid (`MalleableSignature`,
    /// `InvalidSignatureV`, `BadSignature`).
    function _verifySignatures(bytes32 hash, ValidatorSet memory set, ValidatorSignature[] calldata signatures)
        private
        pure
    {
        uint256 n = signatures.length;
        if (3 * n <= 2 * uint256(set.len)) revert NotEnoughSignatures(n, set.len);
        uint256[] memory seen = new uint256[]((uint256(set.len) + 255) / 256);
        for (uint256 i = 0; i < n; i++) {
            _verifySignature(hash, set, signatures[i], seen);
        }
    }

    function _verifySignature(
        bytes32 hash,
        ValidatorSet memory set,
        ValidatorSignature calldata signature,
        uint256[] memory seen
    ) private pure {
        uint32 index = signature.index;
        if (index >= set.len) revert ValidatorIndexOutOfRange(index, set.len);
        uint256 word = index >> 8;
        uint256 bit = 1 << (index & 0xff);
        if (seen[word] & bit != 0) revert DuplicateSigner(index);
        seen[word] |= bit;

        address account = signature.account;
        bytes32 member = keccak256(abi.encodePacked(account));
        if (!MerkleProof.verifyCanonical(set.root, signature.proof, set.len, index, member)) {
            revert NotInValidatorSet(index, account);
        }
        if (uint256(signature.s) > HALF_ORDER) revert MalleableSignature(index);
        uint256 v = uint256(signature.v) + 27;
        if (v != 27 && v != 28) revert InvalidSignatureV(index, signature.v);
        address signer = ecrecover(hash, uint8(v), signature.r, signature.s);
        if (signer == address(0) || signer != account) revert BadSignature(index, account);
    }
}
