import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { NewswatchError } from "../errors.js";
import type { Logger } from "../log.js";
import type { StoreDatabase } from "./schema.js";
import type { StoreLocation } from "./store-url.js";

// The PostgreSQL adapter: a pool, the store's schema on the search path, and outages sorted from bugs.

type PostgresLocation = Extract<StoreLocation, { engine: "postgres" }>;

export function openPostgresDatabase(location: PostgresLocation, logger?: Logger): Kysely<StoreDatabase> {
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: "newswatch",
    // The schema name is validated as lower-case letters, digits and underscores (store-url.ts).
    ...(location.schema === undefined ? {} : { options: `-c search_path=${location.schema}` }),
  });
  // An idle client losing its server must not crash the process; the next query reports the outage.
  pool.on("error", (err) => {
    logger?.warn({ err, store: location.displayName }, "store connection lost");
  });
  return new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
}

const connectionErrorCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up)
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

const connectionErrorMessages = [/Connection terminated/i, /timeout exceeded when trying to connect/i];

/** The code of a connection failure (e.g. ECONNREFUSED), or undefined when the error is something else. */
export function connectionFailureCode(err: unknown): string | undefined {
  if (err === null || typeof err !== "object") return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && connectionErrorCodes.has(code)) return code;
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const innerCode = connectionFailureCode(inner);
      if (innerCode !== undefined) return innerCode;
    }
  }
  const message = (err as { message?: unknown }).message;
  if (typeof message === "string" && connectionErrorMessages.some((re) => re.test(message))) {
    return "connection lost";
  }
  return undefined;
}

/** Retryable transaction conflicts: the whole transaction can simply run again. */
export function isTransactionConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001";
}

export function unreachableError(location: PostgresLocation, reason: string, cause: unknown): NewswatchError {
  return new NewswatchError(
    "NW_STORE_UNREACHABLE",
    `PostgreSQL at ${location.host}:${location.port} is unreachable (${reason}): start it ` +
      "(e.g. `docker compose up -d postgres`) or point store.url / DATABASE_URL at a running server",
    { retryable: true, cause },
  );
}

/**
 * A server that answers but will not let us in (wrong password, unknown user or database) is a
 * configuration problem: retrying will not help.
 */
export function refusedError(location: PostgresLocation, err: unknown): NewswatchError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !(code.startsWith("28") || code === "3D000")) return undefined;
  return new NewswatchError(
    "NW_STORE_UNREACHABLE",
    `PostgreSQL at ${location.host}:${location.port} refused newswatch (${(err as Error).message}): ` +
      "check the user, password and database in store.url / DATABASE_URL",
    { cause: err },
  );
}

export function translatePostgresError(location: PostgresLocation, err: unknown): unknown {
  const reason = connectionFailureCode(err);
  return reason === undefined ? err : unreachableError(location, reason, err);
}
