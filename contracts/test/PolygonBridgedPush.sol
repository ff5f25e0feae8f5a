// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The real token (OpenZeppelin 3 ERC20) reverts with strings: so does this copy of its semantics.
// solhint-disable gas-custom-errors

/// @notice Test-only token with the semantics of PUSH on Polygon PoS (the bridge's `UChildERC20`): an
/// OpenZeppelin 3 ERC-20 with string reverts, allowances that always decrease (no infinite value), and
/// meta-transactions (`getNonce`, `getDomainSeperator` [sic], domain `EIP712Domain(string name,string
/// version,address verifyingContract,bytes32 salt)` with salt = chain id) but no EIP-2612 `permit` and no
/// `nonces`: tooling must approve. `executeMetaTransaction` and the bridge's deposit/withdraw are left out;
/// `mint` is for tests.
contract PolygonBridgedPush {
    string public constant name = "Ethereum Push Notification Service (PoS)";
    string public constant symbol = "PUSH";
    uint8 public constant decimals = 18;
    string public constant ERC712_VERSION = "1";

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    mapping(address => uint256) internal metaNonces;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function mint(address to, uint256 amount) external {
        require(to != address(0), "ERC20: mint to the zero address");
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function getNonce(address user) external view returns (uint256) {
        return metaNonces[user];
    }

    function getChainId() public view returns (uint256) {
        return block.chainid;
    }

    function getDomainSeperator() external view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256(
                        "EIP712Domain(string name,string version,address verifyingContract,bytes32 salt)"
                    ),
                    keccak256(bytes(name)),
                    keccak256(bytes(ERC712_VERSION)),
                    address(this),
                    bytes32(block.chainid)
                )
            );
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _transfer(from, to, amount);
        uint256 current = allowance[from][msg.sender];
        require(current >= amount, "ERC20: transfer amount exceeds allowance");
        _approve(from, msg.sender, current - amount);
        return true;
    }

    function _approve(address owner, address spender, uint256 amount) internal {
        require(owner != address(0), "ERC20: approve from the zero address");
        require(spender != address(0), "ERC20: approve to the zero address");
        allowance[owner][spender] = amount;
        emit Approval(owner, spender, amount);
    }

    function _transfer(address from, address to, uint256 amount) internal {
        require(from != address(0), "ERC20: transfer from the zero address");
        require(to != address(0), "ERC20: transfer to the zero address");
        require(balanceOf[from] >= amount, "ERC20: transfer amount exceeds balance");
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}
