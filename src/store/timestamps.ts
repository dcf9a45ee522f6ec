import { NewswatchError } from "../errors.js";

// Both engines read and write timestamps as ISO 8601 UTC with milliseconds ("2026-01-02T03:04:05.000Z"),
// so output is byte-identical whichever engine stored it, and text timestamps sort by time in SQLite.

/** Normalises an ISO 8601 string (any offset, with or without ms) for writing. */
export function normaliseTimestamp(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new NewswatchError("NW_INPUT_INVALID", `not an ISO 8601 timestamp: "${value}"`);
  }
  return new Date(ms).toISOString();
}

/** Reads a timestamp column: PostgreSQL hands back a Date, SQLite the stored string. */
export function readTimestamp(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

export function readOptionalTimestamp(value: Date | string | null): string | null {
  return value === null ? null : readTimestamp(value);
}
