// Types that mark the stage boundaries of feed ingestion:
//   bytes --decode--> string --parseFeed--> ParsedFeed(RawItem[]) --normaliseItem--> Article

/** What the fetcher hands on: the body bytes plus what HTTP told us about them. */
export interface FetchedFeed {
  kind: "ok";
  /** URL after redirects. */
  finalUrl: string;
  status: number;
  body: Buffer;
  /** The Content-Type header, if any (used for charset decoding). */
  contentType: string | undefined;
  etag: string | undefined;
  lastModified: string | undefined;
}

export interface NotModified {
  kind: "not-modified";
  finalUrl: string;
  etag: string | undefined;
  lastModified: string | undefined;
}

export type FetchOutcome = FetchedFeed | NotModified;

/** Validators kept per feed in Redis between polls. */
export interface ConditionalState {
  etag?: string;
  lastModified?: string;
  /** The URL (after redirects) whose response carried these validators; they are sent only to it. */
  url?: string;
}

export interface RawMedia {
  url: string;
  type?: string;
  medium?: string;
  title?: string;
  thumbnail?: string;
}

/** One feed item as the parser saw it: strings as found, HTML not yet stripped, dates not yet read. */
export interface RawItem {
  guid?: string;
  /** Absolute when the feed allowed it (xml:base, site link, feed URL). */
  link?: string;
  /** HTML, like content and summary (a text-typed Atom title arrives escaped). */
  title?: string;
  /** Full content (content:encoded, Atom content), HTML. */
  content?: string;
  /** Description / Atom summary, HTML. */
  summary?: string;
  /** Date strings exactly as in the feed. */
  pubDate?: string;
  published?: string;
  updated?: string;
  dcDate?: string;
  author?: string;
  categories: string[];
  media: RawMedia[];
  language?: string;
}

export interface ParsedFeed {
  title?: string;
  link?: string;
  language?: string;
  items: RawItem[];
  /** Repairs made before the document would parse (see repair.ts), for the poller's log. */
  repairs?: string[];
}

/** A clean article, ready for dedup and matching. */
export interface Article {
  /** Stable id: sha1 of the canonical URL (or of feed + guid when the item has no URL), hex, 40 chars. */
  id: string;
  feedId: string;
  /** Human name of the feed (the `source` of matching and output). */
  source: string;
  guid: string;
  url: string;
  canonicalUrl: string;
  title: string;
  /** Plain text: HTML stripped, entities decoded, whitespace collapsed. */
  text: string;
  /** Plain-text summary (at most ~300 chars), from the description or the start of the text. */
  summary: string;
  /** ISO 8601 UTC. Missing → firstSeen; future → clamped to firstSeen's clock. */
  published: string;
  updated?: string;
  /** ISO 8601 UTC, when newswatch first saw it. */
  firstSeen: string;
  author?: string;
  categories: string[];
  language?: string;
  media: RawMedia[];
}

/** A feed as configured (after defaults are applied). Durations in ms, sizes in bytes. */
export interface FeedSpec {
  id: string;
  url: string;
  name: string;
  tags: string[];
  intervalMs: number;
  timeoutMs: number;
  maxBytes: number;
}
