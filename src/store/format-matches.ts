import type { MatchRow } from "./types.js";

// How stored matches are printed by `newswatch matches`: JSON Lines (the DESIGN.md shape), CSV for
// spreadsheets, and a table for people. Pure functions of the rows.

/** One JSON line per match, keys in the documented order. */
export function formatMatchJsonLine(row: MatchRow): string {
  return JSON.stringify({
    topic: row.topic,
    story: row.story,
    title: row.title,
    url: row.url,
    source: row.source,
    published: row.published,
    first_seen: row.first_seen,
    score: row.score,
    matched: row.matched,
    copies: row.copies.map((copy) => ({
      url: copy.url,
      title: copy.title,
      source: copy.source,
      published: copy.published,
    })),
  });
}

export const csvColumns = [
  "topic",
  "story",
  "first_seen",
  "published",
  "score",
  "title",
  "url",
  "source",
  "matched",
  "sources",
  "source_urls",
] as const;

const copySeparator = " | ";

/** RFC 4180 CSV (CRLF line ends), one row per match, the story's copies joined with " | ". */
export function formatMatchesCsv(rows: MatchRow[]): string {
  const lines = [csvColumns.join(",")];
  for (const row of rows) {
    const cells = [
      row.topic,
      row.story,
      row.first_seen,
      row.published,
      String(row.score),
      row.title,
      row.url,
      row.source,
      row.matched.join("; "),
      row.copies.map((copy) => copy.source).join(copySeparator),
      row.copies.map((copy) => copy.url).join(copySeparator),
    ];
    lines.push(cells.map(formatCsvCell).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one) as a
 * formula; feed titles are untrusted, so such cells get a leading apostrophe and stay text.
 */
export function neutraliseCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function formatCsvCell(value: string): string {
  const safe = neutraliseCsvCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const titleWidth = 70;

/** A plain table for a terminal: when, topic, score, copies, title. */
export function formatMatchesTable(rows: MatchRow[]): string {
  if (rows.length === 0) return "No matches.\n";
  const header = ["FIRST SEEN", "TOPIC", "SCORE", "COPIES", "TITLE"];
  const body = rows.map((row) => [
    row.first_seen.slice(0, 16).replace("T", " "),
    row.topic,
    row.score.toFixed(2),
    String(row.copies.length),
    truncate(`${row.title} (${row.source})`, titleWidth),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...body.map((cells) => (cells[i] ?? "").length)),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[header, ...body].map(render).join("\n")}\n`;
}

function truncate(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}
