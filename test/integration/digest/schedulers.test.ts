import { type Job, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DigestSpec } from "../../../src/config/types.js";
import { ALERTS_JOB_DIGEST } from "../../../src/digest/alerts.js";
import { requestAlertRun, syncDigestSchedulers } from "../../../src/queue/digest-schedulers.js";
import { type DigestJobData, QUEUE_DIGESTS } from "../../../src/queue/names.js";
import { bullPrefix, createQueues, type Queues } from "../../../src/queue/queues.js";
import { connectTestRedis, deletePrefix, testPrefix } from "../../helpers/redis.js";

const redis = connectTestRedis();
const prefix = testPrefix("digest-schedulers");
let queues: Queues;
const workers: Worker[] = [];

function digest(name: string, schedule: string, timezone = "UTC"): DigestSpec {
  return { name, topics: ["t"], schedule, timezone, maxItems: 10, sendEmpty: false, deliver: [] };
}

beforeAll(() => {
  queues = createQueues(redis, prefix);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all([queues.feeds.close(), queues.articles.close(), queues.digests.close()]);
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

async function schedulerIds(): Promise<string[]> {
  return (await queues.digests.getJobSchedulers(0, -1, true)).map((s) => s.key).sort();
}

describe("syncDigestSchedulers", () => {
  it("fires a digest on its cron schedule, then removing it from the config removes its scheduler", async () => {
    const received: Array<{ name: string; data: DigestJobData }> = [];
    const fired = new Promise<void>((resolve) => {
      const worker = new Worker<DigestJobData>(
        QUEUE_DIGESTS,
        async (job: Job<DigestJobData>) => {
          received.push({ name: job.name, data: job.data });
          if (received.length >= 2) resolve();
        },
        { connection: redis.duplicate(), prefix: bullPrefix(prefix) },
      );
      workers.push(worker);
    });
    // Six fields: BullMQ's cron-parser accepts a leading seconds field, which keeps this test short.
    await syncDigestSchedulers(queues.digests, [digest("fast", "*/2 * * * * *")]);
    await fired;
    expect(received.slice(0, 2)).toEqual([
      { name: "digest", data: { digest: "fast" } },
      { name: "digest", data: { digest: "fast" } },
    ]);

    const { removed } = await syncDigestSchedulers(queues.digests, []);
    expect(removed).toEqual(["digest:fast"]);
    expect(await schedulerIds()).toEqual([]);
  });

  it("schedules a per-minute cron at the next minute in the digest's time zone and updates it on change", async () => {
    await syncDigestSchedulers(queues.digests, [
      digest("minutely", "* * * * *"),
      digest("morning", "0 7 * * *", "Asia/Seoul"),
    ]);
    const schedulers = await queues.digests.getJobSchedulers(0, -1, true);
    const minutely = schedulers.find((s) => s.key === "digest:minutely");
    const morning = schedulers.find((s) => s.key === "digest:morning");
    expect(minutely?.pattern).toBe("* * * * *");
    expect((minutely?.next ?? 1) % 60_000).toBe(0);
    expect(morning?.tz).toBe("Asia/Seoul");
    // 07:00 in Seoul is 22:00 UTC.
    expect(new Date(morning?.next ?? 0).getUTCHours()).toBe(22);

    await syncDigestSchedulers(queues.digests, [digest("morning", "30 8 * * *", "Asia/Seoul")]);
    const updated = await queues.digests.getJobSchedulers(0, -1, true);
    expect(updated.map((s) => [s.key, s.pattern])).toEqual([["digest:morning", "30 8 * * *"]]);
    await syncDigestSchedulers(queues.digests, []);
  });

  it("adds the alerts sweep only while alerts are on and leaves other schedulers alone", async () => {
    await queues.digests.upsertJobScheduler(
      "someone-else",
      { every: 3_600_000 },
      { name: "other", data: { digest: "x" } },
    );
    await syncDigestSchedulers(queues.digests, [digest("morning", "0 7 * * *")], { alerts: true });
    expect(await schedulerIds()).toEqual(["alerts:sweep", "digest:morning", "someone-else"]);
    const { removed } = await syncDigestSchedulers(queues.digests, []);
    expect(removed.sort()).toEqual(["alerts:sweep", "digest:morning"]);
    expect(await schedulerIds()).toEqual(["someone-else"]);
    await queues.digests.removeJobScheduler("someone-else");
  });
});

describe("requestAlertRun", () => {
  it("keeps at most one alert run waiting however often it is asked", async () => {
    const quiet = createQueues(redis, `${prefix}-alerts`);
    try {
      await requestAlertRun(quiet.digests);
      await requestAlertRun(quiet.digests);
      await requestAlertRun(quiet.digests);
      const waiting = await quiet.digests.getWaiting();
      expect(waiting.map((j) => j.data)).toEqual([{ digest: ALERTS_JOB_DIGEST }]);
    } finally {
      await Promise.all([quiet.feeds.close(), quiet.articles.close(), quiet.digests.close()]);
      await deletePrefix(redis, `${prefix}-alerts`);
    }
  });
});
