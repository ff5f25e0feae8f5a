// A mocha reporter that prints the spec output and then the slowest test files and tests, with seconds.
// Enabled by TEST_TIMINGS=<path of a JSON file> (hardhat.config.ts); `npm test` does not use it.
import fs from "node:fs";
import path from "node:path";
import Mocha from "mocha";

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_END, EVENT_RUN_END } = Mocha.Runner.constants;

class TimingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const started = new Map<Mocha.Suite, number>();
    const files = new Map<string, number>();
    const tests: { title: string; file: string; ms: number }[] = [];
    const rel = (f: string | undefined): string => (f ? path.relative(process.cwd(), f) : "?");
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.parent?.root) started.set(suite, Date.now());
    });
    runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
      const t0 = started.get(suite);
      if (t0 === undefined) return;
      const f = rel(suite.file);
      files.set(f, (files.get(f) ?? 0) + Date.now() - t0);
    });
    runner.on(EVENT_TEST_END, (test: Mocha.Test) => {
      tests.push({ title: test.fullTitle(), file: rel(test.file), ms: test.duration ?? 0 });
    });
    runner.once(EVENT_RUN_END, () => {
      const byFile = [...files].map(([file, ms]) => ({ file, ms })).sort((a, b) => b.ms - a.ms);
      tests.sort((a, b) => b.ms - a.ms);
      const out = process.env.TEST_TIMINGS;
      if (out && out !== "1") fs.writeFileSync(out, JSON.stringify({ files: byFile, tests }, null, 1));
      console.log("\nSlowest files (s):");
      for (const r of byFile.slice(0, 25)) console.log(`${(r.ms / 1000).toFixed(1).padStart(7)}  ${r.file}`);
      console.log("\nSlowest tests (s):");
      for (const r of tests.slice(0, 25))
        console.log(`${(r.ms / 1000).toFixed(1).padStart(7)}  ${r.file}: ${r.title}`);
    });
  }
}

export = TimingReporter;
