/**
 * Tiny structured logger: one JSON object per line, `{"ts","level","msg","fields"}`, or (format "text", for a
 * person at a terminal) one readable line per record: `12:00:01 INFO  message  key=value ...`.
 *
 * The level comes from the `LOG_LEVEL` environment variable (debug, info, warn, error, silent; default
 * info) unless given. The sink (default: stderr, so stdout stays free for a program's own output) is
 * injectable for tests. The default sink writes the lines of one turn of the event loop in one write (a
 * busy server logs a line per request: one system call per turn instead of one per line), flushed before
 * the process exits.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogLevelSetting = LogLevel | "silent";
export type LogFields = Record<string, unknown>;

/** One parsed log line. */
export interface LogRecord {
  ts: string;
  level: LogLevel;
  msg: string;
  fields: LogFields;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ component: "scanner" }`). */
  child(fields: LogFields): Logger;
  /** Whether a line of this level would be written. */
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  /** Minimum level written; default `LOG_LEVEL` from the environment, else "info". */
  level?: LogLevelSetting;
  /** Receives each line without its trailing newline; default writes to stderr. */
  sink?: (line: string) => void;
  /** Fields added to every line. */
  fields?: LogFields;
  /** Clock, for tests. */
  now?: () => Date;
  /** "json" (default): one JSON object per line; "text": one human-readable line per record. */
  format?: LogFormat;
}

export type LogFormat = "json" | "text";

/**
 * The format a long-running task logs in: text for a person (stderr is a terminal), JSON with --json or when
 * stderr is not a terminal (a file, a pipe, journald, a log collector).
 */
export function chooseLogFormat(json: boolean, stream: { isTTY?: boolean } = process.stderr): LogFormat {
  return json || stream.isTTY !== true ? "json" : "text";
}

function textValue(v: unknown): string {
  if (typeof v === "string") return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  try {
    return JSON.stringify(v, replacer) ?? String(v);
  } catch {
    return String(v);
  }
}

/** One record as a readable line: time (UTC), level, message, then the fields as key=value. */
export function formatTextRecord(r: LogRecord): string {
  const time = r.ts.length >= 19 ? r.ts.slice(11, 19) : r.ts;
  const fields = Object.entries(r.fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${textValue(v)}`)
    .join(" ");
  return `${time} ${r.level.toUpperCase().padEnd(5)} ${r.msg}${fields ? `  ${fields}` : ""}`;
}

let pendingLines: string[] = [];
let flushScheduled = false;

/** Writes the lines queued by stderrSink (synchronously when stderr is a file or pipe). */
function flushStderr(): void {
  flushScheduled = false;
  if (pendingLines.length === 0) return;
  const text = pendingLines.join("\n") + "\n";
  pendingLines = [];
  process.stderr.write(text);
}

/** The default sink: queues the line, written with the others of this turn of the event loop. */
function stderrSink(line: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", flushStderr);
  }
  pendingLines.push(line);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushStderr);
  }
}
let exitHookInstalled = false;

const RANK: Record<LogLevelSetting, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Parses a level name (case-insensitive); throws one sentence on anything else. */
export function parseLogLevel(value: string): LogLevelSetting {
  const v = value.trim().toLowerCase();
  if (v in RANK) return v as LogLevelSetting;
  throw new Error(`Log level "${value}" is not one of debug, info, warn, error, silent.`);
}

/** JSON.stringify replacer: bigint as decimal string, Error as {name, message, code?}. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    return out;
  }
  return value;
}

/** Whether every field is a string, number, boolean, null or undefined: then the replacer changes nothing. */
function primitiveFields(fields: LogFields): boolean {
  for (const k in fields) {
    const v = fields[k];
    if (v !== null && typeof v === "object") return false;
    if (typeof v === "bigint" || typeof v === "function" || typeof v === "symbol") return false;
  }
  return true;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? parseLogLevel(process.env.LOG_LEVEL ?? "info");
  const sink = options.sink ?? stderrSink;
  const now = options.now ?? (() => new Date());
  const min = RANK[level];

  const make = (base: LogFields): Logger => {
    const write = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
      if (RANK[lvl] < min) return;
      const record: LogRecord = { ts: now().toISOString(), level: lvl, msg, fields: { ...base, ...fields } };
      let line: string;
      try {
        line =
          options.format === "text"
            ? formatTextRecord(record)
            : JSON.stringify(record, primitiveFields(record.fields) ? undefined : replacer);
      } catch {
        // Circular or otherwise unserialisable fields: keep the message, say what happened.
        line = JSON.stringify({ ...record, fields: { unserialisableFields: Object.keys(record.fields) } });
      }
      sink(line);
    };
    return {
      debug: (m, f) => write("debug", m, f),
      info: (m, f) => write("info", m, f),
      warn: (m, f) => write("warn", m, f),
      error: (m, f) => write("error", m, f),
      child: (fields) => make({ ...base, ...fields }),
      enabled: (lvl) => RANK[lvl] >= min,
    };
  };
  return make(options.fields ?? {});
}

/** A logger that writes nothing. */
export const silentLogger: Logger = createLogger({ level: "silent", sink: () => {} });

/** A sink that keeps parsed records in memory, for tests. */
export function memorySink(): { sink: (line: string) => void; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { sink: (line) => records.push(JSON.parse(line) as LogRecord), records };
}
