import type { Article } from "../../../src/feeds/types.js";
import type { TopicMatch } from "../../../src/match/types.js";
import type { StoredEntry } from "../../../src/store/types.js";

// Builders of store input for the contract suite and its child-process writers.

export interface ArticleSeed {
  n: number;
  story?: string;
  published?: string;
  firstSeen?: string;
  title?: string;
  source?: string;
  topics?: string[];
}

export function buildArticle(seed: ArticleSeed): Article {
  const id = `article-${String(seed.n).padStart(5, "0")}`;
  return {
    id,
    feedId: `feed-${seed.n % 3}`,
    source: seed.source ?? `Source ${seed.n % 3}`,
    guid: `guid-${seed.n}`,
    url: `https://news.example.org/${seed.n}?utm_source=x`,
    canonicalUrl: `https://news.example.org/${seed.n}`,
    title: seed.title ?? `Headline ${seed.n}`,
    text: `Body of article ${seed.n}.`,
    summary: `Summary ${seed.n}`,
    published: seed.published ?? "2026-03-01T08:00:00Z",
    firstSeen: seed.firstSeen ?? "2026-03-01T09:00:00Z",
    categories: [],
    media: [],
  };
}

export function buildMatch(topicId: string, n: number): TopicMatch {
  return {
    topicId,
    score: 1 + (n % 7) / 4,
    matched: ["Pyongyang", `term${n % 5}`],
    hits: [{ term: "Pyongyang", field: "title", position: 0, surface: "Pyongyang" }],
    snippet: `…snippet ${n}…`,
  };
}

export function buildEntry(seed: ArticleSeed): StoredEntry {
  const story = seed.story ?? `story-${String(seed.n).padStart(5, "0")}`;
  return {
    article: buildArticle(seed),
    story: { id: story, isNew: true },
    matches: (seed.topics ?? []).map((topic) => buildMatch(topic, seed.n)),
  };
}

/**
 * The overlapping workload of the concurrency test: article n belongs to story floor(n / 3) and
 * matches topic "alpha" always and "beta" when n is even.
 */
export function concurrentEntry(n: number): StoredEntry {
  return buildEntry({
    n,
    story: `story-${String(Math.floor(n / 3)).padStart(5, "0")}`,
    firstSeen: new Date(Date.UTC(2026, 2, 1, 9, 0, n)).toISOString(),
    topics: n % 2 === 0 ? ["alpha", "beta"] : ["alpha"],
  });
}
