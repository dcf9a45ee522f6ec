import { describe, expect, it } from "vitest";
import {
  buildDigest,
  cleanText,
  formatLocalTime,
  highlightTerms,
  safeHttpUrl,
} from "../../../src/digest/build.js";
import { digestMatch, digestSpec } from "./fixtures.js";

const NOW = new Date("2026-03-01T22:00:00.000Z");

describe("buildDigest", () => {
  it("groups by topic in the configured order and ranks stories by score, then newest first", () => {
    const rows = [
      digestMatch({ story: "s-low", topic: "sanctions", score: 1 }),
      digestMatch({ story: "s-old", score: 5, published: "2026-03-01T01:00:00.000Z" }),
      digestMatch({ story: "s-new", score: 5, published: "2026-03-01T05:00:00.000Z" }),
      digestMatch({ story: "s-top", score: 9 }),
    ];
    const digest = buildDigest(digestSpec(), rows, NOW);
    expect(digest.topics.map((t) => t.id)).toEqual(["russia-dprk", "sanctions"]);
    expect(digest.topics[0]?.stories.map((s) => s.story)).toEqual(["s-top", "s-new", "s-old"]);
    expect(digest.storyCount).toBe(4);
    expect(digest.matchCount).toBe(4);
    expect(digest.generatedAt).toBe(NOW.toISOString());
  });

  it("ignores matches of topics the digest does not include", () => {
    const digest = buildDigest(
      digestSpec({ topics: ["sanctions"] }),
      [digestMatch({ story: "a" }), digestMatch({ story: "b", topic: "sanctions" })],
      NOW,
    );
    expect(digest.items).toEqual([{ topic: "sanctions", story: "b" }]);
  });

  it("caps each topic at max_items and counts the rest as 'more', all of them claimed", () => {
    const rows = Array.from({ length: 5 }, (_, i) => digestMatch({ story: `s${i}`, score: i }));
    const digest = buildDigest(digestSpec({ maxItems: 2 }), rows, NOW);
    const topic = digest.topics[0];
    expect(topic?.stories.map((s) => s.story)).toEqual(["s4", "s3"]);
    expect(topic?.total).toBe(5);
    expect(topic?.more).toBe(3);
    expect(digest.items).toHaveLength(5);
  });

  it("counts a story matched by two topics once in storyCount and shows it under both", () => {
    const digest = buildDigest(
      digestSpec(),
      [digestMatch({ story: "s" }), digestMatch({ story: "s", topic: "sanctions" })],
      NOW,
    );
    expect(digest.storyCount).toBe(1);
    expect(digest.matchCount).toBe(2);
    expect(digest.topics).toHaveLength(2);
  });

  it("heads a story with its first copy and lists other sources once each as 'also reported by'", () => {
    const row = digestMatch({
      story: "s",
      title: "Later title",
      source: "Late Wire",
      copies: [
        {
          url: "https://b.example/2",
          title: "B again",
          source: "Wire B",
          published: "2026-03-01T03:00:00.000Z",
        },
        {
          url: "https://a.example/1",
          title: "First title",
          source: "Wire A",
          published: "2026-03-01T01:00:00.000Z",
        },
        { url: "https://b.example/1", title: "B", source: "Wire B", published: "2026-03-01T02:00:00.000Z" },
        {
          url: "https://a.example/9",
          title: "A again",
          source: "Wire A",
          published: "2026-03-01T04:00:00.000Z",
        },
      ],
    });
    const story = buildDigest(digestSpec(), [row], NOW).topics[0]?.stories[0];
    expect(story?.title).toBe("First title");
    expect(story?.source).toBe("Wire A");
    expect(story?.url).toBe("https://a.example/1");
    expect(story?.publishedLocal).toBe("2026-03-01 10:00 +09:00");
    expect(story?.alsoReportedBy.map((s) => [s.source, s.url])).toEqual([["Wire B", "https://b.example/1"]]);
  });

  it("uses topic names when given and the id otherwise", () => {
    const names = new Map([["russia-dprk", "Russia–North Korea cooperation"]]);
    const digest = buildDigest(
      digestSpec(),
      [digestMatch({ story: "a" }), digestMatch({ story: "b", topic: "sanctions" })],
      NOW,
      { topicNames: names },
    );
    expect(digest.topics.map((t) => t.name)).toEqual(["Russia–North Korea cooperation", "sanctions"]);
  });

  it("is empty without matches", () => {
    const digest = buildDigest(digestSpec(), [], NOW);
    expect(digest.topics).toEqual([]);
    expect(digest.matchCount).toBe(0);
  });
});

describe("highlightTerms", () => {
  it.each([
    [
      "marks whole words case-insensitively",
      "Lavrov met LAVROV",
      ["lavrov"],
      ["[Lavrov]", " met ", "[LAVROV]"],
    ],
    ["does not mark a term inside a longer word", "Pyongyangers", ["Pyongyang"], ["Pyongyangers"]],
    [
      "prefers the longer of overlapping terms",
      "North Korea said",
      ["North", "North Korea"],
      ["[North Korea]", " said"],
    ],
    ["treats regex characters literally", "price (a+b) rose", ["(a+b)"], ["price ", "[(a+b)]", " rose"]],
    ["works for Cyrillic", "Россия и КНДР", ["россия"], ["[Россия]", " и КНДР"]],
  ])("%s", (_name, text, terms, expected) => {
    const segments = highlightTerms(text, terms).map((s) => (s.hit ? `[${s.text}]` : s.text));
    expect(segments).toEqual(expected);
  });
});

describe("cleanText and safeHttpUrl", () => {
  it("removes terminal escapes, bidi overrides and control characters", () => {
    expect(cleanText("a\u001b[31mred\u202eb\u0000c\n\n d")).toBe("a[31mredbc d");
  });

  it.each([
    ["https://example.org/a?b=1", "https://example.org/a?b=1"],
    ["HTTP://Example.org", "http://example.org/"],
    ["javascript:alert(1)", undefined],
    ["data:text/html,<script>", undefined],
    ["/relative/path", undefined],
    ["https://user:pw@example.org/x", "https://example.org/x"],
  ])("%s → %s", (input, expected) => {
    expect(safeHttpUrl(input)).toBe(expected);
  });
});

describe("formatLocalTime", () => {
  it("shows the time in the digest's zone with its offset", () => {
    expect(formatLocalTime("2026-07-01T12:30:00Z", "Europe/London")).toBe("2026-07-01 13:30 +01:00");
    expect(formatLocalTime("2026-07-01T12:30:00Z", "UTC")).toBe("2026-07-01 12:30 +00:00");
  });
});
