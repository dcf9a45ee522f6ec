import { readDeliveries, readUrl } from "./channels.js";
import type { ConfigReader } from "./reader.js";
import {
  CONFIG_DEFAULTS,
  definedOnce,
  type Occurrence,
  optionalKey,
  positiveDuration,
} from "./schema-support.js";
import type { ChannelSpec, NewswatchConfig } from "./types.js";

// The service sections: redis, store, server, alerts and dedup.

const PREFIX_PATTERN = /^[A-Za-z0-9_.-]+$/;

export function readRedis(
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

export function readStore(
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

export function readServer(reader: ConfigReader, section: Occurrence | undefined): NewswatchConfig["server"] {
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

export function readAlerts(reader: ConfigReader, occurrences: Occurrence[]): NewswatchConfig["alerts"] {
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

export function readDedup(reader: ConfigReader, section: Occurrence | undefined): NewswatchConfig["dedup"] {
  const keys =
    section === undefined
      ? undefined
      : reader.section(section.field, [
          "window",
          "story_window",
          "jaccard",
          "title_similarity",
          "jaccard_alone",
        ]);
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
    jaccardAlone:
      optionalKey(keys, "jaccard_alone", (f) => reader.number(f, 0, 1)) ?? CONFIG_DEFAULTS.dedupJaccardAlone,
  };
}
