// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestPush
/// @notice Test PUSH token for local networks and testnets (ERC-20 with EIP-2612 permit, 18 decimals).
///         Anyone may mint: it has no value and must never be deployed to Ethereum or Polygon mainnet.
contract TestPush is ERC20, ERC20Permit {
    /// @notice Largest amount one `mint` call may create (1,000,000,000 PUSH), so faucets stay sane.
    uint256 public constant MAX_MINT = 1_000_000_000 ether;

    /// @notice Thrown when a single mint asks for more than {MAX_MINT}.
    error TestPushMintTooLarge(uint256 amount, uint256 max);

    constructor() ERC20("Test Push", "tPUSH") ERC20Permit("Test Push") {}

    /// @notice Mints `amount` test tokens to `to`.
    function mint(address to, uint256 amount) external {
        if (amount > MAX_MINT) revert TestPushMintTooLarge(amount, MAX_MINT);
        _mint(to, amount);
    }
}
