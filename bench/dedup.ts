// npm run bench:dedup — story-index speed and memory against the local Redis, and the naive baseline.
//
// 1. Fills a private prefix with synthetic articles (random signatures and titles of words drawn from
//    the BBC corpus, publication times spread over the dedup window) with pipelined bulk inserts
//    (indexArticles), and measures
//    dedup checks/s (assignStories on precomputed fingerprints: 80 % new articles, 20 % copies) once
//    10,000 and once 1,000,000 articles are indexed.
// 2. Redis memory per indexed article: MEMORY USAGE summed over the prefix's keys, and the
//    used_memory delta of INFO memory (noisier: other clients share the server).
// 3. Naive baseline: one new title compared with string-similarity to every stored title.
// The prefix is deleted at the end.

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Redis } from "ioredis";
import stringSimilarity from "string-similarity";
import { DEFAULT_DEDUP_THRESHOLDS, fingerprintArticle, titleKeyOf } from "../src/dedup/fingerprint.js";
import { bandKeys } from "../src/dedup/lsh.js";
import { DEFAULT_NUM_HASHES, packSignature } from "../src/dedup/minhash.js";
import { type ArticleToAssign, RedisStoryIndex } from "../src/dedup/redis-index.js";
import { redisKey } from "../src/redis-keys.js";
import { seededRandom } from "../test/helpers/seeded-random.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const corporaDir = path.resolve(here, "../../shared/corpora/news");
const DAY_MS = 86_400_000;
const WINDOW_MS = 14 * DAY_MS;
const SMALL = 10_000;
const LARGE = Number(process.env.BENCH_DEDUP_ARTICLES ?? 1_000_000);
const PROBES = 5_000;
const FILL_CHUNK = 500;
const FILL_PIPELINES = 3;
const CHECK_CHUNK = 100;

function readCorpus(file: string): Array<{ title: string; text: string }> {
  return gunzipSync(readFileSync(path.join(corporaDir, file)))
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { title: string; text: string });
}

const random = seededRandom(1234);
const vocabulary = [
  ...new Set(
    readCorpus("bbc-news-2004-2005.jsonl.gz")
      .flatMap((row) => row.text.split(/\s+/))
      .filter((w) => /^[A-Za-z]{2,}$/.test(w)),
  ),
];

function words(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(vocabulary[Math.floor(random() * vocabulary.length)]!);
  return out.join(" ");
}

let serial = 0;
function syntheticArticle(published: number): ArticleToAssign {
  serial++;
  return {
    article: {
      id: randomBytes(20).toString("hex"),
      feedId: `bench-feed-${serial % 500}`,
      guid: `bench-${serial}`,
      canonicalUrl: `https://bench.example/${serial}`,
      published: new Date(published).toISOString(),
    },
    fingerprint: fingerprintArticle({ title: words(9), text: words(70) }),
  };
}

/**
 * A stored article for the bulk fill: what fingerprintArticle gives an article of random words
 * (independent uniform minima, a title key, no headline numbers), made without the shingling work so
 * that a million of them load in minutes. Checks are always made with real fingerprints.
 */
function syntheticStoredArticle(published: number): ArticleToAssign {
  serial++;
  const signature = new Uint32Array(randomBytes(DEFAULT_NUM_HASHES * 4).buffer);
  return {
    article: {
      id: randomBytes(20).toString("hex"),
      feedId: `bench-feed-${serial % 500}`,
      guid: `bench-${serial}`,
      canonicalUrl: `https://bench.example/${serial}`,
      published: new Date(published).toISOString(),
    },
    fingerprint: {
      contentHash: randomBytes(20).toString("hex"),
      signature,
      packedSignature: packSignature(signature),
      bandKeys: bandKeys(signature),
      titleKey: titleKeyOf(words(9)),
      leadWords: 70,
      titleNumbers: [],
    },
  };
}

function copyOf(source: ArticleToAssign, published: number): ArticleToAssign {
  serial++;
  return {
    article: {
      ...source.article,
      id: randomBytes(20).toString("hex"),
      feedId: "bench-copy",
      guid: `copy-${serial}`,
      canonicalUrl: `https://copy.example/${serial}`,
      published: new Date(published).toISOString(),
    },
    fingerprint: source.fingerprint,
  };
}

async function prefixMemory(redis: Redis, pattern: string): Promise<{ bytes: number; keys: number }> {
  let bytes = 0;
  let keys = 0;
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 2000);
    cursor = next;
    if (batch.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory("USAGE", key, "SAMPLES", "0");
    for (const [, usage] of (await pipeline.exec()) ?? []) bytes += Number(usage ?? 0);
    keys += batch.length;
  } while (cursor !== "0");
  return { bytes, keys };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function deletePrefix(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 5000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}

const t0 = Date.parse("2026-11-01T00:00:00.000Z");
/** The clock of the i-th indexed article: a steady stream that fills LARGE articles into one window. */
const clockAt = (i: number) => t0 + Math.floor((i / LARGE) * (WINDOW_MS * 0.98));

async function fill(
  index: RedisStoryIndex,
  from: number,
  to: number,
  recent: ArticleToAssign[],
): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const start = next;
      const end = Math.min(to, start + FILL_CHUNK);
      next = end;
      const chunk: ArticleToAssign[] = [];
      for (let i = start; i < end; i++) chunk.push(syntheticStoredArticle(clockAt(i)));
      await index.indexArticles(chunk, new Date(clockAt(end)));
      recent.splice(0, recent.length, ...chunk.slice(-200));
    }
  };
  await Promise.all(Array.from({ length: FILL_PIPELINES }, worker));
}

async function measureChecks(
  index: RedisStoryIndex,
  indexed: number,
  recent: ArticleToAssign[],
): Promise<number> {
  const now = clockAt(indexed);
  const probes: ArticleToAssign[] = [];
  for (let i = 0; i < PROBES; i++) {
    probes.push(i % 5 === 0 ? copyOf(recent[i % recent.length]!, now) : syntheticArticle(now));
  }
  const started = performance.now();
  for (let start = 0; start < probes.length; start += CHECK_CHUNK) {
    await index.assignStories(probes.slice(start, start + CHECK_CHUNK), new Date(now));
  }
  return PROBES / ((performance.now() - started) / 1000);
}

function naiveBaseline(titles: string[], stored: number): number {
  const pool = titles.slice(0, stored);
  const probes = titles.slice(stored, stored + 20);
  const started = performance.now();
  let checks = 0;
  for (const probe of probes) {
    for (const title of pool) stringSimilarity.compareTwoStrings(probe, title);
    checks++;
    if (performance.now() - started > 5000) break;
  }
  return checks / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const prefix = `nwbench-dedup-${randomBytes(4).toString("hex")}`;
  const pattern = `${redisKey(prefix, "dedup")}:*`;
  const index = new RedisStoryIndex(redis, prefix, {
    windowMs: WINDOW_MS,
    storyWindowMs: 3 * DAY_MS,
    thresholds: DEFAULT_DEDUP_THRESHOLDS,
    // Sized for the volume it will hold, as a deployment would be.
    capacity: LARGE,
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const before = await usedMemory(redis);
    const recent: ArticleToAssign[] = [];
    let started = performance.now();
    await fill(index, 0, SMALL, recent);
    out(
      `filled ${SMALL.toLocaleString("en")} articles in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const smallRate = await measureChecks(index, SMALL, recent);
    out(
      `dedup checks/s with ${SMALL.toLocaleString("en")} indexed:    ${Math.round(smallRate).toLocaleString("en")}`,
    );
    const smallMemory = await prefixMemory(redis, pattern);
    out(
      `  memory: ${(smallMemory.bytes / (SMALL + PROBES)).toFixed(0)} B/article (${smallMemory.keys} keys)`,
    );

    started = performance.now();
    await fill(index, SMALL, LARGE, recent);
    out(
      `filled to ${LARGE.toLocaleString("en")} articles in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const largeRate = await measureChecks(index, LARGE, recent);
    out(
      `dedup checks/s with ${LARGE.toLocaleString("en")} indexed: ${Math.round(largeRate).toLocaleString("en")}`,
    );
    out(`  ratio large/small: ${(largeRate / smallRate).toFixed(2)} (target ≥ 0.67)`);
    const indexed = LARGE + 2 * PROBES;
    const largeMemory = await prefixMemory(redis, pattern);
    const delta = (await usedMemory(redis)) - before;
    out(
      `Redis memory per indexed article: ${(largeMemory.bytes / indexed).toFixed(0)} B by MEMORY USAGE ` +
        `(${largeMemory.keys.toLocaleString("en")} keys), ${(delta / indexed).toFixed(0)} B by INFO used_memory delta (target ≤ 400)`,
    );
  } finally {
    await deletePrefix(redis, pattern);
    redis.disconnect();
  }

  const titles = [
    ...readCorpus("rss-link-db-2023-09.jsonl.gz"),
    ...readCorpus("rss-link-db-2023-10.jsonl.gz"),
    ...readCorpus("rss-link-db-2022-01-to-08.jsonl.gz"),
  ].map((row) => row.title);
  for (const stored of [1_000, 10_000, 100_000]) {
    const rate = naiveBaseline(titles, stored);
    out(
      `naive baseline (string-similarity vs every title) with ${stored.toLocaleString("en")} stored: ${rate.toFixed(1)} checks/s`,
    );
  }
}

await main();
