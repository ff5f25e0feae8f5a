/**
 * Helpers of the mutation runner (scripts/mutation/run.ts) that decide in which order a target's test files
 * run, kept apart so that they can be tested without running Hardhat.
 */

/** Mocha's own duration of a run ("12 passing (3s)"), without Hardhat's start-up, in seconds. */
export function mochaSeconds(out: string): number | undefined {
  const m = out.match(/\d+ passing \((\d+)(ms|s|m)\)/);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === "ms" ? 0.001 : m[2] === "m" ? 60 : 1);
}

/** One test file of a target, with its measured time alone and the mutants it killed so far. */
export interface TestFile {
  path: string;
  seconds: number;
  kills: number;
  suites: string[];
}

/** The order the files run in: most kills per second first (one kill assumed for each), then fastest. */
export function testOrder<T extends { path: string; seconds: number; kills: number }>(files: T[]): T[] {
  const rate = (f: T) => (f.kills + 1) / Math.max(f.seconds, 0.5);
  return [...files].sort(
    (a, b) => rate(b) - rate(a) || a.seconds - b.seconds || a.path.localeCompare(b.path),
  );
}

/** The file whose top-level suite `killedBy` (`<suite> / <nested or test>: <error>`) names, if any. */
export function killerOf<T extends { suites: string[] }>(killedBy: string, files: T[]): T | undefined {
  return files.find((f) => f.suites.some((t) => killedBy.startsWith(`${t} / `)));
}
