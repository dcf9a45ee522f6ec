import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEDUP_THRESHOLDS, fingerprintArticle } from "../../../src/dedup/fingerprint.js";
import { RedisStoryIndex } from "../../../src/dedup/redis-index.js";
import type { Article } from "../../../src/feeds/types.js";
import { processChunk } from "../../../src/pipeline/process-chunk.js";
import { closeQueues, createQueues, type Queues } from "../../../src/queue/queues.js";
import { type RunningWorkers, startWorkers } from "../../../src/queue/workers.js";
import { openStore } from "../../../src/store/open-store.js";
import type { SqlStore } from "../../../src/store/sql-store.js";
import { connectTestRedis, deletePrefix, testPrefix } from "../../helpers/redis.js";
import { seededRandom } from "../../helpers/seeded-random.js";
import { buildRaceWorkload, COPIES, DISTINCT, type Labelled, shuffle } from "../dedup/race-workload.js";

// Four processor workers — each with its own Redis connection, story index and PostgreSQL pool, as four
// processes would have (SQLite connections of one process would wait on each other's locks) — take chunks of one shuffled workload of 700 reports and 300 syndicated copies
// from the real articles queue at once. The store must end with exactly 700 stories holding all 1,000
// articles, on each of 20 repetitions.

const WORKERS = 4;
const REPETITIONS = 20;
const CHUNK = 25;
const logger = pino({ level: "silent" });
const admin = connectTestRedis();
const prefixes: string[] = [];
const schemas: string[] = [];
let workload: Labelled[];

beforeAll(() => {
  workload = buildRaceWorkload();
}, 120_000);

afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(admin, prefix);
  await admin.quit();
  const client = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/test" });
  await client.connect();
  for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

async function countStored(store: SqlStore): Promise<{ stories: number; sources: number; articles: number }> {
  const count = async (table: "stories" | "story_sources" | "articles") =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    stories: await count("stories"),
    sources: await count("story_sources"),
    articles: await count("articles"),
  };
}

describe("four processor workers racing on copies of the same stories", () => {
  it(`store exactly ${DISTINCT} stories on each of ${REPETITIONS} repetitions`, async () => {
    const random = seededRandom(8128);
    const outcomes: string[] = [];
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      const prefix = testPrefix(`procrace${repetition}`);
      prefixes.push(prefix);
      const schema = `nwtest_race_${process.pid}_${repetition}`;
      schemas.push(schema);
      const storeUrl = `postgres://postgres@127.0.0.1:5432/test?schema=${schema}`;
      const producer = connectTestRedis();
      const queues: Queues = createQueues(producer, prefix);
      const connections = Array.from({ length: WORKERS }, () => connectTestRedis());
      const stores: SqlStore[] = [];
      for (const _ of connections) stores.push(await openStore(storeUrl));
      const running: RunningWorkers[] = connections.map((redis, w) => {
        const index = new RedisStoryIndex(redis, prefix, {
          windowMs: 14 * 86_400_000,
          storyWindowMs: 72 * 3_600_000,
          thresholds: DEFAULT_DEDUP_THRESHOLDS,
        });
        const store = stores[w] as SqlStore;
        return startWorkers(
          redis,
          prefix,
          ["processor"],
          {
            poll: async () => null,
            processArticles: (data) =>
              processChunk(data.articles, {
                assignStories: (articles) =>
                  index.assignStories(
                    articles.map((article) => ({ article, fingerprint: fingerprintArticle(article) })),
                    new Date("2026-11-21T00:00:00Z"),
                  ),
                matchArticle: () => [],
                saveChunk: (entries) => store.saveChunk(entries),
              }),
          },
          { concurrency: { poll: 1, process: 1, digest: 1 }, logger },
        );
      });
      const order = shuffle([...workload], random).map((l) => l.item.article as Article);
      const chunks: Article[][] = [];
      for (let i = 0; i < order.length; i += CHUNK) chunks.push(order.slice(i, i + CHUNK));
      await queues.articles.addBulk(
        chunks.map((articles, i) => ({ name: "process", data: { feedId: `race-${i}`, articles } })),
      );
      const deadline = Date.now() + 60_000;
      for (;;) {
        const counts = await queues.articles.getJobCounts("completed", "failed");
        if ((counts.completed ?? 0) + (counts.failed ?? 0) >= chunks.length) {
          expect(counts.failed).toBe(0);
          break;
        }
        if (Date.now() > deadline)
          throw new Error(
            `repetition ${repetition}: chunks not processed in time (${JSON.stringify(counts)})`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
      outcomes.push(JSON.stringify(await countStored(stores[0] as SqlStore)));
      await Promise.all(running.map((r) => r.close(5000)));
      await closeQueues(queues);
      for (const store of stores) await store.close();
      for (const redis of [producer, ...connections]) redis.disconnect();
    }
    const expected = JSON.stringify({
      stories: DISTINCT,
      sources: DISTINCT + COPIES,
      articles: DISTINCT + COPIES,
    });
    expect(outcomes).toEqual(Array.from({ length: REPETITIONS }, () => expected));
  }, 600_000);
});
