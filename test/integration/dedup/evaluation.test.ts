// The labelled evaluation set (test/fixtures/dedup) through the real story index: every article is
// assigned in publication order, then every pair of distinct articles is scored — same story in the
// index vs same cluster in the labels — for pairwise precision and recall.

import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEDUP_THRESHOLDS } from "../../../src/dedup/fingerprint.js";
import { RedisStoryIndex, type StoryAssignment } from "../../../src/dedup/redis-index.js";
import {
  DAY_MS,
  deletePrefix,
  type EvalArticle,
  HOUR_MS,
  loadEvalSet,
  newRedis,
  testPrefix,
  toAssign,
} from "./helpers.js";

describe("evaluation set through the Redis story index", () => {
  const prefix = testPrefix("eval");
  let redis: Redis;
  const articles = loadEvalSet().sort((a, b) => a.published.localeCompare(b.published));
  const storyOf = new Map<EvalArticle, string>();

  beforeAll(async () => {
    redis = newRedis();
    // One index per month of the corpus would expire between them; a window covering the corpus keeps
    // every look-alike in reach of every other, which is the hard case.
    const index = new RedisStoryIndex(redis, prefix, {
      windowMs: 1000 * DAY_MS,
      storyWindowMs: 72 * HOUR_MS,
      thresholds: DEFAULT_DEDUP_THRESHOLDS,
    });
    const now = new Date(Date.parse(articles.at(-1)!.published) + HOUR_MS);
    for (let start = 0; start < articles.length; start += 100) {
      const chunk = articles.slice(start, start + 100);
      const assignments: StoryAssignment[] = await index.assignStories(chunk.map(toAssign), now);
      chunk.forEach((article, i) => {
        storyOf.set(article, assignments[i]!.storyId);
      });
    }
  }, 120_000);

  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }, 60_000);

  it("reaches pairwise precision ≥ 0.99 and recall ≥ 0.95 and merges no look-alikes", () => {
    let truePairs = 0;
    let predictedPairs = 0;
    let correctPairs = 0;
    const lookalikesMerged: string[] = [];
    const missed: string[] = [];
    for (let i = 0; i < articles.length; i++) {
      for (let j = i + 1; j < articles.length; j++) {
        const a = articles[i]!;
        const b = articles[j]!;
        if (a.id === b.id) continue; // one article seen twice is identity, not a pair of copies
        const same = a.cluster === b.cluster;
        // Story windows are 72 h: copies published further apart are rightly new stories.
        const withinWindow = Math.abs(Date.parse(a.published) - Date.parse(b.published)) <= 60 * HOUR_MS;
        const predicted = storyOf.get(a) === storyOf.get(b);
        if (same && withinWindow) truePairs++;
        if (predicted) predictedPairs++;
        if (predicted && same) correctPairs++;
        if (same && withinWindow && !predicted) missed.push(`${a.title} | ${b.title}`);
        if (predicted && !same && (a.role === "lookalike" || b.role === "lookalike")) {
          lookalikesMerged.push(`${a.title} | ${b.title}`);
        }
      }
    }
    const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
    const recall = truePairs === 0 ? 0 : correctPairs / truePairs;
    const stories = new Set(storyOf.values()).size;
    const clusters = new Set(articles.map((a) => a.cluster)).size;
    process.stdout.write(
      `dedup evaluation: ${articles.length} articles, ${clusters} labelled clusters, ${stories} stories; ` +
        `pairs: ${truePairs} true, ${predictedPairs} predicted, ${correctPairs} correct; ` +
        `precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}\n`,
    );
    if (missed.length > 0)
      process.stdout.write(`missed pairs (first 10):\n  ${missed.slice(0, 10).join("\n  ")}\n`);
    expect(truePairs).toBeGreaterThan(500);
    expect(lookalikesMerged).toEqual([]);
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });
});
