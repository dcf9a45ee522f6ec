import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextPollDelayMs } from "../../../src/feeds/backoff.js";
import { decodeFeedBytes } from "../../../src/feeds/decode.js";
import { fetchFeed } from "../../../src/feeds/fetch.js";
import { normaliseItem } from "../../../src/feeds/normalise.js";
import { parseFeed } from "../../../src/feeds/parse.js";
import { RedisFeedState } from "../../../src/feeds/redis-feed-state.js";
import type { FeedSpec } from "../../../src/feeds/types.js";
import { type PollPorts, pollFeed } from "../../../src/pipeline/poll-feed.js";
import { RedisSeenSet } from "../../../src/queue/redis-seen-set.js";
import { FeedServer, makeItems, rssOf } from "../server/fixture-feeds.js";

// A failing feed is polled less and less often, never less often than the configured ceiling allows, and
// gets its normal interval back after one success. Real HTTP and Redis; the clock is the test's.

const prefix = `nwtest-backoff-${Math.random().toString(36).slice(2, 8)}`;
const MINUTE = 60_000;
const INTERVAL = MINUTE;
const CEILING = 8 * MINUTE;
let redis: Redis;
const server = new FeedServer();
let clock = Date.parse("2026-11-28T00:00:00Z");
const enqueued: number[] = [];

function ports(): PollPorts {
  const now = () => new Date(clock);
  return {
    fetchFeed: (url, conditional, limits) =>
      fetchFeed(url, conditional, { ...limits, userAgent: "newswatch-test", now }),
    decode: decodeFeedBytes,
    parse: parseFeed,
    normalise: normaliseItem,
    state: new RedisFeedState(redis, prefix),
    seen: new RedisSeenSet(redis, prefix, 3600_000),
    enqueue: async (_feedId, chunks) => {
      enqueued.push(chunks.flat().length);
      return chunks.map((_, i) => `chunk-${i}`);
    },
    // Full jitter drawn at its top: the longest delay the policy allows.
    nextDelayMs: (feed, failuresInRow, retryAfterMs) =>
      nextPollDelayMs({
        intervalMs: feed.intervalMs,
        failuresInRow,
        maxBackoffMs: CEILING,
        retryAfterMs,
        random: () => 0.999999,
      }),
    now,
  };
}

let feed: FeedSpec;

beforeAll(async () => {
  redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  await server.start();
  feed = {
    id: "flaky",
    url: `${server.base}/flaky.rss`,
    name: "Flaky",
    tags: [],
    intervalMs: INTERVAL,
    timeoutMs: 5000,
    maxBytes: 1_000_000,
  };
  server.failWith.set("/flaky.rss", 503);
});

afterAll(async () => {
  await server.close();
  const keys = await redis.keys(`{${prefix}}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("backoff of a failing feed", () => {
  it("waits longer after each failure up to the ceiling, skips polls in between, and recovers on success", async () => {
    const delays: number[] = [];
    for (let failure = 1; failure <= 6; failure++) {
      const before = server.requests;
      const result = await pollFeed(feed, ports());
      expect(result.status).toBe("failed");
      expect(result.error?.retryable).toBe(true);
      expect(result.failuresInRow).toBe(failure);
      expect(server.requests).toBe(before + 1);
      const delay = Date.parse(result.nextPollAt ?? "") - clock;
      delays.push(Math.round(delay / MINUTE));
      // Half-way through the wait, the scheduler's tick finds the feed backing off and leaves it alone.
      clock += delay / 2;
      const skipped = await pollFeed(feed, ports());
      expect(skipped.status).toBe("skipped");
      expect(server.requests).toBe(before + 1);
      clock += delay / 2;
    }
    expect(delays).toEqual([1, 2, 4, 8, 8, 8]);

    server.failWith.delete("/flaky.rss");
    server.documents.set("/flaky.rss", rssOf("Flaky", makeItems("recovery", 3, 9, server.base)));
    const ok = await pollFeed(feed, ports());
    expect(ok.status).toBe("ok");
    expect(ok.newArticles).toBe(3);
    expect(Date.parse(ok.nextPollAt ?? "") - clock).toBe(INTERVAL);
    const health = (await new RedisFeedState(redis, prefix).getHealth([feed.id], new Date(clock)))[0];
    expect(health?.failuresInRow).toBe(0);

    // Back on its interval: the next tick polls instead of skipping.
    clock += INTERVAL;
    const next = await pollFeed(feed, ports());
    expect(next.status).toBe("ok");
  });
});
