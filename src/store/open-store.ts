import { sql } from "kysely";
import { errorMessage, NewswatchError } from "../errors.js";
import type { Logger } from "../log.js";
import { migrateStore } from "./migrate.js";
import {
  connectionFailureCode,
  openPostgresDatabase,
  refusedError,
  translatePostgresError,
  unreachableError,
} from "./postgres.js";
import { createSqlStore, type SqlStore } from "./sql-store.js";
import { openSqliteDatabase, translateSqliteError } from "./sqlite.js";
import { parseStoreUrl } from "./store-url.js";

export interface OpenStoreOptions {
  logger?: Logger;
  /** PostgreSQL schema for the tables (created if missing); a `?schema=` in the URL takes precedence. */
  schema?: string;
  /** Base for relative SQLite paths (default: the working directory). */
  cwd?: string;
}

/**
 * Opens the store named by `store.url` / DATABASE_URL and brings its schema up to date.
 * `sqlite:PATH` (relative to the working directory), `sqlite::memory:`, or `postgres://…`.
 * Throws NW_STORE_UNREACHABLE (one line, no password) when PostgreSQL cannot be reached and
 * NW_STORE_SCHEMA_TOO_NEW when the database was migrated by a newer newswatch.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<SqlStore> {
  const location = parseStoreUrl(url, options.cwd ?? process.cwd(), options.schema);

  if (location.engine === "sqlite") {
    let db: ReturnType<typeof openSqliteDatabase>;
    try {
      db = openSqliteDatabase(location.file);
    } catch (err) {
      // A missing directory we may not create, a read-only file, a file that is not a database.
      throw new NewswatchError(
        "NW_STORE_UNREACHABLE",
        `cannot open the SQLite store ${location.file}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    const store = createSqlStore(db, {
      engine: "sqlite",
      translateError: translateSqliteError,
    });
    try {
      const outcome = await migrateStore(db, "sqlite", { displayName: url });
      logMigration(options.logger, outcome, url);
    } catch (err) {
      await store.close();
      throw translateSqliteError(err);
    }
    return store;
  }

  const db = openPostgresDatabase(location, options.logger);
  const store = createSqlStore(db, {
    engine: "postgres",
    translateError: (err) => translatePostgresError(location, err),
  });
  try {
    await sql`select 1`.execute(db);
    const outcome = await migrateStore(db, "postgres", {
      displayName: location.displayName,
      ...(location.schema === undefined ? {} : { schema: location.schema }),
    });
    logMigration(options.logger, outcome, location.displayName);
  } catch (err) {
    await store.close().catch(() => {});
    const reason = connectionFailureCode(err);
    if (reason !== undefined) throw unreachableError(location, reason, err);
    throw refusedError(location, err) ?? err;
  }
  return store;
}

function logMigration(
  logger: Logger | undefined,
  outcome: { from: number; to: number },
  store: string,
): void {
  if (outcome.from !== outcome.to) {
    logger?.info({ store, fromVersion: outcome.from, toVersion: outcome.to }, "store schema migrated");
  }
}
