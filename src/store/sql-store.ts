import { createHash } from "node:crypto";
import type { Insertable, Kysely } from "kysely";
import type { Article } from "../feeds/types.js";
import type { TopicMatch } from "../match/types.js";
import { idsPerQuery, inBatches, rowsPerStatement } from "./batches.js";
import { buildListMatchesQuery, toMatchRows } from "./match-listing.js";
import type {
  ArticlesTable,
  MatchesTable,
  StoreDatabase,
  StoriesTable,
  StorySourcesTable,
} from "./schema.js";
import { normaliseTimestamp, readOptionalTimestamp } from "./timestamps.js";
import { runWriteTransaction } from "./transactions.js";
import type {
  FeedHealth,
  FeedPollRecord,
  MatchFilter,
  MatchRow,
  PruneResult,
  SavedEntry,
  Store,
  StoredEntry,
  StoreEngine,
} from "./types.js";

// The query layer, one for both engines. Every write lets the database reject duplicates
// (INSERT … ON CONFLICT DO NOTHING) instead of looking first, so repeated chunks and concurrent
// processes cannot create a second article, story, source or match.

export interface SqlStoreOptions {
  engine: StoreEngine;
  /** Turns driver errors into NewswatchErrors where we know what they mean (outages, locks). */
  translateError(err: unknown): unknown;
}

export function createSqlStore(db: Kysely<StoreDatabase>, options: SqlStoreOptions): SqlStore {
  return new SqlStore(db, options);
}

export class SqlStore implements Store {
  readonly engine: StoreEngine;
  /** The typed query builder, for other parts that need a query this class does not offer. */
  readonly db: Kysely<StoreDatabase>;
  readonly #options: SqlStoreOptions;

  constructor(db: Kysely<StoreDatabase>, options: SqlStoreOptions) {
    this.db = db;
    this.engine = options.engine;
    this.#options = options;
  }

  async saveChunk(entries: StoredEntry[]): Promise<SavedEntry[]> {
    if (entries.length === 0) return [];
    const prepared = entries.map(prepareEntry);
    return this.#guard(() => runWriteTransaction(this.db, this.engine, (trx) => saveEntries(trx, prepared)));
  }

  async recordFeedHealth(record: FeedPollRecord): Promise<void> {
    const at = normaliseTimestamp(record.at);
    const nextPollAt = normaliseTimestamp(record.nextPollAt);
    const status = record.status ?? null;
    const error = record.ok ? null : (record.error ?? "unknown error");
    await this.#guard(() =>
      this.db
        .insertInto("feeds")
        .values({
          id: record.feed.id,
          url: record.feed.url,
          name: record.feed.name,
          tags: JSON.stringify(record.feed.tags),
          last_success_at: record.ok ? at : null,
          last_status: status,
          last_error_at: record.ok ? null : at,
          last_error: error,
          failures_in_row: record.ok ? 0 : 1,
          next_poll_at: nextPollAt,
          items_seen_total: record.itemsSeen,
        })
        .onConflict((oc) =>
          oc.column("id").doUpdateSet((eb) => ({
            url: eb.ref("excluded.url"),
            name: eb.ref("excluded.name"),
            tags: eb.ref("excluded.tags"),
            last_status: eb.ref("excluded.last_status"),
            next_poll_at: eb.ref("excluded.next_poll_at"),
            items_seen_total: eb("feeds.items_seen_total", "+", eb.ref("excluded.items_seen_total")),
            ...(record.ok
              ? { last_success_at: eb.ref("excluded.last_success_at"), failures_in_row: 0 }
              : {
                  last_error_at: eb.ref("excluded.last_error_at"),
                  last_error: eb.ref("excluded.last_error"),
                  failures_in_row: eb("feeds.failures_in_row", "+", 1),
                }),
          })),
        )
        .execute(),
    );
  }

  async listFeedHealth(): Promise<FeedHealth[]> {
    const rows = await this.#guard(() =>
      this.db.selectFrom("feeds").selectAll().orderBy("name").orderBy("id").execute(),
    );
    return rows.map((row) => ({
      id: row.id,
      url: row.url,
      name: row.name,
      tags: JSON.parse(row.tags) as string[],
      lastSuccessAt: readOptionalTimestamp(row.last_success_at),
      lastStatus: row.last_status === null ? null : Number(row.last_status),
      lastErrorAt: readOptionalTimestamp(row.last_error_at),
      lastError: row.last_error,
      failuresInRow: Number(row.failures_in_row),
      nextPollAt: readOptionalTimestamp(row.next_poll_at),
      itemsSeenTotal: Number(row.items_seen_total),
    }));
  }

  async listMatches(filter: MatchFilter = {}): Promise<MatchRow[]> {
    return this.#guard(async () =>
      toMatchRows(this.db, await buildListMatchesQuery(this.db, filter).execute()),
    );
  }

  async prune(retentionMs: number, now: Date, batchSize = 500): Promise<PruneResult> {
    const cutoff = new Date(now.getTime() - retentionMs).toISOString();
    const removedAt = now.toISOString();
    const total: PruneResult = { stories: 0, articles: 0, matches: 0 };
    for (;;) {
      // One small transaction per batch, so workers writing meanwhile wait a moment at most.
      const batch = await this.#guard(() =>
        runWriteTransaction(this.db, this.engine, (trx) => pruneBatch(trx, cutoff, removedAt, batchSize)),
      );
      total.stories += batch.stories;
      total.articles += batch.articles;
      total.matches += batch.matches;
      if (batch.stories < batchSize) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Closes the SQLite file or ends the PostgreSQL pool (Kysely's destroy does both). */
  async close(): Promise<void> {
    await this.db.destroy();
  }

  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw this.#options.translateError(err);
    }
  }
}

interface PreparedEntry {
  entry: StoredEntry;
  article: Insertable<ArticlesTable>;
}

function prepareEntry(entry: StoredEntry): PreparedEntry {
  const a = entry.article;
  return {
    entry,
    article: {
      id: a.id,
      canonical_url: a.canonicalUrl === "" ? null : a.canonicalUrl,
      feed_id: a.feedId,
      source: a.source,
      guid: a.guid,
      url: a.url,
      title: a.title,
      text: a.text,
      summary: a.summary,
      published: normaliseTimestamp(a.published),
      updated: a.updated === undefined ? null : normaliseTimestamp(a.updated),
      first_seen: normaliseTimestamp(a.firstSeen),
      author: a.author ?? null,
      language: a.language ?? null,
      content_hash: hashContent(a),
      story_id: entry.story.id,
    },
  };
}

function hashContent(article: Article): string {
  return createHash("sha1").update(article.title).update("\n").update(article.text).digest("hex");
}

async function saveEntries(trx: Kysely<StoreDatabase>, prepared: PreparedEntry[]): Promise<SavedEntry[]> {
  const tombstoned = await selectTombstoned(
    trx,
    prepared.map((p) => p.entry.article.id),
  );

  // The first entry for an id or canonical URL is the one that may insert; later ones are updates.
  const claimedIds = new Set<string>();
  const claimedUrls = new Set<string>();
  const candidates: PreparedEntry[] = [];
  for (const p of prepared) {
    if (tombstoned.has(p.article.id)) continue;
    const url = p.article.canonical_url ?? null;
    if (claimedIds.has(p.article.id) || (url !== null && claimedUrls.has(url))) continue;
    claimedIds.add(p.article.id);
    if (url !== null) claimedUrls.add(url);
    candidates.push(p);
  }

  // Sorted inserts take row locks in one order in every process, which keeps PostgreSQL deadlocks away.
  const inserted = new Set<string>();
  for (const batch of inBatches(
    sortBy(candidates, (p) => p.article.id),
    rowsPerStatement,
  )) {
    const rows = await trx
      .insertInto("articles")
      .values(batch.map((p) => p.article))
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .execute();
    for (const row of rows) inserted.add(row.id);
  }
  const fresh = candidates.filter((p) => inserted.has(p.article.id));
  const freshSet = new Set(fresh);

  await insertStories(trx, fresh);
  await insertStorySources(trx, fresh);
  const newMatchKeys = await insertMatches(trx, fresh);

  const known = prepared.filter((p) => !freshSet.has(p) && !tombstoned.has(p.article.id));
  const stored = await selectStoredArticles(trx, known);

  const results: SavedEntry[] = [];
  for (const p of prepared) {
    const article = p.entry.article;
    if (freshSet.has(p)) {
      const newMatches = dedupeTopics(p.entry.matches).filter(
        (m) => newMatchKeys.get(matchKey(m.topicId, p.entry.story.id)) === p,
      );
      results.push({ articleId: article.id, articleIsNew: true, storyId: p.entry.story.id, newMatches });
      continue;
    }
    const storyId = tombstoned.has(article.id) ? p.entry.story.id : await refreshKnownArticle(trx, p, stored);
    results.push({ articleId: article.id, articleIsNew: false, storyId, newMatches: [] });
  }
  return results;
}

async function selectTombstoned(trx: Kysely<StoreDatabase>, articleIds: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const ids of inBatches([...new Set(articleIds)], idsPerQuery)) {
    const rows = await trx
      .selectFrom("tombstones")
      .select("article_id")
      .where("article_id", "in", ids)
      .execute();
    for (const row of rows) found.add(row.article_id);
  }
  return found;
}

interface StoredArticle {
  id: string;
  storyId: string;
  contentHash: string;
  updated: string | null;
}

/** The stored rows of known articles, found by id and by canonical URL. */
async function selectStoredArticles(
  trx: Kysely<StoreDatabase>,
  known: PreparedEntry[],
): Promise<Map<string, StoredArticle>> {
  const found = new Map<string, StoredArticle>();
  for (const batch of inBatches(known, idsPerQuery)) {
    const ids = batch.map((p) => p.article.id);
    const urls = batch.flatMap((p) => (p.article.canonical_url ? [p.article.canonical_url] : []));
    const rows = await trx
      .selectFrom("articles")
      .select(["id", "canonical_url", "story_id", "content_hash", "updated"])
      .where((eb) =>
        urls.length === 0
          ? eb("id", "in", ids)
          : eb.or([eb("id", "in", ids), eb("canonical_url", "in", urls)]),
      )
      .execute();
    for (const row of rows) {
      const article = {
        id: row.id,
        storyId: row.story_id,
        contentHash: row.content_hash,
        updated: readOptionalTimestamp(row.updated),
      };
      found.set(`id:${row.id}`, article);
      if (row.canonical_url !== null) found.set(`url:${row.canonical_url}`, article);
    }
  }
  return found;
}

/**
 * A known article seen again: its story and matches stay as they are; title, text and updated time are
 * rewritten only when they changed, so a re-poll of an unchanged item writes nothing.
 */
async function refreshKnownArticle(
  trx: Kysely<StoreDatabase>,
  p: PreparedEntry,
  stored: Map<string, StoredArticle>,
): Promise<string> {
  const a = p.article;
  const current =
    stored.get(`id:${a.id}`) ?? (a.canonical_url ? stored.get(`url:${a.canonical_url}`) : undefined);
  const newUpdated = a.updated ?? null;
  if (
    current !== undefined &&
    current.contentHash === a.content_hash &&
    (newUpdated === null || newUpdated === current.updated)
  ) {
    return current.storyId;
  }
  if (current !== undefined) {
    current.contentHash = a.content_hash ?? current.contentHash;
    if (newUpdated !== null) current.updated = newUpdated;
  }
  const row = await trx
    .updateTable("articles")
    .set({
      title: a.title,
      text: a.text,
      summary: a.summary,
      content_hash: a.content_hash,
      // An item without an updated time keeps the one recorded before.
      ...(a.updated ? { updated: a.updated } : {}),
    })
    .where((eb) =>
      a.canonical_url === null || a.canonical_url === undefined
        ? eb("id", "=", a.id)
        : eb.or([eb("id", "=", a.id), eb("canonical_url", "=", a.canonical_url)]),
    )
    .returning("story_id")
    .executeTakeFirst();
  return row?.story_id ?? p.entry.story.id;
}

async function insertStories(trx: Kysely<StoreDatabase>, fresh: PreparedEntry[]): Promise<void> {
  // The first copy in the chunk is the story's headline, unless the story already exists.
  const byStory = new Map<string, Insertable<StoriesTable>>();
  for (const p of fresh) {
    const id = p.entry.story.id;
    if (byStory.has(id)) continue;
    byStory.set(id, {
      id,
      headline_article_id: p.article.id,
      title: p.article.title,
      url: p.article.url,
      source: p.article.source,
      published: p.article.published,
      first_seen: p.article.first_seen,
    });
  }
  const rows = sortBy([...byStory.values()], (row) => row.id);
  for (const batch of inBatches(rows, rowsPerStatement)) {
    await trx
      .insertInto("stories")
      .values(batch)
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }
}

async function insertStorySources(trx: Kysely<StoreDatabase>, fresh: PreparedEntry[]): Promise<void> {
  const rows: Insertable<StorySourcesTable>[] = fresh.map((p) => ({
    story_id: p.entry.story.id,
    article_id: p.article.id,
    url: p.article.url,
    title: p.article.title,
    source: p.article.source,
    published: p.article.published,
  }));
  for (const batch of inBatches(
    sortBy(rows, (row) => row.article_id),
    rowsPerStatement,
  )) {
    await trx
      .insertInto("story_sources")
      .values(batch)
      .onConflict((oc) => oc.column("article_id").doNothing())
      .execute();
  }
}

/** Inserts each (topic, story) once; returns the inserted keys with the entry that supplied them. */
async function insertMatches(
  trx: Kysely<StoreDatabase>,
  fresh: PreparedEntry[],
): Promise<Map<string, PreparedEntry>> {
  const owners = new Map<string, PreparedEntry>();
  const rows: Insertable<MatchesTable>[] = [];
  for (const p of fresh) {
    for (const match of dedupeTopics(p.entry.matches)) {
      const key = matchKey(match.topicId, p.entry.story.id);
      if (owners.has(key)) continue;
      owners.set(key, p);
      rows.push({
        topic_id: match.topicId,
        story_id: p.entry.story.id,
        article_id: p.article.id,
        score: match.score,
        matched: JSON.stringify(match.matched),
        snippet: match.snippet,
        first_seen: p.article.first_seen,
      });
    }
  }
  const inserted = new Map<string, PreparedEntry>();
  const sorted = sortBy(rows, (row) => matchKey(row.topic_id, row.story_id));
  for (const batch of inBatches(sorted, rowsPerStatement)) {
    const returned = await trx
      .insertInto("matches")
      .values(batch)
      .onConflict((oc) => oc.columns(["topic_id", "story_id"]).doNothing())
      .returning(["topic_id", "story_id"])
      .execute();
    for (const row of returned) {
      const key = matchKey(row.topic_id, row.story_id);
      const owner = owners.get(key);
      if (owner !== undefined) inserted.set(key, owner);
    }
  }
  return inserted;
}

async function pruneBatch(
  trx: Kysely<StoreDatabase>,
  cutoff: string,
  removedAt: string,
  batchSize: number,
): Promise<PruneResult> {
  const stories = await trx
    .selectFrom("stories")
    .select("id")
    .where("first_seen", "<", cutoff)
    .orderBy("first_seen")
    .limit(batchSize)
    .execute();
  const storyIds = stories.map((row) => row.id);
  if (storyIds.length === 0) return { stories: 0, articles: 0, matches: 0 };
  const articles = await trx.selectFrom("articles").select("id").where("story_id", "in", storyIds).execute();
  for (const batch of inBatches(articles, rowsPerStatement)) {
    await trx
      .insertInto("tombstones")
      .values(batch.map((row) => ({ article_id: row.id, removed_at: removedAt })))
      .onConflict((oc) => oc.column("article_id").doNothing())
      .execute();
  }
  const matches = await trx.deleteFrom("matches").where("story_id", "in", storyIds).executeTakeFirst();
  await trx.deleteFrom("story_sources").where("story_id", "in", storyIds).execute();
  const deletedArticles = await trx
    .deleteFrom("articles")
    .where("story_id", "in", storyIds)
    .executeTakeFirst();
  const deletedStories = await trx.deleteFrom("stories").where("id", "in", storyIds).executeTakeFirst();
  return {
    stories: Number(deletedStories.numDeletedRows),
    articles: Number(deletedArticles.numDeletedRows),
    matches: Number(matches.numDeletedRows),
  };
}

function dedupeTopics(matches: TopicMatch[]): TopicMatch[] {
  const byTopic = new Map<string, TopicMatch>();
  for (const match of matches) if (!byTopic.has(match.topicId)) byTopic.set(match.topicId, match);
  return [...byTopic.values()];
}

function matchKey(topicId: string, storyId: string): string {
  return `${topicId}\u0000${storyId}`;
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
