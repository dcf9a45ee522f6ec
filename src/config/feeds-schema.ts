import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { FeedSpec } from "../feeds/types.js";
import { type ConfigReader, type Field, type MapEntry, offsetOf } from "./reader.js";
import {
  CONFIG_DEFAULTS,
  definedOnce,
  firstDefinedAt,
  NAME_PATTERN,
  type Occurrence,
  optionalKey,
  positiveDuration,
  positiveSize,
} from "./schema-support.js";
import type { NewswatchConfig } from "./types.js";

// `feeds: { defaults, list }`: the defaults may be written once, the lists of all files concatenate.

const FEED_DEFAULT_KEYS = ["interval", "timeout", "max_bytes", "seen_ttl", "max_backoff"] as const;
const FEED_KEYS = ["url", "name", "tags", "id", "interval", "timeout", "max_bytes"] as const;

export function readFeeds(reader: ConfigReader, occurrences: Occurrence[]): NewswatchConfig["feeds"] {
  const defaultSections: Occurrence[] = [];
  const items: Field[] = [];
  for (const occurrence of occurrences) {
    const keys = reader.section(occurrence.field, ["defaults", "list"]);
    const defaults = keys?.get("defaults");
    if (defaults !== undefined) defaultSections.push({ ...defaults, file: occurrence.file });
    const list = keys?.get("list");
    if (list !== undefined) items.push(...(reader.list(list.field) ?? []));
  }
  const defaultsSection = definedOnce(reader, "feeds.defaults", defaultSections);
  const keys =
    defaultsSection === undefined ? undefined : reader.section(defaultsSection.field, FEED_DEFAULT_KEYS);
  const defaults = {
    intervalMs:
      optionalKey(keys, "interval", (f) => positiveDuration(reader, f)) ?? CONFIG_DEFAULTS.feedIntervalMs,
    timeoutMs:
      optionalKey(keys, "timeout", (f) => positiveDuration(reader, f)) ?? CONFIG_DEFAULTS.feedTimeoutMs,
    maxBytes: optionalKey(keys, "max_bytes", (f) => positiveSize(reader, f)) ?? CONFIG_DEFAULTS.feedMaxBytes,
  };
  const seenTtlMs =
    optionalKey(keys, "seen_ttl", (f) => positiveDuration(reader, f)) ?? CONFIG_DEFAULTS.seenTtlMs;
  const maxBackoffMs =
    optionalKey(keys, "max_backoff", (f) => positiveDuration(reader, f)) ?? CONFIG_DEFAULTS.maxBackoffMs;

  const list: FeedSpec[] = [];
  const firstById = new Map<string, Field>();
  for (const item of items) {
    const feed = readFeed(reader, item, defaults);
    if (feed === undefined) continue;
    const first = firstById.get(feed.spec.id);
    if (first !== undefined) {
      const where = firstDefinedAt(item.file, first.file, offsetOf(first));
      reader.report(feed.idField, `duplicate feed id '${feed.spec.id}' (first defined at ${where})`);
      continue;
    }
    firstById.set(feed.spec.id, feed.idField);
    list.push(feed.spec);
  }
  return { defaults, list, seenTtlMs, maxBackoffMs };
}

function readFeed(
  reader: ConfigReader,
  item: Field,
  defaults: { intervalMs: number; timeoutMs: number; maxBytes: number },
): { spec: FeedSpec; idField: Field } | undefined {
  const keys = reader.section(item, FEED_KEYS);
  if (keys === undefined || !reader.requireKeys(item, keys, ["url"])) return undefined;
  const urlField = (keys.get("url") as MapEntry).field;
  const written = reader.string(urlField);
  const url = written === undefined ? undefined : resolveFeedUrl(reader, urlField, written);
  const name = optionalKey(keys, "name", (f) => reader.nonEmptyString(f));
  const tags = optionalKey(keys, "tags", (f) => reader.stringList(f));
  const id = optionalKey(keys, "id", (f) => {
    const value = reader.string(f);
    if (value !== undefined && !NAME_PATTERN.test(value)) {
      reader.report(f, `may contain only letters, digits, '-' and '_', got '${value}'`);
      return undefined;
    }
    return value;
  });
  const intervalMs = optionalKey(keys, "interval", (f) => positiveDuration(reader, f));
  const timeoutMs = optionalKey(keys, "timeout", (f) => positiveDuration(reader, f));
  const maxBytes = optionalKey(keys, "max_bytes", (f) => positiveSize(reader, f));
  if (written === undefined || url === undefined) return undefined;
  return {
    spec: {
      // Hash of the URL as written, so the id (and the feed's state in Redis) survives moving the checkout.
      id: id ?? createHash("sha1").update(written).digest("hex").slice(0, 12),
      url,
      name: name ?? defaultFeedName(url),
      tags: tags ?? [],
      intervalMs: intervalMs ?? defaults.intervalMs,
      timeoutMs: timeoutMs ?? defaults.timeoutMs,
      maxBytes: maxBytes ?? defaults.maxBytes,
    },
    idField: keys.get("id")?.field ?? urlField,
  };
}

/** http(s) URLs as written; `file:` paths made absolute against the folder of the file that names them. */
function resolveFeedUrl(reader: ConfigReader, field: Field, written: string): string | undefined {
  const invalid = (): undefined => {
    reader.report(field, `expected an http(s) or file: URL, got '${written}'`);
    return undefined;
  };
  if (written.startsWith("file:") && !written.startsWith("file://")) {
    const relative = written.slice("file:".length);
    if (relative === "") return invalid();
    return pathToFileURL(path.resolve(path.dirname(field.file.absolute), decodeURI(relative))).href;
  }
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    return invalid();
  }
  if (url.protocol === "file:") return url.href;
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return invalid();
  return written;
}

function defaultFeedName(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === "file:") return path.basename(decodeURIComponent(parsed.pathname));
  return parsed.hostname.replace(/^www\./, "");
}
