import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import type { NewswatchConfig } from "../../../src/config/types.js";
import type { Matcher } from "../../../src/match/matcher.js";
import { validateQuery } from "../../../src/match/validate.js";
import {
  type LiveConfig,
  type LiveSettings,
  liveConfigKey,
  startLiveConfig,
} from "../../../src/service/reload.js";
import { eventually } from "../server/fixture-feeds.js";

// Live topic edits between processes: the one that sees its file change publishes the validated settings
// through Redis, the others put them in force without reading any file; an invalid edit changes nothing.

const prefix = `nwtest-live-${Math.random().toString(36).slice(2, 8)}`;
const workDir = mkdtempSync(path.join(os.tmpdir(), "nwtest-live-"));
const mainFile = path.join(workDir, "newswatch.yaml");
const topicsFile = path.join(workDir, "topics.yaml");
let redis: Redis;
const started: LiveConfig[] = [];

function topicsYaml(query: string, extraFeed = ""): string {
  return `aliases:
  dprk: ["North Korea*", Pyongyang]
topics:
  - id: watch
    name: Watched
    query: '${query}'
feeds:
  list:
    - { url: "http://feeds.test/a.rss", name: A }
${extraFeed}`;
}

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: "info" },
    { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  return { logger, lines };
}

interface Process {
  live: LiveConfig;
  applied: Array<{ settings: LiveSettings; matcher: Matcher }>;
  lines: Array<Record<string, unknown>>;
}

async function startProcess(config: NewswatchConfig, watch: boolean): Promise<Process> {
  const { logger, lines } = capture();
  const applied: Process["applied"] = [];
  const live = await startLiveConfig({
    redis,
    prefix,
    logger,
    initial: config,
    watch,
    debounceMs: 100,
    loadConfig: () => loadConfig(mainFile, { env: {}, checkQuery: validateQuery }),
    apply: (settings, matcher) => void applied.push({ settings, matcher }),
  });
  started.push(live);
  return { live, applied, lines };
}

const article = (title: string) => ({
  id: title,
  title,
  text: "",
  url: "http://x.test/",
  source: "x",
  published: "2026-11-28T00:00:00Z",
});

beforeAll(() => {
  redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  writeFileSync(
    mainFile,
    `include: [topics.yaml]\nredis: { url: "redis://127.0.0.1:6379", prefix: ${prefix} }\n`,
  );
  writeFileSync(topicsFile, topicsYaml("@dprk"));
});

afterAll(async () => {
  await Promise.all(started.map((l) => l.close()));
  const keys = await redis.keys(`{${prefix}}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  rmSync(workDir, { recursive: true, force: true });
});

describe("live configuration", () => {
  let a: Process;
  let b: Process;

  it("publishes the starting settings once", async () => {
    const config = await loadConfig(mainFile, { env: {}, checkQuery: validateQuery });
    a = await startProcess(config, true);
    b = await startProcess(config, false);
    expect(a.live.current().version).toBe(1);
    expect(b.live.current().version).toBe(1);
    expect(await redis.hget(liveConfigKey(prefix), "version")).toBe("1");
  });

  it("puts a valid edit in force in the editing process and, through Redis, in the other", async () => {
    // Saved the way many editors save: a new file renamed over the old one.
    const temp = `${topicsFile}.tmp`;
    writeFileSync(temp, topicsYaml("Lavrov", '    - { url: "http://feeds.test/b.rss", name: B }\n'));
    renameSync(temp, topicsFile);
    for (const p of [a, b]) {
      const last = await eventually(
        async () => p.applied.at(-1),
        (x) => x !== undefined,
        "the edit to arrive",
      );
      expect(last?.settings.topics[0]?.query).toBe("Lavrov");
      expect(last?.settings.feeds.map((f) => f.name)).toEqual(["A", "B"]);
      expect(last?.matcher.matchArticle(article("Lavrov visits Pyongyang")).map((m) => m.topicId)).toEqual([
        "watch",
      ]);
      expect(last?.matcher.matchArticle(article("Talks in Pyongyang"))).toEqual([]);
      expect(p.live.current().version).toBe(2);
    }
    expect(b.lines.some((l) => l.msg === "topics reloaded" && l.source === "redis")).toBe(true);
  });

  it("logs an invalid edit with file:line:col and keeps the previous topics", async () => {
    writeFileSync(topicsFile, topicsYaml("Lavrov AND (@nosuchalias"));
    const problem = await eventually(
      async () =>
        a.lines.find((l) => l.msg === "configuration edit is invalid; the previous topics stay in force"),
      (x) => x !== undefined,
      "the invalid edit to be reported",
    );
    const problems = problem?.problems as string[];
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems)
      expect(p).toMatch(new RegExp(`^${topicsFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: `));
    expect(a.applied).toHaveLength(1);
    expect(b.applied).toHaveLength(1);
    expect(a.live.current().settings.topics[0]?.query).toBe("Lavrov");
    expect(await redis.hget(liveConfigKey(prefix), "version")).toBe("2");
  });

  it("reloads on request (SIGHUP) once the file is valid again", async () => {
    writeFileSync(topicsFile, topicsYaml("sanction*"));
    await a.live.reload("SIGHUP");
    expect(a.live.current().settings.topics[0]?.query).toBe("sanction*");
    await eventually(
      async () => b.live.current().settings.topics[0]?.query,
      (q) => q === "sanction*",
      "the other process to follow",
    );
  });

  it("a late joiner whose files are older than the shared settings adopts the shared ones", async () => {
    // The running processes stop watching first: this edit plays an old copy of the files on another host.
    await Promise.all([a.live.close(), b.live.close()]);
    writeFileSync(topicsFile, topicsYaml("@dprk"));
    const old = new Date(Date.now() - 3600_000);
    utimesSync(topicsFile, old, old);
    utimesSync(mainFile, old, old);
    const stale = await loadConfig(mainFile, { env: {}, checkQuery: validateQuery });
    const c = await startProcess(stale, false);
    expect(c.live.current().settings.topics[0]?.query).toBe("sanction*");
    expect(c.applied.at(-1)?.settings.topics[0]?.query).toBe("sanction*");
  });
});
