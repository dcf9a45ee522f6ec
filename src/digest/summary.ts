import { formatLocalTime } from "./build.js";
import type { Digest } from "./types.js";

// Wording shared by every format: title, counts, "and N more".

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "newswatch digest morning" / "newswatch alert". Digest names are [A-Za-z0-9_-] (config), safe anywhere. */
export function digestTitle(digest: Digest): string {
  return digest.kind === "alert" ? "newswatch alert" : `newswatch digest ${digest.name}`;
}

/** "5 new stories in 2 topics" or "No new stories". */
export function digestCounts(digest: Digest): string {
  if (digest.storyCount === 0) return "No new stories";
  return `${plural(digest.storyCount, "new story", "new stories")} in ${plural(digest.topics.length, "topic", "topics")}`;
}

export function digestSubject(digest: Digest): string {
  if (digest.kind === "alert" && digest.topics.length === 1) {
    const topic = digest.topics[0];
    if (topic !== undefined && topic.total === 1 && topic.stories[0] !== undefined) {
      return `${digestTitle(digest)}: ${topic.name}: ${topic.stories[0].title}`;
    }
  }
  return `${digestTitle(digest)}: ${digestCounts(digest)}`;
}

export function digestTime(digest: Digest): string {
  return formatLocalTime(digest.generatedAt, digest.timezone);
}

export function moreLine(more: number): string {
  return `and ${plural(more, "more story", "more stories")}`;
}
