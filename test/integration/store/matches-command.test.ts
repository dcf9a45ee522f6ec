import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../../src/store/open-store.js";
import { buildEntry } from "./entries.js";

// `newswatch matches` end to end: the same writes stored in SQLite and in PostgreSQL print the same
// JSON Lines, byte for byte.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const postgresBase = "postgres://postgres@127.0.0.1:5432/test";
const schema = `nwtest_matches_cli_${Math.random().toString(36).slice(2, 8)}`;
const workDir = mkdtempSync(path.join(os.tmpdir(), "nwtest-matches-cli-"));
const configFile = path.join(workDir, "newswatch.yaml");
const sqliteUrl = `sqlite:${path.join(workDir, "store.db")}`;
const postgresUrl = `${postgresBase}?schema=${schema}`;

const workload = [
  buildEntry({ n: 1, story: "s-visit", title: "Lavrov arrives in Pyongyang", topics: ["russia-dprk"] }),
  buildEntry({
    n: 2,
    story: "s-visit",
    source: "Paper B",
    published: "2026-03-01T07:00:00+01:00",
    topics: ["russia-dprk"],
  }),
  buildEntry({
    n: 3,
    story: "s-sanctions",
    firstSeen: "2026-03-02T06:00:00Z",
    title: "-New sanctions",
    topics: ["sanctions"],
  }),
  buildEntry({
    n: 4,
    story: "s-both",
    firstSeen: "2026-03-03T06:00:00Z",
    topics: ["sanctions", "russia-dprk"],
  }),
];

function runMatches(args: string[], databaseUrl: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "--config", configFile, "matches", ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: databaseUrl },
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
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  writeFileSync(
    configFile,
    [
      "store:",
      '  url: "sqlite:./not-used.db"',
      "topics:",
      "  - { id: russia-dprk, name: Russia and North Korea, query: 'russia AND pyongyang' }",
      "  - { id: sanctions, name: Sanctions, query: 'sanction*' }",
      "",
    ].join("\n"),
  );
  for (const url of [sqliteUrl, postgresUrl]) {
    const store = await openStore(url);
    await store.saveChunk(workload.slice(0, 2));
    await store.saveChunk(workload.slice(2));
    await store.close();
  }
});

afterAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: postgresBase });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

describe("newswatch matches", () => {
  it("prints identical JSON Lines from SQLite and PostgreSQL, one per (topic, story), every copy listed", async () => {
    const fromSqlite = await runMatches(["--json"], sqliteUrl);
    const fromPostgres = await runMatches(["--json"], postgresUrl);
    expect(fromSqlite.code).toBe(0);
    expect(fromPostgres.code).toBe(0);
    expect(fromPostgres.stdout).toBe(fromSqlite.stdout);

    const lines = fromSqlite.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => `${l.topic}/${l.story}`)).toEqual([
      "sanctions/s-both",
      "russia-dprk/s-both",
      "sanctions/s-sanctions",
      "russia-dprk/s-visit",
    ]);
    expect(Object.keys(lines[3])).toEqual([
      "topic",
      "story",
      "title",
      "url",
      "source",
      "published",
      "first_seen",
      "score",
      "matched",
      "copies",
    ]);
    expect(lines[3].copies).toEqual([
      {
        url: "https://news.example.org/2?utm_source=x",
        title: "Headline 2",
        source: "Paper B",
        published: "2026-03-01T06:00:00.000Z",
      },
      {
        url: "https://news.example.org/1?utm_source=x",
        title: "Lavrov arrives in Pyongyang",
        source: "Source 1",
        published: "2026-03-01T08:00:00.000Z",
      },
    ]);
  }, 60_000);

  it("filters by topic, time and limit", async () => {
    const result = await runMatches(
      ["--json", "--topic", "sanctions", "--until", "2026-03-03T00:00:00Z"],
      sqliteUrl,
    );
    expect(
      result.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line).story),
    ).toEqual(["s-sanctions"]);
    const limited = await runMatches(["--json", "--limit", "1", "--since", "2026-03-02"], postgresUrl);
    expect(
      limited.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line).story),
    ).toEqual(["s-both"]);
  }, 60_000);

  it("writes CSV with formula-looking cells neutralised", async () => {
    const result = await runMatches(["--format", "csv", "--topic", "sanctions"], postgresUrl);
    expect(result.code).toBe(0);
    const rows = result.stdout.split("\r\n");
    expect(rows[0]).toBe(
      "topic,story,first_seen,published,score,title,url,source,matched,sources,source_urls",
    );
    expect(rows[2]).toContain(",'-New sanctions,");
    expect(rows).toHaveLength(4);
  }, 60_000);

  it("refuses a malformed time with exit 1 and nothing on stdout", async () => {
    const result = await runMatches(["--json", "--since", "last week"], sqliteUrl);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("--since must be an ISO 8601 time");
  }, 60_000);

  it("exits 2 with one line naming host and port when PostgreSQL is unreachable", async () => {
    const result = await runMatches(["--json"], "postgres://nw:hunter2@127.0.0.1:1/newswatch");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("127.0.0.1:1");
    expect(result.stderr).not.toContain("hunter2");
  }, 60_000);
});
