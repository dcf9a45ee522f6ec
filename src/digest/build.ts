import type { DigestSpec } from "../config/types.js";
import type { StoryCopy } from "../store/types.js";
import type {
  Digest,
  DigestMatch,
  DigestSource,
  DigestStory,
  DigestTopic,
  MatchKey,
  SnippetSegment,
} from "./types.js";

// Builds a digest's content from its undelivered matches: grouped by topic, then by story, ranked by
// score then time, capped at `max_items` per topic. Pure: the clock comes in as `now`.

export interface BuildOptions {
  /** Topic id → human name; the id is shown when a name is missing. */
  topicNames?: ReadonlyMap<string, string>;
  kind?: Digest["kind"];
}

export function buildDigest(
  spec: DigestSpec,
  rows: readonly DigestMatch[],
  now: Date,
  options: BuildOptions = {},
): Digest {
  const wanted = new Set(spec.topics);
  const byTopic = new Map<string, DigestMatch[]>();
  const seen = new Set<string>();
  for (const row of rows) {
    if (!wanted.has(row.topic)) continue;
    // (topic, story) is unique in the store; a repeated row would otherwise show twice.
    const key = matchKeyString(row);
    if (seen.has(key)) continue;
    seen.add(key);
    const list = byTopic.get(row.topic) ?? [];
    list.push(row);
    byTopic.set(row.topic, list);
  }

  const topics: DigestTopic[] = [];
  const items: MatchKey[] = [];
  const stories = new Set<string>();
  for (const topicId of spec.topics) {
    const matches = byTopic.get(topicId);
    if (matches === undefined || matches.length === 0) continue;
    const ranked = [...matches].sort(compareMatches);
    for (const m of ranked) {
      items.push({ topic: m.topic, story: m.story });
      stories.add(m.story);
    }
    const shown = ranked.slice(0, spec.maxItems).map((m) => buildStory(m, spec.timezone));
    topics.push({
      id: topicId,
      name: cleanText(options.topicNames?.get(topicId) ?? topicId),
      total: ranked.length,
      stories: shown,
      more: ranked.length - shown.length,
    });
  }
  return {
    name: spec.name,
    kind: options.kind ?? "digest",
    generatedAt: now.toISOString(),
    timezone: spec.timezone,
    topics,
    storyCount: stories.size,
    matchCount: items.length,
    items,
  };
}

/** True when nothing is in the digest: it is then sent only with `send_empty: true`. */
export function isEmptyDigest(digest: Digest): boolean {
  return digest.matchCount === 0;
}

export function matchKeyString(key: { topic: string; story: string }): string {
  return `${key.topic}\u0000${key.story}`;
}

// Higher score first; among equals the newer story first; the story id keeps the order total.
function compareMatches(a: DigestMatch, b: DigestMatch): number {
  if (a.score !== b.score) return b.score - a.score;
  const time = Date.parse(b.published) - Date.parse(a.published);
  if (time !== 0 && !Number.isNaN(time)) return time;
  return a.story < b.story ? -1 : a.story > b.story ? 1 : 0;
}

function buildStory(match: DigestMatch, timezone: string): DigestStory {
  const copies = [...match.copies].sort((a, b) => Date.parse(a.published) - Date.parse(b.published));
  const first: StoryCopy = copies[0] ?? {
    url: match.url,
    title: match.title,
    source: match.source,
    published: match.published,
  };
  const sources = new Set([first.source]);
  const alsoReportedBy: DigestSource[] = [];
  for (const copy of copies.slice(1)) {
    if (sources.has(copy.source)) continue;
    sources.add(copy.source);
    alsoReportedBy.push({
      source: cleanText(copy.source),
      title: cleanText(copy.title),
      url: safeHttpUrl(copy.url),
      published: copy.published,
    });
  }
  const matched = match.matched.map(cleanText).filter((term) => term !== "");
  return {
    story: match.story,
    title: cleanText(first.title) || "(untitled)",
    url: safeHttpUrl(first.url),
    source: cleanText(first.source),
    published: first.published,
    publishedLocal: formatLocalTime(first.published, timezone),
    firstSeen: match.first_seen,
    score: match.score,
    matched,
    snippet: highlightTerms(cleanText(match.snippet), matched),
    alsoReportedBy,
  };
}

// Control characters (terminal escapes), bidi overrides and zero-width joiners that could disguise a
// headline are removed; runs of whitespace become one space.
const UNSAFE_CHARACTERS =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Feed text made safe to place in any output: no control or bidi characters, whitespace collapsed. */
export function cleanText(value: string): string {
  return value.replace(UNSAFE_CHARACTERS, "").replace(/\s+/g, " ").trim();
}

/** The URL normalised when it is http(s); undefined for anything else (javascript:, data:, relative…). */
export function safeHttpUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  // Credentials in a link would leak into every inbox that receives it.
  url.username = "";
  url.password = "";
  return url.href;
}

/**
 * Splits `text` into segments with the matched terms marked: case-insensitive, whole words only, the
 * longest term first where two overlap.
 */
export function highlightTerms(text: string, terms: readonly string[]): SnippetSegment[] {
  const unique = [...new Set(terms.map((t) => t.trim()).filter((t) => t !== ""))].sort(
    (a, b) => b.length - a.length,
  );
  if (text === "") return [];
  if (unique.length === 0) return [{ text, hit: false }];
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${unique.map(escapeRegExp).join("|")})(?![\\p{L}\\p{N}])`,
    "giu",
  );
  const segments: SnippetSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const start = m.index ?? 0;
    if (start > last) segments.push({ text: text.slice(last, start), hit: false });
    segments.push({ text: m[0], hit: true });
    last = start + m[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), hit: false });
  return segments;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** An ISO time shown in a time zone as "YYYY-MM-DD HH:MM +HH:MM" (the ISO string itself if unreadable). */
export function formatLocalTime(iso: string, timezone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return cleanText(iso);
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "longOffset",
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const offset = part("timeZoneName").replace(/^GMT/, "") || "+00:00";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")} ${offset}`;
}
