import type { ConfigReader, Field, LocatedString, MapEntry } from "./reader.js";
import {
  CONFIG_DEFAULTS,
  firstDefinedAt,
  NAME_PATTERN,
  type Occurrence,
  optionalKey,
  readUniqueName,
} from "./schema-support.js";
import type { TopicSpec } from "./types.js";
import type { YamlFile } from "./yaml-file.js";

// `aliases` (merged across files, each name once) and `topics` (concatenated, each id once).

const TOPIC_ID_PATTERN = /^[a-z0-9_-]+$/;

export function readAliases(reader: ConfigReader, occurrences: Occurrence[]): Record<string, string[]> {
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
export interface WrittenQuery {
  file: YamlFile;
  path: string;
  query: LocatedString;
}

export interface ReadTopics {
  specs: TopicSpec[];
  /** Every topic id written validly, also of topics with another problem (digests may name them). */
  ids: string[];
  /** Every non-empty query, also of topics with another problem, so all query errors show at once. */
  queries: WrittenQuery[];
}

const TOPIC_KEYS = ["id", "name", "query", "alert", "min_score"] as const;

export function readTopics(reader: ConfigReader, occurrences: Occurrence[]): ReadTopics {
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
  return readUniqueName(reader, field, firstById, {
    what: "topic id",
    pattern: TOPIC_ID_PATTERN,
    describePattern: "topic ids may contain only a-z, 0-9, '-' and '_'",
  });
}
