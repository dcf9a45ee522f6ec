import type { Redis } from "ioredis";
import type { NewswatchConfig } from "../config/types.js";
import { fingerprintArticle } from "../dedup/fingerprint.js";
import { RedisStoryIndex } from "../dedup/redis-index.js";
import { alertTopicIds } from "../digest/alerts.js";
import { createDigestJob } from "../digest/digest-job.js";
import { RedisAlertThrottle } from "../digest/redis-alert-throttle.js";
import { RedisRunLock } from "../digest/redis-run-lock.js";
import { nextPollDelayMs } from "../feeds/backoff.js";
import { decodeFeedBytes } from "../feeds/decode.js";
import { fetchFeed } from "../feeds/fetch.js";
import { normaliseItem } from "../feeds/normalise.js";
import { parseFeed } from "../feeds/parse.js";
import { RedisFeedState } from "../feeds/redis-feed-state.js";
import type { Article, FeedSpec } from "../feeds/types.js";
import type { Logger } from "../log.js";
import { compileTopics, type Matcher } from "../match/matcher.js";
import { chunkJobId } from "../pipeline/chunks.js";
import { type PollPorts, type PollResult, pollFeed } from "../pipeline/poll-feed.js";
import { type ChunkResult, processChunk } from "../pipeline/process-chunk.js";
import { requestAlertRun } from "../queue/digest-schedulers.js";
import {
  type ArticlesJobData,
  type PollJobData,
  QUEUE_ARTICLES,
  QUEUE_DIGESTS,
  QUEUE_FEEDS,
  type Role,
} from "../queue/names.js";
import { createQueues, type Queues } from "../queue/queues.js";
import { connectRedis } from "../queue/redis-connection.js";
import { RedisSeenSet } from "../queue/redis-seen-set.js";
import type { JobContext, JobHandlers } from "../queue/workers.js";
import { createMetrics, type NewswatchMetrics, type QueueDepths } from "../server/metrics.js";
import { createSqlDeliveryLedger } from "../store/deliveries.js";
import { openStore } from "../store/open-store.js";
import type { SqlStore } from "../store/sql-store.js";
import { USER_AGENT } from "../version.js";

/**
 * Everything a newswatch process needs, built in one place from the configuration: connections, adapters,
 * the compiled topics, and the job functions of each queue. Pure stages get their ports from here.
 */
export interface Runtime {
  config: NewswatchConfig;
  logger: Logger;
  redis: Redis;
  queues: Queues;
  store: SqlStore;
  feedState: RedisFeedState;
  seenSet: RedisSeenSet;
  storyIndex: RedisStoryIndex;
  /** The topics in force; replaced on a valid configuration reload. */
  matcher: Matcher;
  feedsById: Map<string, FeedSpec>;
  handlers: JobHandlers;
  /** Counters fed by the job functions, exposed at `/metrics`. */
  metrics: NewswatchMetrics;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  roles: readonly Role[];
  /** Overrides for tests and `run --once`. */
  now?: () => Date;
  random?: () => number;
  /** Export the default process metrics too (the long-running service does). */
  defaultMetrics?: boolean;
}

export async function buildRuntime(
  config: NewswatchConfig,
  logger: Logger,
  options: RuntimeOptions,
): Promise<Runtime> {
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  // Compile first: a bad topic fails before any connection is opened.
  let matcher = compileTopics(config.topics, config.aliases);
  const redis = await connectRedis(config.redis.url);
  let store: SqlStore;
  try {
    store = await openStore(config.store.url, { logger });
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const prefix = config.redis.prefix;
  const queues = createQueues(redis, prefix);
  const feedState = new RedisFeedState(redis, prefix);
  const seenSet = new RedisSeenSet(redis, prefix, config.feeds.seenTtlMs);
  const storyIndex = new RedisStoryIndex(redis, prefix, {
    windowMs: config.dedup.windowMs,
    storyWindowMs: config.dedup.storyWindowMs,
    thresholds: {
      jaccard: config.dedup.jaccard,
      titleSimilarity: config.dedup.titleSimilarity,
      jaccardAlone: config.dedup.jaccardAlone,
    },
  });
  const feedsById = new Map(config.feeds.list.map((f) => [f.id, f]));
  const metrics = createMetrics({
    defaultMetrics: options.defaultMetrics === true,
    queueDepths: async () => {
      const depths: QueueDepths = {};
      for (const queue of [queues.feeds, queues.articles, queues.digests]) {
        const c = await queue.getJobCounts("waiting", "active", "delayed", "failed");
        depths[queue.name] = {
          waiting: c.waiting ?? 0,
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
        };
      }
      return depths;
    },
  });
  // Every attempt that throws counts as a failed job in the metrics, then goes on to BullMQ's retry logic.
  const counted =
    <D, R>(queue: string, handler: (data: D, ctx: JobContext) => Promise<R>) =>
    async (data: D, ctx: JobContext): Promise<R> => {
      try {
        return await handler(data, ctx);
      } catch (err) {
        metrics.recordJobFailure(queue);
        throw err;
      }
    };

  const pollPorts = (force: boolean): PollPorts => ({
    fetchFeed: (url, conditional, limits) =>
      fetchFeed(url, conditional, { ...limits, userAgent: USER_AGENT, now }),
    decode: decodeFeedBytes,
    parse: parseFeed,
    normalise: normaliseItem,
    state: feedState,
    seen: seenSet,
    enqueue: async (feedId, chunks) => {
      const jobs = await queues.articles.addBulk(
        chunks.map((articles) => ({
          name: "process",
          data: { feedId, articles } satisfies ArticlesJobData,
          // `run --once` waits for its chunks: retry them briefly instead of for half an hour.
          opts: force
            ? { jobId: chunkJobId(feedId, articles), attempts: 3, backoff: { type: "fixed", delay: 1000 } }
            : { jobId: chunkJobId(feedId, articles) },
        })),
      );
      return jobs.map((j) => j.id ?? "");
    },
    nextDelayMs: (feed, failuresInRow, retryAfterMs) =>
      nextPollDelayMs({
        intervalMs: feed.intervalMs,
        failuresInRow,
        maxBackoffMs: config.feeds.maxBackoffMs,
        retryAfterMs,
        random,
      }),
    now,
  });

  const runtime: Runtime = {
    config,
    logger,
    redis,
    queues,
    store,
    feedState,
    seenSet,
    storyIndex,
    get matcher() {
      return matcher;
    },
    set matcher(m: Matcher) {
      matcher = m;
    },
    feedsById,
    metrics,
    handlers: {
      poll: counted(QUEUE_FEEDS, async (data: PollJobData, ctx: JobContext): Promise<PollResult> => {
        const feed = runtime.feedsById.get(data.feedId);
        if (!feed) {
          // A scheduler left over from a feed removed from the configuration: nothing to do.
          ctx.logger.warn({ feedId: data.feedId }, "poll job for a feed not in the configuration; skipped");
          return {
            feedId: data.feedId,
            feedName: data.feedId,
            url: "",
            status: "skipped",
            items: 0,
            newArticles: 0,
            updatedArticles: 0,
            chunkJobIds: [],
            durationMs: 0,
          };
        }
        const result = await pollFeed(feed, pollPorts(data.force === true), { force: data.force === true });
        await store
          .recordFeedHealth({
            feed: { id: feed.id, url: feed.url, name: feed.name, tags: feed.tags },
            at: now().toISOString(),
            ok: result.status === "ok" || result.status === "not-modified",
            status: result.status === "not-modified" ? 304 : result.status === "ok" ? 200 : undefined,
            error: result.error?.message,
            itemsSeen: result.newArticles,
            nextPollAt: result.nextPollAt ?? new Date(now().getTime() + feed.intervalMs).toISOString(),
          })
          .catch((err) =>
            ctx.logger.warn({ err, feedId: feed.id }, "could not record feed health in the store"),
          );
        const log = {
          feedId: feed.id,
          status: result.status,
          items: result.items,
          newArticles: result.newArticles,
          updatedArticles: result.updatedArticles,
          chunks: result.chunkJobIds.length,
          durationMs: result.durationMs,
        };
        if (result.status === "failed")
          ctx.logger.warn(
            {
              ...log,
              errorCode: result.error?.code,
              error: result.error?.message,
              failuresInRow: result.failuresInRow,
            },
            "poll failed",
          );
        else if (result.status !== "skipped") ctx.logger.info(log, "poll done");
        metrics.recordPoll(result);
        return result;
      }),
      processArticles: counted(
        QUEUE_ARTICLES,
        async (data: ArticlesJobData, ctx: JobContext): Promise<ChunkResult> => {
          const started = Date.now();
          const result = await processChunk(data.articles, {
            assignStories: async (articles: Article[]) =>
              storyIndex.assignStories(
                articles.map((article) => ({ article, fingerprint: fingerprintArticle(article) })),
                now(),
              ),
            matchArticle: (input) => runtime.matcher.matchArticle(input),
            saveChunk: (entries) => store.saveChunk(entries),
          });
          ctx.logger.info(
            {
              feedId: data.feedId,
              articles: result.articles,
              newArticles: result.newArticles,
              newStories: result.newStories,
              sameArticle: result.duplicates.sameArticle,
              nearDuplicate: result.duplicates.nearDuplicate,
              newMatches: result.newMatches.length,
              durationMs: Date.now() - started,
            },
            "chunk processed",
          );
          metrics.recordChunk(result);
          // Urgent topics: ask the digester for an alert run now (a sweep every minute catches any miss).
          const alertTopics = new Set(alertTopicIds(runtime.config));
          if (result.newMatches.some((m) => alertTopics.has(m.topicId))) {
            await requestAlertRun(queues.digests).catch((err) =>
              ctx.logger.warn({ err }, "could not request an alert run; the minute sweep will send it"),
            );
          }
          return result;
        },
      ),
      digest: counted(
        QUEUE_DIGESTS,
        createDigestJob({
          config: () => runtime.config,
          ledger: createSqlDeliveryLedger(store.db, store.engine),
          throttle: new RedisAlertThrottle(redis, prefix),
          lock: new RedisRunLock(redis, prefix),
          now,
        }),
      ),
    },
    async close() {
      await Promise.allSettled([queues.feeds.close(), queues.articles.close(), queues.digests.close()]);
      await store.close().catch(() => {});
      redis.disconnect();
    },
  };
  return runtime;
}
