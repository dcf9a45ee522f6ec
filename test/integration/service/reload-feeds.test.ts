import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { createLogger } from "../../../src/log.js";
import { validateQuery } from "../../../src/match/validate.js";
import { feedSchedulerId } from "../../../src/queue/feed-schedulers.js";
import { type RunningService, runService } from "../../../src/service/run-service.js";
import { eventually } from "../server/fixture-feeds.js";

// A running service reloads its configuration on request (what SIGHUP does): feeds added to the list get a
// job scheduler, feeds removed lose theirs, and the new topics are in force. An invalid file changes nothing.

const prefix = `nwtest-reloadfeeds-${Math.random().toString(36).slice(2, 8)}`;
const workDir = mkdtempSync(path.join(os.tmpdir(), "nwtest-reloadfeeds-"));
const mainFile = path.join(workDir, "newswatch.yaml");
let service: RunningService;
let redis: Redis;

function writeConfig(feedNames: string[], query = "sanction*"): void {
  writeFileSync(
    mainFile,
    `redis: { url: "redis://127.0.0.1:6379", prefix: ${prefix} }
store: { url: "sqlite:${path.join(workDir, "store.db")}" }
feeds:
  defaults: { interval: 1h }
  list:
${feedNames.map((n) => `    - { id: ${n}, url: "http://127.0.0.1:9/${n}.rss", name: ${n} }`).join("\n")}
topics:
  - { id: watch, name: Watch, query: '${query}' }
`,
  );
}

async function schedulerIds(): Promise<string[]> {
  const schedulers = await service.runtime.queues.feeds.getJobSchedulers(0, 100, true);
  return schedulers.map((s) => s.key).sort();
}

beforeAll(async () => {
  redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  writeConfig(["alpha", "beta"]);
  const config = await loadConfig(mainFile, { env: {}, checkQuery: validateQuery });
  service = await runService(config, createLogger({ level: "silent" }), {
    roles: ["poller"],
    server: false,
    watchConfig: false,
    schedulerLeaseMs: 1000,
  });
});

afterAll(async () => {
  await service?.stop(2000);
  const keys = await redis.keys(`{${prefix}}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  rmSync(workDir, { recursive: true, force: true });
});

describe("reloading the feed list", () => {
  it("starts with one scheduler per feed", async () => {
    await eventually(schedulerIds, (ids) => ids.length === 2, "the schedulers");
    expect(await schedulerIds()).toEqual([feedSchedulerId("alpha"), feedSchedulerId("beta")].sort());
  });

  it("adds and removes schedulers and puts the new topics in force on reload", async () => {
    writeConfig(["beta", "gamma"], "tariff*");
    await service.reload("SIGHUP");
    expect(await schedulerIds()).toEqual([feedSchedulerId("beta"), feedSchedulerId("gamma")].sort());
    expect([...service.runtime.feedsById.keys()].sort()).toEqual(["beta", "gamma"]);
    expect(service.runtime.config.topics[0]?.query).toBe("tariff*");
    const input = {
      id: "1",
      title: "New tariffs",
      text: "",
      url: "http://x.test/1",
      source: "x",
      published: "2026-11-28T00:00:00Z",
    };
    expect(service.runtime.matcher.matchArticle(input).map((m) => m.topicId)).toEqual(["watch"]);
  });

  it("keeps everything as it was when the edited file is invalid", async () => {
    writeFileSync(mainFile, "feeds:\n  list:\n    - { name: no url }\n");
    await service.reload("SIGHUP");
    expect(await schedulerIds()).toEqual([feedSchedulerId("beta"), feedSchedulerId("gamma")].sort());
    expect(service.runtime.config.topics[0]?.query).toBe("tariff*");
  });
});
