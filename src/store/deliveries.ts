import type { Kysely } from "kysely";
import type {
  ChannelState,
  ChannelStatus,
  DeliveryClaim,
  DeliveryLedger,
  DeliveryRecord,
} from "../digest/ledger.js";
import type { DigestMatch, MatchKey } from "../digest/types.js";
import { inBatches, rowsPerStatement } from "./batches.js";
import { matchListingColumns, toMatchRows } from "./match-listing.js";
import type { StoreDatabase } from "./schema.js";
import { normaliseTimestamp, readTimestamp } from "./timestamps.js";
import { runWriteTransaction } from "./transactions.js";
import type { StoreEngine } from "./types.js";

// The digest delivery ledger in SQL. deliveries holds one row per (delivery, channel); delivery_items
// holds each (digest, topic, story) once, which is what makes a digest deliver a match at most once:
// a claim inserts all its items or, when another run got one first, nothing at all.

/** Thrown inside the claim transaction to roll it back; never leaves this module. */
class ClaimLost extends Error {}

export function createSqlDeliveryLedger(db: Kysely<StoreDatabase>, engine: StoreEngine): DeliveryLedger {
  return {
    async listUndelivered(digest, topics, since) {
      if (topics.length === 0) return [];
      let query = db
        .selectFrom("matches as m")
        .innerJoin("stories as s", "s.id", "m.story_id")
        .select([...matchListingColumns, "m.snippet"])
        .where("m.topic_id", "in", [...topics])
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom("delivery_items as d")
                .select("d.story_id")
                .where("d.digest", "=", digest)
                .whereRef("d.topic_id", "=", "m.topic_id")
                .whereRef("d.story_id", "=", "m.story_id"),
            ),
          ),
        );
      if (since !== undefined) query = query.where("m.first_seen", ">=", since.toISOString());
      const rows = await query
        .orderBy("m.first_seen", "desc")
        .orderBy("m.topic_id", "desc")
        .orderBy("m.story_id", "desc")
        .execute();
      return withSnippets(db, rows);
    },

    async listUnfinished(digest) {
      const rows = await db
        .selectFrom("deliveries")
        .selectAll()
        .where("digest", "=", digest)
        .where("delivery_id", "in", (eb) =>
          eb
            .selectFrom("deliveries as p")
            .select("p.delivery_id")
            .where("p.digest", "=", digest)
            .where("p.status", "=", "pending"),
        )
        .orderBy("created_at")
        .orderBy("delivery_id")
        .orderBy("id")
        .execute();
      const records = new Map<string, DeliveryRecord>();
      for (const row of rows) {
        const record = records.get(row.delivery_id) ?? {
          deliveryId: row.delivery_id,
          digest: row.digest,
          createdAt: readTimestamp(row.created_at),
          channels: [],
        };
        const channel: ChannelState = {
          channel: row.channel,
          status: row.status as ChannelStatus,
          attempts: Number(row.attempts),
          lastError: row.last_error,
        };
        record.channels.push(channel);
        records.set(row.delivery_id, record);
      }
      return [...records.values()];
    },

    async listClaimed(deliveryId) {
      const rows = await db
        .selectFrom("delivery_items as d")
        .innerJoin("matches as m", (join) =>
          join.onRef("m.topic_id", "=", "d.topic_id").onRef("m.story_id", "=", "d.story_id"),
        )
        .innerJoin("stories as s", "s.id", "m.story_id")
        .select([...matchListingColumns, "m.snippet"])
        .where("d.delivery_id", "=", deliveryId)
        .orderBy("m.first_seen", "desc")
        .orderBy("m.topic_id", "desc")
        .orderBy("m.story_id", "desc")
        .execute();
      return withSnippets(db, rows);
    },

    async claim(claim) {
      try {
        await runWriteTransaction(db, engine, (trx) => insertClaim(trx, claim));
        return true;
      } catch (err) {
        if (err instanceof ClaimLost) return false;
        throw err;
      }
    },

    async recordAttempt(deliveryId, channel, outcome) {
      const at = normaliseTimestamp(outcome.at);
      await db
        .updateTable("deliveries")
        .set((eb) => ({
          status: outcome.status,
          attempts: eb("attempts", "+", 1),
          last_error: outcome.error,
          ...(outcome.status === "sent" ? { sent_at: at } : {}),
        }))
        .where("delivery_id", "=", deliveryId)
        .where("channel", "=", channel)
        .execute();
    },
  };
}

async function insertClaim(trx: Kysely<StoreDatabase>, claim: DeliveryClaim): Promise<void> {
  const createdAt = normaliseTimestamp(claim.createdAt);
  const existing = await trx
    .selectFrom("deliveries")
    .select("id")
    .where("delivery_id", "=", claim.deliveryId)
    .limit(1)
    .executeTakeFirst();
  if (existing !== undefined) throw new ClaimLost();

  const channels = [...new Map(claim.channels.map((c) => [c.channel, c])).values()];
  for (const batch of inBatches(channels, rowsPerStatement)) {
    const inserted = await trx
      .insertInto("deliveries")
      .values(
        batch.map((c) => ({
          digest: claim.digest,
          channel: c.channel,
          delivery_id: claim.deliveryId,
          status: c.status,
          attempts: 0,
          last_error: null,
          created_at: createdAt,
          sent_at: null,
        })),
      )
      .onConflict((oc) => oc.columns(["delivery_id", "channel"]).doNothing())
      .returning("id")
      .execute();
    if (inserted.length < batch.length) throw new ClaimLost();
  }

  const items = uniqueKeys(claim.items);
  for (const batch of inBatches(items, rowsPerStatement)) {
    const inserted = await trx
      .insertInto("delivery_items")
      .values(
        batch.map((item) => ({
          delivery_id: claim.deliveryId,
          digest: claim.digest,
          topic_id: item.topic,
          story_id: item.story,
        })),
      )
      .onConflict((oc) => oc.columns(["digest", "topic_id", "story_id"]).doNothing())
      .returning("story_id")
      .execute();
    if (inserted.length < batch.length) throw new ClaimLost();
  }
}

function uniqueKeys(items: MatchKey[]): MatchKey[] {
  const byKey = new Map<string, MatchKey>();
  for (const item of items) byKey.set(`${item.topic}\u0000${item.story}`, item);
  return [...byKey.values()];
}

async function withSnippets(
  db: Kysely<StoreDatabase>,
  rows: Array<Parameters<typeof toMatchRows>[1][number] & { snippet: string }>,
): Promise<DigestMatch[]> {
  const listed = await toMatchRows(db, rows);
  return listed.map((row, i) => ({ ...row, snippet: rows[i]?.snippet ?? "" }));
}
