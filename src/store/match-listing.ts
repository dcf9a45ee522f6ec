import type { Kysely } from "kysely";
import { idsPerQuery, inBatches } from "./batches.js";
import type { StoreDatabase } from "./schema.js";
import { readTimestamp } from "./timestamps.js";
import type { MatchFilter, MatchRow, StoryCopy } from "./types.js";

// Listing stored matches: the matches ⨝ stories page and every copy of its stories. Shared by
// listMatches and the delivery ledger, so both print a match the same way on both engines.

export const matchListingColumns = [
  "m.topic_id",
  "m.story_id",
  "m.score",
  "m.matched",
  "m.first_seen",
  "s.title",
  "s.url",
  "s.source",
  "s.published",
] as const;

/** The query behind listMatches (exported so the benchmark can show its plan). */
export function buildListMatchesQuery(db: Kysely<StoreDatabase>, filter: MatchFilter) {
  let query = db
    .selectFrom("matches as m")
    .innerJoin("stories as s", "s.id", "m.story_id")
    .select(matchListingColumns);
  if (filter.topic !== undefined) query = query.where("m.topic_id", "=", filter.topic);
  if (filter.since !== undefined) query = query.where("m.first_seen", ">=", filter.since.toISOString());
  if (filter.until !== undefined) query = query.where("m.first_seen", "<", filter.until.toISOString());
  query = query.orderBy("m.first_seen", "desc").orderBy("m.topic_id", "desc").orderBy("m.story_id", "desc");
  // SQLite accepts OFFSET only after a LIMIT.
  if (filter.limit !== undefined || filter.offset !== undefined) {
    query = query.limit(filter.limit ?? Number.MAX_SAFE_INTEGER);
  }
  if (filter.offset !== undefined) query = query.offset(filter.offset);
  return query;
}

/** The query behind a listing's copies, for the story ids of one page. */
export function buildListCopiesQuery(db: Kysely<StoreDatabase>, storyIds: string[]) {
  return db
    .selectFrom("story_sources")
    .select(["story_id", "url", "title", "source", "published"])
    .where("story_id", "in", storyIds)
    .orderBy("story_id")
    .orderBy("published")
    .orderBy("article_id");
}

/** One row of the listing as the database returns it. */
export interface MatchListingRow {
  topic_id: string;
  story_id: string;
  score: number;
  matched: string;
  first_seen: Date | string;
  title: string;
  url: string;
  source: string;
  published: Date | string;
}

/** Listing rows in the `matches --json` shape, with every copy of each story attached. */
export async function toMatchRows(db: Kysely<StoreDatabase>, rows: MatchListingRow[]): Promise<MatchRow[]> {
  const copies = await listCopies(db, [...new Set(rows.map((row) => row.story_id))]);
  return rows.map(
    (row): MatchRow => ({
      topic: row.topic_id,
      story: row.story_id,
      title: row.title,
      url: row.url,
      source: row.source,
      published: readTimestamp(row.published),
      first_seen: readTimestamp(row.first_seen),
      // PostgreSQL may hand numbers back as strings depending on type; both engines print a number.
      score: Number(row.score),
      matched: JSON.parse(row.matched) as string[],
      copies: copies.get(row.story_id) ?? [],
    }),
  );
}

async function listCopies(db: Kysely<StoreDatabase>, storyIds: string[]): Promise<Map<string, StoryCopy[]>> {
  const copies = new Map<string, StoryCopy[]>();
  for (const ids of inBatches(storyIds, idsPerQuery)) {
    const rows = await buildListCopiesQuery(db, ids).execute();
    for (const row of rows) {
      const list = copies.get(row.story_id) ?? [];
      list.push({
        url: row.url,
        title: row.title,
        source: row.source,
        published: readTimestamp(row.published),
      });
      copies.set(row.story_id, list);
    }
  }
  return copies;
}
