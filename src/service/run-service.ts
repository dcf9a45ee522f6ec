import type { NewswatchConfig } from "../config/types.js";
import { jitterOffsetMs } from "../feeds/backoff.js";
import type { Logger } from "../log.js";
import { syncFeedSchedulers } from "../queue/feed-schedulers.js";
import type { Role } from "../queue/names.js";
import { startWorkers } from "../queue/workers.js";
import { buildRuntime } from "./runtime.js";

export interface RunningService {
  /** Drain in-flight jobs (at most `timeoutMs`), close every connection we opened. */
  stop(timeoutMs?: number): Promise<void>;
}

/** `newswatch run`: the long-running service with the given roles. */
export async function runService(
  config: NewswatchConfig,
  logger: Logger,
  options: { roles: readonly Role[]; concurrency?: number },
): Promise<RunningService> {
  const runtime = await buildRuntime(config, logger, { roles: options.roles });
  if (options.roles.includes("poller")) {
    const { upserted, removed } = await syncFeedSchedulers(runtime.queues.feeds, config.feeds.list, (feed) =>
      jitterOffsetMs(feed.id, feed.intervalMs),
    );
    logger.info({ feeds: upserted, removedSchedulers: removed.length }, "feed schedulers in place");
  }
  const workers = startWorkers(runtime.redis, config.redis.prefix, options.roles, runtime.handlers, {
    concurrency: { poll: 10, process: options.concurrency ?? 2, digest: 1 },
    logger,
  });
  logger.info({ roles: options.roles, feeds: config.feeds.list.length, topics: config.topics.length }, "newswatch running");
  let stopping: Promise<void> | undefined;
  return {
    stop(timeoutMs = 8000) {
      stopping ??= (async () => {
        logger.info({ timeoutMs }, "stopping: draining in-flight jobs");
        await workers.close(timeoutMs);
        await runtime.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}
