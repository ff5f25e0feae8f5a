// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOpenPgpVerifier} from "./interfaces/IOpenPgpVerifier.sol";
import {OpenPgpKey} from "./libraries/OpenPgpKey.sol";
import {OpenPgpSignature} from "./libraries/OpenPgpSignature.sol";

/// @title OpenPgpVerifier
/// @notice Stateless checker of detached OpenPGP signatures under the Push strict profile (see
///         {OpenPgpSignature}), used by the slashing contract to prove BAD_SIGNATURE and open to anyone (the
///         validator can `eth_call` it before sending a proof). Kept apart from the slashing contract so that
///         the latter stays under the contract size limit.
contract OpenPgpVerifier is IOpenPgpVerifier {
    /// @notice Whether this chain has the P-256 verification precompile at 0x100 (EIP-7951 on Ethereum since
    ///         Fusaka, RIP-7212 on Polygon PoS), found at deployment by verifying a known-valid signature.
    bool public immutable P256_PRECOMPILE;

    constructor() {
        // Wycheproof ecdsa_secp256r1_sha256_p1363 vector with small r and s (as OpenZeppelin's P256 uses).
        (bool ok, bytes memory out) = address(0x100).staticcall(
            abi.encode(
                0xbb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca605023,
                uint256(5),
                uint256(1),
                0xa71af64de5126a4a4e02b7922d66ce9415ce88a4c9d25514d91082c8725ac957,
                0x5d47723c8fbe580bb369fec9c2665d8e30a435b9932645482e7c9f11e872296b
            )
        );
        P256_PRECOMPILE = ok && out.length == 32 && abi.decode(out, (uint256)) == 1;
    }

    /// @inheritdoc IOpenPgpVerifier
    function check(
        bytes32 digest,
        bytes calldata signature,
        bytes calldata publicKey
    ) external view returns (uint8 algorithm, uint8 status) {
        OpenPgpSignature.Key memory key;
        key.p256Precompile = P256_PRECOMPILE;
        key.keyBytes = publicKey;
        OpenPgpKey.PrimaryKey memory pk = OpenPgpKey.primaryKey(key.keyBytes);
        algorithm = pk.algorithm;
        key.algorithm = algorithm;
        key.created = pk.creationTime;
        key.bodyStart = pk.fieldsStart - 6;
        key.bodyEnd = pk.packetEnd;
        if (algorithm == OpenPgpKey.ECDSA) {
            (key.x, key.y) = _p256Key(key.keyBytes, pk.fieldsStart);
        } else if (algorithm == OpenPgpKey.RSA) {
            (key.n, key.e) = _rsaKey(key.keyBytes, pk.fieldsStart);
        }
        status = uint8(OpenPgpSignature.check(digest, signature, key));
    }

    /// The point of a P-256 key already checked by `OpenPgpKey.primaryKey` (as `OpenPgpKey.p256Key` reads it,
    /// without parsing the key a second time): after the OID length and OID (9 bytes), the MPI bit count and the
    /// `04` prefix (3 bytes).
    function _p256Key(bytes memory key, uint256 p) private pure returns (bytes32 x, bytes32 y) {
        assembly ("memory-safe") {
            let at := add(add(key, 0x20), add(p, 12))
            x := mload(at)
            y := mload(add(at, 0x20))
        }
    }

    /// The modulus and exponent MPIs at `p` of an RSA key already checked by `OpenPgpKey.primaryKey` (the same
    /// as `OpenPgpKey.rsaKey` without parsing the packet a second time).
    function _rsaKey(bytes memory key, uint256 p) private pure returns (bytes memory n, bytes memory e) {
        (n, p) = _mpi(key, p);
        (e, ) = _mpi(key, p);
    }

    function _mpi(bytes memory key, uint256 p) private pure returns (bytes memory value, uint256 next) {
        uint256 len;
        assembly ("memory-safe") {
            len := shr(3, add(shr(240, mload(add(add(key, 0x20), p))), 7))
        }
        value = new bytes(len);
        assembly ("memory-safe") {
            mcopy(add(value, 0x20), add(add(key, 0x22), p), len)
        }
        next = p + 2 + len;
    }
}
