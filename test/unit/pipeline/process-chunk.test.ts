import { describe, expect, it } from "vitest";
import type { Article } from "../../../src/feeds/types.js";
import { chunkArticles, chunkJobId } from "../../../src/pipeline/chunks.js";
import { processChunk, type StoryDecision } from "../../../src/pipeline/process-chunk.js";
import type { StoredEntry } from "../../../src/store/types.js";

function article(id: string, title: string): Article {
  return {
    id,
    feedId: "f",
    source: "S",
    guid: id,
    url: `https://x.test/${id}`,
    canonicalUrl: `https://x.test/${id}`,
    title,
    text: "",
    summary: "",
    published: "2026-11-27T00:00:00.000Z",
    firstSeen: "2026-11-27T00:00:00.000Z",
    categories: [],
    media: [],
  };
}

describe("processChunk", () => {
  it("matches every article, leaves known ones to the store, and reports what the store created", async () => {
    const articles = [
      article("a", "Lavrov in Pyongyang"),
      article("b", "Lavrov visits Pyongyang"),
      article("c", "Lavrov in Pyongyang (updated)"),
    ];
    const decisions: StoryDecision[] = [
      { articleId: "a", storyId: "a", isNewStory: true, kind: "new" },
      { articleId: "b", storyId: "a", isNewStory: false, kind: "near-duplicate" },
      { articleId: "c", storyId: "a", isNewStory: false, kind: "same-article" },
    ];
    const matched: string[] = [];
    let saved: StoredEntry[] = [];
    const result = await processChunk(articles, {
      assignStories: async () => decisions,
      matchArticle: (input) => {
        matched.push(input.id);
        return [{ topicId: "t", score: 2, matched: ["Lavrov"], hits: [], snippet: "" }];
      },
      saveChunk: async (entries) => {
        saved = entries;
        return entries.map((e, i) => ({
          articleId: e.article.id,
          articleIsNew: i < 2,
          storyId: "a",
          newMatches: i === 0 ? e.matches : [],
        }));
      },
    });
    expect(matched).toEqual(["a", "b", "c"]);
    expect(saved.map((e) => [e.article.id, e.story.id, e.matches.length])).toEqual([
      ["a", "a", 1],
      ["b", "a", 1],
      ["c", "a", 1],
    ]);
    expect(result).toMatchObject({
      articles: 3,
      newArticles: 2,
      updatedArticles: 1,
      newStories: 1,
      duplicates: { sameArticle: 1, nearDuplicate: 1 },
    });
    expect(result.newMatches).toEqual([
      {
        topicId: "t",
        storyId: "a",
        articleId: "a",
        score: 2,
        title: "Lavrov in Pyongyang",
        source: "S",
        url: "https://x.test/a",
      },
    ]);
  });
});

describe("chunks", () => {
  it("splits into chunks of at most 100 and names each chunk by its content", () => {
    const many = Array.from({ length: 250 }, (_, i) => article(`id${i}`, `T${i}`));
    const chunks = chunkArticles(many);
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunkJobId("f", chunks[0] ?? [])).toBe(chunkJobId("f", many.slice(0, 100)));
    expect(chunkJobId("f", chunks[0] ?? [])).not.toBe(chunkJobId("f", chunks[1] ?? []));
    const edited = many.slice(0, 100).map((a, i) => (i === 5 ? { ...a, title: "changed" } : a));
    expect(chunkJobId("f", edited)).not.toBe(chunkJobId("f", chunks[0] ?? []));
  });
});
