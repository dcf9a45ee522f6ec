import type { Article } from "../feeds/types.js";
import type { TopicMatch } from "../match/types.js";

// The store's port: what the processor, the digester, the CLI and the server may ask of it.

/** One processed article as the processor hands it to the store: the article, its story, its matches. */
export interface StoredEntry {
  article: Article;
  /** The story the dedup stage assigned; `isNew` is informational, the row is inserted only if absent. */
  story: { id: string; isNew: boolean };
  matches: TopicMatch[];
}

/** What saving one entry changed, for alerts and metrics. */
export interface SavedEntry {
  articleId: string;
  /** False when the article (same id or same canonical URL) was already stored, or was pruned before. */
  articleIsNew: boolean;
  /** The story the article belongs to in the store (the stored one when the article was known). */
  storyId: string;
  /** The matches of this entry that created a new (topic, story) row; empty for known articles. */
  newMatches: TopicMatch[];
}

export interface MatchFilter {
  topic?: string;
  /** Inclusive lower bound on the match's first_seen. */
  since?: Date;
  /** Exclusive upper bound on the match's first_seen. */
  until?: Date;
  limit?: number;
  offset?: number;
}

export interface StoryCopy {
  url: string;
  title: string;
  source: string;
  published: string;
}

/** One (topic, story) match, exactly the shape of `newswatch matches --json` (DESIGN.md). */
export interface MatchRow {
  topic: string;
  story: string;
  title: string;
  url: string;
  source: string;
  published: string;
  first_seen: string;
  score: number;
  matched: string[];
  copies: StoryCopy[];
}

/** The result of one poll of one feed, recorded durably on the feed's row. */
export interface FeedPollRecord {
  feed: { id: string; url: string; name: string; tags: string[] };
  /** ISO 8601 time of the poll. */
  at: string;
  ok: boolean;
  /** HTTP status, or undefined when no response arrived. */
  status?: number;
  /** What went wrong, when `ok` is false. */
  error?: string;
  /** New items this poll contributed. */
  itemsSeen: number;
  /** ISO 8601 time of the next scheduled poll. */
  nextPollAt: string;
}

export interface FeedHealth {
  id: string;
  url: string;
  name: string;
  tags: string[];
  lastSuccessAt: string | null;
  lastStatus: number | null;
  lastErrorAt: string | null;
  lastError: string | null;
  failuresInRow: number;
  nextPollAt: string | null;
  itemsSeenTotal: number;
}

export interface PruneResult {
  stories: number;
  articles: number;
  matches: number;
}

export type StoreEngine = "sqlite" | "postgres";

export interface Store {
  readonly engine: StoreEngine;
  /** Stores one chunk in one transaction; safe to repeat and to run from several processes at once. */
  saveChunk(entries: StoredEntry[]): Promise<SavedEntry[]>;
  recordFeedHealth(record: FeedPollRecord): Promise<void>;
  listFeedHealth(): Promise<FeedHealth[]>;
  /** Newest first_seen first; ties broken by topic then story, both descending. */
  listMatches(filter?: MatchFilter): Promise<MatchRow[]>;
  /** Deletes stories (with their articles, sources and matches) first seen before `now - retentionMs`. */
  prune(retentionMs: number, now: Date, batchSize?: number): Promise<PruneResult>;
  close(): Promise<void>;
}
