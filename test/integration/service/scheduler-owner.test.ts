import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/log.js";
import {
  SchedulerLease,
  schedulerLeaseKey,
  startSchedulerOwnership,
} from "../../../src/service/scheduler-owner.js";

// Scheduler upkeep has exactly one owner among any number of replicas, and a new one when the owner goes.

const prefix = `nwtest-lease-${Math.random().toString(36).slice(2, 8)}`;
let redis: Redis;
const logger = createLogger({ level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => {
  redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  const keys = await redis.keys(`{${prefix}}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("SchedulerLease", () => {
  it("lets one holder in, refuses the others, and extends and releases only its own lease", async () => {
    const a = new SchedulerLease(redis, `${prefix}-a`, 5000, "replica-a");
    const b = new SchedulerLease(redis, `${prefix}-a`, 5000, "replica-b");
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await b.extend()).toBe(false);
    await b.release();
    expect(await a.holder()).toBe("replica-a");
    expect(await a.extend()).toBe(true);
    await a.release();
    expect(await a.holder()).toBeUndefined();
    expect(await b.acquire()).toBe(true);
    await b.release();
  });

  it("lapses when the holder stops renewing, so another replica can take it", async () => {
    const a = new SchedulerLease(redis, `${prefix}-b`, 200, "replica-a");
    const b = new SchedulerLease(redis, `${prefix}-b`, 200, "replica-b");
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    await sleep(300);
    expect(await b.acquire()).toBe(true);
    // The old holder, back from a pause, finds the lease gone and cannot extend or delete it.
    expect(await a.extend()).toBe(false);
    await a.release();
    expect(await b.holder()).toBe("replica-b");
    await b.release();
  });

  it("keys the lease under the prefix", () => {
    expect(schedulerLeaseKey("nw")).toBe("{nw}:lease:schedulers");
  });
});

describe("startSchedulerOwnership", () => {
  it("keeps exactly one owner among replicas, hands over when the owner stops, runs upkeep on each takeover", async () => {
    const p = `${prefix}-c`;
    const upkeeps: number[] = [];
    const replicas = [0, 1, 2].map((i) =>
      startSchedulerOwnership({
        redis,
        prefix: p,
        logger,
        ttlMs: 600,
        upkeep: async () => void upkeeps.push(i),
      }),
    );
    const owners = () => replicas.map((r, i) => (r.isOwner() ? i : -1)).filter((i) => i >= 0);
    // Sample over several lease periods: never two owners.
    let first = -1;
    for (let n = 0; n < 20; n++) {
      await sleep(50);
      const now = owners();
      expect(now.length).toBeLessThanOrEqual(1);
      if (now.length === 1 && first === -1) first = now[0] ?? -1;
    }
    expect(first).toBeGreaterThanOrEqual(0);
    expect(owners()).toEqual([first]);
    expect(upkeeps).toEqual([first]);

    await replicas[first]?.stop();
    const rest = replicas.filter((_, i) => i !== first);
    let successor = -1;
    for (let n = 0; n < 80 && successor === -1; n++) {
      await sleep(50);
      const now = owners();
      expect(now.length).toBeLessThanOrEqual(1);
      if (now.length === 1) successor = now[0] ?? -1;
    }
    expect(successor).not.toBe(-1);
    expect(successor).not.toBe(first);
    expect(upkeeps).toEqual([first, successor]);

    // A configuration change runs upkeep on the owner only.
    await Promise.all(rest.map((r) => r.upkeepIfOwner()));
    expect(upkeeps).toEqual([first, successor, successor]);
    await Promise.all(rest.map((r) => r.stop()));
    expect(await redis.exists(schedulerLeaseKey(p))).toBe(0);
  });
});
