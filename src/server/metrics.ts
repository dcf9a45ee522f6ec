import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { PollResult } from "../pipeline/poll-feed.js";
import type { ChunkResult } from "../pipeline/process-chunk.js";

// The Prometheus metrics of one newswatch process. Each process has its own registry (tests build several
// in one process); job handlers feed the counters from the results they return, queue depths are read
// from Redis at scrape time.

export type QueueDepths = Record<
  string,
  { waiting: number; active: number; delayed: number; failed: number }
>;

export interface MetricsOptions {
  /** Read at every scrape: the job counts of each queue. */
  queueDepths?: () => Promise<QueueDepths>;
  /** Default process metrics (CPU, memory, event loop); off in tests that build many registries. */
  defaultMetrics?: boolean;
}

export interface NewswatchMetrics {
  registry: Registry;
  recordPoll(result: PollResult): void;
  recordChunk(result: ChunkResult): void;
  recordJobFailure(queue: string): void;
  recordDelivery(channel: string, result: "ok" | "failed" | "skipped"): void;
}

export function createMetrics(options: MetricsOptions = {}): NewswatchMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "newswatch_" });
  const polls = new Counter({
    name: "newswatch_polls_total",
    help: "Feed polls by result (ok, not-modified, failed, skipped).",
    labelNames: ["result"],
    registers: [registry],
  });
  const pollDuration = new Histogram({
    name: "newswatch_fetch_duration_seconds",
    help: "Time to fetch, decode, parse and normalise one feed, by result.",
    labelNames: ["result"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
    registers: [registry],
  });
  const itemsSeen = new Counter({
    name: "newswatch_items_seen_total",
    help: "Items read from feed documents.",
    registers: [registry],
  });
  const newArticles = new Counter({
    name: "newswatch_new_articles_total",
    help: "Articles stored for the first time.",
    registers: [registry],
  });
  const duplicates = new Counter({
    name: "newswatch_duplicates_total",
    help: "Articles folded into a known article or story, by kind (same-article, near-duplicate).",
    labelNames: ["kind"],
    registers: [registry],
  });
  const matches = new Counter({
    name: "newswatch_matches_total",
    help: "New (topic, story) matches, by topic.",
    labelNames: ["topic"],
    registers: [registry],
  });
  const jobFailures = new Counter({
    name: "newswatch_job_failures_total",
    help: "Job attempts that threw (each retry counts), by queue.",
    labelNames: ["queue"],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "newswatch_digest_deliveries_total",
    help: "Digest and alert deliveries, by channel and result.",
    labelNames: ["channel", "result"],
    registers: [registry],
  });
  const queueDepths = options.queueDepths;
  if (queueDepths) {
    new Gauge({
      name: "newswatch_queue_jobs",
      help: "Jobs in each queue by state, read from Redis at scrape time.",
      labelNames: ["queue", "state"],
      registers: [registry],
      async collect() {
        this.reset();
        const depths = await queueDepths();
        for (const [queue, counts] of Object.entries(depths)) {
          for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
        }
      },
    });
  }
  // Labels known in advance are exported at zero, so a rate() works from the first scrape.
  for (const result of ["ok", "not-modified", "failed", "skipped"]) polls.inc({ result }, 0);
  for (const kind of ["same-article", "near-duplicate"]) duplicates.inc({ kind }, 0);

  return {
    registry,
    recordPoll(result) {
      polls.inc({ result: result.status });
      if (result.status !== "skipped")
        pollDuration.observe({ result: result.status }, result.durationMs / 1000);
      itemsSeen.inc(result.items);
    },
    recordChunk(result) {
      newArticles.inc(result.newArticles);
      duplicates.inc({ kind: "same-article" }, result.duplicates.sameArticle);
      duplicates.inc({ kind: "near-duplicate" }, result.duplicates.nearDuplicate);
      for (const m of result.newMatches) matches.inc({ topic: m.topicId });
    },
    recordJobFailure(queue) {
      jobFailures.inc({ queue });
    },
    recordDelivery(channel, result) {
      deliveries.inc({ channel, result });
    },
  };
}
