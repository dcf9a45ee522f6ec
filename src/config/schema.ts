import { readDigests } from "./digests-schema.js";
import { readFeeds } from "./feeds-schema.js";
import type { ConfigReader, Field } from "./reader.js";
import { definedOnce, type Occurrence } from "./schema-support.js";
import { readAlerts, readDedup, readRedis, readServer, readStore } from "./service-schema.js";
import { readAliases, readTopics } from "./topics-schema.js";
import type { NewswatchConfig } from "./types.js";
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
  const digests = readDigests(reader, occurrences("digests"), new Set(topics.ids));
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
