import { parseQueryLeniently } from "./parse-query.js";

/**
 * Checks a topic query against the configured aliases without throwing. Each problem names the 0-based
 * character offset of the bad token in `query` (the config loader maps it to file:line:col) and a
 * message such as "expected ')' to close '(' at column 9" or "unknown alias @dprkk (known: russia, dprk)".
 */
export function validateQuery(
  query: string,
  aliases: Record<string, string[]>,
): { offset: number; message: string }[] {
  return parseQueryLeniently(query, aliases).problems;
}
