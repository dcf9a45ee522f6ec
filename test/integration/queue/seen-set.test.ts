import { afterAll, describe, expect, it } from "vitest";
import type { Article } from "../../../src/feeds/types.js";
import { RedisSeenSet } from "../../../src/queue/redis-seen-set.js";
import { connectTestRedis, deletePrefix, testPrefix } from "../../helpers/redis.js";

const redis = connectTestRedis();
const prefix = testPrefix("seen");

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

function article(over: Partial<Article>): Article {
  return {
    id: "id",
    feedId: "feed-a",
    source: "A",
    guid: "g1",
    url: "https://example.test/1",
    canonicalUrl: "https://example.test/1",
    title: "Lavrov arrives in Pyongyang",
    text: "Text",
    summary: "",
    published: "2026-11-27T00:00:00.000Z",
    firstSeen: "2026-11-27T00:00:00.000Z",
    categories: [],
    media: [],
    ...over,
  };
}

describe("RedisSeenSet", () => {
  it("passes an item on once, then only when its headline or text changes", async () => {
    const seen = new RedisSeenSet(redis, prefix, 60_000);
    const a = article({});
    expect((await seen.filterUnseen([a])).fresh).toEqual([a]);
    await seen.markSeen([a]);
    expect(await seen.filterUnseen([a])).toEqual({ fresh: [], changed: [], unchanged: 1 });
    const edited = article({ title: "UPDATE 1-Lavrov arrives in Pyongyang for talks" });
    expect((await seen.filterUnseen([edited])).changed).toEqual([edited]);
  });

  it("knows an item by its canonical URL when another feed carries it", async () => {
    const seen = new RedisSeenSet(redis, prefix, 60_000);
    const first = article({
      feedId: "feed-b",
      guid: "b-1",
      url: "https://example.test/x",
      canonicalUrl: "https://example.test/x",
    });
    await seen.markSeen([first]);
    const copy = article({
      feedId: "feed-c",
      guid: "c-9",
      url: "https://example.test/x?utm_source=rss",
      canonicalUrl: "https://example.test/x",
    });
    expect(await seen.filterUnseen([copy])).toEqual({ fresh: [], changed: [], unchanged: 1 });
  });

  it("passes an item listed twice in one feed on once", async () => {
    const seen = new RedisSeenSet(redis, prefix, 60_000);
    const twice = article({
      feedId: "feed-d",
      guid: "dup",
      url: "https://example.test/dup",
      canonicalUrl: "https://example.test/dup",
    });
    expect((await seen.filterUnseen([twice, { ...twice }])).fresh).toHaveLength(1);
  });

  it("forgets after the TTL and writes keys under the prefix only", async () => {
    const seen = new RedisSeenSet(redis, prefix, 50);
    const a = article({
      feedId: "feed-e",
      guid: "ttl",
      url: "https://example.test/ttl",
      canonicalUrl: "https://example.test/ttl",
    });
    await seen.markSeen([a]);
    const keys = await redis.keys(`{${prefix}}:seen:*`);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 120));
    expect((await seen.filterUnseen([a])).fresh).toHaveLength(1);
  });
});
