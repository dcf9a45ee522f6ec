import type { ColumnType, Generated } from "kysely";

// Row types of the store's tables, as Kysely sees them. Timestamps are written as ISO strings and
// read back as Date (PostgreSQL timestamptz) or string (SQLite text); read through toIsoTimestamp.

type Timestamp = ColumnType<Date | string, string, string>;
type NullableTimestamp = ColumnType<Date | string | null, string | null, string | null>;

export interface SchemaVersionTable {
  version: number;
  name: string;
  applied_at: Timestamp;
}

export interface FeedsTable {
  id: string;
  url: string;
  name: string;
  /** JSON array of strings. */
  tags: string;
  last_success_at: NullableTimestamp;
  last_status: number | null;
  last_error_at: NullableTimestamp;
  last_error: string | null;
  failures_in_row: number;
  next_poll_at: NullableTimestamp;
  items_seen_total: number;
}

export interface ArticlesTable {
  id: string;
  /** Null when the article has no URL (its id then comes from feed + guid). */
  canonical_url: string | null;
  feed_id: string;
  source: string;
  guid: string;
  url: string;
  title: string;
  text: string;
  summary: string;
  published: Timestamp;
  updated: NullableTimestamp;
  first_seen: Timestamp;
  author: string | null;
  language: string | null;
  content_hash: string;
  story_id: string;
}

export interface StoriesTable {
  id: string;
  headline_article_id: string;
  title: string;
  url: string;
  source: string;
  published: Timestamp;
  first_seen: Timestamp;
}

export interface StorySourcesTable {
  story_id: string;
  article_id: string;
  url: string;
  title: string;
  source: string;
  published: Timestamp;
}

export interface MatchesTable {
  topic_id: string;
  story_id: string;
  article_id: string;
  score: number;
  /** JSON array of the matched surfaces. */
  matched: string;
  snippet: string;
  first_seen: Timestamp;
}

export interface DeliveriesTable {
  id: Generated<number>;
  digest: string;
  channel: string;
  /** The digest run this delivery belongs to (one run delivers through several channels). */
  delivery_id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
}

export interface DeliveryItemsTable {
  /** The digest run (deliveries.delivery_id) that claimed the item. */
  delivery_id: string;
  digest: string;
  topic_id: string;
  story_id: string;
}

/** Ids of pruned articles, so a re-polled old item never comes back as new. */
export interface TombstonesTable {
  article_id: string;
  removed_at: Timestamp;
}

export interface StoreDatabase {
  newswatch_schema: SchemaVersionTable;
  feeds: FeedsTable;
  articles: ArticlesTable;
  stories: StoriesTable;
  story_sources: StorySourcesTable;
  matches: MatchesTable;
  deliveries: DeliveriesTable;
  delivery_items: DeliveryItemsTable;
  tombstones: TombstonesTable;
}
