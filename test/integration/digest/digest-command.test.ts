import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Article } from "../../../src/feeds/types.js";
import { createLogger } from "../../../src/log.js";
import { openStore } from "../../../src/store/open-store.js";
import { runCli } from "../../helpers/cli.js";

// `newswatch digest NAME [--dry-run] [--format …]` against a real SQLite store and a file channel.

const tmp = mkdtempSync(path.join(os.tmpdir(), "nwtest-digest-cli-"));
const configFile = path.join(tmp, "newswatch.yaml");
const outDir = path.join(tmp, "out");
const storeUrl = `sqlite:${path.join(tmp, "store.db")}`;

function article(id: string, title: string, source: string): Article {
  const url = `https://news.example.org/${id}`;
  const published = "2026-03-01T06:00:00.000Z";
  return {
    id,
    feedId: "f",
    source,
    guid: id,
    url,
    canonicalUrl: url,
    title,
    text: title,
    summary: title,
    published,
    firstSeen: published,
    categories: [],
    media: [],
  };
}

beforeAll(async () => {
  writeFileSync(
    configFile,
    [
      `store: { url: "${storeUrl}" }`,
      "topics:",
      '  - { id: russia-dprk, name: "Russia–North Korea", query: "Lavrov" }',
      "  - { id: sanctions, name: Sanctions, query: sanctions }",
      "digests:",
      "  - name: desk",
      "    topics: [russia-dprk, sanctions]",
      '    schedule: "0 7 * * *"',
      "    deliver:",
      `      - { type: file, dir: "${outDir}", format: markdown }`,
      "",
    ].join("\n"),
  );
  const store = await openStore(storeUrl, { logger: createLogger({ level: "silent" }) });
  await store.saveChunk([
    {
      article: article("a1", "Lavrov arrives in Pyongyang", "World Desk"),
      story: { id: "s1", isNew: true },
      matches: [
        {
          topicId: "russia-dprk",
          score: 2,
          matched: ["Lavrov"],
          hits: [],
          snippet: "Lavrov arrived for talks",
        },
      ],
    },
    {
      article: article("a2", "New *sanctions* <b>announced</b>", "Wire"),
      story: { id: "s2", isNew: true },
      matches: [
        { topicId: "sanctions", score: 1, matched: ["sanctions"], hits: [], snippet: "new sanctions" },
      ],
    },
  ]);
  await store.close();
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const run = (...args: string[]) =>
  runCli([...args, "--config", configFile], { env: { LOG_LEVEL: "warn", DATABASE_URL: "" } });

// Each test spawns the real command through tsx, which takes seconds on a busy machine.
const CLI_TEST_TIMEOUT_MS = 120_000;

describe("newswatch digest", () => {
  it(
    "--dry-run prints the digest in Markdown and marks nothing sent",
    async () => {
      const first = await run("digest", "desk", "--dry-run");
      expect(first.code).toBe(0);
      expect(first.stdout).toContain("# newswatch digest desk");
      expect(first.stdout).toContain("## Russia–North Korea (1)");
      expect(first.stdout).toContain("[Lavrov arrives in Pyongyang](https://news.example.org/a1)");
      expect(first.stdout).toContain("New \\*sanctions\\* \\<b\\>announced\\</b\\>");
      const again = await run("digest", "desk", "--dry-run");
      // Same content again (only the generation time may differ): nothing was claimed.
      const withoutTime = (s: string) => s.replace(/^\S+ \S+ [+-]\d\d\\?:\d\d · /m, "");
      expect(withoutTime(again.stdout)).toBe(withoutTime(first.stdout));
      expect(() => readdirSync(outDir)).toThrow();
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "--format html prints the HTML e-mail",
    async () => {
      const result = await run("digest", "desk", "--dry-run", "--format", "html");
      expect(result.code).toBe(0);
      expect(result.stdout.startsWith("<!DOCTYPE html>")).toBe(true);
      expect(result.stdout).toContain("New *sanctions* &lt;b&gt;announced&lt;/b&gt;");
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "delivers through the digest's channels once; the next run finds nothing new",
    async () => {
      const first = await run("digest", "desk");
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(
        /^digest desk: delivery desk-[0-9a-f]{24}, 2 stories \(2 matches\)\n {2}file:[0-9a-f]{12} +sent\n$/,
      );
      const files = readdirSync(outDir);
      expect(files).toHaveLength(1);
      expect(readFileSync(path.join(outDir, files[0] ?? ""), "utf8")).toContain(
        "[Lavrov arrives in Pyongyang](https://news.example.org/a1)",
      );

      const second = await run("digest", "desk");
      expect(second.code).toBe(0);
      expect(second.stdout).toBe("digest desk: nothing new, nothing sent\n");
      const dry = await run("digest", "desk", "--dry-run");
      expect(dry.stdout).toContain("No new stories");
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "refuses an unknown digest or format with exit code 1",
    async () => {
      const unknown = await run("digest", "evening");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no digest named "evening" (configured: desk)');
      const format = await run("digest", "desk", "--dry-run", "--format", "pdf");
      expect(format.code).toBe(1);
      expect(format.stderr).toContain("--format must be one of markdown, text, html, json");
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
