// Child process of corpus.test.ts: runs decode → parse → normalise on the files it is sent and reports
// each outcome. It runs apart from the test so that a file that made the parser spin forever could be
// killed by the test's watchdog (synchronous code cannot be interrupted in-process).

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { NewswatchError } from "../../../src/errors.js";
import { decodeFeedBytes } from "../../../src/feeds/decode.js";
import { normaliseItem } from "../../../src/feeds/normalise.js";
import { parseFeed } from "../../../src/feeds/parse.js";
import type { Article } from "../../../src/feeds/types.js";

export type CorpusOutcome =
  | {
      file: string;
      kind: "parsed";
      items: number;
      articles: number;
      skipped: number;
      repairs: string[];
      problems: string[];
    }
  | { file: string; kind: "rejected"; code: string; message: string }
  | { file: string; kind: "crashed"; error: string };

export type CorpusMessage = { type: "start"; file: string } | { type: "done"; outcome: CorpusOutcome };

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HTML_TAG =
  /<\/?(?:p|div|span|br|a|img|b|i|u|em|strong|ul|ol|li|table|tr|td|h[1-6]|script|style|iframe|font|blockquote|object|embed)(?:\s[^<>]*)?\/?>/i;

/** feedparser's test files name the HTTP Content-Type they were served with in a `Header:` comment. */
function contentTypeOf(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 4096).toString("latin1").replace(/\0/g, "");
  return /Header:\s*Content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim();
}

function problemsOf(article: Article): string[] {
  const problems: string[] = [];
  const where = `item ${article.guid}`;
  for (const [name, value] of [
    ["published", article.published],
    ["firstSeen", article.firstSeen],
    ["updated", article.updated],
  ] as const) {
    if (value === undefined && name === "updated") continue;
    if (value === undefined || !ISO_UTC.test(value) || Number.isNaN(Date.parse(value))) {
      problems.push(`${where}: ${name} is not ISO UTC: ${value}`);
    }
  }
  if (typeof article.title !== "string") problems.push(`${where}: title is ${typeof article.title}`);
  for (const [name, value] of [
    ["title", article.title],
    ["text", article.text],
    ["summary", article.summary],
  ] as const) {
    const tag = HTML_TAG.exec(value);
    if (tag !== null) problems.push(`${where}: HTML left in ${name}: ${tag[0].slice(0, 60)}`);
  }
  if (!/^[0-9a-f]{40}$/.test(article.id)) problems.push(`${where}: id is not sha1 hex`);
  return problems;
}

async function runFile(file: string, now: Date): Promise<CorpusOutcome> {
  const feedUrl = pathToFileURL(file).href;
  try {
    const bytes = readFileSync(file);
    const parsed = await parseFeed(decodeFeedBytes(bytes, contentTypeOf(bytes)), feedUrl);
    const identity = { id: "corpus", name: "Corpus", url: feedUrl };
    let articles = 0;
    let skipped = 0;
    const problems: string[] = [];
    for (const item of parsed.items) {
      const article = normaliseItem(item, identity, now);
      if (article === null) {
        skipped += 1;
        continue;
      }
      articles += 1;
      problems.push(...problemsOf(article));
    }
    return {
      file,
      kind: "parsed",
      items: parsed.items.length,
      articles,
      skipped,
      repairs: parsed.repairs ?? [],
      problems,
    };
  } catch (err) {
    if (err instanceof NewswatchError)
      return { file, kind: "rejected", code: err.code, message: err.message };
    return {
      file,
      kind: "crashed",
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    };
  }
}

process.on("message", async (message: { files: string[]; now: string }) => {
  const now = new Date(message.now);
  for (const file of message.files) {
    process.send?.({ type: "start", file } satisfies CorpusMessage);
    const outcome = await runFile(file, now);
    process.send?.({ type: "done", outcome } satisfies CorpusMessage);
  }
  process.disconnect();
});
