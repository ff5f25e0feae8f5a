/**
 * Mutant generation for Solidity sources: one small change at a time, at a position in real code (comments
 * and string literals are masked out first, so nothing is mutated inside them).
 *
 * Operators:
 *  - `cmp`: a comparison swapped for its boundary twin (`<` ↔ `<=`, `>` ↔ `>=`) or negated (`==` ↔ `!=`);
 *    in assembly `lt(` ↔ `gt(`;
 *  - `arith`: `+` ↔ `-` (also `+=` ↔ `-=`), and in assembly `add(` ↔ `sub(`;
 *  - `const`: a decimal literal n changed to n + 1 (boundary constants, sizes, offsets);
 *  - `revert`: a `revert ...;` or `require(...);` statement deleted (replaced by `{}`);
 *  - `branch`: an `if (c)` condition negated to `if (!(c))`, which swaps the branches.
 */

export type Operator = "cmp" | "arith" | "const" | "revert" | "branch";

export interface Mutant {
  /** Stable id: `<file>:<offset>:<operator>`. */
  id: string;
  file: string;
  operator: Operator;
  /** 1-based line of the change. */
  line: number;
  offset: number;
  original: string;
  replacement: string;
}

/** The source with comments and string literals replaced by spaces (same length, newlines kept). */
export function maskSource(src: string): string {
  const out = src.split("");
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  while (i < src.length) {
    const two = src.slice(i, i + 2);
    if (two === "//") {
      const end = src.indexOf("\n", i);
      const stop = end === -1 ? src.length : end;
      blank(i, stop);
      i = stop;
    } else if (two === "/*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end === -1 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (src[i] === '"' || src[i] === "'") {
      const q = src[i];
      let j = i + 1;
      while (j < src.length && src[j] !== q) j += src[j] === "\\" ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
    } else {
      i++;
    }
  }
  return out.join("");
}

/** Lines that are declarations, not logic: nothing on them is mutated. */
const SKIP_LINE = /^\s*(pragma|import|event|error|\/\/\/|\*|using)\b/;

function lineOf(src: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (src.charCodeAt(i) === 10) n++;
  return n;
}

/** Index of the parenthesis closing the one at `open` in the masked text, or -1. */
function closingParen(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === "(") depth++;
    else if (masked[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

/** End (index after the `;`) of the statement starting at `start`, at parenthesis depth 0, or -1. */
function statementEnd(masked: string, start: number): number {
  let depth = 0;
  for (let i = start; i < masked.length; i++) {
    const c = masked[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === ";" && depth === 0) return i + 1;
    else if ((c === "{" || c === "}") && depth === 0) return -1;
  }
  return -1;
}

const CMP: Record<string, string> = { "<=": "<", ">=": ">", "<": "<=", ">": ">=", "==": "!=", "!=": "==" };

/** Every mutant of one source file, in source order. */
export function mutantsOf(file: string, src: string): Mutant[] {
  const masked = maskSource(src);
  const lines = src.split("\n");
  const found: Mutant[] = [];
  const add = (operator: Operator, offset: number, original: string, replacement: string) => {
    const line = lineOf(src, offset);
    if (SKIP_LINE.test(lines[line - 1])) return;
    found.push({ id: `${file}:${offset}:${operator}`, file, operator, line, offset, original, replacement });
  };

  // comparisons (not shifts, not `=>`, not `->`)
  for (const m of masked.matchAll(/<=|>=|==|!=|(?<![<>=\-])<(?![<=])|(?<![<>=])>(?![>=])/g)) {
    const i = m.index!;
    // `mapping(a => b)`: the `>` of `=>` is excluded by the lookbehind; generic angle brackets do not exist
    add("cmp", i, m[0], CMP[m[0]]);
  }
  for (const m of masked.matchAll(/\b(lt|gt)\(/g)) {
    add("cmp", m.index!, m[1], m[1] === "lt" ? "gt" : "lt");
  }
  // arithmetic
  for (const m of masked.matchAll(/(?<![+\-*\/=<>!&|^%])(\+=|-=|\+(?![+=])|-(?![\-=>]))/g)) {
    const i = m.index!;
    if (masked[i - 1] === "+" || masked[i - 1] === "-") continue; // ++ / --
    const prev = masked.slice(0, i).trimEnd();
    if (m[0] === "-" && /[(,=:?\[]$|return$/.test(prev)) continue; // unary minus
    const swap: Record<string, string> = { "+=": "-=", "-=": "+=", "+": "-", "-": "+" };
    add("arith", i, m[0], swap[m[0]]);
  }
  for (const m of masked.matchAll(/\b(add|sub)\(/g)) {
    add("arith", m.index!, m[1], m[1] === "add" ? "sub" : "add");
  }
  // decimal constants (not parts of identifiers or hex literals, not version numbers)
  for (const m of masked.matchAll(/(?<![\w.])(\d[\d_]*)(?![\w.x])/g)) {
    const i = m.index!;
    const value = BigInt(m[1].replace(/_/g, ""));
    add("const", i, m[1], (value + 1n).toString());
  }
  // deleted reverts and requires
  for (const m of masked.matchAll(/\b(revert|require)\b/g)) {
    const i = m.index!;
    const end = statementEnd(masked, i);
    if (end === -1) continue;
    const original = src.slice(i, end);
    if (original.includes("\n") && original.split("\n").length > 6) continue;
    add("revert", i, original, "{}");
  }
  // negated if-conditions
  for (const m of masked.matchAll(/\bif\s*\(/g)) {
    const open = m.index! + m[0].length - 1;
    const close = closingParen(masked, open);
    if (close === -1) continue;
    const cond = src.slice(open + 1, close);
    add("branch", open + 1, cond, `!(${cond})`);
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/** The source with `m` applied. */
export function applyMutant(src: string, m: Mutant): string {
  if (src.slice(m.offset, m.offset + m.original.length) !== m.original) {
    throw new Error(`mutant ${m.id} does not match the source (was the file changed?)`);
  }
  return src.slice(0, m.offset) + m.replacement + src.slice(m.offset + m.original.length);
}

/** A deterministic pseudo-random order (xorshift32), so that a capped run samples every operator. */
export function sample<T>(items: T[], max: number, seed: number): T[] {
  if (items.length <= max) return items;
  let x = seed >>> 0 || 1;
  const rnd = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, max);
}
