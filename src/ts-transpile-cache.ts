/**
 * A disk cache of ts-node's transpile-only output, installed by hardhat.config.ts before it loads tasks/.
 *
 * Every Hardhat process (each CLI command, `npx hardhat node`, each child process of the tests) transpiles the
 * ~100 TypeScript files of tasks/ and src/ again: about 2 s of CPU per process on our 2-core machines. With the
 * cache, a file is transpiled once per content: the key is a SHA-256 of the TypeScript and ts-node versions, the
 * compiler options, the file name and the file's text, so an edited file (or another compiler setting) is simply a
 * miss. Entries are written to a temporary file and renamed, so concurrent processes never read half an entry.
 *
 * Only in transpile-only mode (Hardhat's default; `hardhat test --typecheck` and other type-checking runs keep
 * ts-node's own path, which reports type errors). PUSH_TS_CACHE=0 turns it off. Stack traces keep their TypeScript
 * lines: the cached output carries ts-node's inline source map, served to source-map-support from memory.
 * The entries live in cache/ts-transpile (ignored by git, removed by `hardhat clean`).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

interface TsNodeService {
  compile(code: string, fileName: string, lineOffset?: number): string;
  options: { transpileOnly?: boolean; typeCheck?: boolean };
  config: { options: unknown };
  ts: { version: string };
}

const INSTALLED = Symbol.for("push-nodes.ts-transpile-cache");

export function installTranspileCache(cacheDir: string): boolean {
  const proc = process as unknown as Record<symbol, unknown>;
  if (proc[INSTALLED] || process.env.PUSH_TS_CACHE === "0") return false;
  const service = proc[Symbol.for("ts-node.register.instance")] as TsNodeService | undefined;
  if (!service || service.options.transpileOnly !== true || service.options.typeCheck === true) return false;
  proc[INSTALLED] = true;

  let tsNodeVersion = "?";
  try {
    tsNodeVersion = (require("ts-node/package.json") as { version: string }).version;
  } catch {
    // unknown: part of the key anyway
  }
  const salt = JSON.stringify([service.ts.version, tsNodeVersion, service.config.options]);
  const outputs = new Map<string, string>();
  // Stack traces: ts-node answers source-map-support from its own memory, which a cache hit bypasses.
  try {
    (
      require("@cspotcode/source-map-support") as {
        install(o: { retrieveFile(p: string): string | null }): void;
      }
    ).install({ retrieveFile: (p) => outputs.get(p.split(path.sep).join("/")) ?? null });
  } catch {
    // without it, traces show the transpiled lines
  }

  const compile = service.compile.bind(service);
  service.compile = (code: string, fileName: string, lineOffset?: number): string => {
    if (lineOffset) return compile(code, fileName, lineOffset);
    const key = crypto
      .createHash("sha256")
      .update(salt)
      .update("\0")
      .update(fileName)
      .update("\0")
      .update(code);
    const file = path.join(cacheDir, `${key.digest("hex")}.js`);
    let output: string | undefined;
    try {
      output = fs.readFileSync(file, "utf8");
    } catch {
      output = compile(code, fileName);
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
        fs.writeFileSync(tmp, output);
        fs.renameSync(tmp, file);
      } catch {
        // a read-only tree: no cache, same output
      }
    }
    outputs.set(fileName.split(path.sep).join("/"), output);
    return output;
  };
  return true;
}
