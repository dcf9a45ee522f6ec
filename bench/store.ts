import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { type Compilable, CompiledQuery, type Kysely, sql } from "kysely";
import pg from "pg";
import { buildListCopiesQuery, buildListMatchesQuery } from "../src/store/match-listing.js";
import { openStore } from "../src/store/open-store.js";
import type { StoreDatabase } from "../src/store/schema.js";
import type { SqlStore } from "../src/store/sql-store.js";
import type { StoredEntry } from "../src/store/types.js";

// `npm run bench:store`: upserts/s through saveChunk (chunks of 100) on SQLite and PostgreSQL, then
// the time of `matches --topic T --limit 100` with 1,000,000 stored articles, and the query plans.
// BENCH_STORE_ARTICLES (default 1000000), BENCH_STORE_UPSERTS (default 20000), DATABASE_URL for
// PostgreSQL (default postgres://postgres@127.0.0.1:5432/test; a throw-away schema is used and dropped).

const totalArticles = Number(process.env.BENCH_STORE_ARTICLES ?? 1_000_000);
const upsertArticles = Number(process.env.BENCH_STORE_UPSERTS ?? 20_000);
const postgresBase = process.env.DATABASE_URL?.startsWith("postgres")
  ? process.env.DATABASE_URL
  : "postgres://postgres@127.0.0.1:5432/test";
const chunkSize = 100;
const topicCount = 20;
const benchTopic = "topic-07";
const fillBatch = 100_000;

const body = "Pyongyang and Moscow signed an agreement on cooperation. ".repeat(25);

function upsertEntry(n: number): StoredEntry {
  const firstSeen = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
  const topics = [
    `topic-${String(n % topicCount).padStart(2, "0")}`,
    `topic-${String((n * 7) % topicCount).padStart(2, "0")}`,
  ];
  return {
    article: {
      id: `upsert-article-${n}`,
      feedId: `feed-${n % 50}`,
      source: `Source ${n % 50}`,
      guid: `guid-${n}`,
      url: `https://upsert.example/${n}?utm_source=rss`,
      canonicalUrl: `https://upsert.example/${n}`,
      title: `Upsert headline ${n}`,
      text: body,
      summary: body.slice(0, 300),
      published: firstSeen,
      firstSeen,
      categories: [],
      media: [],
    },
    // Three copies per story, as syndication produces.
    story: { id: `upsert-story-${Math.floor(n / 3)}`, isNew: n % 3 === 0 },
    matches: [...new Set(topics)].map((topicId) => ({
      topicId,
      score: 1 + (n % 10) / 10,
      matched: ["Pyongyang", "Moscow"],
      hits: [],
      snippet: body.slice(0, 200),
    })),
  };
}

async function measureUpserts(store: SqlStore): Promise<{ fresh: number; repeated: number }> {
  const chunks: StoredEntry[][] = [];
  for (let i = 0; i < upsertArticles; i += chunkSize) {
    chunks.push(
      Array.from({ length: Math.min(chunkSize, upsertArticles - i) }, (_, k) => upsertEntry(i + k)),
    );
  }
  let start = performance.now();
  for (const chunk of chunks) await store.saveChunk(chunk);
  const fresh = upsertArticles / ((performance.now() - start) / 1000);
  start = performance.now();
  for (const chunk of chunks) await store.saveChunk(chunk);
  const repeated = upsertArticles / ((performance.now() - start) / 1000);
  return { fresh, repeated };
}

/** Fills stories, articles, sources and matches up to `total` articles with set-based multi-row inserts. */
async function fillStore(
  db: Kysely<StoreDatabase>,
  engine: "sqlite" | "postgres",
  from: number,
  total: number,
) {
  for (let start = from; start < total; start += fillBatch) {
    const end = Math.min(total, start + fillBatch) - 1;
    await db.transaction().execute(async (trx) => {
      for (const statement of fillStatements(engine, start, end)) await statement.execute(trx);
    });
    process.stderr.write(
      `${process.stderr.isTTY ? "\r" : ""}  ${engine}: ${end + 1} articles${process.stderr.isTTY ? "" : "\n"}`,
    );
  }
  if (process.stderr.isTTY) process.stderr.write("\n");
}

function fillStatements(engine: "sqlite" | "postgres", start: number, end: number) {
  // Row n: story n, one article per story, one match per story on topic n % 20, one second apart.
  const series = engine === "sqlite" ? sql`seq` : sql`generate_series(${start}::int, ${end}::int) as seq(n)`;
  const withSeries =
    engine === "sqlite"
      ? sql`with recursive seq(n) as (select ${start} union all select n + 1 from seq where n < ${end}) `
      : sql``;
  const time =
    engine === "sqlite"
      ? sql`strftime('%Y-%m-%dT%H:%M:%fZ', 1735689600 + n, 'unixepoch')`
      : sql`to_timestamp(1735689600 + n)`;
  const topic =
    engine === "sqlite"
      ? sql`'topic-' || substr('0' || (n % ${topicCount}), -2)`
      : sql`'topic-' || lpad((n % ${topicCount})::text, 2, '0')`;
  return [
    sql`${withSeries}insert into stories (id, headline_article_id, title, url, source, published, first_seen)
        select 'fill-story-' || n, 'fill-article-' || n, 'Filled headline ' || n, 'https://fill.example/' || n,
               'Source ' || (n % 50), ${time}, ${time} from ${series}`,
    sql`${withSeries}insert into articles (id, canonical_url, feed_id, source, guid, url, title, text, summary,
               published, first_seen, content_hash, story_id)
        select 'fill-article-' || n, 'https://fill.example/' || n, 'feed-' || (n % 50), 'Source ' || (n % 50),
               'guid-' || n, 'https://fill.example/' || n, 'Filled headline ' || n,
               'Pyongyang and Moscow signed an agreement on cooperation, article ' || n, 'Summary ' || n,
               ${time}, ${time}, 'hash-' || n, 'fill-story-' || n from ${series}`,
    sql`${withSeries}insert into story_sources (story_id, article_id, url, title, source, published)
        select 'fill-story-' || n, 'fill-article-' || n, 'https://fill.example/' || n, 'Filled headline ' || n,
               'Source ' || (n % 50), ${time} from ${series}`,
    sql`${withSeries}insert into matches (topic_id, story_id, article_id, score, matched, snippet, first_seen)
        select ${topic}, 'fill-story-' || n, 'fill-article-' || n, 1.5, '["Pyongyang","Moscow"]',
               'Pyongyang and Moscow signed…', ${time} from ${series}`,
  ];
}

async function explain(store: SqlStore, query: Compilable): Promise<string> {
  const compiled = query.compile();
  const prefix = store.engine === "sqlite" ? "explain query plan " : "explain ";
  const result = await store.db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]),
  );
  return result.rows.map((row) => `    ${String(row.detail ?? row["QUERY PLAN"]).slice(0, 160)}`).join("\n");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function benchEngine(name: "sqlite" | "postgres", url: string): Promise<void> {
  console.log(`\n== ${name} ==`);
  const store = await openStore(url);
  try {
    const upserts = await measureUpserts(store);
    console.log(
      `saveChunk, chunks of ${chunkSize}: ${upserts.fresh.toFixed(0)} new articles/s, ${upserts.repeated.toFixed(0)} repeated articles/s (${upsertArticles} articles)`,
    );

    const fillStart = performance.now();
    await fillStore(store.db, name, upsertArticles, totalArticles);
    await sql`analyze`.execute(store.db);
    const articles = await store.db
      .selectFrom("articles")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    console.log(
      `filled to ${Number(articles.n)} articles in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`,
    );

    const filter = { topic: benchTopic, limit: 100 };
    await store.listMatches(filter);
    const timings: number[] = [];
    let rows = 0;
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      rows = (await store.listMatches(filter)).length;
      timings.push(performance.now() - start);
    }
    console.log(
      `listMatches({ topic: "${benchTopic}", limit: 100 }) → ${rows} rows: median ${median(timings).toFixed(2)} ms, max ${Math.max(...timings).toFixed(2)} ms (20 runs)`,
    );
    const page = await buildListMatchesQuery(store.db, filter).execute();
    console.log(
      `  plan of the matches query:\n${await explain(store, buildListMatchesQuery(store.db, filter))}`,
    );
    console.log(
      `  plan of the copies query:\n${await explain(
        store,
        buildListCopiesQuery(
          store.db,
          page.map((r) => r.story_id),
        ),
      )}`,
    );
  } finally {
    await store.close();
  }
}

const sqliteDir = mkdtempSync(path.join(os.tmpdir(), "nwbench-store-"));
const schema = `nwbench_store_${Math.random().toString(36).slice(2, 8)}`;
console.log(
  `store benchmark: ${totalArticles} articles, ${upsertArticles} upserted through saveChunk; ` +
    `${os.cpus().length} cores, load average ${os.loadavg()[0]?.toFixed(1)}`,
);
try {
  await benchEngine("sqlite", `sqlite:${path.join(sqliteDir, "bench.db")}`);
  await benchEngine("postgres", `${postgresBase}${postgresBase.includes("?") ? "&" : "?"}schema=${schema}`);
} finally {
  rmSync(sqliteDir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: postgresBase });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
}
