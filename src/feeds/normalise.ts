// RawItem → Article: the clean, stable shape that dedup and matching work on.

import { createHash } from "node:crypto";
import { canonicaliseUrl } from "./canonical-url.js";
import { resolveItemDates } from "./dates.js";
import { htmlToLine, htmlToText } from "./html-to-text.js";
import type { Article, RawItem } from "./types.js";

/** A summary is at most this many characters of text, cut at a word boundary. */
export const SUMMARY_MAX_CHARS = 300;

export interface FeedIdentity {
  id: string;
  name: string;
  url: string;
}

function sha1Hex(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}

function nonEmpty(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** The first `max` characters of `text` ending at a word boundary, with "…" when something was cut. */
export function truncateAtWord(text: string, max = SUMMARY_MAX_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const lastSpace = cut.lastIndexOf(" ");
  // A single giant "word" (a URL, CJK text without spaces) is cut where it is.
  const head = lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut;
  return `${head.replace(/[\s,;:.\-–—]+$/, "")}…`;
}

function resolveLink(link: string | undefined, feedUrl: string): string | undefined {
  const trimmed = nonEmpty(link);
  if (trimmed === undefined) return undefined;
  try {
    return new URL(trimmed, feedUrl).href;
  } catch {
    return trimmed;
  }
}

/**
 * Turns a raw feed item into an Article, or null when the item has neither title, text nor link
 * (nothing to match or show; the caller counts these). `now` is when the item was first seen.
 */
export function normaliseItem(raw: RawItem, feed: FeedIdentity, now: Date): Article | null {
  const url = resolveLink(raw.link, feed.url);
  const title = raw.title === undefined ? "" : htmlToLine(raw.title);
  const contentText = raw.content === undefined ? "" : htmlToText(raw.content);
  const summaryText = raw.summary === undefined ? "" : htmlToText(raw.summary);
  const text = contentText !== "" ? contentText : summaryText;
  if (title === "" && text === "" && url === undefined) return null;

  const canonicalUrl = url === undefined ? "" : canonicaliseUrl(url);
  const guid = nonEmpty(raw.guid) ?? url ?? sha1Hex(`${title}\n${text}`);
  const id = canonicalUrl !== "" ? sha1Hex(canonicalUrl) : sha1Hex(`${feed.id}\n${guid}`);
  const summary = truncateAtWord(summaryText !== "" ? summaryText : contentText);
  const dates = resolveItemDates(raw, now);
  const author = raw.author === undefined ? undefined : nonEmpty(htmlToLine(raw.author));
  const categories = [
    ...new Set(raw.categories.map((category) => htmlToLine(category)).filter((c) => c !== "")),
  ];
  const language = nonEmpty(raw.language)?.toLowerCase();

  const article: Article = {
    id,
    feedId: feed.id,
    source: feed.name,
    guid,
    url: url ?? "",
    canonicalUrl,
    title,
    text,
    summary,
    published: dates.published,
    firstSeen: now.toISOString(),
    categories,
    media: raw.media,
  };
  if (dates.updated !== undefined) article.updated = dates.updated;
  if (author !== undefined) article.author = author;
  if (language !== undefined) article.language = language;
  return article;
}
