/** Alignment of a column: numbers read best right-aligned. */
export type Align = "left" | "right";

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  align?: Align;
}

/**
 * Renders rows as a plain-text table (header, dashed rule, one line per row; cells may hold several lines,
 * separated by "\n", which become extra lines of the same row).
 */
export function formatTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r).split("\n")));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((row) => Math.max(...row[i].map((l) => l.length)))),
  );
  const pad = (text: string, i: number): string =>
    columns[i].align === "right" ? text.padStart(widths[i]) : text.padEnd(widths[i]);
  const line = (parts: string[]): string => parts.map(pad).join("  ").trimEnd();
  const out = [line(columns.map((c) => c.header)), line(widths.map((w) => "-".repeat(w)))];
  for (const row of cells) {
    const height = Math.max(...row.map((c) => c.length));
    for (let k = 0; k < height; k++) out.push(line(row.map((c) => c[k] ?? "")));
  }
  return out.join("\n");
}
