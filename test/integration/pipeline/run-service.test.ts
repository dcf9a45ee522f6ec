import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/cli.js";
import { connectTestRedis, deletePrefix, testPrefix } from "../../helpers/redis.js";

// `newswatch run`: the schedulers poll the feeds on their own, and SIGTERM drains and exits 0.

const prefix = testPrefix("service");
const workDir = mkdtempSync(path.join(os.tmpdir(), "nwtest-service-"));
const configFile = path.join(workDir, "newswatch.yaml");
let server: http.Server;
let polls = 0;

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    polls++;
    res
      .writeHead(200, { "Content-Type": "application/rss+xml" })
      .end(
        `<rss version="2.0"><channel><title>T</title><item><title>Item ${polls}</title><link>http://t.test/${polls}</link></item></channel></rss>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(
    configFile,
    `redis: { url: "redis://127.0.0.1:6379", prefix: ${prefix} }
store: { url: "sqlite:${path.join(workDir, "store.db")}" }
server: { host: 127.0.0.1, port: ${await freePort()} }
feeds:
  defaults: { interval: 1s, timeout: 5s }
  list:
    - { url: "${base}/a.xml", name: Feed A }
topics:
  - { id: items, name: Items, query: 'item' }
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

describe("run", () => {
  it("polls on schedule and exits 0 on SIGTERM after draining", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "run", "--config", configFile],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Wait until the scheduler has polled the feed at least twice (interval 1 s).
    const deadline = Date.now() + 45_000;
    while ((stderr.match(/"msg":"poll done"/g) ?? []).length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((stderr.match(/"msg":"poll done"/g) ?? []).length, stderr).toBeGreaterThanOrEqual(2);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain('"msg":"stopped"');
  }, 90_000);
});
