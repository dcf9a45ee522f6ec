import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";

// `newswatch match` and `newswatch explain` as a user runs them: a config file holding only aliases
// and topics, JSON Lines in, no Redis.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = mkdtempSync(path.join(tmpdir(), "nwtest-match-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configFile = path.join(dir, "topics.yaml");
writeFileSync(
  configFile,
  [
    "aliases:",
    '  russia: [Russia, "Russian*", Kremlin, Putin]',
    '  dprk: ["North Korea*", "Kim Jong Un"]',
    "topics:",
    "  - id: russia-dprk",
    "    name: Russia and North Korea",
    "    query: '@russia NEAR/10 @dprk'",
    "  - id: sanctions",
    "    name: Sanctions",
    "    query: 'sanction* AND (@dprk OR @russia)'",
    "",
  ].join("\n"),
);

const articles = [
  {
    id: "a1",
    title: "Kim Jong Un meets Putin",
    text: "North Korea and Russia agreed on arms.",
    url: "https://x.org/1",
    source: "X",
  },
  { id: "a2", title: "Weather", text: "Sunny all week.", url: "https://x.org/2", source: "X" },
  {
    id: "a3",
    title: "New sanctions on Russia",
    text: "The EU imposed sanctions.",
    url: "https://x.org/3",
    source: "Y",
  },
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function newswatch(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "src/cli/main.ts"), ...args], {
      cwd: root,
      env: { ...process.env, NEWSWATCH_CONFIG: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

// Each run starts a Node process that compiles the CLI through tsx: slow on a busy machine.
describe("newswatch match", { timeout: 120_000 }, () => {
  it("prints one JSON line per match from a file", async () => {
    const input = path.join(dir, "articles.jsonl");
    writeFileSync(input, `${articles.map((a) => JSON.stringify(a)).join("\n")}\n`);
    const run = await newswatch(["--config", configFile, "match", "--input", input]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.map((l) => [l.id, l.topic])).toEqual([
      ["a1", "russia-dprk"],
      ["a3", "sanctions"],
    ]);
    expect(Object.keys(lines[0] ?? {})).toEqual(["id", "topic", "score", "matched", "snippet"]);
    expect(lines[0]?.matched).toEqual(["Kim Jong Un", "Putin", "North Korea", "Russia"]);
    expect(lines[0]?.score).toBeGreaterThan(0);
  });

  it("reads stdin by default and gzipped files by their name", async () => {
    const fromStdin = await newswatch(["--config", configFile, "match"], JSON.stringify(articles[2]));
    expect(jsonLines(fromStdin.stdout).map((l) => l.topic)).toEqual(["sanctions"]);
    const gzipped = path.join(dir, "articles.jsonl.gz");
    writeFileSync(gzipped, gzipSync(articles.map((a) => JSON.stringify(a)).join("\n")));
    const fromGzip = await newswatch(["--config", configFile, "match", "--input", gzipped]);
    expect(jsonLines(fromGzip.stdout)).toHaveLength(2);
  });

  it("reports bad lines as FILE:line, skips them and exits 1 at the end", async () => {
    const input = path.join(dir, "bad.jsonl");
    const lines = [
      JSON.stringify(articles[0]),
      "{not json",
      '{"title":"no id"}',
      "",
      JSON.stringify(articles[2]),
    ];
    writeFileSync(input, `${lines.join("\n")}\n`);
    const run = await newswatch(["--config", configFile, "match", "--input", input]);
    expect(run.code).toBe(1);
    const problems = run.stderr.trim().split("\n");
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      new RegExp(`^${input.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: invalid JSON`),
    );
    expect(problems[1]).toBe(`${input}:3: missing 'id' (string or number)`);
    expect(jsonLines(run.stdout).map((l) => l.id)).toEqual(["a1", "a3"]);
  });

  it("draws no progress bar when stderr is not a terminal", async () => {
    const run = await newswatch(["--config", configFile, "match"], JSON.stringify(articles[1]));
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("");
  });
});

describe("newswatch explain", { timeout: 120_000 }, () => {
  it("explains a configured topic clause by clause for each article", async () => {
    const input = path.join(dir, "explain.jsonl");
    writeFileSync(input, `${articles.map((a) => JSON.stringify(a)).join("\n")}\n`);
    const run = await newswatch(["--config", configFile, "explain", "sanctions", "--input", input]);
    expect(run.code).toBe(0);
    const blocks = run.stdout.trim().split("\n\n");
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toMatch(/^NO MATCH {2}a1 {2}topic sanctions/);
    expect(blocks[0]).toContain("✗ sanction* — not found in title or text");
    expect(blocks[2]).toMatch(/^MATCH {2}a3/);
    expect(blocks[2]).toContain('✓ sanction* — found "sanctions" (title word 2), "sanctions" (text word 4)');
  });

  it("explains a query given on the command line", async () => {
    const run = await newswatch(
      ["--config", configFile, "explain", "putin NEAR/2 north"],
      JSON.stringify(articles[0]),
    );
    expect(run.stdout).toContain("NO MATCH  a1  query putin NEAR/2 north");
    expect(run.stdout).toContain("both sides found, but never in the same field");
  });

  it("refuses a bad query with its column", async () => {
    const run = await newswatch(["--config", configFile, "explain", "putin AND (kim"], "");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("query:1:15: expected ')' to close '(' at column 11");
  });
});
