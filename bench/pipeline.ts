// npm run bench:pipeline — the processing stage's throughput, side by side in one run:
//   1. BullMQ's ceiling: empty jobs through one worker (what one-job-per-article would be capped by);
//   2. naive: one job per article, each job running dedup → match → store for its article;
//   3. newswatch: chunks of 100 articles per job (DESIGN.md), same stages.
// Real Redis (127.0.0.1:6379, a throwaway prefix), a SQLite store in a temp file, the shipped topics.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { loadConfig } from "../src/config/load.js";
import { DEFAULT_DEDUP_THRESHOLDS, fingerprintArticle } from "../src/dedup/fingerprint.js";
import { RedisStoryIndex } from "../src/dedup/redis-index.js";
import { canonicaliseUrl } from "../src/feeds/canonical-url.js";
import type { Article } from "../src/feeds/types.js";
import { compileTopics } from "../src/match/matcher.js";
import { chunkArticles } from "../src/pipeline/chunks.js";
import { processChunk } from "../src/pipeline/process-chunk.js";
import { openStore } from "../src/store/open-store.js";
import { deletePrefix } from "../test/helpers/redis.js";
import { readNewsFile, repoRoot } from "./corpus.js";

const N = Number(process.env.BENCH_ARTICLES ?? 20_000);
const prefix = `nwbench-pipeline-${process.pid}`;

function toArticles(n: number, tag: string): Article[] {
  const items = readNewsFile("rss-link-db-2023-09.jsonl.gz").slice(0, n);
  return items.map((item, i) => {
    const url = item.url ?? `https://bench.invalid/${tag}/${i}`;
    const published = item.date
      ? new Date(item.date.replace(" ", "T")).toISOString()
      : "2023-09-01T00:00:00.000Z";
    return {
      id: createHash("sha1").update(`${tag}\n${item.id}`).digest("hex"),
      feedId: `bench-${item.source}`.slice(0, 40),
      source: item.source,
      guid: `${tag}-${item.id}`,
      url,
      canonicalUrl: `${canonicaliseUrl(url)}#${tag}`,
      title: item.title,
      text: item.text.replace(/<[^>]+>/g, " "),
      summary: "",
      published,
      firstSeen: published,
      categories: [],
      media: [],
    };
  });
}

/** Pushes `payloads` through a fresh queue with one worker of concurrency `concurrency`; returns seconds. */
async function throughQueue<T>(
  name: string,
  payloads: T[],
  handler: (data: T) => Promise<unknown>,
  concurrency: number,
): Promise<number> {
  const connection = new Redis({ maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix: `{${prefix}}` });
  let done = 0;
  let resolveFinished: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    resolveFinished = resolve;
  });
  const started = performance.now();
  const worker = new Worker(name, async (job: Job<T>) => handler(job.data), {
    connection,
    prefix: `{${prefix}}`,
    concurrency,
    removeOnComplete: { count: 0 },
  });
  // Counted in-process: the events stream is trimmed at 10,000 entries and would drop completions.
  worker.on("completed", () => {
    if (++done === payloads.length) resolveFinished();
  });
  worker.on("failed", (_job, err) => {
    console.error(`job failed: ${err.message}`);
    if (++done === payloads.length) resolveFinished();
  });
  for (let i = 0; i < payloads.length; i += 1000) {
    await queue.addBulk(payloads.slice(i, i + 1000).map((data) => ({ name: "j", data })));
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return seconds;
}

async function main(): Promise<void> {
  const redis = new Redis({ maxRetriesPerRequest: null });
  const workDir = mkdtempSync(path.join(os.tmpdir(), "nwbench-pipeline-"));
  const config = await loadConfig(path.join(repoRoot, "config/topics.yaml"));
  const matcher = compileTopics(config.topics, config.aliases);
  const stages = async (tag: string) => {
    const store = await openStore(`sqlite:${path.join(workDir, `${tag}.db`)}`);
    const index = new RedisStoryIndex(redis, `${prefix}-${tag}`, {
      windowMs: 14 * 86_400_000,
      storyWindowMs: 72 * 3_600_000,
      thresholds: DEFAULT_DEDUP_THRESHOLDS,
    });
    const run = (articles: Article[]) =>
      processChunk(articles, {
        assignStories: (list) =>
          index.assignStories(
            list.map((article) => ({ article, fingerprint: fingerprintArticle(article) })),
            new Date("2023-10-01T00:00:00Z"),
          ),
        matchArticle: (input) => matcher.matchArticle(input),
        saveChunk: (entries) => store.saveChunk(entries),
      });
    return { run, store };
  };

  console.log(
    `pipeline bench: ${N} news articles, ${config.topics.length} topics, SQLite store, Redis dedup; node ${process.version}`,
  );
  try {
    const ceiling = await throughQueue(
      "empty",
      Array.from({ length: N }, () => ({})),
      async () => null,
      1,
    );
    const ceilingParallel = await throughQueue(
      "empty-parallel",
      Array.from({ length: N }, () => ({})),
      async () => null,
      100,
    );
    const naiveStages = await stages("naive");
    const naiveArticles = toArticles(N, "naive");
    const naive = await throughQueue("naive", naiveArticles, (article) => naiveStages.run([article]), 1);
    await naiveStages.store.close();
    const ourStages = await stages("chunked");
    const chunks = chunkArticles(toArticles(N, "chunked"));
    const ours = await throughQueue("chunked", chunks, (chunk) => ourStages.run(chunk), 1);
    await ourStages.store.close();

    const rate = (s: number) => Math.round(N / s);
    console.log("");
    console.log("| run (one worker, concurrency 1) | articles/s | vs BullMQ empty-job ceiling |");
    console.log("|---|---:|---:|");
    console.log(`| BullMQ empty jobs (1 job per article, no work) | ${rate(ceiling)} | 1.00 |`);
    console.log(
      `| BullMQ empty jobs, concurrency 100 (for reference) | ${rate(ceilingParallel)} | ${(rate(ceilingParallel) / rate(ceiling)).toFixed(2)} |`,
    );
    console.log(
      `| naive: 1 job per article, dedup+match+store | ${rate(naive)} | ${(rate(naive) / rate(ceiling)).toFixed(2)} |`,
    );
    console.log(
      `| newswatch: chunks of 100, dedup+match+store | ${rate(ours)} | ${(rate(ours) / rate(ceiling)).toFixed(2)} |`,
    );
    console.log("");
    console.log(`chunked vs naive: ${(rate(ours) / rate(naive)).toFixed(1)}x`);
  } finally {
    for (const p of [prefix, `${prefix}-naive`, `${prefix}-chunked`]) await deletePrefix(redis, p);
    redis.disconnect();
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
