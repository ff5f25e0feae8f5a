// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @notice An upgrade the storage-layout check must refuse: the key registry's namespaced struct with its
///         fields reordered (records where the per-owner counters were).
contract KeyRegistryBadLayout is
    AccessControlUpgradeable,
    PausableUpgradeable,
    EIP712Upgradeable,
    UUPSUpgradeable
{
    struct KeyRecord {
        uint8 algorithm;
        uint64 addedAt;
        uint64 revokedAt;
    }

    struct OwnerKeys {
        uint32 count;
        uint32 active;
        uint192 nonce;
    }

    /// @custom:storage-location erc7201:push.storage.KeyRegistry
    struct KeyRegistryStorage {
        mapping(address owner => mapping(bytes32 keyHash => KeyRecord)) records;
        mapping(address owner => mapping(uint256 index => bytes32 keyHash)) keyAt;
        mapping(address owner => OwnerKeys) owners;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function initialize() external initializer {
        __AccessControl_init();
        __Pausable_init();
        __EIP712_init("Push Key Registry", "1");
    }

    function _authorizeUpgrade(address) internal override {}
}
