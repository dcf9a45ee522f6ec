import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { Command } from "commander";
import { errorMessage } from "../errors.js";
import { compileTopics } from "../match/matcher.js";
import type { MatchInput } from "../match/types.js";
import { loadCliConfig } from "./load-cli-config.js";

// `newswatch match [--input FILE.jsonl]`: articles in as JSON Lines (stdin by default, `.gz` read
// through gunzip), one JSON line per (article, topic) match out. No Redis, no store.

export function registerMatchCommand(program: Command): void {
  program
    .command("match")
    .description(
      "match JSON Lines articles {id,title,text,url,source,published} against the configured topics",
    )
    .option("--input <file>", "JSON Lines file of articles (.jsonl or .jsonl.gz); stdin when absent")
    .action(async (options: { input?: string }, command: Command) => {
      const config = await loadCliConfig(command);
      const matcher = compileTopics(config.topics, config.aliases);
      const progress = process.stderr.isTTY
        ? new ProgressBar(process.stderr, inputSize(options.input))
        : null;
      let badLines = 0;
      let out = "";
      for await (const line of readArticleLines(options.input)) {
        progress?.update(line.bytesRead, line.lineNumber);
        if (line.kind === "invalid") {
          badLines++;
          process.stderr.write(`${line.where}: ${line.message}\n`);
          continue;
        }
        for (const match of matcher.matchArticle(line.article)) {
          const { topicId, score, matched, snippet } = match;
          out += `${JSON.stringify({ id: line.article.id, topic: topicId, score, matched, snippet })}\n`;
        }
        if (out.length > 64 * 1024) {
          await write(process.stdout, out);
          out = "";
        }
      }
      await write(process.stdout, out);
      progress?.finish();
      if (badLines > 0) process.exitCode = 1;
    });
}

export type ArticleLine =
  | { kind: "article"; article: MatchInput; lineNumber: number; bytesRead: number }
  | { kind: "invalid"; where: string; message: string; lineNumber: number; bytesRead: number };

/** Reads JSON Lines articles from a file (gunzipped when it ends in `.gz`) or stdin; blank lines skipped. */
export async function* readArticleLines(file: string | undefined): AsyncGenerator<ArticleLine> {
  const name = file ?? "<stdin>";
  const raw: Readable = file === undefined ? process.stdin : createReadStream(file);
  let bytesRead = 0;
  raw.on("data", (chunk: Buffer | string) => {
    bytesRead += chunk.length;
  });
  const stream = file?.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === "") continue;
    const parsed = parseArticleLine(text);
    if (typeof parsed === "string") {
      yield { kind: "invalid", where: `${name}:${lineNumber}`, message: parsed, lineNumber, bytesRead };
    } else {
      yield { kind: "article", article: parsed, lineNumber, bytesRead };
    }
  }
}

/** An article from one JSON line, or what is wrong with the line. */
export function parseArticleLine(text: string): MatchInput | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `invalid JSON: ${errorMessage(err)}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "expected a JSON object";
  const record = value as Record<string, unknown>;
  const id = record.id;
  if (!(typeof id === "string" && id !== "") && typeof id !== "number")
    return "missing 'id' (string or number)";
  for (const key of ["title", "text", "url", "source", "published"]) {
    const field = record[key];
    if (field !== undefined && field !== null && typeof field !== "string")
      return `'${key}' must be a string`;
  }
  const title = (record.title as string | null | undefined) ?? "";
  const body = (record.text as string | null | undefined) ?? "";
  if (title === "" && body === "") return "expected a 'title' or a 'text'";
  const article: MatchInput = {
    id: String(id),
    title,
    text: body,
    url: (record.url as string | null | undefined) ?? "",
    source: (record.source as string | null | undefined) ?? "",
  };
  const published = record.published as string | null | undefined;
  if (typeof published === "string") article.published = published;
  return article;
}

function inputSize(file: string | undefined): number | null {
  if (file === undefined) return null;
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

function write(stream: Writable, text: string): Promise<void> {
  if (text === "") return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

/** A one-line progress display, redrawn at most ten times a second; only used on a terminal. */
class ProgressBar {
  private lastDraw = 0;
  private lines = 0;
  private bytes = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly totalBytes: number | null,
  ) {}

  update(bytes: number, lines: number): void {
    this.bytes = bytes;
    this.lines = lines;
    const now = performance.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw();
  }

  finish(): void {
    this.draw();
    this.stream.write("\n");
  }

  private draw(): void {
    const width = 30;
    if (this.totalBytes === null || this.totalBytes === 0) {
      this.stream.write(`\r${this.lines} lines read`);
      return;
    }
    const share = Math.min(1, this.bytes / this.totalBytes);
    const filled = Math.round(share * width);
    const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
    this.stream.write(`\r[${bar}] ${Math.round(share * 100)}% ${this.lines} lines`);
  }
}
