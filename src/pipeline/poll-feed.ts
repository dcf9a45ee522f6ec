import { type ErrorCode, errorMessage, isNewswatchError } from "../errors.js";
import type { Article, ConditionalState, FeedSpec, FetchOutcome, RawItem } from "../feeds/types.js";
import { chunkArticles } from "./chunks.js";

// Glue of the poll stage: fetch → decode → parse → normalise → seen-set → chunks on the articles queue.
// Every port comes in as a parameter, so the job is testable with small fakes and a fixed clock.

export interface PollPorts {
  fetchFeed(
    url: string,
    conditional: ConditionalState,
    options: { timeoutMs: number; maxBytes: number },
  ): Promise<FetchOutcome>;
  decode(body: Buffer, contentType: string | undefined): string;
  parse(xml: string, feedUrl: string): Promise<{ items: RawItem[] }>;
  normalise(raw: RawItem, feed: { id: string; name: string; url: string }, now: Date): Article | null;
  state: {
    getConditional(feedId: string): Promise<ConditionalState>;
    setConditional(feedId: string, state: ConditionalState): Promise<void>;
    /** Until when a failing feed backs off (undefined: not backing off). */
    backoffUntil(feedId: string): Promise<Date | undefined>;
    setBackoffUntil(feedId: string, until: Date | undefined): Promise<void>;
    /** For `newswatch feeds`: when the next poll is expected. */
    setNextPoll(feedId: string, at: Date): Promise<void>;
    recordSuccess(
      feedId: string,
      r: { at: Date; items: number; newArticles: number; status: "ok" | "not-modified" },
    ): Promise<void>;
    recordFailure(feedId: string, r: { at: Date; error: { code: string; message: string } }): Promise<number>;
  };
  seen: {
    filterUnseen(articles: Article[]): Promise<{ fresh: Article[]; changed: Article[]; unchanged: number }>;
    markSeen(articles: Article[]): Promise<void>;
  };
  /** Queue the chunks; returns their job ids. */
  enqueue(feedId: string, chunks: Article[][]): Promise<string[]>;
  /** Delay until the next poll, given the failures in a row and any Retry-After. */
  nextDelayMs(feed: FeedSpec, failuresInRow: number, retryAfterMs: number | undefined): number;
  now(): Date;
}

export type PollStatus = "ok" | "not-modified" | "failed" | "skipped";

export interface PollResult {
  feedId: string;
  feedName: string;
  url: string;
  status: PollStatus;
  /** Items in the feed document. */
  items: number;
  /** Items never seen before, passed on as new articles. */
  newArticles: number;
  /** Items seen before whose headline or text changed, passed on as updates. */
  updatedArticles: number;
  chunkJobIds: string[];
  error?: { code: ErrorCode | "NW_INTERNAL"; message: string; retryable: boolean };
  failuresInRow?: number;
  nextPollAt?: string;
  durationMs: number;
}

function isInfrastructureError(err: unknown): boolean {
  // Our own Redis or queue failing is not the feed's fault: let the job retry instead of blaming the feed.
  return isNewswatchError(err)
    ? err.code === "NW_REDIS_UNREACHABLE"
    : /Connection is closed|ECONNREFUSED 127|MaxRetriesPerRequest/.test(errorMessage(err));
}

export async function pollFeed(
  feed: FeedSpec,
  ports: PollPorts,
  options: { force?: boolean } = {},
): Promise<PollResult> {
  const started = ports.now();
  const base = {
    feedId: feed.id,
    feedName: feed.name,
    url: feed.url,
    items: 0,
    newArticles: 0,
    updatedArticles: 0,
    chunkJobIds: [] as string[],
  };
  const elapsed = () => ports.now().getTime() - started.getTime();

  if (!options.force) {
    const next = await ports.state.backoffUntil(feed.id);
    // A feed that is backing off (failures, Retry-After) is skipped until its time comes. The tolerance keeps
    // a scheduler tick that fires a moment early from costing a whole extra interval.
    if (next && next.getTime() > started.getTime() + feed.intervalMs * 0.1) {
      return { ...base, status: "skipped", nextPollAt: next.toISOString(), durationMs: elapsed() };
    }
  }

  let outcome: FetchOutcome;
  let articles: Article[];
  let itemCount = 0;
  try {
    const conditional = await ports.state.getConditional(feed.id);
    outcome = await ports.fetchFeed(feed.url, conditional, {
      timeoutMs: feed.timeoutMs,
      maxBytes: feed.maxBytes,
    });
    if (outcome.kind === "not-modified") {
      await ports.state.recordSuccess(feed.id, {
        at: ports.now(),
        items: 0,
        newArticles: 0,
        status: "not-modified",
      });
      await ports.state.setBackoffUntil(feed.id, undefined);
      const nextPollAt = new Date(ports.now().getTime() + feed.intervalMs);
      await ports.state.setNextPoll(feed.id, nextPollAt);
      return { ...base, status: "not-modified", nextPollAt: nextPollAt.toISOString(), durationMs: elapsed() };
    }
    const text = ports.decode(outcome.body, outcome.contentType);
    const parsed = await ports.parse(text, outcome.finalUrl);
    itemCount = parsed.items.length;
    const firstSeen = ports.now();
    articles = [];
    for (const raw of parsed.items) {
      const article = ports.normalise(
        raw,
        { id: feed.id, name: feed.name, url: outcome.finalUrl },
        firstSeen,
      );
      if (article) articles.push(article);
    }
  } catch (err) {
    if (isInfrastructureError(err)) throw err;
    const error = isNewswatchError(err)
      ? { code: err.code, message: err.message, retryable: err.retryable }
      : { code: "NW_INTERNAL" as const, message: `${feed.url}: ${errorMessage(err)}`, retryable: true };
    const failuresInRow = await ports.state.recordFailure(feed.id, { at: ports.now(), error });
    const retryAfterMs = isNewswatchError(err) ? err.retryAfterMs : undefined;
    const nextPollAt = new Date(ports.now().getTime() + ports.nextDelayMs(feed, failuresInRow, retryAfterMs));
    await ports.state.setBackoffUntil(feed.id, nextPollAt);
    await ports.state.setNextPoll(feed.id, nextPollAt);
    return {
      ...base,
      status: "failed",
      error,
      failuresInRow,
      nextPollAt: nextPollAt.toISOString(),
      durationMs: elapsed(),
    };
  }

  const { fresh, changed } = await ports.seen.filterUnseen(articles);
  const toSend = [...fresh, ...changed];
  const chunkJobIds = toSend.length > 0 ? await ports.enqueue(feed.id, chunkArticles(toSend)) : [];
  // Only now, with the articles safely queued, are they marked as seen (a crash before this re-emits them).
  await ports.seen.markSeen(toSend);
  // Validators are kept with the URL that issued them (after redirects), so they are never sent elsewhere.
  await ports.state.setConditional(feed.id, {
    url: outcome.finalUrl,
    etag: outcome.etag,
    lastModified: outcome.lastModified,
  });
  await ports.state.recordSuccess(feed.id, {
    at: ports.now(),
    items: itemCount,
    newArticles: fresh.length,
    status: "ok",
  });
  await ports.state.setBackoffUntil(feed.id, undefined);
  const nextPollAt = new Date(ports.now().getTime() + feed.intervalMs);
  await ports.state.setNextPoll(feed.id, nextPollAt);
  return {
    ...base,
    status: "ok",
    items: itemCount,
    newArticles: fresh.length,
    updatedArticles: changed.length,
    chunkJobIds,
    nextPollAt: nextPollAt.toISOString(),
    durationMs: elapsed(),
  };
}
