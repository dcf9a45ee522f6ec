import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisFeedState } from "../../../src/feeds/redis-feed-state.js";

const PREFIX = `nwtest-feedstate-${randomBytes(4).toString("hex")}`;
const HOUR = 60 * 60 * 1000;

let redis: Redis;
let state: RedisFeedState;

async function deleteKeysOf(prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `{${prefix}}:*`, "COUNT", 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

beforeAll(() => {
  redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1, lazyConnect: false });
  state = new RedisFeedState(redis, PREFIX);
});

afterAll(async () => {
  await deleteKeysOf(PREFIX);
  await redis.quit();
});

describe("RedisFeedState: validators", () => {
  it("starts with no validators", async () => {
    expect(await state.getConditional("fresh")).toEqual({});
  });

  it("keeps validators together with the URL that issued them", async () => {
    await state.setConditional("wire", {
      url: "https://example.org/rss",
      etag: '"abc"',
      lastModified: "Sun, 01 Mar 2026 10:00:00 GMT",
    });
    expect(await state.getConditional("wire")).toEqual({
      url: "https://example.org/rss",
      etag: '"abc"',
      lastModified: "Sun, 01 Mar 2026 10:00:00 GMT",
    });
    expect(await redis.hget(`{${PREFIX}}:feed:wire`, "etag")).toBe('"abc"');
  });

  it("replaces the validators when the feed moved, dropping ones the new URL did not send", async () => {
    await state.setConditional("moving", {
      url: "https://old.example.org/rss",
      etag: '"e1"',
      lastModified: "x",
    });
    await state.setConditional("moving", { url: "https://new.example.org/rss", etag: '"e2"' });
    expect(await state.getConditional("moving")).toEqual({
      url: "https://new.example.org/rss",
      etag: '"e2"',
    });
  });

  it("clears the validators when the response carried none", async () => {
    await state.setConditional("cleared", { url: "https://example.org/a", etag: '"e1"' });
    await state.setConditional("cleared", { url: "https://example.org/a" });
    expect(await state.getConditional("cleared")).toEqual({});
  });

  it("leaves the health fields alone when validators change", async () => {
    await state.recordFailure("mixed", { at: new Date(), error: { code: "NW_FEED_HTTP", message: "boom" } });
    await state.setConditional("mixed", { url: "https://example.org/m", etag: '"m"' });
    const [health] = await state.getHealth(["mixed"]);
    expect(health?.failuresInRow).toBe(1);
  });
});

describe("RedisFeedState: health", () => {
  it("reports a feed never polled as zero failures and no dates", async () => {
    expect(await state.getHealth(["never"])).toEqual([
      { feedId: "never", failuresInRow: 0, itemsLast24h: 0 },
    ]);
  });

  it("counts failures in a row and resets them on success", async () => {
    const t0 = new Date("2026-03-01T10:00:00.000Z");
    const fail = (minutes: number, message: string) =>
      state.recordFailure("flaky", {
        at: new Date(t0.getTime() + minutes * 60_000),
        error: { code: "NW_FEED_TIMEOUT", message },
      });
    expect(await fail(0, "first")).toBe(1);
    expect(await fail(10, "second")).toBe(2);
    expect(await fail(20, "https://x/rss: no complete response within 20 s")).toBe(3);

    let [health] = await state.getHealth(["flaky"], t0);
    expect(health).toMatchObject({
      feedId: "flaky",
      failuresInRow: 3,
      lastStatus: "error",
      lastErrorAt: new Date(t0.getTime() + 20 * 60_000),
      lastError: "https://x/rss: no complete response within 20 s",
      lastErrorCode: "NW_FEED_TIMEOUT",
    });
    expect(health?.lastSuccessAt).toBeUndefined();

    const success = new Date(t0.getTime() + 30 * 60_000);
    await state.recordSuccess("flaky", { at: success, items: 25, newArticles: 4, status: "ok" });
    [health] = await state.getHealth(["flaky"], success);
    expect(health).toMatchObject({
      failuresInRow: 0,
      lastStatus: "ok",
      lastSuccessAt: success,
      lastItems: 25,
      lastNewArticles: 4,
      // The last error stays on record so people can see what happened.
      lastErrorCode: "NW_FEED_TIMEOUT",
    });
    expect(await fail(40, "again")).toBe(1);
  });

  it("records a not-modified poll as a success", async () => {
    const at = new Date("2026-03-01T11:00:00.000Z");
    await state.recordFailure("quiet", { at, error: { code: "NW_FEED_NETWORK", message: "reset" } });
    await state.recordSuccess("quiet", { at, items: 0, newArticles: 0, status: "not-modified" });
    const [health] = await state.getHealth(["quiet"], at);
    expect(health).toMatchObject({ failuresInRow: 0, lastStatus: "not-modified", lastSuccessAt: at });
  });

  it("stores the next poll time", async () => {
    const next = new Date("2026-03-01T12:34:56.000Z");
    await state.setNextPoll("scheduled", next);
    const [health] = await state.getHealth(["scheduled"]);
    expect(health?.nextPollAt).toEqual(next);
  });

  it("remembers until when a feed backs off, and forgets it when cleared", async () => {
    expect(await state.backoffUntil("backing")).toBeUndefined();
    const until = new Date("2026-03-01T13:00:00.000Z");
    await state.setBackoffUntil("backing", until);
    expect(await state.backoffUntil("backing")).toEqual(until);
    await state.setBackoffUntil("backing", undefined);
    expect(await state.backoffUntil("backing")).toBeUndefined();
  });

  it("sums new articles over the last 24 hours only", async () => {
    const now = new Date("2026-03-02T12:00:00.000Z");
    const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
    await state.recordSuccess("busy", { at: at(30), items: 50, newArticles: 100, status: "ok" });
    await state.recordSuccess("busy", { at: at(23), items: 50, newArticles: 5, status: "ok" });
    await state.recordSuccess("busy", { at: at(12), items: 50, newArticles: 7, status: "ok" });
    await state.recordSuccess("busy", { at: at(11), items: 50, newArticles: 7, status: "ok" });
    await state.recordSuccess("busy", { at: at(1), items: 50, newArticles: 0, status: "not-modified" });
    const [health] = await state.getHealth(["busy"], now);
    expect(health?.itemsLast24h).toBe(19);
    // Entries older than a day are trimmed on write, and the log expires if the feed goes quiet.
    const log = `{${PREFIX}}:feed:busy:new-articles`;
    expect(await redis.zcard(log)).toBe(3);
    expect(await redis.pttl(log)).toBeGreaterThan(24 * HOUR);
  });

  it("returns health for many feeds in the order asked", async () => {
    const at = new Date("2026-03-01T09:00:00.000Z");
    await state.recordSuccess("order-b", { at, items: 1, newArticles: 1, status: "ok" });
    await state.recordFailure("order-a", { at, error: { code: "NW_FEED_GONE", message: "gone" } });
    const healths = await state.getHealth(["order-a", "order-missing", "order-b"], at);
    expect(healths.map((h) => [h.feedId, h.lastStatus])).toEqual([
      ["order-a", "error"],
      ["order-missing", undefined],
      ["order-b", "ok"],
    ]);
    expect(await state.getHealth([])).toEqual([]);
  });

  it("shortens a runaway error message", async () => {
    await state.recordFailure("verbose", {
      at: new Date(),
      error: { code: "NW_FEED_UNPARSEABLE", message: "x".repeat(5000) },
    });
    const [health] = await state.getHealth(["verbose"]);
    expect(health?.lastError?.length).toBe(1000);
  });

  it("writes only keys under its own prefix", async () => {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `{${PREFIX}}:*`, "COUNT", 500);
      keys.push(...found);
      cursor = next;
    } while (cursor !== "0");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(new RegExp(`^\\{${PREFIX}\\}:feed:[a-z-]+(:new-articles)?$`));
  });
});
