// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title RegistryEventsEmitter
/// @notice Test-only contract emitting the KeyRegistry and NodeRegistry events with arbitrary arguments, so the
///         chain index can be fed logs the real contracts never emit (key bytes not matching keyHash,
///         revocations of unknown keys).
contract RegistryEventsEmitter {
    /// @notice Same signature as IKeyRegistry.KeyAdded.
    event KeyAdded(address indexed owner, bytes32 indexed keyHash, uint8 algorithm, bytes publicKey);
    /// @notice Same signature as IKeyRegistry.KeyRevoked.
    event KeyRevoked(address indexed owner, bytes32 indexed keyHash);

    /// @notice Same signature as INodeRegistry.NodeRegistered.
    event NodeRegistered(address indexed node, address indexed operator, uint8 indexed role, string endpoint);
    /// @notice Same signature as INodeRegistry.NodeEndpointUpdated.
    event NodeEndpointUpdated(address indexed node, string endpoint);
    /// @notice Same signature as INodeRegistry.NodeStatusChanged (enums as uint8).
    event NodeStatusChanged(address indexed node, uint8 from, uint8 to, uint8 reason);

    /// @notice Emits KeyAdded with the given (possibly inconsistent) keyHash.
    function keyAdded(address owner, bytes32 keyHash, uint8 algorithm, bytes calldata publicKey) external {
        emit KeyAdded(owner, keyHash, algorithm, publicKey);
    }

    /// @notice Emits KeyRevoked.
    function keyRevoked(address owner, bytes32 keyHash) external {
        emit KeyRevoked(owner, keyHash);
    }

    /// @notice Emits NodeRegistered followed by NodeStatusChanged(None -> Active), as the registry does.
    function nodeRegistered(address node, address operator, uint8 role, string calldata endpoint) external {
        emit NodeRegistered(node, operator, role, endpoint);
        emit NodeStatusChanged(node, 0, 1, 0);
    }

    /// @notice Emits NodeEndpointUpdated.
    function nodeEndpointUpdated(address node, string calldata endpoint) external {
        emit NodeEndpointUpdated(node, endpoint);
    }

    /// @notice Emits NodeStatusChanged.
    function nodeStatusChanged(address node, uint8 from, uint8 to, uint8 reason) external {
        emit NodeStatusChanged(node, from, to, reason);
    }
}
