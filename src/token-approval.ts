// Token allowances as the operator tools make them, for every PUSH the protocol may run on (docs/tokens.md):
// the OpenZeppelin test token (EIP-2612 permit, DOMAIN_SEPARATOR()), mainnet PUSH (Compound-style: uint96
// amounts, string reverts, permit whose EIP-712 domain has no version and no DOMAIN_SEPARATOR() getter) and
// Polygon's bridged PUSH (no permit: approve). A permit is signed for exactly the amount and checked with an
// eth_call of permit() before it is used; an approve is for exactly the amount. Nothing here ever leaves an
// unlimited allowance.
import { Interface, Signature, TypedDataEncoder, ZeroAddress, getAddress, id } from "ethers";
import type { Provider, Signer, TypedDataDomain } from "ethers";
export { tokenRefusal, tokenRefusalOfReason } from "./errors";
export type { TokenRefusal } from "./errors";

/** The parts of an ERC-20 (with the permit variants) that the tools call. */
export const TOKEN_ABI = new Interface([
  "function name() view returns (string)",
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address,address) view returns (uint256)",
  "function approve(address,uint256) returns (bool)",
  "function nonces(address) view returns (uint256)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
  "function DOMAIN_TYPEHASH() view returns (bytes32)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
  "function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)",
]);

/** EIP-712 domain type hash of EIP-2612 tokens (OpenZeppelin: name, version, chainId, verifyingContract). */
export const VERSIONED_DOMAIN_TYPEHASH = id(
  "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
);
/** EIP-712 domain type hash of Compound-style tokens (Comp, Uni, mainnet PUSH): no version. */
export const VERSIONLESS_DOMAIN_TYPEHASH = id(
  "EIP712Domain(string name,uint256 chainId,address verifyingContract)",
);

export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** A signed permit, ready for a ...WithPermit call. */
export interface SignedPermit {
  deadline: bigint;
  v: number;
  r: string;
  s: string;
}

/** `fn(...args)` on `token` through eth_call, decoded; undefined when it reverts or returns nothing decodable. */
async function tryCall(
  provider: Provider,
  token: string,
  fn: string,
  args: unknown[] = [],
  from?: string,
): Promise<unknown[] | undefined> {
  try {
    const data = await provider.call({ to: token, from, data: TOKEN_ABI.encodeFunctionData(fn, args) });
    return [...TOKEN_ABI.decodeFunctionResult(fn, data)];
  } catch {
    return undefined;
  }
}

/**
 * The EIP-712 domains `token`'s permit may use, most likely first; empty when the token has no permit (no
 * `nonces(address)`, or a DOMAIN_SEPARATOR / DOMAIN_TYPEHASH that none of the known shapes matches). The
 * domain is found from `DOMAIN_SEPARATOR()` when there is one, else from the `DOMAIN_TYPEHASH()` constant
 * (Compound-style), else both usual shapes are returned, for {@link signPermit} to try with eth_call.
 */
export async function permitDomains(
  provider: Provider,
  token: string,
  owner: string,
): Promise<TypedDataDomain[]> {
  const nonce = await tryCall(provider, token, "nonces", [owner]);
  const named = await tryCall(provider, token, "name");
  if (!nonce || !named) return [];
  const name = String(named[0]);
  const { chainId } = await provider.getNetwork();
  const verifyingContract = getAddress(token);
  const versioned: TypedDataDomain[] = [];
  const eip5267 = await tryCall(provider, token, "eip712Domain");
  if (eip5267)
    versioned.push({
      name: String(eip5267[1]),
      version: String(eip5267[2]),
      chainId: eip5267[3] as bigint,
      verifyingContract: getAddress(String(eip5267[4])),
    });
  versioned.push({ name, version: "1", chainId, verifyingContract });
  versioned.push({ name, version: "2", chainId, verifyingContract });
  const versionless: TypedDataDomain = { name, chainId, verifyingContract };
  const separator = await tryCall(provider, token, "DOMAIN_SEPARATOR");
  if (separator) {
    const found = [...versioned, versionless].find((d) => TypedDataEncoder.hashDomain(d) === separator[0]);
    return found ? [found] : [];
  }
  const typehash = await tryCall(provider, token, "DOMAIN_TYPEHASH");
  if (typehash) {
    if (typehash[0] === VERSIONLESS_DOMAIN_TYPEHASH) return [versionless];
    if (typehash[0] === VERSIONED_DOMAIN_TYPEHASH) return versioned;
    return [];
  }
  return [...versioned, versionless];
}

/**
 * Signs a permit for `spender` to take exactly `amount` of `owner`'s tokens, trying `domains` in turn; each
 * signature is checked with an eth_call of the token's permit() (nothing is sent). Returns the domain that
 * worked with its permit, or undefined when none did (then approve).
 */
export async function signPermit(args: {
  signer: Signer;
  token: string;
  spender: string;
  amount: bigint;
  domains: TypedDataDomain[];
  /** Unix seconds; the permit expires one hour after. */
  now: number;
}): Promise<{ domain: TypedDataDomain; permit: SignedPermit } | undefined> {
  const { signer, token, spender, amount, domains, now } = args;
  const provider = signer.provider!;
  const owner = await signer.getAddress();
  const nonces = await tryCall(provider, token, "nonces", [owner]);
  if (!nonces) return undefined;
  const nonce = nonces[0] as bigint;
  const deadline = BigInt(now + 3600);
  for (const domain of domains) {
    const sig = Signature.from(
      await signer.signTypedData(domain, PERMIT_TYPES, { owner, spender, value: amount, nonce, deadline }),
    );
    const permit = { deadline, v: sig.v, r: sig.r, s: sig.s };
    const accepted = await tryCall(
      provider,
      token,
      "permit",
      [owner, spender, amount, deadline, permit.v, permit.r, permit.s],
      owner === ZeroAddress ? undefined : owner,
    );
    if (accepted) return { domain, permit };
  }
  return undefined;
}
