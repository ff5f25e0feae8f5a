// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISlashing} from "../interfaces/ISlashing.sol";
import {ISlashingCourt} from "../interfaces/ISlashingCourt.sol";

/// @title PushTypedData
/// @notice EIP-712 type hashes and struct hashes of the wire standard (DESIGN section 4): the chat `Message`
///         (domain {name: "Push Chat", version: "1"}, no chainId: messages are chain-agnostic), and the node
///         `Attestation` (in the slashing contract's domain) and the validator `Report` (in the court's domain).
library PushTypedData {
    bytes32 internal constant MESSAGE_TYPEHASH = keccak256(
        "Message(uint8 version,address from,address to,uint64 timestamp,uint8 contentType,uint8 encryption,"
        "bytes32 contentHash,uint32 contentSize,bytes32 senderKey,bytes32 recipientKey,bytes32 previous)"
    );

    bytes32 internal constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(bytes32 digest,bytes32 signatureHash,uint32 signatureSize,uint64 sequence,uint64 attestedAt)"
    );

    bytes32 internal constant REPORT_TYPEHASH = keccak256(
        "Report(address node,uint8 faultCode,bytes32 evidenceHash,uint64 reportedAt,address reporter)"
    );

    /// @notice Domain separator of chat messages:
    ///         keccak256(abi.encode(keccak256("EIP712Domain(string name,string version)"),
    ///         keccak256("Push Chat"), keccak256("1"))). Checked against ethers in the tests.
    bytes32 internal constant CHAT_DOMAIN_SEPARATOR =
        0x2d5ed6885de1f017919fa90af1699d55f295e9ee77a0c69fd51542935349e9a1;

    /// @notice The message digest: keccak256(0x1901 || CHAT_DOMAIN_SEPARATOR || hashStruct(message)).
    function messageDigest(ISlashing.Message calldata m) internal pure returns (bytes32 d) {
        bytes32 structHash = keccak256(abi.encode(MESSAGE_TYPEHASH, m));
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, hex"1901")
            mstore(add(ptr, 0x02), CHAT_DOMAIN_SEPARATOR)
            mstore(add(ptr, 0x22), structHash)
            d := keccak256(ptr, 0x42)
        }
    }

    /// @notice hashStruct(attestation).
    function attestationHash(ISlashing.Attestation calldata a) internal pure returns (bytes32) {
        return keccak256(abi.encode(ATTESTATION_TYPEHASH, a));
    }

    /// @notice hashStruct(report).
    function reportHash(ISlashingCourt.Report calldata r) internal pure returns (bytes32) {
        return keccak256(abi.encode(REPORT_TYPEHASH, r));
    }
}
