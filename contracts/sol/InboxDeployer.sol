// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Deterministic inbox deployment
/// @notice Deploys a contract at an address fixed by the deploying account and a salt
///         alone: neither the deployer's nonce nor the contract's code or constructor
///         arguments enter it. A rollup registers its inbox address on the appchain before
///         the inbox exists (the constructor takes the rollup id the registration assigns),
///         so the address must survive whatever else the deploying key sends meanwhile, and
///         no one else can deploy there: the salt is bound to `msg.sender`.
/// @dev `deployContract` CREATE2s a one-purpose proxy at `keccak256(msg.sender ++ salt)`
///      and calls
///      it with the init code; the proxy CREATEs the contract as its first (nonce 1)
///      creation, so the address is `proxy.create(1)`. The factory itself is deployed
///      through the deterministic deployment proxy (0x4e59…956c) with a zero salt, so it
///      has one address on every chain that has that proxy.
contract InboxDeployer {
    /// Init code of the proxy. Its runtime code, `36 3d 3d 37 36 3d 34 f0`, copies the
    /// calldata to memory and CREATEs it with the call's value; the init code returns
    /// those 8 bytes (`PUSH8 code; MSTORE at 0; RETURN(24, 8)`).
    bytes internal constant PROXY_INIT_CODE = hex"67363d3d37363d34f03d5260086018f3";
    /// `keccak256(PROXY_INIT_CODE)`.
    bytes32 internal constant PROXY_INIT_CODE_HASH = keccak256(PROXY_INIT_CODE);

    /// `deployer` deployed `deployed` under `salt`.
    event Deployed(address indexed deployer, bytes32 indexed salt, address deployed);

    /// `deployer` already used `salt` (its address holds a contract).
    error SaltAlreadyUsed(address deployer, bytes32 salt);
    /// The init code reverted or deployed no code (simulate it as a plain creation to
    /// read its own revert).
    error DeploymentFailed(address deployer, bytes32 salt);

    /// Deploys `initCode` at `addressOf(msg.sender, salt)`; forwards the value sent.
    /// @return deployed the new contract's address.
    function deployContract(bytes32 salt, bytes calldata initCode) external payable returns (address deployed) {
        bytes memory proxyInit = PROXY_INIT_CODE;
        bytes32 key = keccak256(abi.encodePacked(msg.sender, salt));
        address proxy;
        assembly ("memory-safe") {
            proxy := create2(0, add(proxyInit, 0x20), mload(proxyInit), key)
        }
        if (proxy == address(0)) revert SaltAlreadyUsed(msg.sender, salt);
        deployed = _created(proxy);
        (bool ok,) = proxy.call{value: msg.value}(initCode);
        if (!ok || deployed.code.length == 0) revert DeploymentFailed(msg.sender, salt);
        emit Deployed(msg.sender, salt, deployed);
    }

    /// The address `deployContract(salt, …)` sent by `deployer` deploys to.
    function addressOf(address deployer, bytes32 salt) external view returns (address) {
        bytes32 key = keccak256(abi.encodePacked(deployer, salt));
        bytes32 proxy = keccak256(abi.encodePacked(hex"ff", address(this), key, PROXY_INIT_CODE_HASH));
        return _created(address(uint160(uint256(proxy))));
    }

    /// The first contract `creator` CREATEs (nonce 1): `keccak256(rlp([creator, 1]))`.
    function _created(address creator) private pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(hex"d694", creator, hex"01")))));
    }
}
