/**
 * `npm run test:mutation`: mutation testing of the code that decides slashes (issue 15).
 *
 * For each target file, every mutant of `mutants.ts` (or a deterministic sample of `--max` per file) is
 * applied alone, in a scratch worktree of HEAD, and the tests that cover that file run with `--bail`:
 * a failing run kills the mutant, a passing one lets it survive, a mutant that does not compile is
 * stillborn (not counted). The report (`reports/mutation.json`) is rewritten after every mutant, and a
 * run resumes from it when the sources are unchanged. Exit status 1 when the score (killed / (killed +
 * survived + timed out)) is below `--threshold` (0.9).
 *
 *   npx ts-node scripts/mutation/run.ts [--max N] [--workers N] [--only <file substring>] [--seed N]
 */
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { applyMutant, mutantsOf, sample } from "./mutants";
import type { Mutant } from "./mutants";
import { TARGETS } from "./targets";

type Status = "killed" | "survived" | "stillborn" | "timeout";

interface Result extends Mutant {
  status: Status;
  seconds: number;
  /** The first failing test's title, for killed mutants. */
  killedBy?: string;
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
  };
  perFile: Record<
    string,
    { killed: number; survived: number; stillborn: number; timeout: number; score: number }
  >;
  results: Result[];
}

const ROOT = resolve(__dirname, "../..");
const REPORT = join(ROOT, "reports/mutation.json");

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Runs the tests in `cwd`; resolves with the exit code, the output and the seconds taken. */
function runTests(cwd: string, files: string[], timeoutSec: number) {
  return new Promise<{ code: number | null; out: string; seconds: number; timedOut: boolean }>((done) => {
    const t0 = Date.now();
    const child = spawn("npx", ["hardhat", "test", "--bail", ...files], {
      cwd,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", FUZZ_RUNS: process.env.FUZZ_RUNS ?? "20" },
      detached: true,
    });
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

function summarise(results: Result[]) {
  const count = (rs: Result[]) => {
    const c = { killed: 0, survived: 0, stillborn: 0, timeout: 0 };
    for (const r of rs) c[r.status]++;
    const counted = c.killed + c.survived + c.timeout;
    return { ...c, score: counted === 0 ? 1 : Number((c.killed / counted).toFixed(4)) };
  };
  const perFile: Report["perFile"] = {};
  for (const file of new Set(results.map((r) => r.file)))
    perFile[file] = count(results.filter((r) => r.file === file));
  return { summary: { mutants: results.length, ...count(results) }, perFile };
}

/** A scratch worktree of HEAD with the project's node_modules linked in. */
function makeWorker(i: number): string {
  const dir = join(tmpdir(), `push-mutation-${process.pid}-${i}`);
  execFileSync("git", ["worktree", "add", "--detach", dir, "HEAD"], { cwd: ROOT, stdio: "ignore" });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

function removeWorker(dir: string): void {
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

  const dirty = execFileSync("git", ["status", "--porcelain", "contracts", "test"], { cwd: ROOT }).toString();
  if (dirty.trim() !== "") {
    throw new Error(
      `commit or stash your changes under contracts/ and test/ first: mutants run on HEAD\n${dirty}`,
    );
  }

  const targets = TARGETS.filter((t) => t.file.includes(only));
  const sources: Record<string, string> = {};
  let mutants: Mutant[] = [];
  for (const t of targets) {
    const src = readFileSync(join(ROOT, t.file), "utf8");
    sources[t.file] = sha256(src);
    mutants = mutants.concat(
      sample(mutantsOf(t.file, src), maxPerFile, seed).sort((a, b) => a.offset - b.offset),
    );
  }

  // Resume: keep results of an earlier run over the same sources and settings.
  let results: Result[] = [];
  if (existsSync(REPORT)) {
    const old = JSON.parse(readFileSync(REPORT, "utf8")) as Report;
    const same = (f: string) => old.sources?.[f] === sources[f];
    if (old.settings?.maxPerFile === maxPerFile && old.settings?.seed === seed) {
      const wanted = new Set(mutants.map((m) => m.id));
      results = old.results.filter((r) => same(r.file) && wanted.has(r.id));
    }
  }
  const done = new Set(results.map((r) => r.id));
  const queue = mutants.filter((m) => !done.has(m.id));
  console.log(
    `${mutants.length} mutants over ${targets.length} files; ${results.length} already done, ${queue.length} to run`,
  );

  const save = () => {
    const report: Report = {
      generatedBy: "npm run test:mutation (scripts/mutation/run.ts)",
      sources,
      settings: { maxPerFile, seed },
      ...summarise(results),
      results: [...results].sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true })),
    };
    mkdirSync(join(ROOT, "reports"), { recursive: true });
    writeFileSync(REPORT, JSON.stringify(report, null, 2) + "\n");
    return report;
  };

  const dirs: string[] = [];
  const cleanup = () => dirs.forEach(removeWorker);
  process.on("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    for (let i = 0; i < Math.min(workers, Math.max(1, queue.length)); i++) dirs.push(makeWorker(i));
    // Baseline: every target's tests pass on the unmutated sources (and this compiles each worker once).
    const baseline: Record<string, number> = {};
    for (const t of targets) {
      if (!queue.some((m) => m.file === t.file)) continue;
      const r = await runTests(dirs[0], t.tests, 3600);
      if (r.code !== 0)
        throw new Error(`the tests of ${t.file} fail without any mutant:\n${r.out.slice(-3000)}`);
      baseline[t.file] = r.seconds;
      console.log(`baseline ${t.file}: ${r.seconds.toFixed(0)} s`);
    }
    for (const d of dirs.slice(1))
      execFileSync("npx", ["hardhat", "compile", "--quiet"], { cwd: d, stdio: "ignore" });

    let next = 0;
    const work = async (dir: string) => {
      while (next < queue.length) {
        const m = queue[next++];
        const target = targets.find((t) => t.file === m.file)!;
        const path = join(dir, m.file);
        const original = readFileSync(path, "utf8");
        writeFileSync(path, applyMutant(original, m));
        try {
          const r = await runTests(dir, target.tests, Math.max(180, 3 * baseline[m.file]));
          const status: Status = r.timedOut
            ? "timeout"
            : r.code === 0
              ? "survived"
              : isCompileError(r.out)
                ? "stillborn"
                : "killed";
          results.push({
            ...m,
            status,
            seconds: Math.round(r.seconds),
            killedBy: status === "killed" ? firstFailure(r.out) : undefined,
          });
          const s = save().summary;
          console.log(
            `[${results.length}/${mutants.length}] ${status.padEnd(9)} ${m.file}:${m.line} ${m.operator} ` +
              `${JSON.stringify(m.original).slice(0, 40)} -> ${JSON.stringify(m.replacement).slice(0, 40)}  (score ${s.score})`,
          );
        } finally {
          writeFileSync(path, original);
        }
      }
    };
    await Promise.all(dirs.map(work));
  } finally {
    cleanup();
  }
  const report = save();
  const s = report.summary;
  console.log(
    `\n${s.killed} killed, ${s.survived} survived, ${s.timeout} timed out, ${s.stillborn} stillborn: score ${s.score}`,
  );
  for (const [file, f] of Object.entries(report.perFile))
    console.log(`  ${file}: ${f.score} (${f.survived} survived)`);
  if (s.score < threshold) {
    console.error(
      `mutation score ${s.score} is below ${threshold}: see the survivors in reports/mutation.json`,
    );
    process.exit(1);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
