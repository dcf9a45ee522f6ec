import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { PollResult } from "../../../src/pipeline/poll-feed.js";
import { buildServer, type ServerDeps } from "../../../src/server/build-server.js";
import { createMetrics } from "../../../src/server/metrics.js";
import type { MatchFilter, MatchRow } from "../../../src/store/types.js";

// The server built but not listening: requests go through `inject`, the ports are small in-memory fakes.

const logger = pino({ level: "silent" });

function row(i: number): MatchRow {
  return {
    topic: "t",
    story: `s${i}`,
    title: `title ${i}`,
    url: `http://x.test/${i}`,
    source: "x",
    published: "2026-11-28T00:00:00.000Z",
    first_seen: "2026-11-28T00:00:00.000Z",
    score: 1,
    matched: ["x"],
    copies: [],
  };
}

function deps(overrides: Partial<ServerDeps> = {}): ServerDeps & { filters: MatchFilter[] } {
  const filters: MatchFilter[] = [];
  const rows = Array.from({ length: 7 }, (_, i) => row(i));
  return {
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    readiness: [
      { name: "redis", check: async () => "PONG" },
      { name: "store", check: async () => [] },
    ],
    readinessTimeoutMs: 100,
    topics: () => ({
      topics: [{ id: "t", name: "T", query: "x", alert: "digest", minScore: 0 }],
      aliases: {},
    }),
    feeds: async () => [],
    listMatches: async (filter) => {
      filters.push(filter);
      const offset = filter.offset ?? 0;
      return rows.slice(offset, offset + (filter.limit ?? rows.length));
    },
    filters,
    ...overrides,
  };
}

describe("readiness", () => {
  it("names each failing dependency, including one that does not answer in time", async () => {
    const app = await buildServer(
      deps({
        readiness: [
          { name: "redis", check: () => new Promise(() => {}) },
          { name: "store", check: async () => Promise.reject(new Error("database is locked")) },
        ],
      }),
    );
    const res = await app.inject({ url: "/readyz" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: "unavailable",
      failing: ["redis", "store"],
      checks: { redis: "no answer within 100 ms", store: "database is locked" },
    });
    await app.close();
  });
});

describe("/api/matches", () => {
  it("asks the store for one row more than the page and links to the next page", async () => {
    const d = deps();
    const app = await buildServer(d);
    const first = (await app.inject({ url: "/api/matches?limit=3&topic=t" })).json() as {
      matches: MatchRow[];
      next: string;
    };
    expect(first.matches.map((m) => m.story)).toEqual(["s0", "s1", "s2"]);
    expect(d.filters[0]).toMatchObject({ topic: "t", limit: 4, offset: 0 });
    expect(first.next).toBe("/api/matches?topic=t&limit=3&offset=3");
    const last = (await app.inject({ url: "/api/matches?limit=3&topic=t&offset=6" })).json() as {
      matches: MatchRow[];
      next: string | null;
    };
    expect(last.matches.map((m) => m.story)).toEqual(["s6"]);
    expect(last.next).toBeNull();
    await app.close();
  });

  it("caps the page size", async () => {
    const d = deps();
    const app = await buildServer(d);
    await app.inject({ url: "/api/matches?limit=100000" });
    expect(d.filters[0]?.limit).toBe(501);
    await app.close();
  });

  it("is open without a configured token (loopback use)", async () => {
    const app = await buildServer(deps());
    expect((await app.inject({ url: "/api/topics" })).statusCode).toBe(200);
    await app.close();
  });
});

describe("metrics", () => {
  const poll = (status: PollResult["status"], items: number, durationMs: number): PollResult => ({
    feedId: "f",
    feedName: "F",
    url: "http://f.test/",
    status,
    items,
    newArticles: items,
    updatedArticles: 0,
    chunkJobIds: [],
    durationMs,
  });

  it("counts polls, items, new articles, duplicates and matches from the job results", async () => {
    const metrics = createMetrics({
      defaultMetrics: false,
      queueDepths: async () => ({ feeds: { waiting: 2, active: 1, delayed: 5, failed: 3 } }),
    });
    metrics.recordPoll(poll("ok", 4, 1500));
    metrics.recordPoll(poll("failed", 0, 200));
    metrics.recordPoll(poll("skipped", 0, 0));
    metrics.recordChunk({
      articles: 4,
      newArticles: 3,
      updatedArticles: 1,
      newStories: 2,
      duplicates: { sameArticle: 1, nearDuplicate: 1 },
      newMatches: [
        { topicId: "a", storyId: "s1", articleId: "x", score: 1, title: "", source: "", url: "" },
        { topicId: "a", storyId: "s2", articleId: "y", score: 1, title: "", source: "", url: "" },
        { topicId: "b", storyId: "s1", articleId: "x", score: 1, title: "", source: "", url: "" },
      ],
    });
    metrics.recordJobFailure("articles");
    metrics.recordDelivery("slack", "ok");
    const text = await metrics.registry.metrics();
    for (const line of [
      'newswatch_polls_total{result="ok"} 1',
      'newswatch_polls_total{result="failed"} 1',
      'newswatch_polls_total{result="skipped"} 1',
      'newswatch_fetch_duration_seconds_bucket{le="2.5",result="ok"} 1',
      'newswatch_fetch_duration_seconds_bucket{le="1",result="ok"} 0',
      'newswatch_fetch_duration_seconds_count{result="failed"} 1',
      "newswatch_items_seen_total 4",
      "newswatch_new_articles_total 3",
      'newswatch_duplicates_total{kind="same-article"} 1',
      'newswatch_duplicates_total{kind="near-duplicate"} 1',
      'newswatch_matches_total{topic="a"} 2',
      'newswatch_matches_total{topic="b"} 1',
      'newswatch_job_failures_total{queue="articles"} 1',
      'newswatch_digest_deliveries_total{channel="slack",result="ok"} 1',
      'newswatch_queue_jobs{queue="feeds",state="delayed"} 5',
      'newswatch_queue_jobs{queue="feeds",state="failed"} 3',
    ]) {
      expect(text.split("\n"), line).toContain(line);
    }
    expect(text).not.toContain('newswatch_fetch_duration_seconds_count{result="skipped"}');
  });
});
