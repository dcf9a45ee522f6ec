// Four workers, each with its own Redis connection, assign 1,000 articles — 700 distinct reports and
// 300 near-duplicate copies of them — in random order and in chunks, all at once. Because the
// check-and-insert is one script, the result must be exactly 700 stories with every copy in its
// original's story, on every repetition.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEDUP_THRESHOLDS, isNearDuplicate } from "../../../src/dedup/fingerprint.js";
import { type ArticleToAssign, RedisStoryIndex } from "../../../src/dedup/redis-index.js";
import { seededRandom } from "../../helpers/seeded-random.js";
import { DAY_MS, deletePrefix, HOUR_MS, makeArticle, newRedis, testPrefix, toAssign } from "./helpers.js";

const WORKERS = 4;
const DISTINCT = 700;
const COPIES = 300;
const REPETITIONS = 20;
const CHUNK = 25;

const here = path.dirname(fileURLToPath(import.meta.url));
const corpusFile = path.resolve(here, "../../../../shared/corpora/news/bbc-news-2004-2005.jsonl.gz");

interface Labelled {
  item: ArticleToAssign;
  cluster: number;
}

function buildWorkload(): Labelled[] {
  const rows = gunzipSync(readFileSync(corpusFile))
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { title: string; text: string });
  const published = "2026-11-20T08:00:00.000Z";
  const originals: ArticleToAssign[] = [];
  const seenTitles = new Set<string>();
  for (const [n, row] of rows.entries()) {
    if (originals.length === DISTINCT) break;
    if (seenTitles.has(row.title.toLowerCase())) continue;
    const candidate = toAssign(
      makeArticle({
        url: `https://bbc.example.co.uk/news/${n}`,
        title: row.title,
        text: row.text,
        published,
      }),
    );
    // The corpus has a few real duplicates; they would make the expected count ambiguous.
    if (
      originals.some((o) => isNearDuplicate(o.fingerprint, candidate.fingerprint, DEFAULT_DEDUP_THRESHOLDS))
    )
      continue;
    seenTitles.add(row.title.toLowerCase());
    originals.push(candidate);
  }
  const random = seededRandom(4711);
  const workload: Labelled[] = originals.map((item, cluster) => ({ item, cluster }));
  for (let c = 0; c < COPIES; c++) {
    const cluster = Math.floor(random() * originals.length);
    const source = originals[cluster]!.article as ReturnType<typeof makeArticle>;
    const copy = makeArticle({
      url: `https://syndicate${c}.example.com/world/${cluster}`,
      feedId: `feed-syndicate-${c}`,
      title: `${source.title} - Syndicate ${c % 7}`,
      text: `By Staff Reporter ${source.text} Additional reporting by the news desk.`,
      published: new Date(Date.parse(published) + (c % 48) * HOUR_MS).toISOString(),
    });
    workload.push({ item: toAssign(copy), cluster });
  }
  return workload;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe("concurrent story assignment", () => {
  const clients: Redis[] = [];
  const prefixes: string[] = [];
  let workload: Labelled[];

  beforeAll(() => {
    for (let i = 0; i < WORKERS; i++) clients.push(newRedis());
    workload = buildWorkload();
  }, 120_000);

  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(clients[0]!, prefix);
    for (const client of clients) client.disconnect();
  }, 120_000);

  it("copies of one cluster are near-duplicates of each other, so the expected count is exact", () => {
    expect(workload.length).toBe(DISTINCT + COPIES);
    const byCluster = new Map<number, ArticleToAssign[]>();
    for (const { item, cluster } of workload)
      byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), item]);
    expect(byCluster.size).toBe(DISTINCT);
    for (const members of byCluster.values()) {
      for (const a of members)
        for (const b of members) {
          if (a !== b)
            expect(isNearDuplicate(a.fingerprint, b.fingerprint, DEFAULT_DEDUP_THRESHOLDS)).toBe(true);
        }
    }
  });

  it(`ends with exactly ${DISTINCT} stories on each of ${REPETITIONS} repetitions`, async () => {
    const random = seededRandom(20261128);
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      const prefix = testPrefix(`race${repetition}`);
      prefixes.push(prefix);
      const indexes = clients.map(
        (client) =>
          new RedisStoryIndex(client, prefix, {
            windowMs: 14 * DAY_MS,
            storyWindowMs: 72 * HOUR_MS,
            thresholds: DEFAULT_DEDUP_THRESHOLDS,
          }),
      );
      const order = shuffle([...workload], random);
      const storyOf = new Map<Labelled, string>();
      const now = new Date("2026-11-22T12:00:00.000Z");
      // Worker w takes chunks w, w + 4, w + 8…; all four run at once on their own connections.
      await Promise.all(
        indexes.map(async (index, worker) => {
          for (let start = worker * CHUNK; start < order.length; start += WORKERS * CHUNK) {
            const chunk = order.slice(start, start + CHUNK);
            const assignments = await index.assignStories(
              chunk.map((w) => w.item),
              now,
            );
            chunk.forEach((w, i) => {
              storyOf.set(w, assignments[i]!.storyId);
            });
          }
        }),
      );
      expect(storyOf.size).toBe(DISTINCT + COPIES);
      expect(new Set(storyOf.values()).size).toBe(DISTINCT);
      const storiesPerCluster = new Map<number, Set<string>>();
      for (const [w, story] of storyOf) {
        storiesPerCluster.set(w.cluster, (storiesPerCluster.get(w.cluster) ?? new Set()).add(story));
      }
      expect([...storiesPerCluster.values()].every((stories) => stories.size === 1)).toBe(true);
      await deletePrefix(clients[0]!, prefix);
    }
    // Generous: the machine's Redis is shared with other suites; this is a correctness test, not a timing one.
  }, 300_000);
});
