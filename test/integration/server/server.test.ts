import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { createLogger } from "../../../src/log.js";
import { validateQuery } from "../../../src/match/validate.js";
import { type RunningService, runService } from "../../../src/service/run-service.js";
import type { MatchRow } from "../../../src/store/types.js";
import { runCli } from "../../helpers/cli.js";
import { eventually, FeedServer, makeItems, rssOf } from "./fixture-feeds.js";
import { type Exposition, parseExposition, sampleValue } from "./prometheus-text.js";
import { ThrowawayRedis } from "./throwaway-redis.js";

// The service's HTTP server, listening on a real port, over its own Redis (stopped and restarted to see
// readiness follow it), a SQLite store and local HTTP feeds.

const TOKEN = "test-token-7f3a";
const workDir = mkdtempSync(path.join(os.tmpdir(), "nwtest-server-"));
const prefix = `nwtest-server-${Math.random().toString(36).slice(2, 8)}`;
let redis: ThrowawayRedis;
let feeds: FeedServer;
let service: RunningService;
let metricsBefore: Exposition;

function get(pathname: string, token?: string): Promise<Response> {
  return fetch(`${service.url}${pathname}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function scrape(): Promise<Exposition> {
  const res = await get("/metrics");
  expect(res.headers.get("content-type")).toContain("text/plain");
  return parseExposition(await res.text());
}

function writeConfig(file: string, server: string): void {
  writeFileSync(
    file,
    `redis: { url: "${redis.url}", prefix: ${prefix} }
store: { url: "sqlite:${path.join(workDir, "store.db")}" }
server: ${server}
feeds:
  defaults: { interval: 24h }   # the scheduler's first poll falls outside the test: only the test polls
  list:
    - { url: "${feeds.base}/desk.rss", name: Test Desk, tags: [world, test] }
topics:
  - { id: sanctions, name: Sanctions, query: "sanction*" }
  - { id: missiles, name: Missiles, query: "missile*" }
`,
  );
}

beforeAll(async () => {
  redis = await ThrowawayRedis.start();
  feeds = new FeedServer();
  await feeds.start();
  feeds.documents.set(
    "/desk.rss",
    rssOf("Test Desk", [
      ...makeItems("sanctions", 7, 1, feeds.base),
      ...makeItems("missiles", 3, 2, feeds.base),
    ]),
  );
  const configFile = path.join(workDir, "newswatch.yaml");
  writeConfig(configFile, `{ host: 127.0.0.1, port: 0, token: ${TOKEN} }`);
  const config = await loadConfig(configFile, { env: {}, checkQuery: validateQuery });
  service = await runService(config, createLogger({ level: "silent" }), {
    roles: ["poller", "processor", "digester"],
    watchConfig: false,
  });
  metricsBefore = await scrape();
  const feedId = config.feeds.list[0]?.id ?? "";
  await service.runtime.queues.feeds.add("poll", { feedId, force: true });
  await eventually(
    () => service.runtime.store.listMatches({}),
    (rows) => rows.length === 10,
    "ten stored matches",
  );
  // The job function counts its results after the store write: wait for the chunk job to be completed.
  await eventually(
    () => service.runtime.queues.articles.getJobCounts("completed", "active", "waiting"),
    (c) => c.completed === 1 && c.active === 0 && c.waiting === 0,
    "the chunk job to complete",
  );
}, 60_000);

afterAll(async () => {
  await service?.stop(2000);
  await feeds?.close();
  await redis?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe("health and readiness", () => {
  it("answers /healthz while the process is alive", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("is ready when Redis and the store answer", async () => {
    const res = await get("/readyz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ready", checks: { redis: "ok", store: "ok" } });
  });
});

describe("metrics", () => {
  it("exposes every newswatch metric with its help and type, plus the default process metrics", async () => {
    const m = await scrape();
    const expected: Record<string, string> = {
      newswatch_polls_total: "counter",
      newswatch_fetch_duration_seconds: "histogram",
      newswatch_items_seen_total: "counter",
      newswatch_new_articles_total: "counter",
      newswatch_duplicates_total: "counter",
      newswatch_matches_total: "counter",
      newswatch_queue_jobs: "gauge",
      newswatch_job_failures_total: "counter",
      newswatch_digest_deliveries_total: "counter",
    };
    for (const [name, type] of Object.entries(expected)) {
      expect(m.types.get(name), name).toBe(type);
      expect(m.help.get(name)?.length ?? 0, name).toBeGreaterThan(0);
    }
    expect(
      m.samples.some(
        (s) =>
          s.name === "newswatch_process_resident_memory_bytes" ||
          s.name === "newswatch_nodejs_heap_size_used_bytes",
      ),
    ).toBe(true);
    for (const queue of ["feeds", "articles", "digests"]) {
      for (const state of ["waiting", "active", "delayed", "failed"]) {
        expect(
          sampleValue(m, "newswatch_queue_jobs", { queue, state }),
          `${queue} ${state}`,
        ).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("moves the counters after a poll and its chunks", async () => {
    const m = await scrape();
    expect(sampleValue(metricsBefore, "newswatch_polls_total", { result: "ok" })).toBe(0);
    expect(sampleValue(m, "newswatch_polls_total", { result: "ok" })).toBe(1);
    expect(sampleValue(m, "newswatch_fetch_duration_seconds_count", { result: "ok" })).toBe(1);
    expect(sampleValue(metricsBefore, "newswatch_items_seen_total")).toBe(0);
    expect(sampleValue(m, "newswatch_items_seen_total")).toBe(10);
    expect(sampleValue(m, "newswatch_new_articles_total")).toBe(10);
    expect(sampleValue(m, "newswatch_matches_total", { topic: "sanctions" })).toBe(7);
    expect(sampleValue(m, "newswatch_matches_total", { topic: "missiles" })).toBe(3);
    expect(sampleValue(metricsBefore, "newswatch_matches_total", { topic: "sanctions" })).toBeUndefined();
  });
});

describe("access", () => {
  it("refuses the API and the dashboard without the token, or with a wrong one", async () => {
    for (const p of ["/api/topics", "/api/feeds", "/api/matches", "/queues", "/queues/api/queues"]) {
      const res = await get(p);
      expect(res.status, p).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain(p.startsWith("/api") ? "Bearer" : "Basic");
      expect((await get(p, "wrong-token")).status, p).toBe(401);
    }
  });

  it("serves the dashboard with the token", async () => {
    const res = await get("/queues", TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const api = await get("/queues/api/queues", TOKEN);
    expect(api.status).toBe(200);
    const names = ((await api.json()) as { queues: Array<{ name: string }> }).queues
      .map((q) => q.name)
      .sort();
    expect(names).toEqual(["articles", "digests", "feeds"]);
  });

  it("lets a browser in with the token as Basic password, and not with another", async () => {
    const basic = (password: string) => ({
      authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`,
    });
    expect((await fetch(`${service.url}/queues`, { headers: basic(TOKEN) })).status).toBe(200);
    expect((await fetch(`${service.url}/queues`, { headers: basic("guess") })).status).toBe(401);
  });

  it("cannot be bypassed by encoding the path", async () => {
    expect((await get("/%61pi/topics")).status).toBe(401);
    expect((await get("/api/topics/")).status).not.toBe(200);
  });

  it("keeps health, readiness and metrics open", async () => {
    for (const p of ["/healthz", "/readyz", "/metrics"]) expect((await get(p)).status, p).toBe(200);
  });

  it("refuses to start on 0.0.0.0 without a token, with a clear message", async () => {
    const file = path.join(workDir, "public.yaml");
    writeConfig(file, "{ host: 0.0.0.0, port: 0 }");
    const result = await runCli(["run", "--config", file, "--role", "processor"], {
      env: { NEWSWATCH_TOKEN: "" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("refusing to serve");
    expect(result.stderr).toContain("0.0.0.0");
    expect(result.stderr).toContain("server.token");
  }, 60_000);
});

describe("JSON API", () => {
  it("lists the topics in force", async () => {
    const body = (await (await get("/api/topics", TOKEN)).json()) as {
      topics: Array<{ id: string; query: string }>;
    };
    expect(body.topics.map((t) => [t.id, t.query])).toEqual([
      ["sanctions", "sanction*"],
      ["missiles", "missile*"],
    ]);
  });

  it("lists the feeds with their health", async () => {
    const body = (await (await get("/api/feeds", TOKEN)).json()) as { feeds: Array<Record<string, unknown>> };
    expect(body.feeds).toHaveLength(1);
    expect(body.feeds[0]).toMatchObject({
      name: "Test Desk",
      url: `${feeds.base}/desk.rss`,
      tags: ["world", "test"],
      status: "ok",
      failuresInRow: 0,
      newArticlesLast24h: 10,
    });
    expect(typeof body.feeds[0]?.lastSuccessAt).toBe("string");
  });

  it("pages through every match with next links, in the store's order", async () => {
    const all = await service.runtime.store.listMatches({});
    let next: string | null = "/api/matches?limit=3";
    const seen: MatchRow[] = [];
    let pages = 0;
    while (next) {
      const body = (await (await get(next, TOKEN)).json()) as { matches: MatchRow[]; next: string | null };
      expect(body.matches.length).toBeLessThanOrEqual(3);
      seen.push(...body.matches);
      next = body.next;
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen.map((m) => `${m.topic}/${m.story}`)).toEqual(all.map((m) => `${m.topic}/${m.story}`));
    expect(seen[0]).toMatchObject({
      topic: expect.any(String),
      title: expect.any(String),
      copies: expect.any(Array),
    });
  });

  it("filters by topic and keeps the filter in the next link", async () => {
    const first = (await (await get("/api/matches?topic=sanctions&limit=5", TOKEN)).json()) as {
      matches: MatchRow[];
      next: string;
    };
    expect(first.matches).toHaveLength(5);
    expect(new URLSearchParams(first.next.split("?")[1]).get("topic")).toBe("sanctions");
    const second = (await (await get(first.next, TOKEN)).json()) as {
      matches: MatchRow[];
      next: string | null;
    };
    expect(second.matches).toHaveLength(2);
    expect(second.next).toBeNull();
    expect([...first.matches, ...second.matches].every((m) => m.topic === "sanctions")).toBe(true);
  });

  it("filters by time", async () => {
    const all = await service.runtime.store.listMatches({});
    const firstSeen = all.map((m) => Date.parse(m.first_seen));
    const earliest = new Date(Math.min(...firstSeen)).toISOString();
    const afterAll = new Date(Math.max(...firstSeen) + 1000).toISOString();
    const since = (await (await get(`/api/matches?since=${encodeURIComponent(afterAll)}`, TOKEN)).json()) as {
      matches: MatchRow[];
    };
    expect(since.matches).toEqual([]);
    const until = (await (await get(`/api/matches?until=${encodeURIComponent(earliest)}`, TOKEN)).json()) as {
      matches: MatchRow[];
    };
    expect(until.matches).toEqual([]);
    const window = (await (
      await get(
        `/api/matches?since=${encodeURIComponent(earliest)}&until=${encodeURIComponent(afterAll)}&limit=100`,
        TOKEN,
      )
    ).json()) as { matches: MatchRow[] };
    expect(window.matches).toHaveLength(10);
  });

  it("answers 400 to a bad filter", async () => {
    for (const q of ["since=yesterday", "limit=0", "limit=ten", "offset=-1"]) {
      const res = await get(`/api/matches?${q}`, TOKEN);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { message: string }).message.length).toBeGreaterThan(0);
    }
  });
});

describe("readiness follows Redis", () => {
  it("turns 503 naming redis when Redis stops, and 200 again when it returns", async () => {
    await redis.stop();
    const down = await eventually(
      async () => {
        const res = await get("/readyz");
        return {
          status: res.status,
          body: (await res.json()) as { failing?: string[]; checks?: Record<string, string> },
        };
      },
      (r) => r.status === 503,
      "readiness to fail",
    );
    expect(down.body.failing).toEqual(["redis"]);
    expect(down.body.checks?.store).toBe("ok");
    expect((await get("/healthz")).status).toBe(200);
    await redis.start();
    const up = await eventually(
      () => get("/readyz").then((r) => r.status),
      (s) => s === 200,
      "readiness to recover",
    );
    expect(up).toBe(200);
  }, 60_000);
});
