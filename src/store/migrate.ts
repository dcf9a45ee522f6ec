import { type Kysely, sql } from "kysely";
import { NewswatchError } from "../errors.js";
import { migrations as allMigrations, type Migration } from "./migrations.js";
import type { StoreDatabase } from "./schema.js";
import { runWriteTransaction } from "./transactions.js";
import type { StoreEngine } from "./types.js";

// Applies pending migrations at start-up under a lock, so processes starting together do not race:
// PostgreSQL takes a transaction-scoped advisory lock, SQLite the database write lock (BEGIN IMMEDIATE).
// DDL is transactional in both engines, so a failed migration leaves the previous version intact.

export interface MigrationOutcome {
  from: number;
  to: number;
}

export async function migrateStore(
  db: Kysely<StoreDatabase>,
  engine: StoreEngine,
  options: { schema?: string; displayName: string; migrations?: readonly Migration[]; now?: Date },
): Promise<MigrationOutcome> {
  const migrations = options.migrations ?? allMigrations;
  const known = migrations[migrations.length - 1]?.version ?? 0;
  return runWriteTransaction(db, engine, async (trx) => {
    if (engine === "postgres") {
      const lockName = `newswatch-migrate:${options.schema ?? "public"}`;
      await sql`select pg_advisory_xact_lock(hashtext(${lockName}))`.execute(trx);
      if (options.schema !== undefined) {
        await sql`create schema if not exists ${sql.id(options.schema)}`.execute(trx);
        await sql`set local search_path to ${sql.id(options.schema)}`.execute(trx);
      }
    }
    await trx.schema
      .createTable("newswatch_schema")
      .ifNotExists()
      .addColumn("version", "integer", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("applied_at", "text", (c) => c.notNull())
      .execute();
    const row = await trx
      .selectFrom("newswatch_schema")
      .select((eb) => eb.fn.max("version").as("version"))
      .executeTakeFirst();
    const current = row?.version == null ? 0 : Number(row.version);
    if (current > known) {
      throw new NewswatchError(
        "NW_STORE_SCHEMA_TOO_NEW",
        `the store at ${options.displayName} has schema version ${current}, but this newswatch knows ` +
          `versions up to ${known}: upgrade newswatch, or point store.url at another database`,
      );
    }
    const appliedAt = (options.now ?? new Date()).toISOString();
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await migration.up(trx as Kysely<unknown>, engine);
      await trx
        .insertInto("newswatch_schema")
        .values({ version: migration.version, name: migration.name, applied_at: appliedAt })
        .execute();
    }
    return { from: current, to: Math.max(current, known) };
  });
}
