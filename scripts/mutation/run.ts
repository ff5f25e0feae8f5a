/**
 * `npm run test:mutation`: mutation testing of the code that decides slashes (issue 15).
 *
 * For each target file, every mutant of `mutants.ts` (or a deterministic sample of `--max` per file) is
 * applied alone, in a worker worktree of HEAD, and the tests that cover that file run with `--bail`:
 * a failing run kills the mutant, a passing one lets it survive, a mutant that does not compile is
 * stillborn (not counted). The report (`reports/mutation.json`) is rewritten after every mutant, and a
 * run resumes from it when the sources are unchanged. Exit status 1 when the score (killed / (killed +
 * survived + timed out - equivalent)) is below `--threshold` (0.9); the equivalent survivors are those listed,
 * with the reason, in `equivalent.ts` (and docs/mutation.md). `--report-only` rewrites the report's summary from
 * its results without running anything.
 *
 * What keeps a mutant cheap (docs/mutation.md):
 *  - workers persist between runs (`$TMPDIR/push-mutation-<hash of the checkout>-<i>`, checked out at HEAD on
 *    each run), and a new one starts from a copy of the project's artifacts and compile cache, so only the
 *    mutated file's compilation job is rebuilt (Hardhat compares content hashes); `--fresh` removes them first;
 *  - workers compile without TypeChain (scripts/mutation/hardhat.config.ts);
 *  - a target's test files run in the order of most kills per second of test time: each file's time is
 *    measured alone on the unmutated sources, and each kill is credited to the file whose test failed first.
 * No mutant is skipped: every one runs every test file of its target until one fails.
 *
 *   npx ts-node scripts/mutation/run.ts [--max N] [--workers N] [--only <file substring>] [--seed N]
 *     [--survivors-only | --retry-survivors] [--fresh]
 */
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { applyMutant, mutantsOf, sample } from "./mutants";
import type { Mutant } from "./mutants";
import { killerOf, mochaSeconds, testOrder } from "./order";
import type { TestFile } from "./order";
import { EQUIVALENT } from "./equivalent";
import { TARGETS } from "./targets";
import type { Target } from "./targets";

type Status = "killed" | "survived" | "stillborn" | "timeout";

interface Result extends Mutant {
  status: Status;
  seconds: number;
  /** The first failing test's title, for killed mutants. */
  killedBy?: string;
  /** The test file of that test, when its top-level `describe` title identifies it. */
  killedIn?: string;
  /** For a survivor listed in equivalent.ts: why no test can kill it. */
  equivalent?: string;
  /** Survived an earlier run and was run again (`--survivors-only`, `--retry-survivors`) after tests were added. */
  survivedBefore?: boolean;
}

interface Report {
  generatedBy: string;
  /** SHA-256 of each target file's source: a report is resumed only for unchanged sources. */
  sources: Record<string, string>;
  settings: { maxPerFile: number; seed: number };
  summary: {
    mutants: number;
    killed: number;
    survived: number;
    stillborn: number;
    timeout: number;
    score: number;
    /** Survivors listed in equivalent.ts (counted in `survived` too). */
    equivalent: number;
    /** killed / (killed + survived - equivalent + timeout): the score the threshold applies to. */
    scoreWithoutEquivalent: number;
    /** Mean wall-clock seconds per mutant (compile + tests), over the results in this report. */
    secondsPerMutant: number;
  };
  perFile: Record<
    string,
    {
      killed: number;
      survived: number;
      stillborn: number;
      timeout: number;
      score: number;
      equivalent: number;
      scoreWithoutEquivalent: number;
    }
  >;
  results: Result[];
}

const ROOT = resolve(__dirname, "../..");
const REPORT = join(ROOT, "reports/mutation.json");
/** The workers' Hardhat configuration, relative to a worker's root. */
const WORKER_CONFIG = "scripts/mutation/hardhat.config.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Test runs under way (their process groups) and mutated files to restore, for an interrupted run. */
const running = new Set<number>();
const restore = new Map<string, string>();

function stopAll(code: number): never {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  for (const [path, original] of restore) writeFileSync(path, original);
  process.exit(code);
}

/** Runs the tests in `cwd`; resolves with the exit code, the output and the seconds taken. */
function runTests(cwd: string, files: string[], timeoutSec: number) {
  return new Promise<{ code: number | null; out: string; seconds: number; timedOut: boolean }>((done) => {
    const t0 = Date.now();
    const child = spawn("npx", ["hardhat", "--config", WORKER_CONFIG, "test", "--bail", ...files], {
      cwd,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", FUZZ_RUNS: process.env.FUZZ_RUNS ?? "20" },
      detached: true,
    });
    running.add(child.pid!);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, timeoutSec * 1000);
    child.on("close", (code) => {
      running.delete(child.pid!);
      clearTimeout(timer);
      done({ code, out, seconds: (Date.now() - t0) / 1000, timedOut });
    });
  });
}

function isCompileError(out: string): boolean {
  return /HH600|CompilerError|DeclarationError|TypeError: .*\.sol|ParserError|Compilation failed/.test(out);
}

function firstFailure(out: string): string | undefined {
  const tail = out.slice(out.search(/\d+ failing/));
  const m = tail.match(/\n\s+1\) ([^\n]+)\n\s+([^\n]+?):?\n\s+([^\n]+)/);
  return m ? `${m[1].trim()} / ${m[2].trim()}: ${m[3].trim()}`.slice(0, 300) : undefined;
}

/** Top-level `describe` titles of a test file (string literals only). */
function suiteTitles(file: string): string[] {
  const src = readFileSync(join(ROOT, file), "utf8");
  return [...src.matchAll(/^describe\(\s*(["'`])((?:(?!\1).)+)\1/gm)].map((m) => m[2]);
}

function summarise(results: Result[]) {
  const count = (rs: Result[]) => {
    const c = { killed: 0, survived: 0, stillborn: 0, timeout: 0 };
    for (const r of rs) c[r.status]++;
    const equivalent = rs.filter((r) => r.status === "survived" && EQUIVALENT[r.id] !== undefined).length;
    const ratio = (n: number, d: number) => (d === 0 ? 1 : Number((n / d).toFixed(4)));
    const counted = c.killed + c.survived + c.timeout;
    return {
      ...c,
      score: ratio(c.killed, counted),
      equivalent,
      scoreWithoutEquivalent: ratio(c.killed, counted - equivalent),
    };
  };
  const perFile: Report["perFile"] = {};
  for (const file of new Set(results.map((r) => r.file)))
    perFile[file] = count(results.filter((r) => r.file === file));
  const seconds = results.reduce((t, r) => t + r.seconds, 0);
  const secondsPerMutant = results.length === 0 ? 0 : Number((seconds / results.length).toFixed(1));
  return { summary: { mutants: results.length, ...count(results), secondsPerMutant }, perFile };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "ignore"] })
    .toString()
    .trim();
}

function workerDir(i: number): string {
  return join(tmpdir(), `push-mutation-${sha256(ROOT).slice(0, 8)}-${i}`);
}

/**
 * Copies the project's compile output into a new worker: artifacts, TypeChain typings and Hardhat's solidity
 * files cache, whose entries are keyed by absolute path (rewritten to the worker's). Hardhat then recompiles
 * only the files whose content hash differs from the cached one, so a stale copy costs time, never results.
 */
function seedWorker(dir: string): void {
  for (const d of ["artifacts", "typechain-types", "cache"]) {
    if (existsSync(join(ROOT, d))) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  }
  const cacheFile = join(dir, "cache/solidity-files-cache.json");
  if (!existsSync(cacheFile)) return;
  const cache = JSON.parse(readFileSync(cacheFile, "utf8")) as { files: Record<string, unknown> };
  const files: Record<string, unknown> = {};
  // Library sources are cached under their real path (node_modules is a link), which the worker shares.
  for (const [path, entry] of Object.entries(cache.files)) {
    files[path.startsWith(ROOT + "/") ? dir + path.slice(ROOT.length) : path] = entry;
  }
  writeFileSync(cacheFile, JSON.stringify({ ...cache, files }, null, 2));
}

/** Worker `i`: a worktree of HEAD kept between runs (its artifacts and compile cache with it). */
function prepareWorker(i: number, fresh: boolean): string {
  const dir = workerDir(i);
  const head = git(ROOT, "rev-parse", "HEAD");
  const registered = git(ROOT, "worktree", "list", "--porcelain").split("\n").includes(`worktree ${dir}`);
  if (fresh || !registered || !existsSync(join(dir, ".git"))) {
    removeWorker(dir);
    git(ROOT, "worktree", "prune");
    git(ROOT, "worktree", "add", "--detach", dir, head);
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    seedWorker(dir);
  } else {
    git(dir, "checkout", "--detach", "--force", head);
    git(dir, "clean", "-fdq", "--", "contracts", "test");
  }
  return dir;
}

function removeWorker(dir: string): void {
  if (!existsSync(dir)) return;
  try {
    execFileSync("git", ["worktree", "remove", "--force", dir], { cwd: ROOT, stdio: "ignore" });
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const maxPerFile = Number(arg("max", process.env.MUTATION_MAX ?? "40"));
  const workers = Number(arg("workers", "2"));
  const seed = Number(arg("seed", "1"));
  const threshold = Number(arg("threshold", "0.9"));
  const only = arg("only", "");
  // --survivors-only: run again only the mutants an earlier run let survive (after tests were added);
  // --retry-survivors: the same, and the mutants not run yet.
  const survivorsOnly = flag("survivors-only");
  const retrySurvivors = survivorsOnly || flag("retry-survivors");
  const fresh = flag("fresh");

  const dirty = execFileSync("git", ["status", "--porcelain", "contracts", "test"], { cwd: ROOT }).toString();
  if (dirty.trim() !== "") {
    throw new Error(
      `commit or stash your changes under contracts/ and test/ first: mutants run on HEAD\n${dirty}`,
    );
  }

  const targets = TARGETS.filter((t) => t.file.includes(only));
  const sources: Record<string, string> = {};
  // The files' samples are interleaved, each in its random order, so that a run cut short (the report is
  // resumed from) still holds a random sample of every file.
  const perTarget: Mutant[][] = [];
  for (const t of TARGETS) sources[t.file] = sha256(readFileSync(join(ROOT, t.file), "utf8"));
  for (const t of targets)
    perTarget.push(sample(mutantsOf(t.file, readFileSync(join(ROOT, t.file), "utf8")), maxPerFile, seed));
  const mutants: Mutant[] = [];
  for (let i = 0; perTarget.some((ms) => i < ms.length); i++)
    for (const ms of perTarget) if (i < ms.length) mutants.push(ms[i]);

  // Resume: keep results of an earlier run over the same sources and seed.
  let results: Result[] = [];
  const retried = new Set<string>();
  if (existsSync(REPORT)) {
    const old = JSON.parse(readFileSync(REPORT, "utf8")) as Report;
    const same = (f: string) => old.sources?.[f] === sources[f];
    // sample(n) is a prefix of sample(m > n) for one seed: results carry over when --max changes.
    if (old.settings?.seed === seed) {
      const wanted = new Set(mutants.map((m) => m.id));
      const runHere = new Set(targets.map((t) => t.file));
      // Survivors to run again stay in the report until their new result replaces them. The results of the
      // files this run leaves out (--only) are kept while their sources are unchanged.
      results = old.results.filter((r) => same(r.file) && (wanted.has(r.id) || !runHere.has(r.file)));
      // Survivors listed as equivalent are not run again: no test can kill them (equivalent.ts says why).
      for (const r of results)
        if (retrySurvivors && r.status === "survived" && EQUIVALENT[r.id] === undefined) retried.add(r.id);
    }
  }
  const done = new Set(results.filter((r) => !retried.has(r.id)).map((r) => r.id));
  const queue = mutants.filter((m) => !done.has(m.id) && (!survivorsOnly || retried.has(m.id)));
  console.log(
    `${mutants.length} mutants over ${targets.length} files; ${results.length} already done, ${queue.length} to run`,
  );

  const save = () => {
    const report: Report = {
      generatedBy: "npm run test:mutation (scripts/mutation/run.ts)",
      sources,
      settings: { maxPerFile, seed },
      ...summarise(results),
      results: results
        .map((r) => ({
          ...r,
          equivalent: r.status === "survived" ? EQUIVALENT[r.id] : undefined,
        }))
        .sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true })),
    };
    mkdirSync(join(ROOT, "reports"), { recursive: true });
    writeFileSync(REPORT, JSON.stringify(report, null, 2) + "\n");
    return report;
  };

  // Workers are kept (with their compile cache) for the next run; an interrupted run leaves no test running.
  if (!flag("report-only")) {
    process.on("SIGINT", () => stopAll(130));
    process.on("SIGTERM", () => stopAll(143));
    const dirs: string[] = [];
    for (let i = 0; i < Math.min(workers, Math.max(1, queue.length)); i++) dirs.push(prepareWorker(i, fresh));

    // Baseline: each test file passes alone on the unmutated sources (this also brings each worker's
    // artifacts up to date), and its own test time orders the files.
    const files: Record<string, TestFile[]> = {};
    const baseline: Record<string, number> = {};
    for (const t of targets) {
      if (!queue.some((m) => m.file === t.file)) continue;
      files[t.file] = [];
      for (const path of t.tests) {
        const r = await runTests(dirs[0], [path], 3600);
        if (r.code !== 0) throw new Error(`${path} fails without any mutant:\n${r.out.slice(-3000)}`);
        const kills = results.filter((x) => x.file === t.file && x.killedIn === path).length;
        files[t.file].push({
          path,
          seconds: mochaSeconds(r.out) ?? r.seconds,
          kills,
          suites: suiteTitles(path),
        });
        console.log(
          `baseline ${path}: ${r.seconds.toFixed(1)} s (tests ${(mochaSeconds(r.out) ?? NaN).toFixed(1)} s)`,
        );
      }
      baseline[t.file] = files[t.file].reduce((sum, f) => sum + f.seconds, 0);
    }
    for (const d of dirs.slice(1))
      execFileSync("npx", ["hardhat", "--config", WORKER_CONFIG, "compile", "--quiet"], {
        cwd: d,
        stdio: "ignore",
      });

    let next = 0;
    const work = async (dir: string) => {
      while (next < queue.length) {
        const m = queue[next++];
        const order = testOrder(files[m.file]);
        const path = join(dir, m.file);
        const original = readFileSync(path, "utf8");
        writeFileSync(path, applyMutant(original, m));
        restore.set(path, original);
        try {
          const r = await runTests(
            dir,
            order.map((f) => f.path),
            Math.max(180, 60 + 3 * baseline[m.file]),
          );
          const status: Status = r.timedOut
            ? "timeout"
            : r.code === 0
              ? "survived"
              : isCompileError(r.out)
                ? "stillborn"
                : "killed";
          const killedBy = status === "killed" ? firstFailure(r.out) : undefined;
          const killer = killedBy ? killerOf(killedBy, order) : undefined;
          if (killer) killer.kills++;
          results = results.filter((x) => x.id !== m.id);
          results.push({
            ...m,
            survivedBefore: retried.has(m.id) || undefined,
            status,
            seconds: Number(r.seconds.toFixed(1)),
            killedBy,
            killedIn: killer?.path,
          });
          const s = save().summary;
          console.log(
            `[${results.length}/${mutants.length}] ${status.padEnd(9)} ${r.seconds.toFixed(0).padStart(3)} s ` +
              `${m.file}:${m.line} ${m.operator} ` +
              `${JSON.stringify(m.original).slice(0, 40)} -> ${JSON.stringify(m.replacement).slice(0, 40)}  (score ${s.score})`,
          );
        } finally {
          writeFileSync(path, original);
          restore.delete(path);
        }
      }
    };
    await Promise.all(dirs.map(work));
  }
  const report = save();
  const s = report.summary;
  console.log(
    `\n${s.killed} killed, ${s.survived} survived (${s.equivalent} equivalent), ${s.timeout} timed out, ` +
      `${s.stillborn} stillborn: score ${s.score}, ${s.scoreWithoutEquivalent} without the equivalent ones`,
  );
  for (const [file, f] of Object.entries(report.perFile))
    console.log(`  ${file}: ${f.score} (${f.survived} survived, ${f.equivalent} equivalent)`);
  if (s.scoreWithoutEquivalent < threshold) {
    console.error(
      `mutation score ${s.scoreWithoutEquivalent} is below ${threshold}: see the survivors in reports/mutation.json`,
    );
    process.exit(1);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
