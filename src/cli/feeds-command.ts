import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { isSeq, parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import { loadConfig } from "../config/load.js";
import type { NewswatchConfig } from "../config/types.js";
import {
  ConfigError,
  errorMessage,
  formatConfigProblem,
  isNewswatchError,
  NewswatchError,
} from "../errors.js";
import { formatOpml, parseOpml } from "../feeds/opml.js";
import { RedisFeedState } from "../feeds/redis-feed-state.js";
import { validateQuery } from "../match/validate.js";
import { connectRedis } from "../queue/redis-connection.js";
import { type FeedHealthRow, listFeedHealthRows } from "../server/feed-health.js";
import { openStore } from "../store/open-store.js";
import { configPathOf, loadCliConfig } from "./load-cli-config.js";
import { createProgress } from "./progress.js";

export type { FeedHealthRow } from "../server/feed-health.js";

function ago(iso: string | null, now: Date): string {
  if (!iso) return "never";
  const s = Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  const abs = Math.abs(s);
  const text =
    abs < 90
      ? `${abs}s`
      : abs < 5400
        ? `${Math.round(abs / 60)}m`
        : abs < 172800
          ? `${Math.round(abs / 3600)}h`
          : `${Math.round(abs / 86400)}d`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

/** The human table of `newswatch feeds`. */
export function formatFeedHealth(rows: FeedHealthRow[], now: Date): string {
  const lines = [`${rows.length} feeds`];
  for (const r of rows) {
    lines.push(`${r.status.padEnd(12)} ${r.name}  <${r.url}>`);
    lines.push(
      `             last success ${ago(r.lastSuccessAt, now)}, next poll ${ago(r.nextPollAt, now)}, ${r.newArticlesLast24h} new in 24 h` +
        (r.failuresInRow > 0 ? `, ${r.failuresInRow} failures in a row` : ""),
    );
    if (r.lastError) lines.push(`             last error ${ago(r.lastErrorAt, now)}: ${r.lastError}`);
  }
  return lines.join("\n");
}

export function registerFeedsCommand(program: Command): void {
  const feeds = program
    .command("feeds")
    .description("feed health: last success, last error, failures in a row, next poll")
    .option("--json", "JSON Lines, one per feed")
    .action(async (opts: { json?: boolean }, command: Command) => {
      const config = await loadCliConfig(command);
      let redis: Awaited<ReturnType<typeof connectRedis>>;
      try {
        redis = await connectRedis(config.redis.url);
      } catch (err) {
        process.stderr.write(`newswatch: ${errorMessage(err)}\n`);
        process.exit(isNewswatchError(err) ? 2 : 1);
      }
      try {
        const store = await openStore(config.store.url);
        const now = new Date();
        try {
          const rows: FeedHealthRow[] = await listFeedHealthRows(
            config.feeds.list,
            { feedState: new RedisFeedState(redis, config.redis.prefix), store },
            now,
          );
          if (opts.json) for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
          else process.stdout.write(`${formatFeedHealth(rows, now)}\n`);
        } finally {
          await store.close();
        }
      } catch (err) {
        process.stderr.write(`newswatch: ${errorMessage(err)}\n`);
        process.exitCode = isNewswatchError(err) && err.code === "NW_STORE_UNREACHABLE" ? 2 : 1;
      } finally {
        redis.disconnect();
      }
    });
  feeds
    .command("import <file>")
    .description(
      "add the feeds of an OPML file (from any feed reader) to feeds.yaml next to the configuration",
    )
    .action(async (file: string, _opts: unknown, command: Command) => {
      const config = await loadCliConfig(command);
      let opml: string;
      try {
        opml = await readFile(file, "utf8");
      } catch (err) {
        process.stderr.write(`newswatch: cannot read ${file}: ${errorMessage(err)}\n`);
        process.exit(1);
      }
      const progress = createProgress("importing");
      try {
        const outcome = await importOpmlFeeds(config, opml, {
          onProgress: (done, total) => progress.update(done, total),
          // The edited configuration must still be valid, or every file goes back as it was.
          reload: () => loadConfig(configPathOf(command), { env: process.env, checkQuery: validateQuery }),
        });
        progress.done();
        const relative = path.relative(process.cwd(), outcome.feedsFile);
        const where = relative.startsWith("..") ? outcome.feedsFile : relative;
        const lines = [
          outcome.added.length === 0
            ? `No new feeds: all ${outcome.skipped} are already configured.`
            : `Added ${outcome.added.length} feed${outcome.added.length === 1 ? "" : "s"} to ${where}` +
              (outcome.skipped > 0 ? ` (${outcome.skipped} already configured, skipped).` : "."),
        ];
        if (outcome.includeAdded)
          lines.push(`Included ${path.basename(outcome.feedsFile)} from ${configPathOf(command)}.`);
        if (outcome.includeHint) lines.push(`To use them, ${outcome.includeHint}.`);
        if (outcome.added.length > 0)
          lines.push("A running newswatch picks them up by itself (or send it SIGHUP).");
        process.stdout.write(`${lines.join("\n")}\n`);
      } catch (err) {
        progress.done();
        if (err instanceof ConfigError) {
          process.stderr.write(
            "newswatch: the imported feeds would make the configuration invalid; nothing was changed:\n",
          );
          for (const problem of err.problems) process.stderr.write(`${formatConfigProblem(problem)}\n`);
        } else process.stderr.write(`newswatch: ${errorMessage(err)}\n`);
        process.exit(1);
      }
    });

  feeds
    .command("export")
    .description("print the configured feeds as OPML 2.0 (URL, title, tags as category)")
    .action(async (_opts: unknown, command: Command) => {
      const config = await loadCliConfig(command, { print: (line) => process.stderr.write(`${line}\n`) });
      process.stdout.write(exportOpml(config, new Date()));
    });
}

// -- feeds import / export (OPML) --

/** The feeds file `feeds import` writes, next to the main configuration file. */
export const IMPORTED_FEEDS_FILE = "feeds.yaml";

export interface FeedEntry {
  url: string;
  name?: string;
  tags: string[];
}

/**
 * `text` (a feeds file, or undefined when there is none yet) with `entries` appended to its `feeds.list`.
 * Edits the parsed document, so the file's comments and other entries stay as they were.
 */
export function appendFeedEntries(text: string | undefined, entries: FeedEntry[]): string {
  const doc = parseDocument(
    text ??
      "# Feeds added by `newswatch feeds import`; edit freely (this file is included by the main configuration).\nfeeds:\n  list: []\n",
  );
  if (doc.errors.length > 0)
    throw new NewswatchError("NW_CONFIG_INVALID", `cannot edit the feeds file: ${doc.errors[0]?.message}`);
  let list = doc.getIn(["feeds", "list"]);
  if (!isSeq(list)) {
    doc.setIn(["feeds", "list"], doc.createNode([]));
    list = doc.getIn(["feeds", "list"]);
  }
  const seq = list as YAMLSeq;
  // A flow `[]` written for an empty list would put every feed on one line.
  if (seq.items.length === 0) seq.flow = false;
  for (const entry of entries) {
    const value: Record<string, unknown> = { url: entry.url };
    if (entry.name) value.name = entry.name;
    if (entry.tags.length > 0) value.tags = entry.tags;
    const node = doc.createNode(value) as YAMLMap;
    node.flow = true;
    seq.add(node);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * The main configuration text with `file` added to its top-level `include`, or undefined when the
 * include is written in a form we would have to rewrite (then the user is told what to add).
 */
export function addInclude(mainText: string, file: string): string | undefined {
  const lines = mainText.split("\n");
  const index = lines.findIndex((l) => /^include\s*:/.test(l));
  if (index < 0) {
    // After the leading comment block, so the file's header stays on top.
    let at = 0;
    while (at < lines.length && /^\s*(#.*)?$/.test(lines[at] ?? "")) at++;
    lines.splice(at, 0, `include: [${file}]`);
    return lines.join("\n");
  }
  const line = lines[index] ?? "";
  const flow = /^(include\s*:\s*\[)([^\]]*)(\].*)$/.exec(line);
  if (flow) {
    const items = (flow[2] ?? "").trim();
    lines[index] = `${flow[1]}${items ? `${items}, ` : ""}${file}${flow[3]}`;
    return lines.join("\n");
  }
  const scalar = /^(include\s*:\s*)("[^"]*"|'[^']*'|[^\s#[]+)(\s*(#.*)?)$/.exec(line);
  if (scalar) {
    lines[index] = `${scalar[1]}[${scalar[2]}, ${file}]${scalar[3]}`;
    return lines.join("\n");
  }
  return undefined;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export interface ImportOutcome {
  added: FeedEntry[];
  skipped: number;
  feedsFile: string;
  /** Set when the main file could not be edited safely: what the user must add by hand. */
  includeHint?: string;
  includeAdded: boolean;
}

/**
 * Adds the OPML document's feeds that are not configured yet to the feeds file next to the main
 * configuration, includes that file from the main one if needed, and checks the result: on any problem
 * every file is put back as it was.
 */
export async function importOpmlFeeds(
  config: NewswatchConfig,
  opml: string,
  options: { reload: () => Promise<unknown>; onProgress?: (done: number, total: number) => void },
): Promise<ImportOutcome> {
  const mainFile = config.files[0];
  if (mainFile === undefined)
    throw new NewswatchError("NW_CONFIG_NOT_FOUND", "no configuration file to import into");
  const feeds = parseOpml(opml);
  const known = new Set(config.feeds.list.map((f) => f.url));
  const added: FeedEntry[] = [];
  feeds.forEach((feed, i) => {
    if (!known.has(feed.url)) {
      known.add(feed.url);
      added.push({ url: feed.url, name: feed.title || undefined, tags: feed.tags });
    }
    options.onProgress?.(i + 1, feeds.length);
  });
  const feedsFile = path.join(path.dirname(mainFile), IMPORTED_FEEDS_FILE);
  const outcome: ImportOutcome = {
    added,
    skipped: feeds.length - added.length,
    feedsFile,
    includeAdded: false,
  };
  if (added.length === 0) return outcome;

  const originalFeeds = await readIfExists(feedsFile);
  const originalMain = await readFile(mainFile, "utf8");
  const restore = async () => {
    if (originalFeeds === undefined) await rm(feedsFile, { force: true });
    else await writeFile(feedsFile, originalFeeds);
    await writeFile(mainFile, originalMain);
  };
  await writeFile(feedsFile, appendFeedEntries(originalFeeds, added));
  if (!config.files.includes(path.resolve(feedsFile))) {
    const relative = path.relative(path.dirname(mainFile), feedsFile);
    const edited = addInclude(originalMain, relative);
    if (edited === undefined) outcome.includeHint = `add ${relative} to the include list of ${mainFile}`;
    else {
      await writeFile(mainFile, edited);
      outcome.includeAdded = true;
    }
  }
  try {
    await options.reload();
  } catch (err) {
    await restore();
    throw err;
  }
  return outcome;
}

/** The configured feeds as OPML 2.0. */
export function exportOpml(config: NewswatchConfig, now: Date): string {
  return formatOpml(
    config.feeds.list.map((f) => ({ url: f.url, title: f.name, tags: f.tags })),
    { title: "newswatch feeds", created: now },
  );
}
