import type { FeedSpec } from "../feeds/types.js";

// The validated configuration. Durations are milliseconds, sizes bytes; every default applied.

/** Where a value came from, so later checks (e.g. a query error) can point into the YAML. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

export interface TopicSpec {
  id: string;
  name: string;
  query: string;
  /** `immediate`: also alert at once through `alerts.deliver`. */
  alert: "immediate" | "digest";
  minScore: number;
  /** Position of the `query` value in its file (for reporting query errors). */
  queryPosition?: SourcePosition;
}

export type ChannelSpec =
  | { type: "email"; smtp: string; from: string; to: string[]; subject?: string; timeoutMs: number }
  | { type: "slack"; url: string; timeoutMs: number }
  | { type: "webhook"; url: string; secret?: string; headers: Record<string, string>; timeoutMs: number }
  | { type: "file"; dir: string; format: "markdown" | "text" | "html" | "json" };

export interface DigestSpec {
  name: string;
  topics: string[];
  schedule: string;
  timezone: string;
  maxItems: number;
  sendEmpty: boolean;
  deliver: ChannelSpec[];
}

export interface NewswatchConfig {
  /** Absolute paths of every file the configuration was read from (main file first). */
  files: string[];
  redis: { url: string; prefix: string };
  store: { url: string; retentionMs?: number };
  server: { host: string; port: number; token?: string };
  feeds: {
    defaults: { intervalMs: number; timeoutMs: number; maxBytes: number };
    list: FeedSpec[];
    /** How long the seen-set remembers an item (default 90d). */
    seenTtlMs: number;
    /** Ceiling for the backoff interval of a failing feed (default 24h). */
    maxBackoffMs: number;
  };
  aliases: Record<string, string[]>;
  topics: TopicSpec[];
  digests: DigestSpec[];
  alerts: { maxPerHour: number; deliver: ChannelSpec[] };
  dedup: {
    windowMs: number;
    storyWindowMs: number;
    /** Minimum estimated Jaccard similarity of shingles for a near-duplicate. */
    jaccard: number;
    /** Minimum title similarity (string-similarity) for a near-duplicate. */
    titleSimilarity: number;
    /** Estimated Jaccard at which a near-duplicate needs no title similarity at all. */
    jaccardAlone: number;
  };
}
