// Shared by the dedup integration tests: a private key prefix per file, articles built like the
// normaliser builds them, and clean-up of everything under the prefix.

import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { fingerprintArticle } from "../../../src/dedup/fingerprint.js";
import type { ArticleToAssign } from "../../../src/dedup/redis-index.js";
import { canonicaliseUrl } from "../../../src/feeds/canonical-url.js";
import type { Article } from "../../../src/feeds/types.js";

export const REDIS_URL = "redis://127.0.0.1:6379";
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export function testPrefix(area: string): string {
  return `nwtest-dedup-${area}-${randomBytes(4).toString("hex")}`;
}

export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  return deleteMatching(redis, `{${prefix}}:*`);
}

/** Deletes every key matching a SCAN pattern (one pass over the keyspace however many prefixes it covers). */
export async function deleteMatching(redis: Redis, pattern: string): Promise<number> {
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}

export function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

export interface ArticleInput {
  url: string;
  title: string;
  text: string;
  published: string;
  feedId?: string;
  guid?: string;
  source?: string;
}

/** An Article as the normaliser makes it: id = sha1 of the canonical URL. */
export function makeArticle(input: ArticleInput): Article {
  const canonicalUrl = canonicaliseUrl(input.url);
  return {
    id: sha1(canonicalUrl),
    feedId: input.feedId ?? "feed-a",
    source: input.source ?? "Feed A",
    guid: input.guid ?? input.url,
    url: input.url,
    canonicalUrl,
    title: input.title,
    text: input.text,
    summary: input.text.slice(0, 300),
    published: input.published,
    firstSeen: input.published,
    categories: [],
    media: [],
  };
}

export function toAssign(article: Article): ArticleToAssign {
  return { article, fingerprint: fingerprintArticle(article) };
}

export interface EvalArticle extends Article {
  cluster: string;
  role: string;
  edits: string[];
}

export function loadEvalSet(): EvalArticle[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const file = path.resolve(here, "../../fixtures/dedup/eval-set.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const row = JSON.parse(line) as Omit<EvalArticle, "summary" | "firstSeen" | "categories" | "media">;
      return { ...row, summary: row.text.slice(0, 300), firstSeen: row.published, categories: [], media: [] };
    });
}

export function newRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false });
}
