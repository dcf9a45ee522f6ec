import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_DEDUP_THRESHOLDS, fingerprintArticle } from "../../../src/dedup/fingerprint.js";
import { RedisStoryIndex } from "../../../src/dedup/redis-index.js";
import type { Article } from "../../../src/feeds/types.js";
import { compileTopics } from "../../../src/match/matcher.js";
import { type ProcessPorts, processChunk } from "../../../src/pipeline/process-chunk.js";
import { openStore } from "../../../src/store/open-store.js";
import { connectTestRedis, deletePrefix, testPrefix } from "../../helpers/redis.js";

// A chunk that dies after the story index recorded its articles but before the store saved them is retried:
// nothing is lost and no match is stored twice, however often it is retried.

const redis = connectTestRedis();
const prefix = testPrefix("crash");

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

function article(n: number, title: string, text: string): Article {
  const url = `https://news.test/${n}`;
  return {
    id: createHash("sha1").update(url).digest("hex"),
    feedId: "feed",
    source: "News",
    guid: String(n),
    url,
    canonicalUrl: url,
    title,
    text,
    summary: "",
    published: "2026-11-27T06:00:00.000Z",
    firstSeen: "2026-11-27T06:00:00.000Z",
    categories: [],
    media: [],
  };
}

describe("a crash between the story index and the store", () => {
  it("loses no article and stores no match twice when the chunk is retried", async () => {
    const store = await openStore("sqlite::memory:");
    const index = new RedisStoryIndex(redis, prefix, {
      windowMs: 86_400_000,
      storyWindowMs: 72 * 3_600_000,
      thresholds: DEFAULT_DEDUP_THRESHOLDS,
    });
    const matcher = compileTopics(
      [{ id: "visits", name: "Visits", query: "Lavrov AND Pyongyang", alert: "digest", minScore: 0 }],
      {},
    );
    const chunk = [
      article(
        1,
        "Lavrov arrives in Pyongyang for talks",
        "Russia's foreign minister Sergei Lavrov arrived in Pyongyang on Friday for two days of talks with North Korean officials.",
      ),
      article(
        2,
        "Rain expected across the south",
        "Forecasters expect heavy rain across southern regions over the weekend with local flooding possible.",
      ),
    ];
    let crash = true;
    const ports: ProcessPorts = {
      assignStories: (articles) =>
        index.assignStories(
          articles.map((a) => ({ article: a, fingerprint: fingerprintArticle(a) })),
          new Date("2026-11-27T07:00:00Z"),
        ),
      matchArticle: (input) => matcher.matchArticle(input),
      saveChunk: async (entries) => {
        if (crash) throw new Error("process killed");
        return store.saveChunk(entries);
      },
    };
    await expect(processChunk(chunk, ports)).rejects.toThrow("process killed");
    crash = false;
    const retried = await processChunk(chunk, ports);
    expect(retried.duplicates.sameArticle).toBe(2); // the index had already seen both
    expect(retried.newArticles).toBe(2); // …but the store had not: nothing was lost
    expect(retried.newMatches.map((m) => m.topicId)).toEqual(["visits"]);
    const again = await processChunk(chunk, ports);
    expect(again.newArticles).toBe(0);
    expect(again.newMatches).toEqual([]);
    const rows = await store.listMatches({});
    expect(rows).toHaveLength(1);
    expect(rows[0]?.title).toBe("Lavrov arrives in Pyongyang for talks");
    await store.close();
  });
});
