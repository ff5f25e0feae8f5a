// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IKeyRegistry} from "./interfaces/IKeyRegistry.sol";
import {IOpenPgpVerifier} from "./interfaces/IOpenPgpVerifier.sol";

/// @title KeyRegistry
/// @notice The OpenPGP public keys of chat wallets (see {IKeyRegistry}). Owners add and revoke their keys
///         themselves or sign an EIP-712 request that any account may relay. The guardian can pause
///         additions (not revocations: a compromised key must always be revocable); only the governor
///         unpauses and upgrades. Every key is checked against the key profile by the {VERIFIER}
///         (`OpenPgpVerifier.checkKey`), all packets.
/// @dev Storage: per (owner, keyHash) one slot (the {KeyRecord}); per owner one slot holding the counters
///      and the EIP-712 nonce, and one slot per key for the order of addition. Records are never deleted.
///      Nonces are kept here rather than in OpenZeppelin's NoncesUpgradeable so that a relayed first
///      addition writes one new per-owner slot instead of two (about 22,000 gas less).
contract KeyRegistry is
    IKeyRegistry,
    Initializable,
    AccessControlUpgradeable,
    PausableUpgradeable,
    EIP712Upgradeable,
    UUPSUpgradeable
{
    /// @notice Governance (timelock): upgrades, unpauses, manages roles.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice May pause; cannot unpause.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice EIP-712 type hash of a signed addition.
    bytes32 public constant ADD_KEY_TYPEHASH = keccak256(
        "AddKey(address owner,bytes32 keyHash,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type hash of a signed revocation.
    bytes32 public constant REVOKE_KEY_TYPEHASH = keccak256(
        "RevokeKey(address owner,bytes32 keyHash,uint256 nonce,uint256 deadline)"
    );

    /// @inheritdoc IKeyRegistry
    uint256 public constant MAX_KEY_SIZE = 8192;
    /// @inheritdoc IKeyRegistry
    uint256 public constant MAX_ACTIVE_KEYS = 32;

    string private constant _NAME = "Push Key Registry";
    string private constant _VERSION = "1";

    /// Per-owner counters and signature nonce, packed in one slot: a relayed first addition writes one
    /// new slot for the owner, not two.
    struct OwnerKeys {
        uint32 count; // keys ever added
        uint32 active; // keys active now
        uint192 nonce; // next nonce a signature must carry
    }

    /// @custom:storage-location erc7201:push.storage.KeyRegistry
    struct KeyRegistryStorage {
        mapping(address owner => OwnerKeys) owners;
        mapping(address owner => mapping(uint256 index => bytes32 keyHash)) keyAt;
        mapping(address owner => mapping(bytes32 keyHash => KeyRecord)) records;
    }

    // keccak256(abi.encode(uint256(keccak256("push.storage.KeyRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0x9088caa2202275ca392b967ee93599619b619a9ec1cefeaf3425d14739a8ab00;

    function _s() private pure returns (KeyRegistryStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @notice The key profile checker (`OpenPgpVerifier`), an immutable of the implementation: a new verifier
    ///         comes with a governance upgrade.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IOpenPgpVerifier public immutable VERIFIER;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IOpenPgpVerifier verifier) {
        if (address(verifier) == address(0)) revert KeyRegistryZeroAddress();
        VERIFIER = verifier;
        _disableInitializers();
    }

    /// @notice Sets up the proxy: `governor` gets DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE, `guardian` GUARDIAN_ROLE.
    function initialize(address governor, address guardian) external initializer {
        if (governor == address(0) || guardian == address(0)) revert KeyRegistryZeroAddress();
        __AccessControl_init();
        __Pausable_init();
        __EIP712_init(_NAME, _VERSION);
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
        _grantRole(GUARDIAN_ROLE, guardian);
    }

    // ------------------------------------------------------------------ changes

    /// @inheritdoc IKeyRegistry
    function addKey(bytes calldata publicKey) external whenNotPaused {
        bytes memory key = publicKey;
        _add(msg.sender, keccak256(key), key);
    }

    /// @inheritdoc IKeyRegistry
    /// @dev Not pausable: a compromised key must always be revocable.
    function revokeKey(bytes32 keyHash) external {
        _revoke(msg.sender, keyHash);
    }

    /// @inheritdoc IKeyRegistry
    function addKeyFor(
        address owner,
        bytes calldata publicKey,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        bytes memory key = publicKey;
        bytes32 keyHash = keccak256(key);
        _checkSignature(ADD_KEY_TYPEHASH, owner, keyHash, deadline, signature);
        _add(owner, keyHash, key);
    }

    /// @notice May add keys for any owner through {addKeyFromGateway}: a contract that checked the owner's
    ///         consent by other means (the Push profile gateway checks the SDK's `eip191v2` profile proof).
    bytes32 public constant GATEWAY_ROLE = keccak256("GATEWAY_ROLE");

    /// @inheritdoc IKeyRegistry
    function addKeyFromGateway(
        address owner,
        bytes calldata publicKey
    ) external whenNotPaused onlyRole(GATEWAY_ROLE) {
        bytes memory key = publicKey;
        _add(owner, keccak256(key), key);
    }

    /// @inheritdoc IKeyRegistry
    /// @dev Not pausable: a compromised key must always be revocable, relayed or not.
    function revokeKeyFor(
        address owner,
        bytes32 keyHash,
        uint256 deadline,
        bytes calldata signature
    ) external {
        _checkSignature(REVOKE_KEY_TYPEHASH, owner, keyHash, deadline, signature);
        _revoke(owner, keyHash);
    }

    /// @inheritdoc IKeyRegistry
    /// @dev Not pausable: cancelling a signature only ever takes power away from its holder.
    function useNonce() external returns (uint256 nonce) {
        nonce = _useNonce(msg.sender);
        emit NonceCancelled(msg.sender, nonce);
    }

    /// @notice Pauses additions, direct and relayed (guardian only). Revocations and `useNonce` stay open.
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @notice Ends a pause (governor only).
    function unpause() external onlyRole(GOVERNOR_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IKeyRegistry
    function keyOf(address owner, bytes32 keyHash) external view returns (KeyRecord memory) {
        return _s().records[owner][keyHash];
    }

    /// @inheritdoc IKeyRegistry
    function isActiveAt(address owner, bytes32 keyHash, uint64 timestamp) external view returns (bool) {
        KeyRecord storage r = _s().records[owner][keyHash];
        uint64 addedAt = r.addedAt;
        uint64 revokedAt = r.revokedAt;
        return addedAt != 0 && addedAt <= timestamp && (revokedAt == 0 || timestamp < revokedAt);
    }

    /// @inheritdoc IKeyRegistry
    function keyCount(address owner) external view returns (uint256) {
        return _s().owners[owner].count;
    }

    /// @inheritdoc IKeyRegistry
    function activeKeyCount(address owner) external view returns (uint256) {
        return _s().owners[owner].active;
    }

    /// @inheritdoc IKeyRegistry
    function keysOf(
        address owner,
        uint256 offset,
        uint256 limit
    ) external view returns (bytes32[] memory keyHashes, KeyRecord[] memory records) {
        KeyRegistryStorage storage $ = _s();
        uint256 count = $.owners[owner].count;
        uint256 n = offset < count ? count - offset : 0;
        if (limit < n) n = limit;
        keyHashes = new bytes32[](n);
        records = new KeyRecord[](n);
        for (uint256 i = 0; i < n; ++i) {
            bytes32 h = $.keyAt[owner][offset + i];
            keyHashes[i] = h;
            records[i] = $.records[owner][h];
        }
    }

    /// @inheritdoc IKeyRegistry
    function nonces(address owner) external view returns (uint256) {
        return _s().owners[owner].nonce;
    }

    // ------------------------------------------------------------------ internals

    function _add(address owner, bytes32 keyHash, bytes memory key) private {
        if (key.length > MAX_KEY_SIZE) revert KeyRegistryKeyTooLarge(key.length, MAX_KEY_SIZE);
        uint8 alg = VERIFIER.checkKey(key);

        KeyRegistryStorage storage $ = _s();
        KeyRecord storage r = $.records[owner][keyHash];
        if (r.addedAt != 0) {
            if (r.revokedAt != 0) revert KeyRegistryKeyRevoked(owner, keyHash);
            revert KeyRegistryKeyAlreadyActive(owner, keyHash);
        }
        OwnerKeys memory o = $.owners[owner];
        if (o.active >= MAX_ACTIVE_KEYS) revert KeyRegistryTooManyKeys(owner, MAX_ACTIVE_KEYS);

        $.records[owner][keyHash] = KeyRecord({
            algorithm: alg,
            addedAt: uint64(block.timestamp),
            revokedAt: 0
        });
        $.keyAt[owner][o.count] = keyHash;
        $.owners[owner] = OwnerKeys({count: o.count + 1, active: o.active + 1, nonce: o.nonce});
        emit KeyAdded(owner, keyHash, alg, key);
    }

    function _revoke(address owner, bytes32 keyHash) private {
        KeyRegistryStorage storage $ = _s();
        KeyRecord storage r = $.records[owner][keyHash];
        if (r.addedAt == 0) revert KeyRegistryUnknownKey(owner, keyHash);
        if (r.revokedAt != 0) revert KeyRegistryKeyAlreadyRevoked(owner, keyHash);
        r.revokedAt = uint64(block.timestamp);
        --$.owners[owner].active;
        emit KeyRevoked(owner, keyHash);
    }

    /// Reverts unless `signature` is `owner`'s EIP-712 signature of (`typeHash`, owner, keyHash, next nonce,
    /// deadline); consumes the nonce.
    function _checkSignature(
        bytes32 typeHash,
        address owner,
        bytes32 keyHash,
        uint256 deadline,
        bytes calldata signature
    ) private {
        if (block.timestamp > deadline) revert KeyRegistryExpiredSignature(deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(typeHash, owner, keyHash, _useNonce(owner), deadline))
        );
        if (!SignatureChecker.isValidSignatureNowCalldata(owner, digest, signature)) {
            revert KeyRegistryInvalidSignature(owner);
        }
    }

    /// Returns `owner`'s next nonce and increments it (nonces only increase).
    function _useNonce(address owner) private returns (uint256) {
        return _s().owners[owner].nonce++;
    }

    /// @dev Constant domain name and version, so signing does not read them from storage.
    function _EIP712Name() internal pure override returns (string memory) {
        return _NAME;
    }

    function _EIP712Version() internal pure override returns (string memory) {
        return _VERSION;
    }

    function _authorizeUpgrade(address) internal override onlyRole(GOVERNOR_ROLE) {}
}
