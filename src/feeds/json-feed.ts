// JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1), which rss-parser cannot read.

import { NewswatchError } from "../errors.js";
import type { ParsedFeed, RawItem, RawMedia } from "./types.js";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringField(object: Json, key: string): string | undefined {
  const value = object[key];
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  if (typeof value === "number") return String(value);
  return undefined;
}

function resolveUrl(url: string | undefined, base: string): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url.trim(), base).href;
  } catch {
    return url.trim();
  }
}

/** 1.1 has `authors: [...]`, 1.0 had `author: {...}`. */
function authorOf(object: Json): string | undefined {
  const authors = Array.isArray(object.authors)
    ? object.authors
    : isObject(object.author)
      ? [object.author]
      : [];
  const names = authors
    .filter(isObject)
    .map((author) => stringField(author, "name"))
    .filter((name): name is string => name !== undefined);
  return names.length > 0 ? names.join(", ") : undefined;
}

function mediaOf(item: Json, base: string): RawMedia[] {
  const media: RawMedia[] = [];
  for (const key of ["image", "banner_image"]) {
    const url = resolveUrl(stringField(item, key), base);
    if (url !== undefined) media.push({ url, medium: "image" });
  }
  if (Array.isArray(item.attachments)) {
    for (const attachment of item.attachments.filter(isObject)) {
      const url = resolveUrl(stringField(attachment, "url"), base);
      if (url === undefined) continue;
      const entry: RawMedia = { url };
      const type = stringField(attachment, "mime_type");
      const title = stringField(attachment, "title");
      if (type !== undefined) entry.type = type;
      if (title !== undefined) entry.title = title;
      media.push(entry);
    }
  }
  return media;
}

function itemOf(item: Json, base: string, feedLanguage: string | undefined): RawItem {
  const raw: RawItem = { categories: [], media: mediaOf(item, base) };
  const link = resolveUrl(stringField(item, "url") ?? stringField(item, "external_url"), base);
  const guid = stringField(item, "id");
  const title = stringField(item, "title");
  const html = stringField(item, "content_html");
  const text = stringField(item, "content_text");
  const summary = stringField(item, "summary");
  const published = stringField(item, "date_published");
  const updated = stringField(item, "date_modified");
  const author = authorOf(item);
  const language = stringField(item, "language") ?? feedLanguage;
  if (link !== undefined) raw.link = link;
  if (guid !== undefined) raw.guid = guid;
  if (title !== undefined) raw.title = title;
  // content_text is plain text: escape it so the HTML stage keeps a literal "<" as written.
  const content =
    html ??
    (text === undefined
      ? undefined
      : text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;"));
  if (content !== undefined) raw.content = content;
  if (summary !== undefined) raw.summary = summary;
  if (published !== undefined) raw.published = published;
  if (updated !== undefined) raw.updated = updated;
  if (author !== undefined) raw.author = author;
  if (language !== undefined) raw.language = language;
  if (Array.isArray(item.tags))
    raw.categories = item.tags.filter((tag): tag is string => typeof tag === "string");
  return raw;
}

/** True when the text is a JSON document rather than markup. */
export function looksLikeJson(text: string): boolean {
  return /^\s*[{[]/.test(text);
}

/** Parses a JSON Feed document; throws NW_FEED_UNPARSEABLE for bad JSON, NW_FEED_NOT_A_FEED for other JSON. */
export function parseJsonFeed(text: string, feedUrl: string): ParsedFeed {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new NewswatchError(
      "NW_FEED_UNPARSEABLE",
      `${feedUrl}: cannot parse feed: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const version = isObject(document) ? stringField(document, "version") : undefined;
  if (!isObject(document) || version === undefined || !/jsonfeed\.org\/version\//.test(version)) {
    throw new NewswatchError(
      "NW_FEED_NOT_A_FEED",
      `${feedUrl}: JSON document is not a JSON Feed (no jsonfeed.org version)`,
    );
  }
  const base = resolveUrl(stringField(document, "feed_url"), feedUrl) ?? feedUrl;
  const language = stringField(document, "language");
  const items = Array.isArray(document.items) ? document.items.filter(isObject) : [];
  const feed: ParsedFeed = { items: items.map((item) => itemOf(item, base, language)) };
  const title = stringField(document, "title");
  const link = resolveUrl(stringField(document, "home_page_url"), base);
  if (title !== undefined) feed.title = title;
  if (link !== undefined) feed.link = link;
  if (language !== undefined) feed.language = language;
  return feed;
}
