import type { MatchRow } from "../store/types.js";

// The content of one digest (or one alert), built from stored matches and rendered per channel.

/** One stored (topic, story) match with what a digest shows of it: the `matches --json` shape plus the snippet. */
export interface DigestMatch extends MatchRow {
  snippet: string;
}

/** The identity of a match within a digest: delivered at most once per digest. */
export interface MatchKey {
  topic: string;
  story: string;
}

/** A piece of a snippet; `hit` marks a matched term. */
export interface SnippetSegment {
  text: string;
  hit: boolean;
}

export interface DigestSource {
  source: string;
  title: string;
  /** Only http(s) links survive; anything else (javascript:, data:…) is dropped. */
  url: string | undefined;
  published: string;
}

export interface DigestStory {
  story: string;
  /** The headline of the story's first copy. */
  title: string;
  url: string | undefined;
  source: string;
  published: string;
  /** `published` in the digest's time zone, e.g. "2026-03-01 16:05 +09:00". */
  publishedLocal: string;
  firstSeen: string;
  score: number;
  matched: string[];
  snippet: SnippetSegment[];
  /** The other copies, one per other source, oldest first. */
  alsoReportedBy: DigestSource[];
}

export interface DigestTopic {
  id: string;
  name: string;
  /** Stories of this topic in the digest, shown or not. */
  total: number;
  /** At most `max_items`, by score then time. */
  stories: DigestStory[];
  /** `total - stories.length`: "and N more". */
  more: number;
}

export interface Digest {
  name: string;
  /** "digest" for a scheduled digest, "alert" for an immediate alert. */
  kind: "digest" | "alert";
  generatedAt: string;
  timezone: string;
  /** Only topics with at least one story, in the digest's configured order. */
  topics: DigestTopic[];
  /** Distinct stories over all topics. */
  storyCount: number;
  /** (topic, story) matches, shown or not. */
  matchCount: number;
  /** Every match the digest covers (the "and N more" ones too): what delivering it claims. */
  items: MatchKey[];
}
