import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { runOnce } from "../../../src/service/run-once.js";
import { runCli } from "../../helpers/cli.js";
import { connectTestRedis, deletePrefix, testPrefix } from "../../helpers/redis.js";

// The same feeds processed into SQLite and into PostgreSQL give identical `newswatch matches --json`.

const workDir = mkdtempSync(path.join(os.tmpdir(), "nwtest-engines-"));
const schema = `nwtest_engines_${Math.random().toString(36).slice(2, 8)}`;
const prefixes = { sqlite: testPrefix("engines-sqlite"), postgres: testPrefix("engines-pg") };
const configFiles = {
  sqlite: path.join(workDir, "sqlite.yaml"),
  postgres: path.join(workDir, "postgres.yaml"),
};
const storeUrls = {
  sqlite: `sqlite:${path.join(workDir, "store.db")}`,
  postgres: `postgres://postgres@127.0.0.1:5432/test?schema=${schema}`,
};
let server: http.Server;

const lead =
  "Russian Foreign Minister Sergei Lavrov arrived in Pyongyang on Friday for two days of talks with North Korean officials on military and economic cooperation, state media said.";
const items = [
  ["Lavrov arrives in Pyongyang for talks", lead, "https://a.test/lavrov", "Fri, 27 Nov 2026 06:00:00 GMT"],
  // A syndicated copy: outlet tag, tracking parameter, the same lead with a byline.
  [
    "Lavrov arrives in Pyongyang for talks - Wire",
    `By Staff. ${lead}`,
    "https://b.test/world/lavrov?utm_source=rss",
    "Fri, 27 Nov 2026 07:00:00 GMT",
  ],
  [
    "UN panel says North Korean coal shipments evade sanctions",
    "Investigators tracked ship-to-ship transfers of North Korean coal in breach of UN sanctions.",
    "https://a.test/coal",
    "Thu, 26 Nov 2026 10:00:00 GMT",
  ],
  [
    "City council approves cycle lanes",
    "Twelve kilometres of new lanes were approved on Tuesday.",
    "https://a.test/lanes",
    "Tue, 24 Nov 2026 10:00:00 GMT",
  ],
];

beforeAll(async () => {
  const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://a.test/</link>${items
    .map(
      ([t, d, l, p]) =>
        `<item><title>${t}</title><description>${d}</description><link>${l?.replace(/&/g, "&amp;")}</link><pubDate>${p}</pubDate></item>`,
    )
    .join("")}</channel></rss>`;
  server = http.createServer((_req, res) =>
    res.writeHead(200, { "Content-Type": "application/rss+xml" }).end(body),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wire.xml`;
  for (const engine of ["sqlite", "postgres"] as const) {
    writeFileSync(
      configFiles[engine],
      `redis: { url: "redis://127.0.0.1:6379", prefix: ${prefixes[engine]} }
store: { url: "${storeUrls[engine]}" }
feeds: { list: [ { url: "${url}", name: Wire } ] }
aliases:
  russia: [Russia, "Russian*", Lavrov]
  dprk: ["North Korea*", Pyongyang]
topics:
  - { id: russia-dprk, name: Russia and North Korea, query: '@russia AND @dprk' }
  - { id: sanctions, name: Sanctions, query: 'sanction* AND @dprk' }
`,
    );
  }
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const redis = connectTestRedis();
  for (const prefix of Object.values(prefixes)) await deletePrefix(redis, prefix);
  await redis.quit();
  const client = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/test" });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
  rmSync(workDir, { recursive: true, force: true });
});

describe("SQLite and PostgreSQL", () => {
  it("store the same feeds identically: `matches --json` prints the same bytes", async () => {
    const clock = () => new Date("2026-11-27T08:00:00.000Z");
    const logger = pino({ level: "silent" });
    for (const engine of ["sqlite", "postgres"] as const) {
      const summary = await runOnce(await loadConfig(configFiles[engine]), logger, {
        now: clock,
        concurrency: 1,
      });
      expect(summary.polls.map((p) => p.status)).toEqual(["ok"]);
    }
    const outputs = await Promise.all(
      (["sqlite", "postgres"] as const).map((engine) =>
        runCli(["matches", "--json", "--config", configFiles[engine]]),
      ),
    );
    for (const out of outputs) expect(out.code, out.stderr).toBe(0);
    const [sqlite, postgres] = outputs.map((o) => o.stdout);
    expect(postgres).toBe(sqlite);
    const rows = (sqlite ?? "")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { topic: string; title: string; copies: unknown[] });
    expect(rows.map((r) => `${r.topic}: ${r.title} (${r.copies.length})`).sort()).toEqual([
      "russia-dprk: Lavrov arrives in Pyongyang for talks (2)",
      "sanctions: UN panel says North Korean coal shipments evade sanctions (1)",
    ]);
  }, 120_000);
});
