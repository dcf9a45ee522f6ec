import { randomUUID } from "node:crypto";
import type { NewswatchConfig } from "../config/types.js";
import type { Logger } from "../log.js";
import type { PollResult } from "../pipeline/poll-feed.js";
import type { ChunkResult } from "../pipeline/process-chunk.js";
import { ALL_ROLES, QUEUE_ARTICLES, QUEUE_FEEDS } from "../queue/names.js";
import { createQueueEvents } from "../queue/queues.js";
import { pollAllAndDrain } from "../queue/run-once.js";
import { startWorkers } from "../queue/workers.js";
import type { RunOnceSummary } from "./run-once-summary.js";
import { buildRuntime } from "./runtime.js";

/**
 * `newswatch run --once`: poll every feed once through the real queues, with every role's workers in this
 * process, and wait until all the articles found are processed.
 */
export async function runOnce(
  config: NewswatchConfig,
  logger: Logger,
  options: {
    concurrency?: number;
    onProgress?: (done: number, total: number) => void;
    /** The clock (tests pin it to compare runs). */
    now?: () => Date;
  } = {},
): Promise<RunOnceSummary> {
  const started = Date.now();
  const runtime = await buildRuntime(config, logger, { roles: ALL_ROLES, now: options.now });
  const workers = startWorkers(
    runtime.redis,
    config.redis.prefix,
    ["poller", "processor"],
    runtime.handlers,
    {
      concurrency: { poll: 10, process: options.concurrency ?? 2, digest: 1 },
      logger,
    },
  );
  const feedsEvents = createQueueEvents(runtime.redis, config.redis.prefix, QUEUE_FEEDS);
  const articlesEvents = createQueueEvents(runtime.redis, config.redis.prefix, QUEUE_ARTICLES);
  try {
    const { polls, chunks, failedChunks } = await pollAllAndDrain<PollResult, ChunkResult>({
      feedsQueue: runtime.queues.feeds,
      articlesQueue: runtime.queues.articles,
      feedsEvents,
      articlesEvents,
      feedIds: config.feeds.list.map((f) => f.id),
      runId: `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`,
      onPollDone: options.onProgress,
      onPollJobFailed: (feedId, reason) => {
        const feed = runtime.feedsById.get(feedId);
        return {
          feedId,
          feedName: feed?.name ?? feedId,
          url: feed?.url ?? "",
          status: "failed",
          items: 0,
          newArticles: 0,
          updatedArticles: 0,
          chunkJobIds: [],
          error: { code: "NW_INTERNAL", message: reason, retryable: true },
          durationMs: 0,
        };
      },
    });
    return { polls, chunks, failedChunks, durationMs: Date.now() - started };
  } finally {
    await workers.close(10_000);
    await Promise.allSettled([feedsEvents.close(), articlesEvents.close()]);
    await runtime.close();
  }
}
