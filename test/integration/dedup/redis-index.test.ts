import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEDUP_THRESHOLDS } from "../../../src/dedup/fingerprint.js";
import { RedisStoryIndex } from "../../../src/dedup/redis-index.js";
import type { Article } from "../../../src/feeds/types.js";
import {
  type ArticleInput,
  DAY_MS,
  deletePrefix,
  HOUR_MS,
  makeArticle,
  newRedis,
  testPrefix,
  toAssign,
} from "./helpers.js";

const TITLE = "North Korea fires cruise missiles into sea after US-South Korea drills end";
const TEXT =
  "North Korea fired several cruise missiles into the Yellow Sea on Saturday, the South Korean military " +
  "said, hours after the end of joint drills by the United States and South Korea that Pyongyang calls a " +
  "rehearsal for invasion. The launches came days after the North staged a simulated nuclear attack.";
const PUBLISHED = "2026-11-20T08:00:00.000Z";
const NOW = new Date("2026-11-20T12:00:00.000Z");

function original(overrides: Partial<ArticleInput> = {}): Article {
  return makeArticle({
    url: "https://news.example.com/world/nk-cruise-missiles",
    title: TITLE,
    text: TEXT,
    published: PUBLISHED,
    ...overrides,
  });
}

function hoursAfter(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * HOUR_MS).toISOString();
}

describe("RedisStoryIndex", () => {
  const prefixes: string[] = [];
  let redis: Redis;

  function newIndex(options: { windowMs?: number; storyWindowMs?: number } = {}): RedisStoryIndex {
    const prefix = testPrefix("index");
    prefixes.push(prefix);
    return new RedisStoryIndex(redis, prefix, {
      windowMs: options.windowMs ?? 14 * DAY_MS,
      storyWindowMs: options.storyWindowMs ?? 72 * HOUR_MS,
      thresholds: DEFAULT_DEDUP_THRESHOLDS,
    });
  }

  beforeAll(() => {
    redis = newRedis();
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    redis.disconnect();
  }, 60_000);

  describe("identity", () => {
    it("starts a story with the first article, whose id is the story id", async () => {
      const index = newIndex();
      const first = original();
      const [assignment] = await index.assignStories([toAssign(first)], NOW);
      expect(assignment).toEqual({ articleId: first.id, storyId: first.id, isNewStory: true, kind: "new" });
    });

    it.each([
      [
        "tracking parameters",
        "https://news.example.com/world/nk-cruise-missiles?utm_source=twitter&fbclid=abc",
      ],
      ["an AMP path", "https://news.example.com/world/nk-cruise-missiles/amp"],
      ["a mobile host", "https://m.news.example.com/world/nk-cruise-missiles"],
      ["www and a fragment", "https://www.news.example.com/world/nk-cruise-missiles#comments"],
      ["a trailing slash", "https://news.example.com/world/nk-cruise-missiles/"],
    ])("recognises the same canonical URL with %s as the same article", async (_name, url) => {
      const index = newIndex();
      const first = original();
      // Another feed, another guid and another text: only the URL says it is the same article.
      const again = original({ url, feedId: "feed-b", guid: "other-guid", text: "Short teaser only." });
      const [, second] = await index.assignStories([toAssign(first), toAssign(again)], NOW);
      expect(second).toMatchObject({
        kind: "same-article",
        storyId: first.id,
        duplicateOf: first.id,
        isNewStory: false,
      });
    });

    it("recognises feed + guid when the URL changed", async () => {
      const index = newIndex();
      const first = original({ guid: "urn:article:4711" });
      const moved = original({
        url: "https://news.example.com/asia/renamed-slug",
        guid: "urn:article:4711",
        text: "Short.",
      });
      const [, second] = await index.assignStories([toAssign(first), toAssign(moved)], NOW);
      expect(second).toMatchObject({ kind: "same-article", storyId: first.id, duplicateOf: first.id });
    });

    it("recognises the same normalised title and text under another URL as the same article", async () => {
      const index = newIndex();
      const first = original();
      const copy = original({
        url: "https://mirror.example.org/item/99",
        feedId: "feed-mirror",
        title: TITLE.toUpperCase(),
        text: TEXT.replace(/,/g, " ,"),
      });
      const [, second] = await index.assignStories([toAssign(first), toAssign(copy)], NOW);
      expect(second).toMatchObject({ kind: "same-article", storyId: first.id, duplicateOf: first.id });
    });

    it("keeps different paths and meaningful query parameters apart", async () => {
      const index = newIndex();
      const unrelated = (url: string, n: number) =>
        makeArticle({
          url,
          title: `Unrelated report number ${n} about topic ${n * 7}`,
          text: `Body ${n} `.repeat(20),
          published: PUBLISHED,
        });
      const results = await index.assignStories(
        [
          toAssign(unrelated("https://site.example/story?id=1", 1)),
          toAssign(unrelated("https://site.example/story?id=2", 2)),
          toAssign(unrelated("https://site.example/other", 3)),
        ],
        NOW,
      );
      expect(results.map((r) => r.kind)).toEqual(["new", "new", "new"]);
    });

    it("treats an update (same URL, new headline and text) as the same article in the same story", async () => {
      const index = newIndex();
      const first = original();
      const update = original({
        title: "UPDATE 2-North Korea launches cruise missiles as allied exercises wrap up",
        text: `${TEXT} Japan said none of the missiles landed in its exclusive economic zone.`,
        published: hoursAfter(PUBLISHED, 3),
      });
      const [, second] = await index.assignStories([toAssign(first), toAssign(update)], NOW);
      expect(second).toMatchObject({ kind: "same-article", storyId: first.id });
    });

    it("gives a retried chunk the same story ids", async () => {
      const index = newIndex();
      const chunk = [
        original(),
        original({
          url: "https://other.example/copy",
          title: `${TITLE} - Other News`,
          text: `By Jane Doe ${TEXT}`,
        }),
        makeArticle({
          url: "https://x.example/y",
          title: "Parliament passes budget after long debate",
          text: "The budget passed. ".repeat(12),
          published: PUBLISHED,
        }),
      ];
      const first = await index.assignStories(chunk.map(toAssign), NOW);
      const retried = await index.assignStories(chunk.map(toAssign), NOW);
      expect(retried.map((r) => r.storyId)).toEqual(first.map((r) => r.storyId));
      expect(retried.every((r) => r.kind === "same-article")).toBe(true);
    });

    it("refuses an article id that is not a sha1", async () => {
      const index = newIndex();
      const bad = { ...original(), id: "not-a-sha1" };
      await expect(index.assignStories([toAssign(bad)], NOW)).rejects.toMatchObject({
        code: "NW_INPUT_INVALID",
      });
    });
  });

  describe("near-duplicates", () => {
    it("joins a cross-feed copy with a tagged headline and a byline to the story", async () => {
      const index = newIndex();
      const first = original();
      const copy = original({
        url: "https://wire.example.net/asia/2026/11/20/north-korea-missiles",
        feedId: "feed-wire",
        title: `EXCLUSIVE: ${TITLE} | Wire Service`,
        text: `By Hyonhee Shin ${TEXT.split(". ")[0]}.`,
        published: hoursAfter(PUBLISHED, 2),
      });
      const [, second] = await index.assignStories([toAssign(first), toAssign(copy)], NOW);
      expect(second).toMatchObject({
        kind: "near-duplicate",
        storyId: first.id,
        duplicateOf: first.id,
        isNewStory: false,
      });
    });

    it("joins a syndicated copy with reordered sentences and a trailer", async () => {
      const index = newIndex();
      const first = original();
      const [lead, second, third] = TEXT.split(". ");
      const copy = original({
        url: "https://daily.example.co.uk/news/nk-missiles",
        title: `${TITLE} - Daily Example`,
        text: `${lead}. ${third} ${second}. Additional reporting by Mark Trevelyan.`,
        published: hoursAfter(PUBLISHED, 5),
      });
      const results = await index.assignStories([toAssign(first), toAssign(copy)], NOW);
      expect(results[1]).toMatchObject({ kind: "near-duplicate", storyId: first.id });
    });

    it("keeps a look-alike with a different day number apart", async () => {
      const index = newIndex();
      const day = (n: number) =>
        makeArticle({
          url: `https://aj.example/news/key-events-day-${n}`,
          title: `Russia-Ukraine war: List of key events, day ${n}`,
          text: `As the war enters its ${n}th day, these are the main developments on the battlefield, in diplomacy and in aid.`,
          published: hoursAfter(PUBLISHED, n - 555),
        });
      const results = await index.assignStories([toAssign(day(555)), toAssign(day(556))], NOW);
      expect(results.map((r) => r.kind)).toEqual(["new", "new"]);
    });

    it.each([
      ["just inside", 71.9, "near-duplicate"],
      ["just outside", 72.1, "new"],
    ])("story window: a copy published %s 72 h after the story began is %s", async (_name, hours, kind) => {
      const index = newIndex();
      const first = original();
      const copy = original({
        url: "https://late.example/copy",
        title: `${TITLE} - Late Outlet`,
        published: hoursAfter(PUBLISHED, hours),
      });
      const [, second] = await index.assignStories(
        [toAssign(first), toAssign(copy)],
        new Date(hoursAfter(PUBLISHED, hours + 1)),
      );
      expect(second!.kind).toBe(kind);
    });

    it("measures the story window from the story's first article, not from its latest copy", async () => {
      const index = newIndex();
      const first = original();
      const copyAt = (hours: number, n: number) =>
        original({
          url: `https://copy${n}.example/x`,
          title: `${TITLE} - Outlet ${n}`,
          published: hoursAfter(PUBLISHED, hours),
        });
      const results = await index.assignStories(
        [toAssign(first), toAssign(copyAt(60, 1)), toAssign(copyAt(100, 2))],
        new Date(hoursAfter(PUBLISHED, 101)),
      );
      expect(results.map((r) => r.kind)).toEqual(["new", "near-duplicate", "new"]);
    });
  });

  describe("expiry", () => {
    it("forgets articles after the window and lets their keys expire", async () => {
      const windowMs = 4000;
      const index = newIndex({ windowMs, storyWindowMs: 72 * HOUR_MS });
      const prefix = prefixes.at(-1)!;
      const start = new Date();
      const first = original();
      await index.assignStories([toAssign(first)], start);
      // Seen again inside the window: known, and remembered from this sighting on.
      const seenAgainMs = start.getTime() + windowMs - 2000;
      const inside = await index.assignStories([toAssign(first)], new Date(seenAgainMs));
      expect(inside[0]!.kind).toBe("same-article");
      // Logically forgotten as soon as a window has passed since the last sighting, whatever Redis still holds.
      const copy = original({ url: "https://other.example/copy", title: `${TITLE} - Other` });
      const outside = await index.assignStories([toAssign(copy)], new Date(seenAgainMs + windowMs + 2000));
      expect(outside[0]!.kind).toBe("new");
      // Physically gone after window + one generation (half the window) from the last write, except the
      // ref counter.
      await new Promise((resolve) => setTimeout(resolve, windowMs + windowMs / 2 + 1000));
      const keys = await redis.keys(`{${prefix}}:dedup:*`);
      expect(keys).toEqual([`{${prefix}}:dedup:n`]);
    }, 60_000);
  });
});
