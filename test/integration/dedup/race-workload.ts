// The race workload: 700 distinct real reports (BBC corpus) and 300 syndicated copies of them, each
// labelled with its cluster, so the right number of stories is known exactly.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { DEFAULT_DEDUP_THRESHOLDS, isNearDuplicate } from "../../../src/dedup/fingerprint.js";
import type { ArticleToAssign } from "../../../src/dedup/redis-index.js";
import { seededRandom } from "../../helpers/seeded-random.js";
import { HOUR_MS, makeArticle, toAssign } from "./helpers.js";

export const DISTINCT = 700;
export const COPIES = 300;

const here = path.dirname(fileURLToPath(import.meta.url));
const corpusFile = path.resolve(here, "../../../../shared/corpora/news/bbc-news-2004-2005.jsonl.gz");

export interface Labelled {
  item: ArticleToAssign;
  cluster: number;
}

export function buildRaceWorkload(): Labelled[] {
  const rows = gunzipSync(readFileSync(corpusFile))
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { title: string; text: string });
  const published = "2026-11-20T08:00:00.000Z";
  const originals: ArticleToAssign[] = [];
  const seenTitles = new Set<string>();
  for (const [n, row] of rows.entries()) {
    if (originals.length === DISTINCT) break;
    if (seenTitles.has(row.title.toLowerCase())) continue;
    const candidate = toAssign(
      makeArticle({
        url: `https://bbc.example.co.uk/news/${n}`,
        title: row.title,
        text: row.text,
        published,
      }),
    );
    // The corpus has a few real duplicates; they would make the expected count ambiguous.
    if (
      originals.some((o) => isNearDuplicate(o.fingerprint, candidate.fingerprint, DEFAULT_DEDUP_THRESHOLDS))
    )
      continue;
    seenTitles.add(row.title.toLowerCase());
    originals.push(candidate);
  }
  const random = seededRandom(4711);
  const workload: Labelled[] = originals.map((item, cluster) => ({ item, cluster }));
  for (let c = 0; c < COPIES; c++) {
    const cluster = Math.floor(random() * originals.length);
    const source = originals[cluster]!.article as ReturnType<typeof makeArticle>;
    const copy = makeArticle({
      url: `https://syndicate${c}.example.com/world/${cluster}`,
      feedId: `feed-syndicate-${c}`,
      title: `${source.title} - Syndicate ${c % 7}`,
      text: `By Staff Reporter ${source.text} Additional reporting by the news desk.`,
      published: new Date(Date.parse(published) + (c % 48) * HOUR_MS).toISOString(),
    });
    workload.push({ item: toAssign(copy), cluster });
  }
  return workload;
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
