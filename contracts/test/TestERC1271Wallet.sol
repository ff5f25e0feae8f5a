// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice A minimal smart-contract wallet for tests: one EOA signer whose ECDSA signature over the hash is
///         the wallet's ERC-1271 signature; the signer can make the wallet call any contract. `accepting`
///         can be switched off to model a wallet that rejects (or revoked) a signature.
contract TestERC1271Wallet is IERC1271 {
    address public immutable signer;
    bool public accepting = true;

    error TestERC1271WalletNotSigner();

    constructor(address signer_) {
        signer = signer_;
    }

    function setAccepting(bool accepting_) external {
        if (msg.sender != signer) revert TestERC1271WalletNotSigner();
        accepting = accepting_;
    }

    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != signer) revert TestERC1271WalletNotSigner();
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signature);
        if (accepting && err == ECDSA.RecoverError.NoError && recovered == signer) {
            return IERC1271.isValidSignature.selector;
        }
        return 0xffffffff;
    }
}
