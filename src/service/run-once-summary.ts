import type { PollResult } from "../pipeline/poll-feed.js";
import type { ChunkResult } from "../pipeline/process-chunk.js";

export interface RunOnceSummary {
  polls: PollResult[];
  chunks: ChunkResult[];
  failedChunks: string[];
  durationMs: number;
}

export interface RunOnceTotals {
  feeds: number;
  ok: number;
  notModified: number;
  failed: number;
  items: number;
  newArticles: number;
  updatedArticles: number;
  newStories: number;
  duplicates: number;
  newMatches: number;
}

export function totalsOf(summary: RunOnceSummary): RunOnceTotals {
  const count = (status: PollResult["status"]) => summary.polls.filter((p) => p.status === status).length;
  return {
    feeds: summary.polls.length,
    ok: count("ok"),
    notModified: count("not-modified"),
    failed: count("failed"),
    items: summary.polls.reduce((n, p) => n + p.items, 0),
    newArticles: summary.polls.reduce((n, p) => n + p.newArticles, 0),
    updatedArticles: summary.polls.reduce((n, p) => n + p.updatedArticles, 0),
    newStories: summary.chunks.reduce((n, c) => n + c.newStories, 0),
    duplicates: summary.chunks.reduce((n, c) => n + c.duplicates.nearDuplicate + c.duplicates.sameArticle, 0),
    newMatches: summary.chunks.reduce((n, c) => n + c.newMatches.length, 0),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The summary `newswatch run --once` prints for people. */
export function formatRunOnceSummary(summary: RunOnceSummary): string {
  const t = totalsOf(summary);
  const lines: string[] = [];
  lines.push(
    `Polled ${plural(t.feeds, "feed")} in ${(summary.durationMs / 1000).toFixed(1)} s: ${t.ok} ok, ${t.notModified} not modified, ${t.failed} failed`,
  );
  for (const p of summary.polls) {
    if (p.status === "ok")
      lines.push(
        `  ok            ${p.feedName}: ${plural(p.items, "item")}, ${p.newArticles} new, ${p.updatedArticles} updated`,
      );
    else if (p.status === "not-modified") lines.push(`  not modified  ${p.feedName}`);
    else if (p.status === "skipped") lines.push(`  skipped       ${p.feedName}`);
    else lines.push(`  failed        ${p.feedName}: ${p.error?.message ?? "unknown error"}`);
  }
  lines.push(
    `Articles: ${t.items} items seen, ${t.newArticles} new, ${t.updatedArticles} updated; ${plural(t.newStories, "new story").replace("storys", "stories")}, ${plural(t.duplicates, "duplicate")} folded; ${plural(t.newMatches, "new match").replace("matchs", "matches")}`,
  );
  const matches = summary.chunks
    .flatMap((c) => c.newMatches)
    .sort((a, b) => a.topicId.localeCompare(b.topicId) || b.score - a.score);
  if (matches.length > 0) {
    lines.push("New matches:");
    for (const m of matches)
      lines.push(`  [${m.topicId}] ${m.title} (${m.source}, score ${m.score.toFixed(2)})`);
  }
  for (const f of summary.failedChunks) lines.push(`  chunk failed: ${f}`);
  return lines.join("\n");
}
