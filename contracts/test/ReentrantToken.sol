// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only hostile token: once armed, its next transfer calls `reentryTarget` with `payload` (as the token
///         itself, which can also act as a node operator or reporter through {execute}) and records the outcome.
contract ReentrantToken is ERC20 {
    address public reentryTarget;
    bytes public payload;
    bool public armed;
    uint256 public reentries;
    bool public lastReentrySucceeded;
    bytes public lastRevertData;

    constructor() ERC20("Hostile Token", "HOST") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Re-enter `target_` with `payload_` during the next transfer.
    function arm(address target_, bytes calldata payload_) external {
        reentryTarget = target_;
        payload = payload_;
        armed = true;
    }

    /// @notice Calls `to` with `data` as this contract (bubbling reverts up).
    function execute(address to, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (armed) {
            armed = false;
            ++reentries;
            (bool ok, bytes memory ret) = reentryTarget.call(payload);
            lastReentrySucceeded = ok;
            lastRevertData = ret;
        }
    }
}
