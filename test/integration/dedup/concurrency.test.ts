// Four workers, each with its own Redis connection, assign 1,000 articles — 700 distinct reports and
// 300 near-duplicate copies of them — in random order and in chunks, all at once. Because the
// check-and-insert is one script, the result must be exactly 700 stories with every copy in its
// original's story, on every repetition.

import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEDUP_THRESHOLDS, isNearDuplicate } from "../../../src/dedup/fingerprint.js";
import { type ArticleToAssign, RedisStoryIndex } from "../../../src/dedup/redis-index.js";
import { seededRandom } from "../../helpers/seeded-random.js";
import { DAY_MS, deletePrefix, HOUR_MS, newRedis, testPrefix } from "./helpers.js";
import { buildRaceWorkload, COPIES, DISTINCT, type Labelled, shuffle } from "./race-workload.js";

const WORKERS = 4;
const REPETITIONS = 20;
const CHUNK = 25;

describe("concurrent story assignment", () => {
  const clients: Redis[] = [];
  const prefixes: string[] = [];
  let workload: Labelled[];

  beforeAll(() => {
    for (let i = 0; i < WORKERS; i++) clients.push(newRedis());
    workload = buildRaceWorkload();
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
