import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import {
  type ArticlesJobData,
  type DigestJobData,
  type PollJobData,
  QUEUE_ARTICLES,
  QUEUE_DIGESTS,
  QUEUE_FEEDS,
} from "./names.js";

export interface Queues {
  feeds: Queue<PollJobData>;
  articles: Queue<ArticlesJobData>;
  digests: Queue<DigestJobData>;
}

/** BullMQ's key prefix: the configured prefix as a Redis Cluster hash tag. */
export function bullPrefix(prefix: string): string {
  return `{${prefix}}`;
}

// Failed jobs are kept for inspection (a week, at most 5,000 per queue); completed ones briefly.
const KEEP = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

export function createQueues(connection: Redis, prefix: string): Queues {
  const opts = { connection, prefix: bullPrefix(prefix) };
  return {
    feeds: new Queue<PollJobData>(QUEUE_FEEDS, {
      ...opts,
      defaultJobOptions: { ...KEEP, attempts: 3, backoff: { type: "exponential", delay: 5000 } },
    }),
    articles: new Queue<ArticlesJobData>(QUEUE_ARTICLES, {
      ...opts,
      // Store or Redis outages: retry for about half an hour before giving up (5 s … 21 min).
      defaultJobOptions: { ...KEEP, attempts: 9, backoff: { type: "exponential", delay: 5000 } },
    }),
    digests: new Queue<DigestJobData>(QUEUE_DIGESTS, {
      ...opts,
      defaultJobOptions: { ...KEEP, attempts: 5, backoff: { type: "exponential", delay: 10_000 } },
    }),
  };
}

export function createQueueEvents(connection: Redis, prefix: string, name: string): QueueEvents {
  return new QueueEvents(name, { connection: connection.duplicate(), prefix: bullPrefix(prefix) });
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all([queues.feeds.close(), queues.articles.close(), queues.digests.close()]);
}
