// The claim (reporter + salt) of a proof that `fault:prove` sends by commit-reveal, kept in a small JSON
// file next to the proof file BEFORE the commitment is sent: a run killed between the commitment and the
// proof resumes with the same salt (the commitment on chain is only usable with it) instead of paying for
// a second commitment, and the reward stays bound to the reporter who committed.
import fs from "node:fs";
import path from "node:path";
import { getAddress, isHexString } from "ethers";
import { newClaim } from "./proof-file";
import type { Claim } from "./proof-file";

export interface StoredClaim extends Claim {
  offenceId: string;
  commitment: string;
}

/** The claim file of a proof file (`<file>.claim.json`). */
export function claimFileOf(proofFile: string): string {
  return `${proofFile}.claim.json`;
}

/**
 * The claim to use for `offenceId` by `reporter`: the one in `file` when it is for the same offence and
 * reporter, else a new one with a fresh salt. `resumed` says which.
 */
export function loadOrNewClaim(
  file: string,
  reporter: string,
  offenceId: string,
): { claim: Claim; resumed: boolean } {
  if (fs.existsSync(file)) {
    let stored: Partial<StoredClaim>;
    try {
      stored = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<StoredClaim>;
    } catch (e) {
      throw new Error(
        `${file} is not valid JSON (${(e as Error).message}); move it away to start a new claim.`,
      );
    }
    if (
      typeof stored.reporter === "string" &&
      typeof stored.salt === "string" &&
      isHexString(stored.salt, 32) &&
      stored.offenceId === offenceId &&
      getAddress(stored.reporter) === getAddress(reporter)
    )
      return { claim: { reporter: getAddress(stored.reporter), salt: stored.salt }, resumed: true };
  }
  return { claim: newClaim(reporter), resumed: false };
}

/** Writes the claim durably (temporary file, fsync, rename, fsync of the directory). */
export function saveClaim(file: string, c: StoredClaim): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeFileSync(fd, JSON.stringify(c, null, 2) + "\n");
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  const dir = fs.openSync(path.dirname(path.resolve(file)), "r");
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}
