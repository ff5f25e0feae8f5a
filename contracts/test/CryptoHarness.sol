// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ed25519} from "../libraries/Ed25519.sol";
import {Sha512} from "../libraries/Sha512.sol";

/// @notice Exposes the Sha512 and Ed25519 libraries for tests, with the gas each call used.
contract CryptoHarness {
    function sha512(bytes memory data) external pure returns (bytes32 hi, bytes32 lo) {
        return Sha512.sha512(data);
    }

    function sha384(bytes memory data) external pure returns (bytes32 hi, bytes16 lo) {
        return Sha512.sha384(data);
    }

    /// @notice sha512At over bytes [offset, offset + len) of `data` (a range inside an allocated array).
    function sha512At(
        bytes memory data,
        uint256 offset,
        uint256 len
    ) external pure returns (bytes32, bytes32) {
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(add(data, 32), offset)
        }
        return Sha512.sha512At(ptr, len);
    }

    function sha512Gas(bytes memory data) external view returns (uint256 gasUsed) {
        uint256 before = gasleft();
        Sha512.sha512(data);
        gasUsed = before - gasleft();
    }

    function ed25519Verify(
        bytes32 publicKey,
        bytes32 r,
        bytes32 s,
        bytes memory message
    ) external view returns (bool) {
        return Ed25519.verify(publicKey, r, s, message);
    }

    function ed25519VerifyGas(
        bytes32 publicKey,
        bytes32 r,
        bytes32 s,
        bytes memory message
    ) external view returns (bool valid, uint256 gasUsed) {
        uint256 before = gasleft();
        valid = Ed25519.verify(publicKey, r, s, message);
        gasUsed = before - gasleft();
    }

    function ed25519IsCanonicalPoint(bytes32 encoded) external view returns (bool) {
        return Ed25519.isCanonicalPoint(encoded);
    }

    function ed25519IsCanonicalPointGas(bytes32 encoded) external view returns (bool ok, uint256 gasUsed) {
        uint256 before = gasleft();
        ok = Ed25519.isCanonicalPoint(encoded);
        gasUsed = before - gasleft();
    }
}
