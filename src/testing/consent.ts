// The node signer's consent that NodeRegistry.registerNode requires, for tests, benchmarks and the demo.
import type { Signer } from "ethers";
import { signSignerConsent } from "../staking";

interface Addressable {
  getAddress(): Promise<string>;
}

/** `signer`'s consent to be registered by `operator` on `registry` (chain id read from the signer's provider). */
export async function signerConsent(
  registry: Addressable | string,
  signer: Pick<Signer, "getAddress" | "signTypedData" | "provider">,
  operator: Addressable | string,
  chainId?: bigint,
): Promise<string> {
  const at = typeof registry === "string" ? registry : await registry.getAddress();
  const op = typeof operator === "string" ? operator : await operator.getAddress();
  const id = chainId ?? (await signer.provider!.getNetwork()).chainId;
  return signSignerConsent(signer, at, id, op);
}
