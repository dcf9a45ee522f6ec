import { CronExpressionParser } from "cron-parser";
import { suggestClosest } from "./did-you-mean.js";

// Digest schedules: a cron expression and an IANA time zone.

const FIELD_NAMES = ["minute", "hour", "day-of-month", "month", "day-of-week"];
const FIELDS_WITH_SECONDS = ["second", ...FIELD_NAMES];

export interface CronProblem {
  /** 0-based index into the expression of the offending field (0 when the whole expression is wrong). */
  offset: number;
  message: string;
}

/** What is wrong with a cron expression (pointing at the bad field when one is), or undefined if valid. */
export function describeCronProblem(expression: string): CronProblem | undefined {
  const invalid = (offset: number, reason: string): CronProblem => ({
    offset,
    message: `invalid cron schedule '${expression}': ${reason}`,
  });
  const start = expression.length - expression.trimStart().length;
  const trimmed = expression.trim();
  const reasonOf = (candidate: string): string | undefined => {
    try {
      CronExpressionParser.parse(candidate);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
  if (trimmed.startsWith("@")) {
    const reason = reasonOf(trimmed);
    return reason === undefined ? undefined : invalid(start, reason);
  }

  const fields = [...trimmed.matchAll(/\S+/g)];
  if (fields.length !== 5 && fields.length !== 6) {
    return invalid(start, `expected 5 fields (${FIELD_NAMES.join(" ")}), got ${fields.length}`);
  }
  const reason = reasonOf(trimmed);
  if (reason === undefined) return undefined;
  // Find the field at fault by checking each one alone, every other field a wildcard.
  const names = fields.length === 6 ? FIELDS_WITH_SECONDS : FIELD_NAMES;
  for (const [index, field] of fields.entries()) {
    const alone = fields.map((other, at) => (at === index ? other[0] : "*")).join(" ");
    const fieldReason = reasonOf(alone);
    if (fieldReason !== undefined) {
      return invalid(start + field.index, `${names[index]} field '${field[0]}': ${fieldReason}`);
    }
  }
  return invalid(start, reason);
}

/** The canonical IANA spelling of a time zone (`asia/seoul` → `Asia/Seoul`), or undefined if unknown. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** What is wrong with a time zone name (with a suggestion when close to a real one), or undefined. */
export function describeTimeZoneProblem(timeZone: string): string | undefined {
  if (canonicalTimeZone(timeZone) !== undefined) return undefined;
  const suggestion = suggestClosest(timeZone, Intl.supportedValuesOf("timeZone"));
  const hint = suggestion === undefined ? " like Asia/Seoul or UTC" : `; did you mean '${suggestion}'?`;
  return `unknown time zone '${timeZone}' (expected an IANA name${hint})`;
}
