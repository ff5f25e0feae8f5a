// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISlashing} from "../interfaces/ISlashing.sol";
import {ISlashingCourt} from "../interfaces/ISlashingCourt.sol";
import {OpenPgpSignature} from "../libraries/OpenPgpSignature.sol";
import {PushTypedData} from "../libraries/PushTypedData.sol";
import {Sha1} from "../libraries/Sha1.sol";

/// @notice Test-only: exposes the slashing libraries.
contract SlashingLibrariesHarness {
    function sha1(bytes memory data) external pure returns (bytes20) {
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(data, 0x20)
        }
        return Sha1.hash(ptr, data.length);
    }

    /// Gas of Sha1.hash over `data` (to document its cost).
    function sha1Gas(bytes memory data) external view returns (uint256 used) {
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(data, 0x20)
        }
        uint256 before = gasleft();
        Sha1.hash(ptr, data.length);
        used = before - gasleft();
    }

    function parse(
        bytes calldata signature
    ) external pure returns (uint8 status, OpenPgpSignature.Layout memory) {
        (OpenPgpSignature.Status st, OpenPgpSignature.Layout memory layout) = OpenPgpSignature.parse(
            signature
        );
        return (uint8(st), layout);
    }

    function messageStructHash(ISlashing.Message calldata m) external pure returns (bytes32) {
        return keccak256(abi.encode(PushTypedData.MESSAGE_TYPEHASH, m));
    }

    function typeHashes()
        external
        pure
        returns (bytes32 message, bytes32 attestation, bytes32 report, bytes32 chat)
    {
        return (
            PushTypedData.MESSAGE_TYPEHASH,
            PushTypedData.ATTESTATION_TYPEHASH,
            PushTypedData.REPORT_TYPEHASH,
            PushTypedData.CHAT_DOMAIN_SEPARATOR
        );
    }

    function reportHash(ISlashingCourt.Report calldata r) external pure returns (bytes32) {
        return PushTypedData.reportHash(r);
    }
}
