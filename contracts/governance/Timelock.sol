// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Governance of every protocol contract is an unmodified OpenZeppelin TimelockController (DESIGN section 2):
// importing it here makes Hardhat compile it, so `deploy:protocol` can deploy the `TimelockController`
// artifact and `deploy:verify` can verify it.
// solhint-disable-next-line no-unused-import
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
