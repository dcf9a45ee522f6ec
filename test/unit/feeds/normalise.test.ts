import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeFeedBytes } from "../../../src/feeds/decode.js";
import { normaliseItem, truncateAtWord } from "../../../src/feeds/normalise.js";
import { parseFeed } from "../../../src/feeds/parse.js";
import type { RawItem } from "../../../src/feeds/types.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const feed = { id: "example-world", name: "Example World", url: "https://example.org/feeds/world.xml" };
const now = new Date("2026-11-28T12:00:00Z");
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const raw = (fields: Partial<RawItem>): RawItem => ({ categories: [], media: [], ...fields });

describe("normaliseItem on a parsed feed", async () => {
  const xml = decodeFeedBytes(readFileSync(path.join(repoRoot, "test/fixtures/feeds/rss2-media.xml")));
  const parsed = await parseFeed(xml, feed.url);
  const [first, second] = parsed.items.map((item) => normaliseItem(item, feed, now));

  it("builds the article", () => {
    expect(first).toEqual({
      id: sha1("https://example.org/world/2023/10/18/lavrov-pyongyang"),
      feedId: "example-world",
      source: "Example World",
      guid: "urn:example:1",
      url: "https://www.example.org/world/2023/10/18/lavrov-pyongyang?utm_source=rss&utm_medium=feed",
      canonicalUrl: "https://example.org/world/2023/10/18/lavrov-pyongyang",
      title: "Lavrov arrives in Pyongyang",
      text: "Russia's foreign minister Sergei Lavrov arrived in Pyongyang on Wednesday.\n\nHe is expected to meet Kim Jong Un.",
      summary: "Russia's foreign minister lands for talks.",
      published: "2023-10-18T08:00:00.000Z",
      firstSeen: "2026-11-28T12:00:00.000Z",
      author: "Jane Reporter",
      categories: ["World", "Asia"],
      language: "en-gb",
      media: parsed.items[0]!.media,
    });
  });

  it("strips doubly encoded HTML, resolves the relative link and reads dc:date", () => {
    expect(second).toMatchObject({
      title: "New sanctions & old loopholes",
      text: "Officials in Seoul announced new measures.",
      summary: "Officials in Seoul announced new measures.",
      url: "https://example.org/world/2023/10/19/sanctions",
      guid: "https://example.org/world/2023/10/19/sanctions",
      published: "2023-10-19T00:30:00.000Z",
      language: "ko",
    });
  });
});

describe("normaliseItem", () => {
  it("returns null for an item with neither title, text nor link", () => {
    expect(
      normaliseItem(raw({ guid: "x", summary: "<p> </p>", pubDate: "2023-01-01" }), feed, now),
    ).toBeNull();
  });

  it("keeps an item with only a link", () => {
    expect(normaliseItem(raw({ link: "https://example.org/a" }), feed, now)).toMatchObject({
      title: "",
      text: "",
    });
  });

  it("derives the id from feed and guid when there is no URL", () => {
    const article = normaliseItem(raw({ guid: "urn:1", title: "Kim" }), feed, now);
    expect(article?.id).toBe(sha1("example-world\nurn:1"));
    expect(article?.url).toBe("");
    expect(article?.canonicalUrl).toBe("");
  });

  it("gives the same id to URL variants of one article", () => {
    const a = normaliseItem(raw({ link: "https://www.example.org/a/?utm_source=x", title: "A" }), feed, now);
    const b = normaliseItem(raw({ link: "https://m.example.org/a#top", title: "A, updated" }), feed, now);
    expect(a?.id).toBe(b?.id);
  });

  it("uses the full content as text and the description as summary", () => {
    const article = normaliseItem(
      raw({ title: "t", content: "<p>Full <i>text</i></p>", summary: "Short &amp; sweet" }),
      feed,
      now,
    );
    expect(article).toMatchObject({ text: "Full text", summary: "Short & sweet" });
  });

  it("falls back to the description for the text", () => {
    expect(normaliseItem(raw({ title: "t", summary: "<b>Only</b> this" }), feed, now)?.text).toBe(
      "Only this",
    );
  });

  it("cuts a long text into a summary at a word boundary", () => {
    const words = Array.from({ length: 100 }, (_, i) => `word${i}`).join(" ");
    const summary = normaliseItem(raw({ title: "t", content: `<p>${words}</p>` }), feed, now)!.summary;
    expect(summary.length).toBeLessThanOrEqual(301);
    expect(summary.endsWith("…")).toBe(true);
    expect(words.startsWith(summary.slice(0, -1))).toBe(true);
    expect(words[summary.length - 1]).toBe(" ");
  });

  it("puts the title on one plain line", () => {
    expect(
      normaliseItem(raw({ title: "  <b>Kim</b>\n&amp;  Putin&#8217;s   talks " }), feed, now)?.title,
    ).toBe("Kim & Putin’s talks");
  });

  it("dates an undated item at first sight and clamps a future one", () => {
    expect(normaliseItem(raw({ title: "t" }), feed, now)?.published).toBe(now.toISOString());
    expect(
      normaliseItem(raw({ title: "t", pubDate: "Fri, 01 Jan 2100 00:00:00 GMT" }), feed, now)?.published,
    ).toBe(now.toISOString());
  });

  it("keeps a distinct update time", () => {
    const article = normaliseItem(
      raw({ title: "t", published: "2023-01-01T00:00:00Z", updated: "2023-01-02T00:00:00Z" }),
      feed,
      now,
    );
    expect(article?.updated).toBe("2023-01-02T00:00:00.000Z");
  });

  it("cleans author and categories, and lower-cases the language", () => {
    const article = normaliseItem(
      raw({
        title: "t",
        author: " <b>Desk</b> ",
        categories: ["World", " ", "World", "A &amp; B"],
        language: "EN-GB",
      }),
      feed,
      now,
    );
    expect(article).toMatchObject({ author: "Desk", categories: ["World", "A & B"], language: "en-gb" });
  });
});

describe("truncateAtWord", () => {
  it("keeps a short text whole", () => {
    expect(truncateAtWord("short text", 300)).toBe("short text");
  });

  it("cuts a word-less text where it must", () => {
    expect(truncateAtWord("x".repeat(400), 300)).toBe(`${"x".repeat(300)}…`);
  });

  it("does not end on punctuation before the ellipsis", () => {
    expect(truncateAtWord("one two, three four", 12)).toBe("one two…");
  });
});
