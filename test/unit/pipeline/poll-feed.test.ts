import { describe, expect, it } from "vitest";
import { NewswatchError } from "../../../src/errors.js";
import type { Article, ConditionalState, FeedSpec, FetchOutcome, RawItem } from "../../../src/feeds/types.js";
import { type PollPorts, pollFeed } from "../../../src/pipeline/poll-feed.js";

// The poll job with small in-memory fakes of its ports and a fixed clock.

const feed: FeedSpec = {
  id: "f1",
  url: "https://example.test/rss",
  name: "Example",
  tags: [],
  intervalMs: 600_000,
  timeoutMs: 20_000,
  maxBytes: 1_000_000,
};
const T0 = new Date("2026-11-28T12:00:00Z");

function article(id: string, title = `Title ${id}`): Article {
  return {
    id,
    feedId: feed.id,
    source: feed.name,
    guid: id,
    url: `https://example.test/${id}`,
    canonicalUrl: `https://example.test/${id}`,
    title,
    text: `Text of ${id}`,
    summary: "",
    published: T0.toISOString(),
    firstSeen: T0.toISOString(),
    categories: [],
    media: [],
  };
}

function fakePorts(outcome: FetchOutcome | Error, items: RawItem[] = []) {
  const calls = {
    enqueued: [] as Article[][],
    marked: [] as Article[],
    failures: 0,
    successes: [] as string[],
    backoff: undefined as Date | undefined,
    conditional: {} as ConditionalState,
    order: [] as string[],
  };
  const seen = new Set<string>();
  const ports: PollPorts = {
    fetchFeed: async () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    decode: (body) => body.toString("utf8"),
    parse: async () => ({ items }),
    normalise: (raw) => (raw.title ? article(raw.guid ?? "", raw.title) : null),
    state: {
      getConditional: async () => calls.conditional,
      setConditional: async (_id, s) => {
        calls.conditional = s;
      },
      backoffUntil: async () => calls.backoff,
      setBackoffUntil: async (_id, until) => {
        calls.backoff = until;
      },
      setNextPoll: async () => {},
      recordSuccess: async (_id, r) => {
        calls.successes.push(r.status);
      },
      recordFailure: async () => ++calls.failures,
    },
    seen: {
      filterUnseen: async (articles) => ({
        fresh: articles.filter((a) => !seen.has(a.id)),
        changed: [],
        unchanged: articles.filter((a) => seen.has(a.id)).length,
      }),
      markSeen: async (articles) => {
        calls.order.push("mark");
        for (const a of articles) seen.add(a.id);
        calls.marked.push(...articles);
      },
    },
    enqueue: async (_feedId, chunks) => {
      calls.order.push("enqueue");
      calls.enqueued.push(...chunks);
      return chunks.map((_, i) => `job-${i}`);
    },
    nextDelayMs: (f, failures, retryAfterMs) =>
      Math.max(f.intervalMs * 2 ** Math.max(0, failures - 1), retryAfterMs ?? 0),
    now: () => T0,
  };
  return { ports, calls };
}

const ok = (body = "<rss/>"): FetchOutcome => ({
  kind: "ok",
  finalUrl: feed.url,
  status: 200,
  body: Buffer.from(body),
  contentType: "application/rss+xml",
  etag: '"v1"',
  lastModified: undefined,
});

describe("pollFeed", () => {
  it("queues new items in chunks before marking them seen, and keeps the validators", async () => {
    const items: RawItem[] = Array.from({ length: 230 }, (_, i) => ({
      guid: `g${i}`,
      title: `T${i}`,
      categories: [],
      media: [],
    }));
    const { ports, calls } = fakePorts(ok(), items);
    const result = await pollFeed(feed, ports);
    expect(result.status).toBe("ok");
    expect(result.items).toBe(230);
    expect(result.newArticles).toBe(230);
    expect(calls.enqueued.map((c) => c.length)).toEqual([100, 100, 30]);
    expect(calls.order).toEqual(["enqueue", "mark"]);
    expect(calls.conditional).toEqual({ url: feed.url, etag: '"v1"', lastModified: undefined });
    expect(calls.successes).toEqual(["ok"]);
  });

  it("passes on nothing for items already seen", async () => {
    const items: RawItem[] = [{ guid: "a", title: "A", categories: [], media: [] }];
    const { ports, calls } = fakePorts(ok(), items);
    await pollFeed(feed, ports);
    const second = await pollFeed(feed, ports);
    expect(second.newArticles).toBe(0);
    expect(second.chunkJobIds).toEqual([]);
    expect(calls.enqueued).toHaveLength(1);
  });

  it("drops items that normalise to nothing", async () => {
    const { ports } = fakePorts(ok(), [
      { categories: [], media: [] },
      { guid: "x", title: "X", categories: [], media: [] },
    ]);
    const result = await pollFeed(feed, ports);
    expect(result.items).toBe(2);
    expect(result.newArticles).toBe(1);
  });

  it("reports 304 as not modified and emits nothing", async () => {
    const { ports, calls } = fakePorts({
      kind: "not-modified",
      finalUrl: feed.url,
      etag: '"v1"',
      lastModified: undefined,
    });
    const result = await pollFeed(feed, ports);
    expect(result.status).toBe("not-modified");
    expect(calls.enqueued).toHaveLength(0);
    expect(calls.successes).toEqual(["not-modified"]);
  });

  it("records a feed failure as an outcome, backs off, and skips the feed until then", async () => {
    const { ports, calls } = fakePorts(
      new NewswatchError("NW_FEED_RATE_LIMITED", "https://example.test/rss: HTTP 429", {
        retryable: true,
        retryAfterMs: 3_600_000,
      }),
    );
    const result = await pollFeed(feed, ports);
    expect(result.status).toBe("failed");
    expect(result.error).toEqual({
      code: "NW_FEED_RATE_LIMITED",
      message: "https://example.test/rss: HTTP 429",
      retryable: true,
    });
    expect(result.failuresInRow).toBe(1);
    // Retry-After (1 h) outweighs the 10-minute interval.
    expect(calls.backoff?.toISOString()).toBe(new Date(T0.getTime() + 3_600_000).toISOString());
    const skipped = await pollFeed(feed, ports);
    expect(skipped.status).toBe("skipped");
    // `run --once` polls anyway.
    const forced = await pollFeed(feed, ports, { force: true });
    expect(forced.status).toBe("failed");
    expect(forced.failuresInRow).toBe(2);
  });

  it("lets infrastructure errors escape so the job is retried", async () => {
    const { ports } = fakePorts(
      new NewswatchError("NW_REDIS_UNREACHABLE", "cannot reach Redis", { retryable: true }),
    );
    await expect(pollFeed(feed, ports)).rejects.toThrow("cannot reach Redis");
  });

  it("clears the backoff after a success", async () => {
    const { ports, calls } = fakePorts(ok(), []);
    calls.backoff = new Date(T0.getTime() - 1000);
    await pollFeed(feed, ports);
    expect(calls.backoff).toBeUndefined();
  });
});
