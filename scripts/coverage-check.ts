// Branch-coverage gate of `npm run coverage` (docs/coverage.md). Reads the Istanbul map that solidity-coverage
// writes (coverage.json), prints the branch figures of every contract and library under contracts/ (test helpers
// under contracts/test/ are not measured) and exits 1 when a file is below the threshold, unless every branch it
// leaves uncovered is listed, with its reason, in docs/coverage.md. A listed branch that the run covers also fails
// the check, so the list never keeps stale entries.
//
//   ts-node scripts/coverage-check.ts [--coverage coverage.json] [--docs docs/coverage.md] [--min 95] [--markdown]
//
// --markdown prints the table in the form README.md and docs/coverage.md quote.
import fs from "node:fs";
import path from "node:path";

/** One file's entry of solidity-coverage's coverage.json (Istanbul file coverage, the fields read here). */
interface IstanbulFile {
  branchMap: Record<string, { line: number; type: string; locations: unknown[] }>;
  b: Record<string, number[]>;
}

/** One side of a branch point: `index` 0 is the taken (`if`, true) side, 1 the other. */
export interface BranchSide {
  file: string;
  line: number;
  index: number;
}

export interface FileBranches {
  file: string;
  total: number;
  covered: number;
  uncovered: BranchSide[];
}

/** A branch docs/coverage.md says cannot be reached, with the reason given there. */
export interface ListedBranch extends BranchSide {
  reason: string;
}

export interface FileVerdict extends FileBranches {
  percent: number;
  /** Uncovered branches not listed in docs/coverage.md. */
  unlisted: BranchSide[];
  ok: boolean;
}

export function sideName(index: number): string {
  return index === 0 ? "if" : index === 1 ? "else" : `#${index}`;
}

function sideIndex(name: string): number {
  if (name === "if") return 0;
  if (name === "else") return 1;
  const m = /^#(\d+)$/.exec(name);
  if (!m) throw new Error(`docs/coverage.md: branch side "${name}" is not "if", "else" or "#<n>"`);
  return Number(m[1]);
}

function key(b: BranchSide): string {
  return `${b.file}:${b.line}:${b.index}`;
}

/** Branch figures of every measured file (contracts/, contracts/test/ aside), sorted by path. */
export function branchesOf(coverage: Record<string, IstanbulFile>): FileBranches[] {
  const out: FileBranches[] = [];
  for (const [file, data] of Object.entries(coverage)) {
    const rel = file
      .split(path.sep)
      .join("/")
      .replace(/^.*?(contracts\/)/, "$1");
    if (!rel.startsWith("contracts/") || rel.startsWith("contracts/test/")) continue;
    let total = 0;
    let covered = 0;
    const uncovered: BranchSide[] = [];
    for (const [id, point] of Object.entries(data.branchMap)) {
      const hits = data.b[id] ?? [];
      point.locations.forEach((_loc, index) => {
        total++;
        if ((hits[index] ?? 0) > 0) covered++;
        else uncovered.push({ file: rel, line: point.line, index });
      });
    }
    out.push({ file: rel, total, covered, uncovered });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * The rows of docs/coverage.md's table of unreachable branches:
 * `| contracts/X.sol | <line> | if or else | <reason> |`. Other lines are ignored.
 */
export function listedBranches(markdown: string): ListedBranch[] {
  const out: ListedBranch[] = [];
  for (const line of markdown.split("\n")) {
    const m =
      /^\|\s*`?(contracts\/[^|`]+\.sol)`?\s*\|\s*(\d+)\s*\|\s*`?([^|`]+?)`?\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (!m) continue;
    const reason = m[4];
    if (reason.length === 0) throw new Error(`docs/coverage.md: ${m[1]} line ${m[2]} has no reason`);
    out.push({ file: m[1], line: Number(m[2]), index: sideIndex(m[3].trim()), reason });
  }
  return out;
}

export function percent(covered: number, total: number): number {
  return total === 0 ? 100 : Math.floor((covered / total) * 10_000) / 100;
}

/** Applies the threshold: a file passes at `min` percent or more, or when each uncovered branch is listed. */
export function judge(files: FileBranches[], listed: ListedBranch[], min: number): FileVerdict[] {
  const known = new Set(listed.map(key));
  return files.map((f) => {
    const unlisted = f.uncovered.filter((b) => !known.has(key(b)));
    const pct = percent(f.covered, f.total);
    return { ...f, percent: pct, unlisted, ok: pct >= min || unlisted.length === 0 };
  });
}

/** Listed branches that the run covered (or that no longer exist): the list must be updated. */
export function staleListings(files: FileBranches[], listed: ListedBranch[]): ListedBranch[] {
  const uncovered = new Set(files.flatMap((f) => f.uncovered.map(key)));
  return listed.filter((b) => !uncovered.has(key(b)));
}

/** The table README.md and docs/coverage.md quote: files without branches (interfaces, Timelock) left out. */
export function markdownTable(verdicts: FileVerdict[]): string {
  const rows = verdicts
    .filter((v) => v.total > 0)
    .map(
      (v) =>
        `| \`${v.file}\` | ${v.covered} / ${v.total} | ${v.percent.toFixed(2)}% | ${v.uncovered.length - v.unlisted.length} |`,
    );
  return [
    "| file | branches covered | branch % | uncovered, listed as unreachable |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function main(argv: string[]): number {
  const root = path.join(__dirname, "..");
  const coveragePath = path.resolve(root, arg(argv, "--coverage") ?? "coverage.json");
  const docsPath = path.resolve(root, arg(argv, "--docs") ?? "docs/coverage.md");
  const min = Number(arg(argv, "--min") ?? "95");
  if (!fs.existsSync(coveragePath)) {
    console.error(`coverage-check: ${coveragePath} is missing; run \`npm run coverage\` first.`);
    return 1;
  }
  const coverage = JSON.parse(fs.readFileSync(coveragePath, "utf8")) as Record<string, IstanbulFile>;
  const files = branchesOf(coverage);
  const listed = fs.existsSync(docsPath) ? listedBranches(fs.readFileSync(docsPath, "utf8")) : [];
  const verdicts = judge(files, listed, min);
  const stale = staleListings(files, listed);

  if (argv.includes("--markdown")) {
    console.log(markdownTable(verdicts));
  } else {
    const width = Math.max(...verdicts.map((v) => v.file.length));
    console.log(`Branch coverage (threshold ${min}%, contracts/test/ aside):`);
    for (const v of verdicts) {
      const mark = v.ok ? "ok  " : "FAIL";
      const counts = `${String(v.covered).padStart(4)} / ${String(v.total).padEnd(4)}`;
      console.log(`  ${mark} ${v.file.padEnd(width)}  ${v.percent.toFixed(2).padStart(6)}%  ${counts}`);
    }
  }
  let failed = false;
  for (const v of verdicts.filter((x) => !x.ok)) {
    failed = true;
    const names = [...new Set(v.unlisted.map((b) => `${b.line} ${sideName(b.index)}`))];
    const sides = names.slice(0, 12).join(", ") + (names.length > 12 ? ` and ${names.length - 12} more` : "");
    console.error(
      `coverage-check: ${v.file} covers ${v.percent.toFixed(2)}% of its branches (< ${min}%); ` +
        `uncovered and not listed in docs/coverage.md: ${sides}`,
    );
  }
  for (const b of stale) {
    failed = true;
    console.error(
      `coverage-check: docs/coverage.md lists ${b.file} line ${b.line} ${sideName(b.index)} as unreachable, ` +
        "but this run covered it (or it no longer exists): update the list.",
    );
  }
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
