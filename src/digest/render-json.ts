import { digestCounts, digestTitle } from "./summary.js";
import type { Digest } from "./types.js";

// JSON: the webhook body and `digest --format json`. `<`, `>`, `&` and the JavaScript line separators
// are \u-escaped, so the JSON stays inert even if a receiver pastes it into HTML or a script.

export interface DigestJson {
  type: "newswatch.digest" | "newswatch.alert";
  digest: string;
  deliveryId: string | null;
  generatedAt: string;
  timezone: string;
  title: string;
  summary: string;
  storyCount: number;
  matchCount: number;
  topics: Array<{
    id: string;
    name: string;
    total: number;
    more: number;
    stories: Array<{
      story: string;
      title: string;
      url: string | null;
      source: string;
      published: string;
      firstSeen: string;
      score: number;
      matched: string[];
      snippet: string;
      alsoReportedBy: Array<{ source: string; title: string; url: string | null; published: string }>;
    }>;
  }>;
}

export function digestToJson(digest: Digest, deliveryId?: string): DigestJson {
  return {
    type: digest.kind === "alert" ? "newswatch.alert" : "newswatch.digest",
    digest: digest.name,
    deliveryId: deliveryId ?? null,
    generatedAt: digest.generatedAt,
    timezone: digest.timezone,
    title: digestTitle(digest),
    summary: digestCounts(digest),
    storyCount: digest.storyCount,
    matchCount: digest.matchCount,
    topics: digest.topics.map((topic) => ({
      id: topic.id,
      name: topic.name,
      total: topic.total,
      more: topic.more,
      stories: topic.stories.map((story) => ({
        story: story.story,
        title: story.title,
        url: story.url ?? null,
        source: story.source,
        published: story.published,
        firstSeen: story.firstSeen,
        score: story.score,
        matched: story.matched,
        snippet: story.snippet.map((s) => s.text).join(""),
        alsoReportedBy: story.alsoReportedBy.map((s) => ({
          source: s.source,
          title: s.title,
          url: s.url ?? null,
          published: s.published,
        })),
      })),
    })),
  };
}

export function renderJson(digest: Digest, deliveryId?: string): string {
  return JSON.stringify(digestToJson(digest, deliveryId)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
