import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { OpenPgpVerifier } from "../../typechain-types";

export interface VerifierDeployment {
  verifier: OpenPgpVerifier;
  /** The OpenPgpVerifier (key and signature profile; the KeyRegistry and Slashing take it as constructor argument). */
  address: string;
  /** The stateless Ed25519 / SHA-384/512 contract the verifier calls (its constructor argument). */
  ed25519: string;
}

/**
 * Deploys the stateless Ed25519Verifier, then the OpenPgpVerifier that calls it. Both are plain contracts
 * (no proxy, no state): a new profile is a new verifier, handed to the KeyRegistry and Slashing
 * implementations by a governance upgrade.
 */
export async function deployVerifier(
  hre: HardhatRuntimeEnvironment,
  deployer?: Signer,
): Promise<VerifierDeployment> {
  const from = deployer ?? (await hre.ethers.getSigners())[0];
  const ed = await hre.ethers.deployContract("Ed25519Verifier", from);
  await ed.waitForDeployment();
  const ed25519 = await ed.getAddress();
  const v = await hre.ethers.deployContract("OpenPgpVerifier", [ed25519], from);
  await v.waitForDeployment();
  const address = await v.getAddress();
  const verifier = (await hre.ethers.getContractAt(
    "OpenPgpVerifier",
    address,
    from,
  )) as unknown as OpenPgpVerifier;
  return { verifier, address, ed25519 };
}
