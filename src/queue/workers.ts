import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { isNewswatchError } from "../errors.js";
import type { Logger } from "../log.js";
import {
  type ArticlesJobData,
  type DigestJobData,
  type PollJobData,
  QUEUE_ARTICLES,
  QUEUE_DIGESTS,
  QUEUE_FEEDS,
  type Role,
} from "./names.js";
import { bullPrefix } from "./queues.js";

export interface JobContext {
  jobId: string;
  attempt: number;
  logger: Logger;
}

/** The job functions of each queue: plain async functions, no BullMQ types. */
export interface JobHandlers {
  poll(data: PollJobData, ctx: JobContext): Promise<unknown>;
  processArticles(data: ArticlesJobData, ctx: JobContext): Promise<unknown>;
  digest?(data: DigestJobData, ctx: JobContext): Promise<unknown>;
}

export interface WorkerOptions {
  concurrency: { poll: number; process: number; digest: number };
  logger: Logger;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Stop taking jobs, let running ones finish (at most `timeoutMs`), then close. */
  close(timeoutMs: number): Promise<void>;
}

// The one place where our error catalogue meets BullMQ: non-retryable errors stop retries at once.
function wrap<T>(queue: string, handler: (data: T, ctx: JobContext) => Promise<unknown>, logger: Logger) {
  return async (job: Job<T>) => {
    const started = Date.now();
    const log = logger.child({ queue, jobId: job.id, attempt: job.attemptsMade + 1 });
    try {
      const result = await handler(job.data, {
        jobId: job.id ?? "",
        attempt: job.attemptsMade + 1,
        logger: log,
      });
      return result;
    } catch (err) {
      const durationMs = Date.now() - started;
      if (isNewswatchError(err) && !err.retryable) {
        log.warn({ err, durationMs }, "job failed, not retrying");
        throw new UnrecoverableError(`${err.code}: ${err.message}`);
      }
      log.error({ err, durationMs }, "job failed, will retry");
      throw err;
    }
  };
}

export function startWorkers(
  connection: Redis,
  prefix: string,
  roles: readonly Role[],
  handlers: JobHandlers,
  options: WorkerOptions,
): RunningWorkers {
  const common = { connection, prefix: bullPrefix(prefix), autorun: true };
  const workers: Worker[] = [];
  if (roles.includes("poller")) {
    workers.push(
      new Worker<PollJobData>(QUEUE_FEEDS, wrap(QUEUE_FEEDS, handlers.poll, options.logger), {
        ...common,
        concurrency: options.concurrency.poll,
      }),
    );
  }
  if (roles.includes("processor")) {
    workers.push(
      new Worker<ArticlesJobData>(
        QUEUE_ARTICLES,
        wrap(QUEUE_ARTICLES, handlers.processArticles, options.logger),
        {
          ...common,
          concurrency: options.concurrency.process,
        },
      ),
    );
  }
  if (roles.includes("digester") && handlers.digest) {
    workers.push(
      new Worker<DigestJobData>(QUEUE_DIGESTS, wrap(QUEUE_DIGESTS, handlers.digest, options.logger), {
        ...common,
        concurrency: options.concurrency.digest,
      }),
    );
  }
  for (const w of workers) {
    // Connection trouble is logged once per event, not thrown: ioredis reconnects on its own.
    w.on("error", (err) => options.logger.error({ err, queue: w.name }, "worker error"));
  }
  return {
    workers,
    async close(timeoutMs: number) {
      const graceful = Promise.all(workers.map((w) => w.close()));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const outcome = await Promise.race([graceful.then(() => "closed" as const), timeout]);
      if (timer) clearTimeout(timer);
      if (outcome === "timeout") {
        options.logger.warn(
          { timeoutMs },
          "jobs still running at shutdown; forcing close (they will be retried)",
        );
        await Promise.race([
          Promise.all(workers.map((w) => w.close(true))),
          new Promise((r) => setTimeout(r, 1000)),
        ]);
      }
    },
  };
}
