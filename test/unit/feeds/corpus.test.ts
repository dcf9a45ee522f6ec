// Every real-world feed file of the shared corpus goes through decode → parse → normalise: it either
// becomes articles that are clean, or is rejected with one of our two feed errors naming the file.
// Nothing else may be thrown and no file may hang (a watchdog kills and records a file that does).

import { type ChildProcess, fork } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { CorpusMessage, CorpusOutcome } from "./corpus-runner.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const wild = path.resolve(repoRoot, "../shared/corpora/feeds-wild");
const runner = path.join(here, "corpus-runner.ts");

/** Longer than any file takes on a loaded 2-core machine; only a hang gets near it. */
const PER_FILE_LIMIT_MS = 60_000;

function corpusFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return corpusFiles(full);
      return [full];
    })
    .filter(
      (file) => !path.relative(wild, file).startsWith(`rss-parser${path.sep}expected-output${path.sep}`),
    );
}

/** Files that are not feeds at all, or empty: these and only these are rejected. */
const EXPECTED_REJECTIONS: Record<string, string> = {
  "feedjira/sample_feeds-2008-history/JoomlapoweredSite.xml": "NW_FEED_NOT_A_FEED",
  "feedjira/sample_feeds-2008-history/SFRubyorgHome.xml": "NW_FEED_NOT_A_FEED",
  "feedjira/sample_feeds-2008-history/titleunknown.xml": "NW_FEED_NOT_A_FEED",
  "feedjira/sample_feeds/AmazonWebServicesBlogFirstEntryContent.xml": "NW_FEED_NOT_A_FEED",
  "feedjira/sample_feeds/HREFConsideredHarmfulFirstEntry.xml": "NW_FEED_NOT_A_FEED",
  "feedjira/sample_feeds/PaulDixExplainsNothingFirstEntryContent.xml": "NW_FEED_NOT_A_FEED",
  "feedjira/sample_feeds/TechCrunchFirstEntry.xml": "NW_FEED_NOT_A_FEED",
  "feedjira/sample_feeds/TechCrunchFirstEntryDescription.xml": "NW_FEED_NOT_A_FEED",
  "feedjira/sample_feeds/TenderLovemakingFirstEntry.xml": "NW_FEED_NOT_A_FEED",
  "feedparser/illformed/rss_empty_document.xml": "NW_FEED_UNPARSEABLE",
  "miniflux/xml/iso88591.xml": "NW_FEED_NOT_A_FEED",
  "miniflux/xml/iso88591_utf8_mismatch.xml": "NW_FEED_NOT_A_FEED",
  "node-feedparser/notafeed.html": "NW_FEED_NOT_A_FEED",
  "rss-parser/input/unrecognized.rss": "NW_FEED_NOT_A_FEED",
};

/** Runs the files in a child process; a file that takes longer than the limit is killed and recorded. */
async function runCorpus(files: string[], now: Date): Promise<CorpusOutcome[]> {
  const outcomes: CorpusOutcome[] = [];
  let remaining = [...files];
  while (remaining.length > 0) {
    const batch = remaining;
    remaining = [];
    await new Promise<void>((resolve, reject) => {
      const child: ChildProcess = fork(runner, [], {
        execArgv: ["--import", "tsx"],
        cwd: repoRoot,
        stdio: "inherit",
      });
      let current: string | undefined;
      let watchdog: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          const hung = current!;
          outcomes.push({ file: hung, kind: "crashed", error: `no result within ${PER_FILE_LIMIT_MS} ms` });
          remaining = batch.slice(batch.indexOf(hung) + 1);
          child.kill("SIGKILL");
        }, PER_FILE_LIMIT_MS);
      };
      child.on("message", (message: CorpusMessage) => {
        if (message.type === "start") {
          current = message.file;
          arm();
        } else {
          outcomes.push(message.outcome);
        }
      });
      child.on("error", reject);
      child.on("exit", () => {
        clearTimeout(watchdog);
        resolve();
      });
      child.send({ files: batch, now: now.toISOString() });
    });
  }
  return outcomes;
}

describe("feeds-wild corpus", async () => {
  const files = corpusFiles(wild);
  const outcomes = await runCorpus(files, new Date("2026-11-28T12:00:00Z"));
  const relative = (file: string) => path.relative(wild, file).split(path.sep).join("/");
  const parsed = outcomes.filter((outcome) => outcome.kind === "parsed");
  const rejected = outcomes.filter((outcome) => outcome.kind === "rejected");

  afterAll(() => {
    const items = parsed.reduce((sum, outcome) => sum + outcome.items, 0);
    const articles = parsed.reduce((sum, outcome) => sum + outcome.articles, 0);
    const repaired = parsed.filter((outcome) => outcome.repairs.length > 0).length;
    console.log(
      `feeds-wild: ${files.length} files, ${parsed.length} parsed (${repaired} after repairs), ` +
        `${rejected.length} rejected; ${items} items, ${articles} articles`,
    );
  });

  it("finds the corpus", () => {
    expect(files.length).toBeGreaterThan(600);
  });

  it("has one outcome per file and nothing crashed or hung", () => {
    expect(outcomes.map((outcome) => outcome.file).sort()).toEqual([...files].sort());
    expect(outcomes.filter((outcome) => outcome.kind === "crashed")).toEqual([]);
  });

  it("rejects only the files that are not feeds, each with a message naming it", () => {
    const rejections = Object.fromEntries(
      rejected.map((outcome) => [relative(outcome.file), outcome.kind === "rejected" ? outcome.code : ""]),
    );
    expect(rejections).toEqual(EXPECTED_REJECTIONS);
    for (const outcome of rejected) {
      if (outcome.kind === "rejected") expect(outcome.message).toContain(pathToFileURL(outcome.file).href);
    }
  });

  it("normalises every parsed item into a clean article", () => {
    const problems = parsed.flatMap((outcome) =>
      outcome.kind === "parsed"
        ? outcome.problems.map((problem) => `${relative(outcome.file)}: ${problem}`)
        : [],
    );
    expect(problems).toEqual([]);
  });

  it("gets articles out of the bulk of the corpus", () => {
    const articles = parsed.reduce(
      (sum, outcome) => sum + (outcome.kind === "parsed" ? outcome.articles : 0),
      0,
    );
    expect(articles).toBeGreaterThan(2500);
  });
});
