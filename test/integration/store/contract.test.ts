import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { NewswatchError } from "../../../src/errors.js";
import { createSqlDeliveryLedger } from "../../../src/store/deliveries.js";
import { formatMatchesCsv, formatMatchJsonLine } from "../../../src/store/format-matches.js";
import { migrateStore } from "../../../src/store/migrate.js";
import { knownSchemaVersion, type Migration, migrations } from "../../../src/store/migrations.js";
import { openStore } from "../../../src/store/open-store.js";
import type { StoreDatabase } from "../../../src/store/schema.js";
import type { SqlStore } from "../../../src/store/sql-store.js";
import { buildEntry } from "./entries.js";

// One contract, two engines: every test below runs unchanged against SQLite and PostgreSQL.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const writerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "concurrent-writer.ts");
const postgresBase = "postgres://postgres@127.0.0.1:5432/test";
const runId = Math.random().toString(36).slice(2, 8);
const sqliteDir = mkdtempSync(path.join(os.tmpdir(), "nwtest-store-"));
const createdSchemas: string[] = [];
let databaseCounter = 0;

interface Engine {
  name: "sqlite" | "postgres";
  /** A URL to a database nobody has used yet. */
  freshUrl(): string;
}

const engines: Engine[] = [
  {
    name: "sqlite",
    freshUrl: () => `sqlite:${path.join(sqliteDir, `db-${++databaseCounter}`, "store.db")}`,
  },
  {
    name: "postgres",
    freshUrl: () => {
      const schema = `nwtest_store_${runId}_${++databaseCounter}`;
      createdSchemas.push(schema);
      return `${postgresBase}?schema=${schema}`;
    },
  },
];

afterAll(async () => {
  rmSync(sqliteDir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: postgresBase });
  await client.connect();
  for (const schema of createdSchemas) await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

async function countRows(store: SqlStore, table: keyof StoreDatabase): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function countAll(store: SqlStore) {
  return {
    articles: await countRows(store, "articles"),
    stories: await countRows(store, "stories"),
    sources: await countRows(store, "story_sources"),
    matches: await countRows(store, "matches"),
  };
}

async function withStore<T>(url: string, work: (store: SqlStore) => Promise<T>): Promise<T> {
  const store = await openStore(url);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function runWriter(url: string, from: number, to: number, order: "forward" | "backward") {
  return new Promise<{ newArticles: number; newMatches: number }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", writerScript, url, String(from), String(to), "25", order],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(JSON.parse(stdout));
      else reject(new Error(`writer ${from}-${to} exited with ${code}: ${stderr}`));
    });
  });
}

describe.each(engines)("store contract on $name", (engine) => {
  it("migrates an empty database to the known version and re-running changes nothing", async () => {
    const url = engine.freshUrl();
    await withStore(url, async (store) => {
      const versions = await store.db.selectFrom("newswatch_schema").select("version").execute();
      expect(versions.map((v) => Number(v.version))).toEqual(migrations.map((m) => m.version));
      await store.saveChunk([buildEntry({ n: 1, topics: ["alpha"] })]);
    });
    await withStore(url, async (store) => {
      const versions = await store.db.selectFrom("newswatch_schema").select("version").execute();
      expect(versions).toHaveLength(migrations.length);
      expect(await countAll(store)).toEqual({ articles: 1, stories: 1, sources: 1, matches: 1 });
    });
  });

  it("applies a later migration once, forward only", async () => {
    await withStore(engine.freshUrl(), async (store) => {
      const addNotes: Migration = {
        version: knownSchemaVersion + 1,
        name: "notes",
        async up(db) {
          await (db as typeof store.db).schema
            .createTable("notes")
            .addColumn("id", "integer", (c) => c.primaryKey())
            .execute();
        },
      };
      const options = { displayName: "test", migrations: [...migrations, addNotes] };
      expect(await migrateStore(store.db, store.engine, options)).toEqual({
        from: knownSchemaVersion,
        to: knownSchemaVersion + 1,
      });
      expect(await migrateStore(store.db, store.engine, options)).toEqual({
        from: knownSchemaVersion + 1,
        to: knownSchemaVersion + 1,
      });
    });
  });

  it("refuses a database whose schema is newer than this code knows", async () => {
    const url = engine.freshUrl();
    await withStore(url, async (store) => {
      await store.db
        .insertInto("newswatch_schema")
        .values({
          version: knownSchemaVersion + 7,
          name: "from the future",
          applied_at: "2030-01-01T00:00:00Z",
        })
        .execute();
    });
    const refusal = await openStore(url).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(NewswatchError);
    expect((refusal as NewswatchError).code).toBe("NW_STORE_SCHEMA_TOO_NEW");
    expect((refusal as NewswatchError).message).toContain(`schema version ${knownSchemaVersion + 7}`);
    expect((refusal as NewswatchError).message).toContain(`up to ${knownSchemaVersion}`);
  });

  it("stores the same chunk twice as once", async () => {
    await withStore(engine.freshUrl(), async (store) => {
      const chunk = [1, 2, 3, 4].map((n) => buildEntry({ n, topics: ["alpha", "beta"] }));
      const first = await store.saveChunk(chunk);
      const listedOnce = await store.listMatches();
      const second = await store.saveChunk(chunk);

      expect(first.map((e) => [e.articleIsNew, e.newMatches.map((m) => m.topicId)])).toEqual([
        [true, ["alpha", "beta"]],
        [true, ["alpha", "beta"]],
        [true, ["alpha", "beta"]],
        [true, ["alpha", "beta"]],
      ]);
      expect(second.map((e) => [e.articleIsNew, e.newMatches.length])).toEqual([
        [false, 0],
        [false, 0],
        [false, 0],
        [false, 0],
      ]);
      expect(await countAll(store)).toEqual({ articles: 4, stories: 4, sources: 4, matches: 8 });
      expect(await store.listMatches()).toEqual(listedOnce);
    });
  });

  it("treats a known canonical URL under another id as the same article and updates it", async () => {
    await withStore(engine.freshUrl(), async (store) => {
      await store.saveChunk([buildEntry({ n: 5, topics: ["alpha"] })]);
      const again = buildEntry({ n: 5, story: "story-other", title: "Corrected headline", topics: ["beta"] });
      again.article.id = "article-via-guid";
      again.article.updated = "2026-03-01T12:00:00+02:00";
      const [saved] = await store.saveChunk([again]);

      expect(saved).toEqual({
        articleId: "article-via-guid",
        articleIsNew: false,
        storyId: "story-00005",
        newMatches: [],
      });
      const article = await store.db.selectFrom("articles").selectAll().executeTakeFirstOrThrow();
      expect([article.id, article.title]).toEqual(["article-00005", "Corrected headline"]);
      expect(new Date(article.updated as string | Date).toISOString()).toBe("2026-03-01T10:00:00.000Z");
      expect(await countAll(store)).toEqual({ articles: 1, stories: 1, sources: 1, matches: 1 });
    });
  });

  it("keeps two copies of a story as one match listing both copies by publication time", async () => {
    await withStore(engine.freshUrl(), async (store) => {
      const first = buildEntry({
        n: 10,
        story: "story-visit",
        source: "Wire A",
        published: "2026-03-01T08:00:00Z",
        firstSeen: "2026-03-01T09:00:00Z",
        topics: ["alpha"],
      });
      const copy = buildEntry({
        n: 11,
        story: "story-visit",
        source: "Paper B",
        published: "2026-03-01T07:30:00Z",
        firstSeen: "2026-03-01T09:05:00Z",
        topics: ["alpha"],
      });
      const [savedFirst] = await store.saveChunk([first]);
      const [savedCopy] = await store.saveChunk([copy]);

      expect(savedFirst?.newMatches.map((m) => m.topicId)).toEqual(["alpha"]);
      expect(savedCopy).toMatchObject({ articleIsNew: true, storyId: "story-visit", newMatches: [] });
      expect(await store.listMatches()).toEqual([
        {
          topic: "alpha",
          story: "story-visit",
          title: "Headline 10",
          url: "https://news.example.org/10?utm_source=x",
          source: "Wire A",
          published: "2026-03-01T08:00:00.000Z",
          first_seen: "2026-03-01T09:00:00.000Z",
          score: 1 + 3 / 4,
          matched: ["Pyongyang", "term0"],
          copies: [
            {
              url: "https://news.example.org/11?utm_source=x",
              title: "Headline 11",
              source: "Paper B",
              published: "2026-03-01T07:30:00.000Z",
            },
            {
              url: "https://news.example.org/10?utm_source=x",
              title: "Headline 10",
              source: "Wire A",
              published: "2026-03-01T08:00:00.000Z",
            },
          ],
        },
      ]);
    });
  });

  it("keeps one article, story and match when 4 processes write overlapping chunks at once", async () => {
    // The database is fresh, so the four processes also race to migrate it.
    const url = engine.freshUrl();
    const results = await Promise.all([
      runWriter(url, 0, 200, "forward"),
      runWriter(url, 100, 300, "backward"),
      runWriter(url, 0, 300, "forward"),
      runWriter(url, 50, 250, "backward"),
    ]);
    // Articles 0..299; story k holds articles 3k..3k+2; every story matches alpha, and beta through its even article.
    expect(results.reduce((sum, r) => sum + r.newArticles, 0)).toBe(300);
    expect(results.reduce((sum, r) => sum + r.newMatches, 0)).toBe(200);
    await withStore(url, async (store) => {
      expect(await countAll(store)).toEqual({ articles: 300, stories: 100, sources: 300, matches: 200 });
      const listed = await store.listMatches({ topic: "beta" });
      expect(listed).toHaveLength(100);
      expect(listed.every((row) => row.copies.length === 3)).toBe(true);
    });
  }, 120_000);

  it("filters by topic and time, pages with limit and offset, newest first", async () => {
    await withStore(engine.freshUrl(), async (store) => {
      const entries = [0, 1, 2, 3, 4, 5].map((n) =>
        buildEntry({
          n,
          firstSeen: `2026-03-0${1 + (n % 3)}T10:00:00Z`,
          topics: n % 2 === 0 ? ["alpha"] : ["alpha", "beta"],
        }),
      );
      await store.saveChunk(entries);
      const keys = (rows: { topic: string; story: string }[]) => rows.map((r) => `${r.topic}/${r.story}`);

      expect(keys(await store.listMatches())).toEqual([
        "beta/story-00005",
        "alpha/story-00005",
        "alpha/story-00002",
        "beta/story-00001",
        "alpha/story-00004",
        "alpha/story-00001",
        "beta/story-00003",
        "alpha/story-00003",
        "alpha/story-00000",
      ]);
      expect(keys(await store.listMatches({ topic: "beta" }))).toEqual([
        "beta/story-00005",
        "beta/story-00001",
        "beta/story-00003",
      ]);
      const window = { since: new Date("2026-03-02T10:00:00Z"), until: new Date("2026-03-03T10:00:00Z") };
      expect(keys(await store.listMatches({ topic: "alpha", ...window }))).toEqual([
        "alpha/story-00004",
        "alpha/story-00001",
      ]);
      expect(keys(await store.listMatches({ limit: 2, offset: 3 }))).toEqual([
        "beta/story-00001",
        "alpha/story-00004",
      ]);
    });
  });

  it("prunes old stories in batches, keeps delivery records, and never takes a pruned article back", async () => {
    await withStore(engine.freshUrl(), async (store) => {
      const old = [20, 21, 22, 23, 24].map((n) =>
        buildEntry({ n, firstSeen: "2025-12-01T00:00:00Z", topics: ["alpha"] }),
      );
      const recent = [30, 31].map((n) =>
        buildEntry({ n, firstSeen: "2026-03-01T00:00:00Z", topics: ["alpha"] }),
      );
      await store.saveChunk([...old, ...recent]);
      await store.db
        .insertInto("deliveries")
        .values({
          digest: "morning",
          channel: "file",
          delivery_id: "run-1",
          status: "sent",
          attempts: 1,
          created_at: "2025-12-02T07:00:00Z",
          sent_at: "2025-12-02T07:00:01Z",
        })
        .execute();
      await store.db
        .insertInto("delivery_items")
        .values({ delivery_id: "run-1", digest: "morning", topic_id: "alpha", story_id: "story-00020" })
        .execute();

      const now = new Date("2026-03-02T00:00:00Z");
      const thirtyDays = 30 * 24 * 3600 * 1000;
      expect(await store.prune(thirtyDays, now, 2)).toEqual({ stories: 5, articles: 5, matches: 5 });
      expect(await store.prune(thirtyDays, now, 2)).toEqual({ stories: 0, articles: 0, matches: 0 });

      expect((await store.listMatches()).map((r) => r.story)).toEqual(["story-00031", "story-00030"]);
      expect(await countAll(store)).toEqual({ articles: 2, stories: 2, sources: 2, matches: 2 });
      expect(await countRows(store, "deliveries")).toBe(1);
      expect(await countRows(store, "delivery_items")).toBe(1);

      const [returned] = await store.saveChunk([old[0]!]);
      expect(returned).toMatchObject({ articleIsNew: false, newMatches: [] });
      expect(await countAll(store)).toEqual({ articles: 2, stories: 2, sources: 2, matches: 2 });
    });
  });

  it("records feed health durably: failures in a row, last error, items seen", async () => {
    await withStore(engine.freshUrl(), async (store) => {
      const feed = { id: "feed-kcna", url: "https://kcna.example/rss", name: "KCNA Watch", tags: ["dprk"] };
      const poll = { feed, itemsSeen: 0, nextPollAt: "2026-03-01T10:10:00Z" };
      await store.recordFeedHealth({
        ...poll,
        at: "2026-03-01T10:00:00Z",
        ok: true,
        status: 200,
        itemsSeen: 4,
      });
      await store.recordFeedHealth({
        ...poll,
        at: "2026-03-01T10:10:00Z",
        ok: false,
        status: 503,
        error: "HTTP 503",
      });
      await store.recordFeedHealth({ ...poll, at: "2026-03-01T10:20:00+01:00", ok: false, error: "timeout" });
      expect(await store.listFeedHealth()).toEqual([
        {
          id: "feed-kcna",
          url: "https://kcna.example/rss",
          name: "KCNA Watch",
          tags: ["dprk"],
          lastSuccessAt: "2026-03-01T10:00:00.000Z",
          lastStatus: null,
          lastErrorAt: "2026-03-01T09:20:00.000Z",
          lastError: "timeout",
          failuresInRow: 2,
          nextPollAt: "2026-03-01T10:10:00.000Z",
          itemsSeenTotal: 4,
        },
      ]);
      await store.recordFeedHealth({
        ...poll,
        at: "2026-03-01T11:00:00Z",
        ok: true,
        status: 200,
        itemsSeen: 1,
      });
      const [health] = await store.listFeedHealth();
      expect(health).toMatchObject({
        failuresInRow: 0,
        lastError: "timeout",
        lastStatus: 200,
        itemsSeenTotal: 5,
      });
    });
  });

  it("lets one delivery claim a match per digest, all of a claim or nothing", async () => {
    await withStore(engine.freshUrl(), async (store) => {
      await store.saveChunk([
        buildEntry({ n: 50, firstSeen: "2026-03-01T06:00:00Z", topics: ["alpha"] }),
        buildEntry({ n: 51, firstSeen: "2026-03-01T07:00:00Z", topics: ["alpha", "beta"] }),
        buildEntry({ n: 52, firstSeen: "2026-03-01T08:00:00Z", topics: ["beta", "gamma"] }),
      ]);
      const ledger = createSqlDeliveryLedger(store.db, store.engine);
      const keys = (rows: { topic: string; story: string }[]) => rows.map((r) => `${r.topic}/${r.story}`);
      const claim = (digest: string, deliveryId: string, items: string[]) =>
        ledger.claim({
          deliveryId,
          digest,
          createdAt: "2026-03-01T09:00:00Z",
          items: items.map((key) => ({ topic: key.split("/")[0]!, story: key.split("/")[1]! })),
          channels: [
            { channel: "email", status: "pending" },
            { channel: "slack", status: "pending" },
          ],
        });

      const undelivered = await ledger.listUndelivered("morning", ["alpha", "beta"]);
      expect(keys(undelivered)).toEqual([
        "beta/story-00052",
        "beta/story-00051",
        "alpha/story-00051",
        "alpha/story-00050",
      ]);
      expect(undelivered[0]).toMatchObject({ snippet: "…snippet 52…", copies: [{ source: "Source 1" }] });

      expect(await claim("morning", "run-1", ["alpha/story-00050", "alpha/story-00051"])).toBe(true);
      expect(await claim("morning", "run-2", ["beta/story-00051", "alpha/story-00051"])).toBe(false);
      expect(await claim("morning", "run-1", ["beta/story-00052"])).toBe(false);
      expect(keys(await ledger.listUndelivered("morning", ["alpha", "beta"]))).toEqual([
        "beta/story-00052",
        "beta/story-00051",
      ]);
      expect((await ledger.listUnfinished("morning")).map((r) => r.deliveryId)).toEqual(["run-1"]);
      expect(keys(await ledger.listClaimed("run-1"))).toEqual(["alpha/story-00051", "alpha/story-00050"]);

      expect(await claim("evening", "run-3", ["alpha/story-00051"])).toBe(true);
      const since = new Date("2026-03-01T07:30:00Z");
      expect(keys(await ledger.listUndelivered("morning", ["beta"], since))).toEqual(["beta/story-00052"]);
    });
  });

  it("records each channel's attempts; a delivery stays unfinished while a channel is pending", async () => {
    await withStore(engine.freshUrl(), async (store) => {
      const ledger = createSqlDeliveryLedger(store.db, store.engine);
      const claimed = await ledger.claim({
        deliveryId: "run-1",
        digest: "morning",
        createdAt: "2026-03-01T07:00:00+09:00",
        items: [],
        channels: [
          { channel: "email", status: "pending" },
          { channel: "slack", status: "pending" },
        ],
      });
      expect(claimed).toBe(true);
      await ledger.recordAttempt("run-1", "email", {
        status: "pending",
        error: "SMTP 451",
        at: "2026-03-01T07:00:05Z",
      });
      await ledger.recordAttempt("run-1", "slack", {
        status: "sent",
        error: null,
        at: "2026-03-01T07:00:06Z",
      });
      expect(await ledger.listUnfinished("morning")).toEqual([
        {
          deliveryId: "run-1",
          digest: "morning",
          createdAt: "2026-02-28T22:00:00.000Z",
          channels: [
            { channel: "email", status: "pending", attempts: 1, lastError: "SMTP 451" },
            { channel: "slack", status: "sent", attempts: 1, lastError: null },
          ],
        },
      ]);
      await ledger.recordAttempt("run-1", "email", {
        status: "sent",
        error: null,
        at: "2026-03-01T07:01:00Z",
      });
      expect(await ledger.listUnfinished("morning")).toEqual([]);
      const rows = await store.db
        .selectFrom("deliveries")
        .select(["channel", "attempts", "sent_at"])
        .orderBy("channel")
        .execute();
      expect(
        rows.map((r) => [r.channel, Number(r.attempts), new Date(r.sent_at as string | Date).toISOString()]),
      ).toEqual([
        ["email", 2, "2026-03-01T07:01:00.000Z"],
        ["slack", 1, "2026-03-01T07:00:06.000Z"],
      ]);
    });
  });

  it("writes CSV that a spreadsheet cannot run as formulas", async () => {
    await withStore(engine.freshUrl(), async (store) => {
      const hostile = buildEntry({
        n: 40,
        story: "story-csv",
        title: '=HYPERLINK("http://evil.example","click")',
        source: "+Wire, Inc",
        topics: ["alpha"],
      });
      const copy = buildEntry({
        n: 41,
        story: "story-csv",
        title: "Line one\nline two",
        source: "@Desk",
        published: "2026-03-01T09:00:00Z",
        topics: [],
      });
      await store.saveChunk([hostile, copy]);
      expect(formatMatchesCsv(await store.listMatches())).toBe(
        "topic,story,first_seen,published,score,title,url,source,matched,sources,source_urls\r\n" +
          "alpha,story-csv,2026-03-01T09:00:00.000Z,2026-03-01T08:00:00.000Z,2.25," +
          `"'=HYPERLINK(""http://evil.example"",""click"")",https://news.example.org/40?utm_source=x,` +
          `"'+Wire, Inc",Pyongyang; term0,"'+Wire, Inc | @Desk",` +
          "https://news.example.org/40?utm_source=x | https://news.example.org/41?utm_source=x\r\n",
      );
    });
  });
});

describe("store engines side by side", () => {
  it("list the same writes as byte-identical JSON", async () => {
    const workload = [
      buildEntry({
        n: 1,
        story: "s-a",
        title: "Лавров в Пхеньяне",
        published: "2026-03-01T10:00:00+09:00",
        topics: ["russia-dprk"],
      }),
      buildEntry({
        n: 2,
        story: "s-a",
        title: "북한 러시아 회담",
        published: "2026-03-01T01:00:00.5Z",
        topics: ["russia-dprk", "sanctions"],
      }),
      buildEntry({ n: 3, story: "s-b", firstSeen: "2026-03-01T09:00:00.123Z", topics: ["sanctions"] }),
      buildEntry({ n: 4, story: "S-b", firstSeen: "2026-03-01T09:00:00.123Z", topics: ["sanctions"] }),
      buildEntry({ n: 5, story: "s-c", published: "2026-02-28T23:59:59.999-01:00", topics: ["russia-dprk"] }),
    ];
    workload[2]!.matches[0]!.score = 0.1 + 0.2;
    const outputs: string[] = [];
    for (const engine of engines) {
      await withStore(engine.freshUrl(), async (store) => {
        await store.saveChunk(workload.slice(0, 3));
        await store.saveChunk(workload.slice(3));
        const rows = await store.listMatches();
        outputs.push(rows.map(formatMatchJsonLine).join("\n") + formatMatchesCsv(rows));
      });
    }
    expect(outputs[0]).toContain('"score":0.30000000000000004');
    expect(outputs[0]).toContain('"published":"2026-03-01T00:59:59.999Z"');
    expect(outputs[1]).toBe(outputs[0]);
  });

  it("reports an unreachable PostgreSQL in one line naming host and port, never the password", async () => {
    const failure = await openStore("postgres://newswatch:s3cret@127.0.0.1:1/newswatch").then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(NewswatchError);
    const err = failure as NewswatchError;
    expect(err.code).toBe("NW_STORE_UNREACHABLE");
    expect(err.retryable).toBe(true);
    expect(err.message).toContain("127.0.0.1:1");
    expect(err.message).not.toContain("s3cret");
    expect(err.message).not.toContain("\n");
  });

  it("reports a PostgreSQL that refuses the database as a configuration problem, not an outage", async () => {
    const failure = await openStore("postgres://postgres@127.0.0.1:5432/nwtest_no_such_database").then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(NewswatchError);
    const err = failure as NewswatchError;
    expect(err.code).toBe("NW_STORE_UNREACHABLE");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('database "nwtest_no_such_database" does not exist');
    expect(err.message).toContain("127.0.0.1:5432");
  });
});
