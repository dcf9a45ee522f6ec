import { readDeliveries } from "./channels.js";
import { didYouMean } from "./did-you-mean.js";
import type { ConfigReader, Field, MapEntry } from "./reader.js";
import { canonicalTimeZone, describeCronProblem, describeTimeZoneProblem } from "./schedule.js";
import {
  CONFIG_DEFAULTS,
  NAME_PATTERN,
  type Occurrence,
  optionalKey,
  readUniqueName,
} from "./schema-support.js";
import type { DigestSpec } from "./types.js";

// `digests`: named, scheduled selections of topics and where to deliver them.

const DIGEST_KEYS = ["name", "topics", "schedule", "timezone", "max_items", "send_empty", "deliver"] as const;

export function readDigests(
  reader: ConfigReader,
  occurrences: Occurrence[],
  topicIds: ReadonlySet<string>,
): DigestSpec[] {
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
      const schedule = reader.locatedString(scheduleField);
      const cronProblem = schedule === undefined ? undefined : describeCronProblem(schedule.value);
      if (schedule !== undefined && cronProblem !== undefined) {
        const at = schedule.fileOffset(cronProblem.offset);
        reader.reportAt(scheduleField.file, at, `${scheduleField.path}: ${cronProblem.message}`);
      }
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
        schedule: schedule.value.trim(),
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
  return readUniqueName(reader, field, firstByName, {
    what: "digest name",
    pattern: NAME_PATTERN,
    describePattern: "digest names may contain only letters, digits, '-' and '_'",
  });
}

function readDigestTopics(
  reader: ConfigReader,
  field: Field,
  topicIds: ReadonlySet<string>,
): string[] | undefined {
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
    if (id !== undefined && !topicIds.has(id)) {
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
