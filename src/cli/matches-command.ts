import type { Command } from "commander";
import { NewswatchError } from "../errors.js";
import { createLogger } from "../log.js";
import { formatMatchesCsv, formatMatchesTable, formatMatchJsonLine } from "../store/format-matches.js";
import { openStore } from "../store/open-store.js";
import type { MatchFilter } from "../store/types.js";
import { loadCliConfig } from "./load-cli-config.js";

// `newswatch matches`: stored matches, newest first, as a table, JSON Lines or CSV.

export type MatchesFormat = "table" | "json" | "csv";

export interface MatchesCommandOptions {
  topic?: string;
  since?: string;
  until?: string;
  limit?: string;
  json?: boolean;
  format?: string;
}

export const defaultMatchesLimit = 50;

export function registerMatchesCommand(program: Command): void {
  program
    .command("matches")
    .description("stored matches, newest first: one per (topic, story), with every copy of the story")
    .option("--topic <id>", "only this topic")
    .option("--since <iso>", "first seen at or after this time (ISO 8601)")
    .option("--until <iso>", "first seen before this time (ISO 8601)")
    .option("--limit <n>", `at most this many matches (default ${defaultMatchesLimit})`)
    .option("--json", "JSON Lines, one object per match (same as --format json)")
    .option("--format <format>", "table, json or csv (default table)")
    .action(async (options: MatchesCommandOptions, command: Command) => {
      let request: { filter: MatchFilter; format: MatchesFormat };
      try {
        request = parseMatchesOptions(options);
      } catch (err) {
        return fail(err, 1);
      }
      // stdout carries the data only; configuration problems go to stderr.
      const config = await loadCliConfig(command, { print: (line) => process.stderr.write(`${line}\n`) });
      const url = process.env.DATABASE_URL || config.store.url;
      let output: string;
      try {
        const store = await openStore(url, {
          logger: createLogger({ level: process.env.LOG_LEVEL ?? "warn" }),
        });
        try {
          output = renderMatches(await store.listMatches(request.filter), request.format);
        } finally {
          await store.close();
        }
      } catch (err) {
        return fail(err, 2);
      }
      process.stdout.write(output);
    });
}

/** Reads the command's flags into a store filter and an output format, or throws NW_INPUT_INVALID. */
export function parseMatchesOptions(options: MatchesCommandOptions): {
  filter: MatchFilter;
  format: MatchesFormat;
} {
  const format = parseFormat(options);
  const filter: MatchFilter = { limit: parseLimit(options.limit) };
  if (options.topic !== undefined) filter.topic = options.topic;
  if (options.since !== undefined) filter.since = parseTime("--since", options.since);
  if (options.until !== undefined) filter.until = parseTime("--until", options.until);
  return { filter, format };
}

export function renderMatches(rows: Parameters<typeof formatMatchesCsv>[0], format: MatchesFormat): string {
  switch (format) {
    case "json":
      return rows.map((row) => `${formatMatchJsonLine(row)}\n`).join("");
    case "csv":
      return formatMatchesCsv(rows);
    case "table":
      return formatMatchesTable(rows);
  }
}

function parseFormat(options: MatchesCommandOptions): MatchesFormat {
  const format = options.format ?? (options.json ? "json" : "table");
  if (format !== "table" && format !== "json" && format !== "csv") {
    throw invalid(`--format must be table, json or csv, not "${format}"`);
  }
  if (options.json && format !== "json") throw invalid(`--json and --format ${format} contradict each other`);
  return format;
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return defaultMatchesLimit;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw invalid(`--limit must be a positive whole number, not "${value}"`);
  return Number(value);
}

function parseTime(flag: string, value: string): Date {
  // ISO 8601 only: a date, or a date and time; Date.parse alone would accept "March 3".
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(ms))
    throw invalid(`${flag} must be an ISO 8601 time such as 2026-03-01T07:00:00Z, not "${value}"`);
  return new Date(ms);
}

function invalid(message: string): NewswatchError {
  return new NewswatchError("NW_INPUT_INVALID", message);
}

function fail(err: unknown, exitCode: number): void {
  if (!(err instanceof NewswatchError)) throw err;
  process.stderr.write(`newswatch matches: ${err.message}\n`);
  process.exitCode = err.code === "NW_INPUT_INVALID" ? 1 : exitCode;
}
