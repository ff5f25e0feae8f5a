// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only ERC-20 without EIP-2612 permit: operator tooling must fall back to `approve`.
contract NoPermitToken is ERC20 {
    constructor() ERC20("No Permit Token", "NOPERMIT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
