import { createHash } from "node:crypto";
import type { Article } from "../feeds/types.js";

/** DESIGN.md: the articles queue carries chunks of up to ~100 articles, not one job per article. */
export const CHUNK_SIZE = 100;

export function chunkArticles(articles: Article[], size = CHUNK_SIZE): Article[][] {
  const chunks: Article[][] = [];
  for (let i = 0; i < articles.length; i += size) chunks.push(articles.slice(i, i + size));
  return chunks;
}

/**
 * A deterministic job id for a chunk: the same articles in the same state give the same id, so a retried
 * poll does not queue the same chunk twice while the first copy is still waiting.
 */
export function chunkJobId(feedId: string, chunk: Article[]): string {
  const h = createHash("sha1");
  for (const a of chunk) h.update(`${a.id}\n${a.title}\n${a.updated ?? ""}\n${a.text.length}\n`);
  return `chunk:${feedId}:${h.digest("hex").slice(0, 20)}`;
}
