// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PushJson} from "../libraries/PushJson.sol";
import {Base64Armor} from "../libraries/Base64Armor.sol";
import {PushPreimage} from "../libraries/PushPreimage.sol";

/// @notice Exposes PushJson, Base64Armor and PushPreimage for tests.
contract PushLibrariesHarness {
    function quote(bytes calldata s) external pure returns (bytes memory) {
        return PushJson.quote(s);
    }

    function hex64(bytes32 digest) external pure returns (bytes memory) {
        return PushJson.hex64(digest);
    }

    function decodeArmor(
        bytes calldata text,
        bytes calldata label,
        bool jsonEscaped
    ) external pure returns (Base64Armor.Status status, uint256 offset, bytes memory data) {
        return Base64Armor.decode(text, 0, text.length, label, jsonEscaped);
    }

    function crc24(bytes calldata data) external pure returns (uint256) {
        return Base64Armor.crc24(data);
    }

    function preimage(PushPreimage.Message calldata m, bool withSessionKey) external pure returns (bytes memory) {
        return PushPreimage.preimage(m, withSessionKey);
    }

    function pgpv3Hex(PushPreimage.Message calldata m) external pure returns (bytes memory) {
        return PushPreimage.pgpv3Hex(m);
    }

    function pgpv2Hex(PushPreimage.Message calldata m) external pure returns (bytes memory) {
        return PushPreimage.pgpv2Hex(m);
    }
}
