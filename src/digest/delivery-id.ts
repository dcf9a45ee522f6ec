import { createHash } from "node:crypto";
import { matchKeyString } from "./build.js";
import type { MatchKey } from "./types.js";

/**
 * The id of one digest run: derived from the digest and the matches it claims, so the same claim always
 * has the same id (and a digest's claims never overlap, so two runs never share one). An empty digest
 * has no matches to tell runs apart: its time does.
 */
export function deliveryIdFor(digest: string, items: readonly MatchKey[], createdAt: string): string {
  const hash = createHash("sha256").update(digest);
  if (items.length === 0) hash.update(`\n@${createdAt}`);
  for (const key of items.map(matchKeyString).sort()) hash.update(`\n${key}`);
  const slug = digest.replace(/[^A-Za-z0-9_-]/g, "") || "digest";
  return `${slug}-${hash.digest("hex").slice(0, 24)}`;
}
