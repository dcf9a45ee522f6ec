import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { NewswatchError } from "../errors.js";
import type { StoreDatabase } from "./schema.js";

// The SQLite adapter: one better-sqlite3 connection per process, WAL so several local processes can
// share the file, and a busy timeout so writers queue for the lock instead of failing.

// Generous: under load several processes queue for the one write lock; a chunk holds it for milliseconds.
const busyTimeoutMs = 20_000;

export function openSqliteDatabase(file: string): Kysely<StoreDatabase> {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const database = new Database(file, { timeout: busyTimeoutMs });
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  return new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database }) });
}

/** A locked database file is worth retrying (the other writer finishes); anything else is not ours to judge. */
export function translateSqliteError(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))) {
    return new NewswatchError(
      "NW_STORE_UNREACHABLE",
      `SQLite database file is locked by another writer (${code}); retry shortly`,
      { retryable: true, cause: err },
    );
  }
  return err;
}
