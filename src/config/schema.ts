import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { FeedSpec } from "../feeds/types.js";
import { readChannel, readUrl } from "./channels.js";
import { didYouMean } from "./did-you-mean.js";
import { type ConfigReader, type Field, type LocatedString, type MapEntry, offsetOf } from "./reader.js";
import { canonicalTimeZone, describeCronProblem, describeTimeZoneProblem } from "./schedule.js";
import type { ChannelSpec, DigestSpec, NewswatchConfig, TopicSpec } from "./types.js";
import type { YamlFile } from "./yaml-file.js";

// The configuration schema of DESIGN.md: reads the top-level sections of every file (main file and
// includes), merges them and applies the defaults. Lists (feeds.list, topics, digests, alerts.deliver)
// concatenate, aliases merge, every other setting may be defined in one place only.

/** A query checker: returns problems with 0-based offsets into the query string. */
export type CheckQuery = (
  query: string,
  aliases: Record<string, string[]>,
) => { offset: number; message: string }[];

export const TOP_LEVEL_KEYS = [
  "include",
  "redis",
  "store",
  "server",
  "feeds",
  "aliases",
  "topics",
  "digests",
  "alerts",
  "dedup",
] as const;

export const CONFIG_DEFAULTS = {
  redisUrl: "redis://127.0.0.1:6379",
  redisPrefix: "newswatch",
  storeUrl: "sqlite:./data/newswatch.db",
  serverHost: "127.0.0.1",
  serverPort: 8080,
  feedIntervalMs: 10 * 60_000,
  feedTimeoutMs: 20_000,
  feedMaxBytes: 10_000_000,
  seenTtlMs: 90 * 86_400_000,
  maxBackoffMs: 24 * 3_600_000,
  topicAlert: "digest",
  topicMinScore: 0,
  digestTimezone: "UTC",
  digestMaxItems: 10,
  digestSendEmpty: false,
  alertsMaxPerHour: 10,
  dedupWindowMs: 14 * 86_400_000,
  dedupStoryWindowMs: 72 * 3_600_000,
  dedupJaccard: 0.6,
  dedupTitleSimilarity: 0.5,
} as const;

const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const TOPIC_ID_PATTERN = /^[a-z0-9_-]+$/;
const PREFIX_PATTERN = /^[A-Za-z0-9_.-]+$/;

interface Occurrence extends MapEntry {
  file: YamlFile;
}

/** Where something was first defined, as seen from a second definition in `from`. */
function firstDefinedAt(from: YamlFile, first: YamlFile, offset: number): string {
  const { line } = first.lines.linePos(offset);
  return from === first ? `line ${line}` : `${first.display}:${line}`;
}

export function buildConfig(
  files: YamlFile[],
  reader: ConfigReader,
  env: Readonly<Record<string, string | undefined>>,
  checkQuery?: CheckQuery,
): NewswatchConfig {
  const sections = new Map<string, Occurrence[]>();
  for (const file of files) {
    const root: Field = { file, node: file.root, anchor: 0, path: "" };
    const top = reader.section(root, TOP_LEVEL_KEYS);
    for (const [key, entry] of top ?? []) {
      const list = sections.get(key) ?? [];
      list.push({ ...entry, file });
      sections.set(key, list);
    }
  }
  const occurrences = (key: string): Occurrence[] => sections.get(key) ?? [];

  const redis = readRedis(reader, definedOnce(reader, "redis", occurrences("redis")), env);
  const store = readStore(reader, definedOnce(reader, "store", occurrences("store")), env);
  const server = readServer(reader, definedOnce(reader, "server", occurrences("server")));
  const feeds = readFeeds(reader, occurrences("feeds"));
  const aliases = readAliases(reader, occurrences("aliases"));
  const topics = readTopics(reader, occurrences("topics"));
  const digests = readDigests(reader, occurrences("digests"), topics.ids);
  const alerts = readAlerts(reader, occurrences("alerts"));
  const dedup = readDedup(reader, definedOnce(reader, "dedup", occurrences("dedup")));

  if (checkQuery !== undefined) {
    for (const written of topics.queries) {
      for (const problem of checkQuery(written.query.value, aliases)) {
        const offset = written.query.fileOffset(problem.offset);
        reader.reportAt(written.file, offset, `${written.path}: ${problem.message}`);
      }
    }
  }

  return {
    files: files.map((file) => file.absolute),
    redis,
    store,
    server,
    feeds,
    aliases,
    topics: topics.specs,
    digests,
    alerts,
    dedup,
  };
}

/** The first definition of a section; later ones are problems at their key. */
function definedOnce(reader: ConfigReader, name: string, list: Occurrence[]): Occurrence | undefined {
  const [first, ...others] = list;
  if (first === undefined) return undefined;
  for (const other of others) {
    reader.reportAt(
      other.file,
      other.keyOffset,
      `'${name}' is already defined at ${firstDefinedAt(other.file, first.file, first.keyOffset)} (it may be defined only once)`,
    );
  }
  return first;
}

/** Reads `section.key` with `read` when present. */
function optionalKey<T>(
  keys: Map<string, MapEntry> | undefined,
  key: string,
  read: (field: Field) => T | undefined,
): T | undefined {
  const entry = keys?.get(key);
  return entry === undefined ? undefined : read(entry.field);
}

function positiveDuration(reader: ConfigReader, field: Field): number | undefined {
  const ms = reader.duration(field);
  if (ms !== undefined && ms <= 0) {
    reader.report(field, "must be longer than 0");
    return undefined;
  }
  return ms;
}

function positiveSize(reader: ConfigReader, field: Field): number | undefined {
  const bytes = reader.size(field);
  if (bytes !== undefined && bytes <= 0) {
    reader.report(field, "must be larger than 0");
    return undefined;
  }
  return bytes;
}

function readRedis(
  reader: ConfigReader,
  section: Occurrence | undefined,
  env: Readonly<Record<string, string | undefined>>,
): NewswatchConfig["redis"] {
  const keys = section === undefined ? undefined : reader.section(section.field, ["url", "prefix"]);
  const url = optionalKey(keys, "url", (f) =>
    readUrl(reader, f, ["redis:", "rediss:"], "a redis:// or rediss:// URL"),
  );
  const prefix = optionalKey(keys, "prefix", (f) => {
    const value = reader.nonEmptyString(f);
    if (value !== undefined && !PREFIX_PATTERN.test(value)) {
      reader.report(f, `may contain only letters, digits, '-', '_' and '.', got '${value}'`);
      return undefined;
    }
    return value;
  });
  return {
    url: url ?? env.REDIS_URL ?? CONFIG_DEFAULTS.redisUrl,
    prefix: prefix ?? CONFIG_DEFAULTS.redisPrefix,
  };
}

function readStore(
  reader: ConfigReader,
  section: Occurrence | undefined,
  env: Readonly<Record<string, string | undefined>>,
): NewswatchConfig["store"] {
  const keys = section === undefined ? undefined : reader.section(section.field, ["url", "retention"]);
  const url = optionalKey(keys, "url", (f) => {
    const value = reader.string(f);
    if (value !== undefined && !/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(value)) {
      reader.report(f, `expected a sqlite:PATH or postgres:// URL, got '${value}'`);
      return undefined;
    }
    return value;
  });
  const retentionMs = optionalKey(keys, "retention", (f) => positiveDuration(reader, f));
  const store: NewswatchConfig["store"] = { url: url ?? env.DATABASE_URL ?? CONFIG_DEFAULTS.storeUrl };
  if (retentionMs !== undefined) store.retentionMs = retentionMs;
  return store;
}

function readServer(reader: ConfigReader, section: Occurrence | undefined): NewswatchConfig["server"] {
  const keys = section === undefined ? undefined : reader.section(section.field, ["host", "port", "token"]);
  const host = optionalKey(keys, "host", (f) => reader.nonEmptyString(f));
  const port = optionalKey(keys, "port", (f) => reader.integer(f, 0, 65_535));
  const token = optionalKey(keys, "token", (f) => reader.nonEmptyString(f));
  const server: NewswatchConfig["server"] = {
    host: host ?? CONFIG_DEFAULTS.serverHost,
    port: port ?? CONFIG_DEFAULTS.serverPort,
  };
  if (token !== undefined) server.token = token;
  return server;
}

const FEED_DEFAULT_KEYS = ["interval", "timeout", "max_bytes", "seen_ttl", "max_backoff"] as const;
const FEED_KEYS = ["url", "name", "tags", "id", "interval", "timeout", "max_bytes"] as const;

function readFeeds(reader: ConfigReader, occurrences: Occurrence[]): NewswatchConfig["feeds"] {
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

function readAliases(reader: ConfigReader, occurrences: Occurrence[]): Record<string, string[]> {
  const aliases: Record<string, string[]> = {};
  const firstByName = new Map<string, { file: YamlFile; offset: number }>();
  for (const occurrence of occurrences) {
    for (const entry of reader.entries(occurrence.field) ?? []) {
      const first = firstByName.get(entry.key);
      if (first !== undefined) {
        const where = firstDefinedAt(occurrence.file, first.file, first.offset);
        reader.reportAt(
          occurrence.file,
          entry.keyOffset,
          `alias '${entry.key}' is already defined at ${where}`,
        );
        continue;
      }
      firstByName.set(entry.key, { file: occurrence.file, offset: entry.keyOffset });
      if (!NAME_PATTERN.test(entry.key)) {
        reader.reportAt(
          occurrence.file,
          entry.keyOffset,
          `alias name '${entry.key}' may contain only letters, digits, '-' and '_'`,
        );
        continue;
      }
      const terms = reader.stringList(entry.field);
      if (terms !== undefined && terms.length === 0) {
        reader.report(entry.field, "must list at least one term");
        continue;
      }
      if (terms !== undefined) aliases[entry.key] = terms;
    }
  }
  return aliases;
}

/** A query read from the YAML, kept with its location for the query checker. */
interface WrittenQuery {
  file: YamlFile;
  path: string;
  query: LocatedString;
}

interface ReadTopics {
  specs: TopicSpec[];
  /** Every topic id written validly, also of topics with another problem (digests may name them). */
  ids: string[];
  /** Every non-empty query, also of topics with another problem, so all query errors show at once. */
  queries: WrittenQuery[];
}

const TOPIC_KEYS = ["id", "name", "query", "alert", "min_score"] as const;

function readTopics(reader: ConfigReader, occurrences: Occurrence[]): ReadTopics {
  const topics: ReadTopics = { specs: [], ids: [], queries: [] };
  const firstById = new Map<string, Field>();
  for (const occurrence of occurrences) {
    for (const item of reader.list(occurrence.field) ?? []) {
      const keys = reader.section(item, TOPIC_KEYS);
      if (keys === undefined || !reader.requireKeys(item, keys, ["id", "query"])) continue;
      const idField = (keys.get("id") as MapEntry).field;
      const id = readTopicId(reader, idField, firstById);
      const name = optionalKey(keys, "name", (f) => reader.nonEmptyString(f));
      const queryField = (keys.get("query") as MapEntry).field;
      const query = reader.locatedString(queryField);
      const queryWritten = query !== undefined && query.value.trim() !== "";
      if (query !== undefined && !queryWritten) reader.report(queryField, "must not be empty");
      if (queryWritten) topics.queries.push({ file: queryField.file, path: queryField.path, query });
      const alert = optionalKey(keys, "alert", (f) => reader.oneOf(f, ["immediate", "digest"] as const));
      const minScore = optionalKey(keys, "min_score", (f) => reader.number(f, 0, Number.MAX_SAFE_INTEGER));
      if (id === undefined) continue;
      topics.ids.push(id);
      if (!queryWritten) continue;
      topics.specs.push({
        id,
        name: name ?? id,
        query: query.value,
        alert: alert ?? CONFIG_DEFAULTS.topicAlert,
        minScore: minScore ?? CONFIG_DEFAULTS.topicMinScore,
        queryPosition: {
          file: queryField.file.display,
          ...queryField.file.lines.linePos(query.fileOffset(0)),
        },
      });
    }
  }
  return topics;
}

/** A valid, unique topic id; a duplicate is reported at the second and names where the first is. */
function readTopicId(reader: ConfigReader, field: Field, firstById: Map<string, Field>): string | undefined {
  const id = reader.string(field);
  if (id === undefined) return undefined;
  if (!TOPIC_ID_PATTERN.test(id)) {
    reader.report(field, `topic ids may contain only a-z, 0-9, '-' and '_', got '${id}'`);
    return undefined;
  }
  const first = firstById.get(id);
  if (first !== undefined) {
    const where = firstDefinedAt(field.file, first.file, offsetOf(first));
    reader.report(field, `duplicate topic id '${id}' (first defined at ${where})`);
    return undefined;
  }
  firstById.set(id, field);
  return id;
}

const DIGEST_KEYS = ["name", "topics", "schedule", "timezone", "max_items", "send_empty", "deliver"] as const;

function readDigests(reader: ConfigReader, occurrences: Occurrence[], topicIds: string[]): DigestSpec[] {
  const digests: DigestSpec[] = [];
  const firstByName = new Map<string, Field>();
  for (const occurrence of occurrences) {
    for (const item of reader.list(occurrence.field) ?? []) {
      const keys = reader.section(item, DIGEST_KEYS);
      if (keys === undefined || !reader.requireKeys(item, keys, ["name", "topics", "schedule", "deliver"]))
        continue;
      const nameField = (keys.get("name") as MapEntry).field;
      const name = readDigestName(reader, nameField, firstByName);
      const digestTopics = readDigestTopics(reader, (keys.get("topics") as MapEntry).field, topicIds);
      const scheduleField = (keys.get("schedule") as MapEntry).field;
      const schedule = reader.string(scheduleField);
      const cronProblem = schedule === undefined ? undefined : describeCronProblem(schedule);
      if (cronProblem !== undefined) reader.report(scheduleField, cronProblem);
      const timezone = optionalKey(keys, "timezone", (f) => {
        const value = reader.string(f);
        if (value === undefined) return undefined;
        const problem = describeTimeZoneProblem(value);
        if (problem !== undefined) reader.report(f, problem);
        return canonicalTimeZone(value);
      });
      const maxItems = optionalKey(keys, "max_items", (f) => reader.integer(f, 1, 10_000));
      const sendEmpty = optionalKey(keys, "send_empty", (f) => reader.boolean(f));
      const deliver = readDeliveries(reader, (keys.get("deliver") as MapEntry).field, true);
      if (
        name === undefined ||
        digestTopics === undefined ||
        schedule === undefined ||
        cronProblem !== undefined
      ) {
        continue;
      }
      if (deliver === undefined) continue;
      digests.push({
        name,
        topics: digestTopics,
        schedule: schedule.trim(),
        timezone: timezone ?? CONFIG_DEFAULTS.digestTimezone,
        maxItems: maxItems ?? CONFIG_DEFAULTS.digestMaxItems,
        sendEmpty: sendEmpty ?? CONFIG_DEFAULTS.digestSendEmpty,
        deliver,
      });
    }
  }
  return digests;
}

function readDigestName(
  reader: ConfigReader,
  field: Field,
  firstByName: Map<string, Field>,
): string | undefined {
  const name = reader.string(field);
  if (name === undefined) return undefined;
  if (!NAME_PATTERN.test(name)) {
    reader.report(field, `digest names may contain only letters, digits, '-' and '_', got '${name}'`);
    return undefined;
  }
  const first = firstByName.get(name);
  if (first !== undefined) {
    const where = firstDefinedAt(field.file, first.file, offsetOf(first));
    reader.report(field, `duplicate digest name '${name}' (first defined at ${where})`);
    return undefined;
  }
  firstByName.set(name, field);
  return name;
}

function readDigestTopics(reader: ConfigReader, field: Field, topicIds: string[]): string[] | undefined {
  const items = reader.listOrSingle(field);
  if (items === undefined) return undefined;
  if (items.length === 0) {
    reader.report(field, "must list at least one topic");
    return undefined;
  }
  const ids: string[] = [];
  let valid = true;
  for (const item of items) {
    const id = reader.string(item);
    if (id !== undefined && !topicIds.includes(id)) {
      reader.report(item, `unknown topic '${id}'${didYouMean(id, topicIds)}`);
      valid = false;
    } else if (id === undefined) {
      valid = false;
    } else {
      ids.push(id);
    }
  }
  return valid ? ids : undefined;
}

function readDeliveries(reader: ConfigReader, field: Field, required: boolean): ChannelSpec[] | undefined {
  const items = reader.list(field);
  if (items === undefined) return undefined;
  if (required && items.length === 0) {
    reader.report(field, "must list at least one channel");
    return undefined;
  }
  const channels = items.map((item) => readChannel(reader, item));
  return channels.every((channel) => channel !== undefined) ? (channels as ChannelSpec[]) : undefined;
}

function readAlerts(reader: ConfigReader, occurrences: Occurrence[]): NewswatchConfig["alerts"] {
  const limits: Occurrence[] = [];
  const deliver: ChannelSpec[] = [];
  for (const occurrence of occurrences) {
    const keys = reader.section(occurrence.field, ["max_per_hour", "deliver"]);
    const limit = keys?.get("max_per_hour");
    if (limit !== undefined) limits.push({ ...limit, file: occurrence.file });
    const channels = keys?.get("deliver");
    if (channels !== undefined) deliver.push(...(readDeliveries(reader, channels.field, false) ?? []));
  }
  const limit = definedOnce(reader, "alerts.max_per_hour", limits);
  const maxPerHour = limit === undefined ? undefined : reader.integer(limit.field, 0, 1_000_000);
  return { maxPerHour: maxPerHour ?? CONFIG_DEFAULTS.alertsMaxPerHour, deliver };
}

function readDedup(reader: ConfigReader, section: Occurrence | undefined): NewswatchConfig["dedup"] {
  const keys =
    section === undefined
      ? undefined
      : reader.section(section.field, ["window", "story_window", "jaccard", "title_similarity"]);
  return {
    windowMs:
      optionalKey(keys, "window", (f) => positiveDuration(reader, f)) ?? CONFIG_DEFAULTS.dedupWindowMs,
    storyWindowMs:
      optionalKey(keys, "story_window", (f) => positiveDuration(reader, f)) ??
      CONFIG_DEFAULTS.dedupStoryWindowMs,
    jaccard: optionalKey(keys, "jaccard", (f) => reader.number(f, 0, 1)) ?? CONFIG_DEFAULTS.dedupJaccard,
    titleSimilarity:
      optionalKey(keys, "title_similarity", (f) => reader.number(f, 0, 1)) ??
      CONFIG_DEFAULTS.dedupTitleSimilarity,
  };
}
