// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title EventEmitter
/// @notice Test-only contract that emits events on demand, for the log scanner tests.
contract EventEmitter {
    /// @notice Emitted once per id by {emitOne} and {emitMany}; `tag` lets a test tell two forks apart.
    event Emitted(uint256 indexed id, bytes32 indexed tag, address sender);

    /// @notice Emitted by {emitMany} between two `Emitted` events, so filters by topic can be checked.
    event Other(uint256 value);

    /// @notice Emits one {Emitted} event.
    function emitOne(uint256 id, bytes32 tag) external {
        emit Emitted(id, tag, msg.sender);
    }

    /// @notice Emits `count` {Emitted} events with ids `firstId, firstId + 1, ...`, each followed by {Other}.
    function emitMany(uint256 firstId, uint256 count, bytes32 tag) external {
        for (uint256 i = 0; i < count; i++) {
            emit Emitted(firstId + i, tag, msg.sender);
            emit Other(i);
        }
    }
}
