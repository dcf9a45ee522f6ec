import { CronExpressionParser } from "cron-parser";
import { suggestClosest } from "./did-you-mean.js";

// Digest schedules: a cron expression and an IANA time zone.

const CRON_FIELDS = "minute hour day-of-month month day-of-week";

/** What is wrong with a cron expression, or undefined when it is valid. */
export function describeCronProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (!trimmed.startsWith("@")) {
    const fields = trimmed === "" ? 0 : trimmed.split(/\s+/).length;
    if (fields !== 5 && fields !== 6) {
      return `invalid cron schedule '${expression}': expected 5 fields (${CRON_FIELDS}), got ${fields}`;
    }
  }
  try {
    CronExpressionParser.parse(trimmed);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `invalid cron schedule '${expression}': ${reason}`;
  }
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
