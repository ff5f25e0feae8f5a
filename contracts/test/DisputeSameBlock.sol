// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISlashingCourt} from "../interfaces/ISlashingCourt.sol";

/// @notice Test helper: commits to a dispute and opens it in the same transaction, hence the same block
///         (the court must refuse the opening with SlashingCourtCommitmentTooFresh).
contract DisputeSameBlock {
    function commitAndOpen(
        ISlashingCourt court,
        address node,
        uint8 faultCode,
        uint64 occurredAt,
        bytes32 digest,
        bytes calldata evidence,
        bytes32 salt
    ) external {
        bytes32 subject = faultCode == 4 ? digest : keccak256(evidence);
        court.commitDispute(court.disputeCommitment(address(this), salt, node, faultCode, subject));
        court.openDispute(node, faultCode, occurredAt, digest, evidence, salt);
    }
}
