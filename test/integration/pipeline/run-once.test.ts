import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../../src/store/open-store.js";
import { logLines, runCli } from "../../helpers/cli.js";
import { connectTestRedis, deletePrefix } from "../../helpers/redis.js";

// `newswatch run --once` end to end against real Redis, a real SQLite store and a real HTTP server serving
// feeds: the first pass finds the articles, the second sends validators, gets 304s and finds nothing new.

const prefix = `nwtest-runonce-${Math.random().toString(36).slice(2, 8)}`;
const workDir = mkdtempSync(path.join(os.tmpdir(), "nwtest-runonce-"));
const configFile = path.join(workDir, "newswatch.yaml");
const storeFile = path.join(workDir, "store.db");

const rss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test World</title><link>http://example.test/</link>
<item><title>Lavrov arrives in Pyongyang for talks with North Korea</title><link>http://example.test/a1?utm_source=rss</link>
<guid>a1</guid><pubDate>Fri, 27 Nov 2026 06:10:00 +0900</pubDate>
<description>Russian foreign minister Sergei Lavrov landed in Pyongyang on Friday for talks with North Korean officials on military cooperation.</description></item>
<item><title>Local council approves new cycle lanes</title><link>http://example.test/a2</link><guid>a2</guid>
<pubDate>Thu, 26 Nov 2026 09:00:00 GMT</pubDate><description>The council voted for twelve kilometres of new lanes.</description></item>
</channel></rss>`;

const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Test Atom</title><id>urn:test:atom</id><updated>2026-11-27T08:00:00Z</updated>
<entry><title>New UN sanctions report names North Korean coal shipments</title><id>urn:test:atom:1</id>
<link rel="alternate" href="http://atom.example.test/news/1"/><published>2026-11-26T21:40:00Z</published>
<summary>Investigators say ship-to-ship transfers of North Korean coal breach sanctions.</summary></entry>
</feed>`;

const cp1251 = iconv.encode(
  `<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Русская лента</title><link>http://ru.example.test/</link>
<item><title>Лавров прибыл в Пхеньян</title><link>http://ru.example.test/1</link><guid>ru1</guid><description>Министр иностранных дел России прибыл в Пхеньян.</description></item>
</channel></rss>`,
  "windows-1251",
);

const eucKr = iconv.encode(
  `<?xml version="1.0" encoding="EUC-KR"?><rss version="2.0"><channel><title>한국 뉴스</title><link>http://kr.example.test/</link>
<item><title>북한과 러시아 외무장관 회담</title><link>http://kr.example.test/1</link><guid>kr1</guid><description>평양에서 회담이 열렸다.</description></item>
</channel></rss>`,
  "euc-kr",
);

const requests: Array<{ path: string; ifNoneMatch?: string; ifModifiedSince?: string; userAgent?: string }> =
  [];
let server: http.Server;
let base = "";

function etagOf(body: string | Buffer): string {
  return `"${createHash("sha1").update(body).digest("hex").slice(0, 16)}"`;
}

beforeAll(async () => {
  const lastModified = "Fri, 27 Nov 2026 08:00:00 GMT";
  server = http.createServer((req, res) => {
    requests.push({
      path: req.url ?? "",
      ifNoneMatch: req.headers["if-none-match"],
      ifModifiedSince: req.headers["if-modified-since"],
      userAgent: req.headers["user-agent"],
    });
    const serveWithEtag = (body: string | Buffer, contentType: string) => {
      const etag = etagOf(body);
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, { ETag: etag }).end();
        return;
      }
      res.writeHead(200, { "Content-Type": contentType, ETag: etag }).end(body);
    };
    switch (req.url) {
      case "/world.rss":
        return serveWithEtag(rss, "application/rss+xml; charset=utf-8");
      case "/atom.xml":
        if (req.headers["if-modified-since"] === lastModified) return void res.writeHead(304).end();
        return void res
          .writeHead(200, { "Content-Type": "application/atom+xml", "Last-Modified": lastModified })
          .end(atom);
      case "/ru.xml":
        // No charset in the header: the XML declaration says windows-1251.
        return serveWithEtag(cp1251, "text/xml");
      case "/kr.xml":
        return serveWithEtag(eucKr, "application/xml; charset=EUC-KR");
      case "/broken.xml":
        return void res
          .writeHead(200, { "Content-Type": "text/xml" })
          .end(
            "<html><head><title>Sign in</title></head><body><p>Please log in to read this page.</p></body></html>",
          );
      default:
        return void res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(
    configFile,
    `redis: { url: "\${REDIS_URL:-redis://127.0.0.1:6379}", prefix: ${prefix} }
store: { url: "sqlite:${storeFile}" }
feeds:
  defaults: { interval: 10m, timeout: 5s, max_bytes: 1MB }
  list:
    - { url: "${base}/world.rss", name: Test World }
    - { url: "${base}/atom.xml", name: Test Atom }
    - { url: "${base}/ru.xml", name: Russian Feed }
    - { url: "${base}/kr.xml", name: Korean Feed }
    - { url: "${base}/broken.xml", name: Broken Feed }
    - { url: "${base}/gone.xml", name: Gone Feed }
aliases:
  russia: [Russia, "Russian*", Lavrov, Россия, "России", Лавров, "러시아*"]
  dprk: ["North Korea*", Pyongyang, Пхеньян, "북한*", 평양]
topics:
  - { id: russia-dprk, name: Russia and North Korea, query: '@russia AND @dprk' }
  - { id: sanctions, name: Sanctions, query: 'sanction* AND @dprk' }
`,
  );
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const redis = connectTestRedis();
  await deletePrefix(redis, prefix);
  await redis.quit();
  rmSync(workDir, { recursive: true, force: true });
});

describe("run --once", () => {
  it("polls every feed, reports broken ones, and a second pass gets 304s and emits nothing new", async () => {
    const first = await runCli(["run", "--once", "--config", configFile]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Polled 6 feeds .*: 4 ok, 0 not modified, 2 failed/);
    expect(first.stdout).toMatch(/failed +Broken Feed: .*broken\.xml/);
    expect(first.stdout).toMatch(/failed +Gone Feed: .*404/);
    expect(first.stdout).toMatch(/Articles: 5 items seen, 5 new, 0 updated/);

    // Charsets were decoded: the Cyrillic and Hangul headlines are stored intact and matched.
    const store = await openStore(`sqlite:${storeFile}`);
    try {
      const matches = await store.listMatches({ topic: "russia-dprk" });
      const titles = matches.map((m) => m.title).sort();
      expect(titles).toEqual(
        [
          "Lavrov arrives in Pyongyang for talks with North Korea",
          "Лавров прибыл в Пхеньян",
          "북한과 러시아 외무장관 회담",
        ].sort(),
      );
      const sanctions = await store.listMatches({ topic: "sanctions" });
      expect(sanctions.map((m) => m.title)).toEqual([
        "New UN sanctions report names North Korean coal shipments",
      ]);
      // Tracking parameters never reach the stored canonical identity, but the link itself is kept.
      expect(matches.find((m) => m.title.startsWith("Lavrov"))?.url).toBe(
        "http://example.test/a1?utm_source=rss",
      );
    } finally {
      await store.close();
    }
    const polls = logLines(first.stderr).filter((l) => l.msg === "poll done" || l.msg === "poll failed");
    expect(polls).toHaveLength(6);
    expect(requests.every((r) => /^newswatch\/\d+\.\d+\.\d+/.test(r.userAgent ?? ""))).toBe(true);

    requests.length = 0;
    const second = await runCli(["run", "--once", "--config", configFile]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Polled 6 feeds .*: 0 ok, 4 not modified, 2 failed/);
    expect(second.stdout).toMatch(/Articles: 0 items seen, 0 new, 0 updated/);
    const byPath = new Map(requests.map((r) => [r.path, r]));
    expect(byPath.get("/world.rss")?.ifNoneMatch).toMatch(/^"[0-9a-f]{16}"$/);
    expect(byPath.get("/atom.xml")?.ifModifiedSince).toBe("Fri, 27 Nov 2026 08:00:00 GMT");
    expect(byPath.get("/ru.xml")?.ifNoneMatch).toBeDefined();
    expect(logLines(second.stderr).filter((l) => l.msg === "chunk processed")).toHaveLength(0);
  }, 120_000);

  it("fails fast with one helpful line and exit 2 when Redis cannot be reached", async () => {
    // Nothing listens on port 1: the same as a stopped Redis.
    const result = await runCli(["run", "--once", "--config", configFile], {
      env: { REDIS_URL: "redis://127.0.0.1:1" },
      timeoutMs: 20_000,
    });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot reach Redis at 127\.0\.0\.1:1 .*redis-server/);
    expect(result.stdout).toBe("");
  });
});
