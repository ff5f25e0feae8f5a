// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The real token reverts with strings: so does this copy of its semantics.
// solhint-disable gas-custom-errors

/// @notice Test-only token with the semantics of mainnet PUSH (`EPNS.sol`, a copy of Compound's `Comp.sol` /
/// Uniswap's `Uni.sol`): uint96 balances and allowances; an allowance of 2^96-1 is infinite and never
/// decreases (approve or permit with type(uint256).max sets it); string reverts with the real token's
/// messages; an EIP-712 `permit` whose domain has no version
/// (`EIP712Domain(string name,uint256 chainId,address verifyingContract)`) and no `DOMAIN_SEPARATOR()`
/// getter. Delegation and holder weights are left out (the protocol uses neither). `mint` is for tests.
contract CompoundStylePush {
    string public constant name = "Ethereum Push Notification Service";
    string public constant symbol = "PUSH";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;

    bytes32 public constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,uint256 chainId,address verifyingContract)"
    );
    bytes32 public constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    mapping(address => mapping(address => uint96)) internal allowances;
    mapping(address => uint96) internal balances;
    mapping(address => uint256) public nonces;

    event Transfer(address indexed from, address indexed to, uint256 amount);
    event Approval(address indexed owner, address indexed spender, uint256 amount);

    /// @notice Test faucet (the real token minted its whole supply once).
    function mint(address to, uint256 rawAmount) external {
        uint96 amount = safe96(rawAmount, "Push::mint: amount exceeds 96 bits");
        require(to != address(0), "Push::mint: cannot mint to the zero address");
        totalSupply = add96(uint96(totalSupply), amount, "Push::mint: totalSupply exceeds 96 bits");
        balances[to] = add96(balances[to], amount, "Push::mint: transfer amount overflows");
        emit Transfer(address(0), to, amount);
    }

    function allowance(address account, address spender) external view returns (uint256) {
        return allowances[account][spender];
    }

    function approve(address spender, uint256 rawAmount) external returns (bool) {
        uint96 amount;
        if (rawAmount == type(uint256).max) {
            amount = type(uint96).max;
        } else {
            amount = safe96(rawAmount, "Push::approve: amount exceeds 96 bits");
        }
        allowances[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function permit(
        address owner,
        address spender,
        uint256 rawAmount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        uint96 amount;
        if (rawAmount == type(uint256).max) {
            amount = type(uint96).max;
        } else {
            amount = safe96(rawAmount, "Push::permit: amount exceeds 96 bits");
        }
        bytes32 domainSeparator = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256(bytes(name)), block.chainid, address(this))
        );
        bytes32 structHash = keccak256(
            abi.encode(PERMIT_TYPEHASH, owner, spender, rawAmount, nonces[owner]++, deadline)
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
        address signatory = ecrecover(digest, v, r, s);
        require(signatory != address(0), "Push::permit: invalid signature");
        require(signatory == owner, "Push::permit: unauthorized");
        require(block.timestamp <= deadline, "Push::permit: signature expired");
        allowances[owner][spender] = amount;
        emit Approval(owner, spender, amount);
    }

    function balanceOf(address account) external view returns (uint256) {
        return balances[account];
    }

    function transfer(address dst, uint256 rawAmount) external returns (bool) {
        uint96 amount = safe96(rawAmount, "Push::transfer: amount exceeds 96 bits");
        _transferTokens(msg.sender, dst, amount);
        return true;
    }

    function transferFrom(address src, address dst, uint256 rawAmount) external returns (bool) {
        address spender = msg.sender;
        uint96 spenderAllowance = allowances[src][spender];
        // (sic: the real token's message for this check names approve)
        uint96 amount = safe96(rawAmount, "Push::approve: amount exceeds 96 bits");
        if (spender != src && spenderAllowance != type(uint96).max) {
            uint96 newAllowance = sub96(
                spenderAllowance,
                amount,
                "Push::transferFrom: transfer amount exceeds spender allowance"
            );
            allowances[src][spender] = newAllowance;
            emit Approval(src, spender, newAllowance);
        }
        _transferTokens(src, dst, amount);
        return true;
    }

    function _transferTokens(address src, address dst, uint96 amount) internal {
        require(src != address(0), "Push::_transferTokens: cannot transfer from the zero address");
        require(dst != address(0), "Push::_transferTokens: cannot transfer to the zero address");
        balances[src] = sub96(
            balances[src],
            amount,
            "Push::_transferTokens: transfer amount exceeds balance"
        );
        balances[dst] = add96(balances[dst], amount, "Push::_transferTokens: transfer amount overflows");
        emit Transfer(src, dst, amount);
    }

    function safe96(uint256 n, string memory errorMessage) internal pure returns (uint96) {
        require(n < 2 ** 96, errorMessage);
        return uint96(n);
    }

    function add96(uint96 a, uint96 b, string memory errorMessage) internal pure returns (uint96) {
        uint256 c = uint256(a) + b;
        require(c < 2 ** 96, errorMessage);
        return uint96(c);
    }

    function sub96(uint96 a, uint96 b, string memory errorMessage) internal pure returns (uint96) {
        require(b <= a, errorMessage);
        return a - b;
    }
}
