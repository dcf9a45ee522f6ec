import { type Kysely, sql } from "kysely";
import { isTransactionConflict } from "./postgres.js";
import type { StoreDatabase } from "./schema.js";
import type { StoreEngine } from "./types.js";

// Write transactions for both engines. SQLite takes the write lock up front (BEGIN IMMEDIATE), so the
// busy timeout applies and a reader never has to upgrade to a writer mid-transaction (which fails with
// SQLITE_BUSY at once). PostgreSQL reruns a transaction that lost a deadlock or serialisation race.

const maxConflictRetries = 5;

export async function runWriteTransaction<T>(
  db: Kysely<StoreDatabase>,
  engine: StoreEngine,
  work: (trx: Kysely<StoreDatabase>) => Promise<T>,
): Promise<T> {
  if (engine === "sqlite") return runImmediateTransaction(db, work);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      if (!isTransactionConflict(err) || attempt >= maxConflictRetries) throw err;
    }
  }
}

async function runImmediateTransaction<T>(
  db: Kysely<StoreDatabase>,
  work: (trx: Kysely<StoreDatabase>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      // A failed COMMIT (e.g. a deferred foreign key) leaves the transaction open: roll it back below.
      await sql`commit`.execute(connection);
      return result;
    } catch (err) {
      await sql`rollback`.execute(connection).catch(() => {
        // SQLite may already have rolled back on its own (e.g. disk full); the original error matters.
      });
      throw err;
    }
  });
}
