import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../../src/store/open-store.js";
import type { MatchRow } from "../../../src/store/types.js";
import { repoRoot, runCli } from "../../helpers/cli.js";
import { eventually, FeedServer, type FixtureItem, makeItems, rssOf } from "../server/fixture-feeds.js";

// newswatch scaled out: one poller, three processors and one digester as separate processes on one Redis
// prefix and one PostgreSQL schema store exactly what one `run --once` process stores over the same feeds.
// Then a topic edited in the file while they run is in force for the next articles in every processor
// (two of them read a copy of the configuration that is never edited: they learn of it through Redis),
// and an invalid edit leaves the previous query in force.

const id = Math.random().toString(36).slice(2, 8);
const postgresBase = "postgres://postgres@127.0.0.1:5432/test";
const once = { prefix: `nwtest-scale-once-${id}`, schema: `nwtest_scale_once_${id}` };
const scaled = { prefix: `nwtest-scale-${id}`, schema: `nwtest_scale_${id}` };
const workDir = mkdtempSync(path.join(os.tmpdir(), "nwtest-scale-"));
const FEEDS = 8;

const feeds = new FeedServer();
const items = new Map<number, FixtureItem[]>();
const processes: Array<{
  name: string;
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  exit: Promise<number | null>;
}> = [];

function publishFeeds(): void {
  for (const [n, list] of items) feeds.documents.set(`/feed-${n}.rss`, rssOf(`Desk ${n}`, list));
}

function topicsYaml(sanctionsQuery: string): string {
  return `topics:
  - id: sanctions
    name: Sanctions
    query: '${sanctionsQuery}'
  - { id: missiles, name: Missiles, query: "missile*" }
`;
}

function writeConfigDir(dir: string, target: { prefix: string; schema: string }): string {
  mkdirSync(dir, { recursive: true });
  const list = Array.from(
    { length: FEEDS },
    (_, n) => `    - { url: "${feeds.base}/feed-${n}.rss", name: Desk ${n}, tags: [desk] }`,
  ).join("\n");
  writeFileSync(
    path.join(dir, "newswatch.yaml"),
    `include: [topics.yaml]
redis: { url: "redis://127.0.0.1:6379", prefix: ${target.prefix} }
store: { url: "${postgresBase}?schema=${target.schema}" }
server: { host: 127.0.0.1, port: 0 }
feeds:
  defaults: { interval: 2s }
  list:
${list}
`,
  );
  writeFileSync(path.join(dir, "topics.yaml"), topicsYaml("sanction*"));
  return path.join(dir, "newswatch.yaml");
}

function startRole(name: string, role: string, config: string): void {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(repoRoot, "src/cli/main.ts"),
      "run",
      "--role",
      role,
      "--concurrency",
      "1",
      "--config",
      config,
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: "info" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const lines: Array<Record<string, unknown>> = [];
  let buffer = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const line of parts)
      if (line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  processes.push({ name, child, lines, exit });
}

const processors = () => processes.filter((p) => p.name.startsWith("processor"));
const logged = (p: (typeof processes)[number], msg: string) => p.lines.filter((l) => l.msg === msg);
const newArticlesProcessed = () =>
  processors().reduce(
    (n, p) => n + logged(p, "chunk processed").reduce((m, l) => m + Number(l.newArticles ?? 0), 0),
    0,
  );

async function listMatches(schema: string): Promise<MatchRow[]> {
  const store = await openStore(`${postgresBase}?schema=${schema}`);
  try {
    return await store.listMatches({});
  } finally {
    await store.close();
  }
}

/** What a run stores, without the times of that run: sorted by topic and URL. */
function comparable(rows: MatchRow[]) {
  return rows
    .map(({ first_seen: _firstSeen, ...rest }) => rest)
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.url.localeCompare(b.url));
}

beforeAll(async () => {
  await feeds.start();
  for (let n = 0; n < FEEDS; n++) {
    items.set(n, [
      ...makeItems("sanctions", 10, n * 10 + 1, feeds.base),
      ...makeItems("missiles", 8, n * 10 + 2, feeds.base),
      ...makeItems("harvest", 7, n * 10 + 3, feeds.base),
    ]);
  }
  publishFeeds();
});

afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  await feeds.close();
  const redis = new Redis("redis://127.0.0.1:6379");
  for (const prefix of [once.prefix, scaled.prefix]) {
    const keys = await redis.keys(`{${prefix}}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
  const client = new pg.Client({ connectionString: postgresBase });
  await client.connect();
  for (const schema of [once.schema, scaled.schema])
    await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
  rmSync(workDir, { recursive: true, force: true });
});

describe("scale-out", () => {
  let expected: MatchRow[];
  const mainDir = path.join(workDir, "main");
  const otherHostDir = path.join(workDir, "other-host");

  it("stores with 1 poller, 3 processors and 1 digester exactly what one run --once stores", async () => {
    const single = await runCli(
      ["run", "--once", "--config", writeConfigDir(path.join(workDir, "once"), once)],
      { timeoutMs: 120_000 },
    );
    expect(single.code, single.stderr.slice(-2000)).toBe(0);
    expected = await listMatches(once.schema);
    expect(expected.filter((m) => m.topic === "sanctions")).toHaveLength(FEEDS * 10);
    expect(expected.filter((m) => m.topic === "missiles")).toHaveLength(FEEDS * 8);

    const mainConfig = writeConfigDir(mainDir, scaled);
    cpSync(mainDir, otherHostDir, { recursive: true });
    const otherConfig = path.join(otherHostDir, "newswatch.yaml");
    startRole("poller", "poller", mainConfig);
    startRole("processor-1", "processor", mainConfig);
    startRole("processor-2", "processor", otherConfig);
    startRole("processor-3", "processor", otherConfig);
    startRole("digester", "digester", mainConfig);

    await eventually(
      () => listMatches(scaled.schema),
      (rows) => rows.length >= expected.length,
      "the scaled-out service to store every match",
      120_000,
      500,
    );
    await eventually(
      async () => newArticlesProcessed(),
      (n) => n >= FEEDS * 25,
      "every article to be processed",
      60_000,
    );
    const stored = await listMatches(scaled.schema);
    expect(comparable(stored)).toEqual(comparable(expected));
    expect(newArticlesProcessed()).toBe(FEEDS * 25);

    // Scheduler upkeep: the poller and the digester compete, exactly one of them won.
    const owners = processes.filter(
      (p) => logged(p, "scheduler lease acquired; this process keeps the schedulers").length > 0,
    );
    expect(owners.map((p) => p.name)).toHaveLength(1);
    for (const p of processes) expect(p.child.exitCode, `${p.name} still running`).toBeNull();
  }, 240_000);

  it("puts an edited topic in force for the next articles in every processor; an invalid edit changes nothing", async () => {
    expect(processes).toHaveLength(5);
    const before = await listMatches(scaled.schema);

    writeFileSync(path.join(mainDir, "topics.yaml"), topicsYaml("tariff*"));
    for (const p of processors()) {
      await eventually(
        async () => logged(p, "topics reloaded").length,
        (n) => n >= 1,
        `${p.name} to reload`,
        60_000,
      );
    }
    const versions = processors().map((p) => logged(p, "topics reloaded")[0]?.version);
    expect(new Set(versions).size).toBe(1);
    // The processors reading the unedited copy learnt of the edit through Redis.
    for (const p of processors().filter((q) => q.name !== "processor-1"))
      expect(logged(p, "topics reloaded")[0]?.source).toBe("redis");

    // The next articles: two about tariffs and two about sanctions in every feed. BullMQ hands each chunk to
    // whichever worker asks first (a busy worker chains straight into the next job), so which processors
    // take them is up to chance. Every processor has reported the new version above, so whichever takes a
    // chunk must store exactly the matches of the new query.
    const processedSoFar = newArticlesProcessed();
    const tariffUrls: string[] = [];
    for (let n = 0; n < FEEDS; n++) {
      const tariffs = makeItems("tariffs", 2, 1000 + n, feeds.base);
      const sanctions = makeItems("sanctions", 2, 1050 + n, feeds.base);
      tariffUrls.push(...tariffs.map((i) => i.link));
      items.get(n)?.push(...tariffs, ...sanctions);
    }
    publishFeeds();
    await eventually(
      async () => newArticlesProcessed(),
      (n) => n >= processedSoFar + FEEDS * 4,
      "the next articles to be processed",
      60_000,
    );
    // Each chunk mixes tariff and sanction articles, so a processor still on the old query would have
    // stored a wrong match.
    const afterEdit = await listMatches(scaled.schema);
    const newSanctionMatches = afterEdit.filter(
      (m) => m.topic === "sanctions" && !before.some((b) => b.topic === m.topic && b.story === m.story),
    );
    expect(newSanctionMatches.map((m) => m.url).sort()).toEqual(tariffUrls.sort());

    // An invalid edit: logged where the file changed, the previous query stays in force everywhere.
    writeFileSync(path.join(mainDir, "topics.yaml"), topicsYaml("tariff* AND ("));
    const watching = processes.filter((p) => ["poller", "processor-1", "digester"].includes(p.name));
    for (const p of watching) {
      const reported = await eventually(
        async () => logged(p, "configuration edit is invalid; the previous topics stay in force")[0],
        (l) => l !== undefined,
        `${p.name} to report the invalid edit`,
        60_000,
      );
      expect((reported?.problems as string[] | undefined)?.[0]).toMatch(/topics\.yaml:\d+:\d+: /);
    }
    const processedMid = newArticlesProcessed();
    const batch3Tariffs: string[] = [];
    for (let n = 0; n < FEEDS; n++) {
      const tariffs = makeItems("tariffs", 1, 700 + n, feeds.base);
      batch3Tariffs.push(...tariffs.map((i) => i.link));
      items.get(n)?.push(...tariffs, ...makeItems("sanctions", 1, 800 + n, feeds.base));
    }
    publishFeeds();
    await eventually(
      async () => newArticlesProcessed(),
      (n) => n >= processedMid + FEEDS * 2,
      "the last articles to be processed",
      60_000,
    );
    const afterInvalid = await listMatches(scaled.schema);
    const lastSanctionMatches = afterInvalid.filter(
      (m) => m.topic === "sanctions" && !afterEdit.some((b) => b.topic === m.topic && b.story === m.story),
    );
    expect(lastSanctionMatches.map((m) => m.url).sort()).toEqual(batch3Tariffs.sort());
    for (const p of processors()) expect(logged(p, "topics reloaded")).toHaveLength(1);
  }, 240_000);

  it("drains and exits 0 on SIGTERM", async () => {
    for (const p of processes) p.child.kill("SIGTERM");
    const codes = await Promise.all(processes.map((p) => p.exit));
    expect(codes).toEqual([0, 0, 0, 0, 0]);
  }, 60_000);
});
