import { afterAll, describe, expect, it } from "vitest";
import { RedisAlertThrottle } from "../../../src/digest/redis-alert-throttle.js";
import { connectTestRedis, deletePrefix, testPrefix } from "../../helpers/redis.js";

const redis = connectTestRedis();
const secondConnection = connectTestRedis();
const prefix = testPrefix("digest-throttle");

afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
  secondConnection.disconnect();
});

describe("RedisAlertThrottle", () => {
  it("grants at most the limit per topic per clock hour, shared by every caller", async () => {
    const throttle = new RedisAlertThrottle(redis, prefix);
    const other = new RedisAlertThrottle(secondConnection, prefix);
    const at = new Date("2026-03-01T10:15:00Z");
    expect(await throttle.reserve("russia-dprk", 7, 10, at)).toBe(7);
    expect(await other.reserve("russia-dprk", 5, 10, new Date("2026-03-01T10:59:59Z"))).toBe(3);
    expect(await throttle.reserve("russia-dprk", 1, 10, at)).toBe(0);
    // Another topic and the next hour have their own budgets.
    expect(await throttle.reserve("sanctions", 2, 10, at)).toBe(2);
    expect(await throttle.reserve("russia-dprk", 4, 10, new Date("2026-03-01T11:00:00Z"))).toBe(4);
  });

  it("keeps its counters under the prefix, expiring", async () => {
    const keys = await redis.keys(`{${prefix}}:alerts:*`);
    expect(keys.length).toBe(3);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
  });
});
