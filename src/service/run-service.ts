import type { FastifyInstance } from "fastify";
import { loadConfig } from "../config/load.js";
import type { NewswatchConfig } from "../config/types.js";
import { alertTopicIds } from "../digest/alerts.js";
import { jitterOffsetMs } from "../feeds/backoff.js";
import { RedisFeedState } from "../feeds/redis-feed-state.js";
import type { Logger } from "../log.js";
import { validateQuery } from "../match/validate.js";
import { syncDigestSchedulers } from "../queue/digest-schedulers.js";
import { syncFeedSchedulers } from "../queue/feed-schedulers.js";
import type { Role } from "../queue/names.js";
import { startWorkers } from "../queue/workers.js";
import { buildServer } from "../server/build-server.js";
import { listFeedHealthRows } from "../server/feed-health.js";
import { assertProtectedBinding, listenServer } from "../server/start-server.js";
import { hashSettings, type LiveConfig, startLiveConfig } from "./reload.js";
import { startRetention } from "./retention.js";
import { buildRuntime, type Runtime } from "./runtime.js";
import { type SchedulerOwnership, startSchedulerOwnership } from "./scheduler-owner.js";

export interface RunningService {
  /** The HTTP server's base URL (undefined when the server is off). */
  url?: string;
  runtime: Runtime;
  /** Read the configuration files again, as on SIGHUP. */
  reload(reason?: string): Promise<void>;
  /** Drain in-flight jobs (at most `timeoutMs`), close every connection we opened. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface RunServiceOptions {
  roles: readonly Role[];
  concurrency?: number;
  /** Serve HTTP (default true). */
  server?: boolean;
  /** Watch the configuration files for edits (default true). */
  watchConfig?: boolean;
  /** How the configuration is read again on an edit (default: the main file with the process environment). */
  loadConfig?: () => Promise<NewswatchConfig>;
  /** Lease time of scheduler ownership (default 30 s). */
  schedulerLeaseMs?: number;
}

/** `newswatch run`: the long-running service with the given roles. */
export async function runService(
  config: NewswatchConfig,
  logger: Logger,
  options: RunServiceOptions,
): Promise<RunningService> {
  const serve = options.server !== false;
  // Before any connection: an unprotected public binding is a configuration mistake.
  if (serve) assertProtectedBinding(config.server);
  const runtime = await buildRuntime(config, logger, { roles: options.roles, defaultMetrics: serve });
  const prefix = config.redis.prefix;

  let ownership: SchedulerOwnership | undefined;
  let live: LiveConfig | undefined;
  let app: FastifyInstance | undefined;
  let readinessRedis: Runtime["redis"] | undefined;
  let workers: ReturnType<typeof startWorkers> | undefined;
  let stopRetention: () => void = () => {};
  const closeAll = async (timeoutMs: number) => {
    stopRetention();
    await app?.close().catch((err) => logger.warn({ err }, "error closing the HTTP server"));
    await workers?.close(timeoutMs);
    await live?.close();
    await ownership?.stop();
    readinessRedis?.disconnect();
    await runtime.close();
  };

  try {
    // Only the lease holder keeps the schedulers in line with the configuration, however many replicas run.
    if (options.roles.includes("poller") || options.roles.includes("digester")) {
      ownership = startSchedulerOwnership({
        redis: runtime.redis,
        prefix,
        logger,
        ttlMs: options.schedulerLeaseMs,
        upkeep: async () => {
          const { upserted, removed } = await syncFeedSchedulers(
            runtime.queues.feeds,
            runtime.config.feeds.list,
            (feed) => jitterOffsetMs(feed.id, feed.intervalMs),
          );
          logger.info({ feeds: upserted, removedSchedulers: removed.length }, "feed schedulers in place");
          const digests = await syncDigestSchedulers(runtime.queues.digests, runtime.config.digests, {
            alerts: alertTopicIds(runtime.config).length > 0,
          });
          logger.info(
            { digests: digests.upserted, removedDigestSchedulers: digests.removed.length },
            "digest schedulers in place",
          );
        },
      });
    }

    const owner = ownership;
    stopRetention = startRetention({
      store: runtime.store,
      retentionMs: config.store.retentionMs,
      isOwner: () => owner?.isOwner() ?? false,
      logger,
    });

    const mainFile = config.files[0];
    live = await startLiveConfig({
      redis: runtime.redis,
      prefix,
      logger,
      initial: config,
      watch: options.watchConfig !== false && mainFile !== undefined,
      loadConfig:
        options.loadConfig ??
        (() => loadConfig(mainFile ?? "", { env: process.env, checkQuery: validateQuery })),
      applyLocal: async (next) => {
        const scheduleOf = (c: NewswatchConfig) =>
          JSON.stringify([c.digests.map((d) => [d.name, d.schedule, d.timezone]), alertTopicIds(c)]);
        const schedulesChanged = scheduleOf(next) !== scheduleOf(runtime.config);
        runtime.config = { ...runtime.config, digests: next.digests, alerts: next.alerts };
        if (schedulesChanged) await ownership?.upkeepIfOwner();
      },
      apply: async (settings, matcher, previous) => {
        runtime.matcher = matcher;
        runtime.config = {
          ...runtime.config,
          topics: settings.topics,
          aliases: settings.aliases,
          feeds: { ...runtime.config.feeds, list: settings.feeds },
        };
        runtime.feedsById.clear();
        for (const feed of settings.feeds) runtime.feedsById.set(feed.id, feed);
        const feedsChanged =
          hashSettings({ topics: [], aliases: {}, feeds: settings.feeds }) !==
          hashSettings({ topics: [], aliases: {}, feeds: previous.feeds });
        if (feedsChanged) await ownership?.upkeepIfOwner();
      },
    });

    workers = startWorkers(runtime.redis, prefix, options.roles, runtime.handlers, {
      concurrency: { poll: 10, process: options.concurrency ?? 2, digest: 1 },
      logger,
    });

    let url: string | undefined;
    if (serve) {
      // A connection of its own that fails at once while Redis is away, instead of queueing the PING.
      const probe = runtime.redis.duplicate({
        lazyConnect: false,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        retryStrategy: (times) => Math.min(times * 200, 2000),
      });
      probe.on("error", () => {});
      readinessRedis = probe;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        probe.once("ready", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const feedState = new RedisFeedState(runtime.redis, prefix);
      app = await buildServer({
        logger,
        token: config.server.token,
        metrics: runtime.metrics,
        readiness: [
          { name: "redis", check: () => probe.ping() },
          { name: "store", check: () => runtime.store.listMatches({ limit: 1 }) },
        ],
        topics: () => ({ topics: runtime.config.topics, aliases: runtime.config.aliases }),
        feeds: () =>
          listFeedHealthRows(runtime.config.feeds.list, { feedState, store: runtime.store }, new Date()),
        listMatches: (filter) => runtime.store.listMatches(filter),
        queues: runtime.queues,
      });
      url = await listenServer(app, config.server);
      logger.info({ url }, "HTTP server listening");
    }

    logger.info(
      { roles: options.roles, feeds: config.feeds.list.length, topics: config.topics.length },
      "newswatch running",
    );
    let stopping: Promise<void> | undefined;
    const liveConfig = live;
    return {
      url,
      runtime,
      reload: (reason = "reload requested") => liveConfig.reload(reason),
      stop(timeoutMs = 8000) {
        stopping ??= (async () => {
          logger.info({ timeoutMs }, "stopping: draining in-flight jobs");
          await closeAll(timeoutMs);
          logger.info("stopped");
        })();
        return stopping;
      },
    };
  } catch (err) {
    await closeAll(2000);
    throw err;
  }
}
