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

    function preimage(
        PushPreimage.Message calldata m,
        bool withSessionKey
    ) external pure returns (bytes memory) {
        return PushPreimage.preimage(m, withSessionKey);
    }

    /// `PushJson.sha256Hex` of `length` octets 0x61 made in memory (not calldata, whose floor price would dominate a
    /// gas-starvation test's limits).
    function sha256HexOfRepeated(uint256 length) external view returns (bytes memory) {
        bytes memory data = new bytes(length);
        for (uint256 i = 0; i < length; i += 32) {
            assembly ("memory-safe") {
                mstore(
                    add(add(data, 32), i),
                    0x6161616161616161616161616161616161616161616161616161616161616161
                )
            }
        }
        return PushJson.sha256Hex(data);
    }

    function pgpv3Hex(PushPreimage.Message calldata m) external view returns (bytes memory) {
        return PushPreimage.pgpv3Hex(m);
    }

    function pgpv2Hex(PushPreimage.Message calldata m) external view returns (bytes memory) {
        return PushPreimage.pgpv2Hex(m);
    }

    /// Gas used by each step on `s` (the libraries only: no calldata, no ABI encoding of results).
    function gasOf(
        bytes calldata s,
        bytes calldata label
    ) external view returns (uint256 quoteGas, uint256 armorGas, uint256 crcGas, uint256 shaGas) {
        bytes memory m = s;
        uint256 g = gasleft();
        bytes memory q = PushJson.quote(m);
        quoteGas = g - gasleft();
        g = gasleft();
        (, , bytes memory data) = Base64Armor.decode(m, 0, m.length, label, false);
        armorGas = g - gasleft();
        g = gasleft();
        Base64Armor.crc24(data);
        crcGas = g - gasleft();
        g = gasleft();
        PushJson.sha256Hex(q);
        shaGas = g - gasleft();
    }

    /// Gas `PushPreimage.pgpv3Hex` uses on `m` once it is in memory (no calldata, no ABI encoding).
    function pgpv3HexGas(PushPreimage.Message calldata m) external view returns (uint256 gasUsed) {
        PushPreimage.Message memory mm = m;
        uint256 g = gasleft();
        PushPreimage.pgpv3Hex(mm);
        gasUsed = g - gasleft();
    }
}
