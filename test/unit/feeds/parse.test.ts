import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NewswatchError } from "../../../src/errors.js";
import { decodeFeedBytes } from "../../../src/feeds/decode.js";
import { htmlToLine } from "../../../src/feeds/html-to-text.js";
import { parseFeed } from "../../../src/feeds/parse.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const wild = path.resolve(repoRoot, "../shared/corpora/feeds-wild");
const fixtures = path.resolve(repoRoot, "test/fixtures/feeds");
const fixture = (name: string) => decodeFeedBytes(readFileSync(path.join(fixtures, name)));
const FEED_URL = "https://example.org/feeds/world.xml";

async function rejection(promise: Promise<unknown>): Promise<NewswatchError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(NewswatchError);
    return err as NewswatchError;
  }
  throw new Error("expected parseFeed to reject");
}

describe("parseFeed: RSS 2.0", async () => {
  const feed = await parseFeed(fixture("rss2-media.xml"), FEED_URL);
  const [first, second] = feed.items;

  it("reads the channel", () => {
    expect(feed.title).toBe("Example World News");
    expect(feed.link).toBe("https://example.org/world");
    expect(feed.language).toBe("en-gb");
    expect(feed.items).toHaveLength(2);
  });

  it("reads content:encoded, description, dc:creator and categories", () => {
    expect(first?.title).toBe("Lavrov arrives in Pyongyang");
    expect(first?.content).toContain("<p>Russia's foreign minister");
    expect(first?.summary).toBe("Russia's foreign minister lands for talks.");
    expect(first?.author).toBe("Jane Reporter");
    expect(first?.categories).toEqual(["World", "Asia"]);
    expect(first?.guid).toBe("urn:example:1");
    expect(first?.pubDate).toBe("Wed, 18 Oct 2023 08:00:00 GMT");
  });

  it("reads media:content, media:thumbnail, media:group and enclosures", () => {
    expect(first?.media).toEqual([
      {
        url: "https://img.example.org/lavrov.jpg",
        type: "image/jpeg",
        medium: "image",
        title: "Lavrov at the airport",
      },
      { url: "https://img.example.org/lavrov-large.jpg", medium: "image" },
      { url: "https://img.example.org/thumb.jpg", medium: "image" },
      { url: "https://example.org/audio/1.mp3", type: "audio/mpeg" },
    ]);
  });

  it("resolves a relative link against the feed URL and reads dc:date and dc:language", () => {
    expect(second?.link).toBe("https://example.org/world/2023/10/19/sanctions");
    expect(second?.dcDate).toBe("2023-10-19T09:30:00+09:00");
    expect(second?.language).toBe("ko");
  });

  it("uses a permalink guid when there is no link", async () => {
    const xml = `<rss version="2.0"><channel><item><guid>https://example.org/a</guid><title>t</title></item>
      <item><guid isPermaLink="false">https://example.org/b</guid><title>t</title></item></channel></rss>`;
    const parsed = await parseFeed(xml, FEED_URL);
    expect(parsed.items.map((item) => item.link)).toEqual(["https://example.org/a", undefined]);
  });
});

describe("parseFeed: Atom", async () => {
  const feed = await parseFeed(fixture("atom-xhtml-base.xml"), FEED_URL);
  const [first, second] = feed.items;

  it("prefers the alternate HTML link and resolves it against xml:base", () => {
    expect(feed.link).toBe("https://news.example.org/");
    expect(first?.link).toBe("https://news.example.org/2023/kim-putin.html");
  });

  it("turns an XHTML title into markup that reads as its text", () => {
    expect(first?.title).toContain("<div");
    expect(htmlToLine(first?.title ?? "")).toBe("Kim meets Putin");
    expect(feed.title).toBe("Example Atom");
  });

  it("reads content, summary, dates, author, categories and language", () => {
    expect(first?.content).toContain("Vostochny");
    expect(first?.summary).toBe("Summit at the cosmodrome");
    expect(first?.published).toBe("2023-09-13T05:00:00Z");
    expect(first?.updated).toBe("2023-09-13T07:00:00Z");
    expect(first?.author).toBe("Desk");
    expect(first?.categories).toEqual(["Diplomacy"]);
    expect(first?.language).toBe("en");
    expect(first?.guid).toBe("tag:example.org,2023:1");
  });

  it("escapes type=text content so its brackets stay text", () => {
    expect(second?.content).toBe("a &lt;b&gt; c");
  });

  it("survives dates new Date() cannot read and links without attributes", async () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><link>https://example.org/</link>
      <entry><title>t</title><published>not a date</published><updated>yesterday</updated>
      <link>https://example.org/a</link></entry></feed>`;
    const parsed = await parseFeed(xml, FEED_URL);
    expect(parsed.items[0]).toMatchObject({
      published: "not a date",
      updated: "yesterday",
      link: "https://example.org/a",
    });
  });

  it("reads an Atom feed whose elements carry a namespace prefix", async () => {
    const parsed = await parseFeed(
      readFileSync(path.join(wild, "node-feedparser/nondefaultnamespace.atom"), "utf8"),
      FEED_URL,
    );
    expect(parsed.items.length).toBeGreaterThan(0);
    expect(parsed.items.every((item) => item.title !== undefined)).toBe(true);
    expect(parsed.repairs).toContain("namespace-prefix");
  });
});

describe("parseFeed: relative links", () => {
  const corpusFeed = (file: string) => parseFeed(readFileSync(path.join(wild, file), "utf8"), FEED_URL);

  it("resolves against an item's xml:base, else the site link", async () => {
    const parsed = await corpusFeed("node-feedparser/rss-with-item-scoped-html-base.xml");
    expect(parsed.items.map((item) => item.link)).toEqual([
      "https://example.com/first/first",
      "https://example.com/second",
    ]);
  });

  it.each(["tpm-with-empty-base.atom", "tpm-with-fragment-base.atom"])(
    "treats an empty or fragment xml:base as none (%s)",
    async (file) => {
      const parsed = await corpusFeed(`node-feedparser/${file}`);
      expect(parsed.items[0]?.link).toBe(
        "http://talkingpointsmemo.com/livewire/hannity-announces-fox-hired-sebastian-gorka-national-security-strategist",
      );
    },
  );

  it("falls back to the feed URL when the site link is relative too", async () => {
    const parsed = await corpusFeed("node-feedparser/rss-with-relative-urls.xml");
    expect(parsed.link).toBe("https://example.org/en/games/neverwinter/news");
    expect(parsed.items[0]?.link).toBe(
      "https://example.org/en/games/neverwinter/news/detail/10743874-neverwinter-%26-jingle-jam-humble-bundle%21",
    );
  });
});

describe("parseFeed: RSS 1.0, 0.9x and JSON Feed", () => {
  it("reads RDF items", async () => {
    const parsed = await parseFeed(
      readFileSync(path.join(wild, "rss-parser/input/rss-1.rss"), "utf8"),
      FEED_URL,
    );
    expect(parsed.items.length).toBeGreaterThan(0);
    expect(parsed.items[0]?.link).toMatch(/^https?:\/\//);
  });

  it("reads RSS 0.91", async () => {
    const parsed = await parseFeed(
      decodeFeedBytes(readFileSync(path.join(wild, "rss-parser/input/heraldsun.rss"))),
      FEED_URL,
    );
    expect(parsed.title).toBe("RSS0.92 Example");
    expect(parsed.items.length).toBeGreaterThan(0);
  });

  it("reads JSON Feed 1.1", async () => {
    const parsed = await parseFeed(fixture("json-feed.json"), FEED_URL);
    expect(parsed.title).toBe("Example JSON Feed");
    expect(parsed.items).toHaveLength(2);
    expect(parsed.items[0]).toMatchObject({
      guid: "1",
      link: "https://example.org/posts/1",
      title: "Sanctions widened",
      content: "<p>New <b>sanctions</b></p>",
      published: "2023-10-20T10:00:00Z",
      author: "Desk",
      categories: ["sanctions"],
      language: "en",
    });
    expect(parsed.items[1]?.content).toBe("plain &lt;text&gt;");
    expect(parsed.items[1]?.link).toBe("https://example.org/posts/2");
  });

  it("reads an empty <rss> as a feed without items", async () => {
    await expect(parseFeed('<rss version="2.0"></rss>', FEED_URL)).resolves.toMatchObject({ items: [] });
    await expect(parseFeed("<rss>\n</rss>", FEED_URL)).resolves.toMatchObject({ items: [] });
    await expect(
      parseFeed('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', FEED_URL),
    ).resolves.toMatchObject({
      items: [],
    });
  });

  it("finds items put on the wrong side of <channel>", async () => {
    const rss =
      '<rss version="2.0"><channel><title>c</title></channel><item><title>outside</title></item></rss>';
    const rdf =
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">' +
      "<channel><title>c</title><item><title>inside</title></item></channel></rdf:RDF>";
    expect((await parseFeed(rss, FEED_URL)).items.map((item) => item.title)).toEqual(["outside"]);
    expect((await parseFeed(rdf, FEED_URL)).items.map((item) => item.title)).toEqual(["inside"]);
  });

  it("reads a feed saved inside an HTML page", async () => {
    const parsed = await parseFeed(
      readFileSync(path.join(wild, "feedjira/sample_feeds/DuplicateContentAtomFeed.xml"), "utf8"),
      FEED_URL,
    );
    expect(parsed.items.length).toBeGreaterThan(0);
    expect(parsed.repairs).toContain("feed-inside-html");
  });
});

describe("parseFeed: repairs", () => {
  it.each([
    ["an unescaped ampersand", "<title>AT&T</title>", "AT&T", "unescaped-ampersand"],
    [
      "an HTML5 entity",
      "<title>Kim&rsquo;s visit&hellip; &bigstar;</title>",
      "Kim’s visit… ★",
      "html-entity",
    ],
    ["an undefined entity", "<title>Kim &bogus; Putin</title>", "Kim &bogus; Putin", "unknown-entity"],
    ["a bare less-than", "<title>1 < 2</title>", "1 < 2", "unescaped-less-than"],
    ["an unclosed element", "<title>Kim<br></title>", "Kim", "unclosed-void-element"],
  ])("parses a feed with %s", async (_defect, itemXml, title, repair) => {
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><item>${itemXml}</item></channel></rss>`;
    const parsed = await parseFeed(xml, FEED_URL);
    expect(htmlToLine(parsed.items[0]?.title ?? "")).toBe(title);
    expect(parsed.repairs).toContain(repair);
  });

  it("parses a feed with stray control characters, which normalising removes later", async () => {
    const xml =
      '<rss version="2.0"><channel><item><title>Kim\u0008 Jong\u001F Un</title></item></channel></rss>';
    const parsed = await parseFeed(xml, FEED_URL);
    expect(parsed.items[0]?.title?.replace(/[\u0000-\u001F]/g, "")).toBe("Kim Jong Un");
  });

  it("parses a feed with a BOM and leading white space", async () => {
    const parsed = await parseFeed(
      '\uFEFF\n  <?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
      FEED_URL,
    );
    expect(parsed.title).toBe("x");
  });

  it("parses a well-formed feed without repairs", async () => {
    const parsed = await parseFeed(fixture("rss2-media.xml"), FEED_URL);
    expect(parsed.repairs).toBeUndefined();
  });
});

describe("parseFeed: errors", () => {
  it("calls an HTML page not a feed", async () => {
    const html = readFileSync(path.join(wild, "node-feedparser/notafeed.html"), "utf8");
    const err = await rejection(parseFeed(html, FEED_URL));
    expect(err.code).toBe("NW_FEED_NOT_A_FEED");
    expect(err.message).toBe(`${FEED_URL}: not a feed: the document is an HTML page`);
  });

  it("calls an unknown root not a feed", async () => {
    const err = await rejection(parseFeed('<?xml version="1.0"?><note><to>x</to></note>', FEED_URL));
    expect(err.code).toBe("NW_FEED_NOT_A_FEED");
    expect(err.message).toContain("<note>");
  });

  it("calls other JSON not a feed and broken JSON unparseable", async () => {
    expect((await rejection(parseFeed('{"hello": "world"}', FEED_URL))).code).toBe("NW_FEED_NOT_A_FEED");
    const broken = await rejection(parseFeed('{"version": "https://jsonfeed.org/version/1.1", ', FEED_URL));
    expect(broken.code).toBe("NW_FEED_UNPARSEABLE");
    expect(broken.message.startsWith(`${FEED_URL}: cannot parse feed: `)).toBe(true);
  });

  it("calls text without markup unparseable, naming the feed", async () => {
    const err = await rejection(parseFeed("", FEED_URL));
    expect(err.code).toBe("NW_FEED_UNPARSEABLE");
    expect(err.message).toBe(`${FEED_URL}: cannot parse feed: no XML root element found`);
  });

  it("throws nothing but our errors for random text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 200 }), async (junk) => {
        try {
          await parseFeed(junk, FEED_URL);
        } catch (err) {
          expect(err).toBeInstanceOf(NewswatchError);
          expect(["NW_FEED_UNPARSEABLE", "NW_FEED_NOT_A_FEED"]).toContain((err as NewswatchError).code);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("throws nothing but our errors for a real feed cut anywhere", async () => {
    const full = fixture("rss2-media.xml");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: full.length }), async (cut) => {
        try {
          await parseFeed(full.slice(0, cut), FEED_URL);
        } catch (err) {
          expect(err).toBeInstanceOf(NewswatchError);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("parseFeed: hostile input", () => {
  // Each of these once took quadratic (or worse) time somewhere in decode → parse → normalise; at this
  // size that would run far past the test timeout.
  const hostile: Array<[what: string, text: string]> = [
    ["white space before junk", `${" ".repeat(200_000)}x`],
    ["unclosed processing instructions", "<?x ".repeat(50_000)],
    ["unclosed comments", "<!--".repeat(50_000)],
    ["unclosed tags", `<rss><channel><item><title>${"<a ".repeat(50_000)}`],
    ["a long XML declaration", `<?xml version="1.0"${" ".repeat(200_000)}?><rss/>`],
    ["undefined entities", `<rss><channel><title>${"&bogus;&".repeat(50_000)}</title></channel></rss>`],
  ];

  it.each(hostile)("finishes on %s", async (_what, text) => {
    try {
      const feed = await parseFeed(decodeFeedBytes(Buffer.from(text, "utf8")), FEED_URL);
      for (const item of feed.items) expect(htmlToLine(item.title ?? "")).toEqual(expect.any(String));
    } catch (err) {
      expect(err).toBeInstanceOf(NewswatchError);
    }
  });
});

describe("parseFeed: rss-parser's own golden outputs", () => {
  const inputs = readdirSync(path.join(wild, "rss-parser/input"));
  const goldens = readdirSync(path.join(wild, "rss-parser/expected-output"))
    .map((name) => ({
      name,
      input: inputs.find((file) => file.replace(/\.[^.]+$/, "") === name.replace(/\.json$/, "")),
    }))
    .filter((golden): golden is { name: string; input: string } => golden.input !== undefined);

  it("has goldens to compare with", () => {
    expect(goldens.length).toBeGreaterThan(20);
  });

  it.each(goldens)("$input: same items, titles and links as rss-parser", async ({ name, input }) => {
    const expected = JSON.parse(
      readFileSync(path.join(wild, "rss-parser/expected-output", name), "utf8"),
    ) as {
      feed: { items: Array<{ title?: unknown; link?: unknown }> };
    };
    const parsed = await parseFeed(
      decodeFeedBytes(readFileSync(path.join(wild, "rss-parser/input", input))),
      "https://example.org/",
    );
    expect(parsed.items).toHaveLength(expected.feed.items.length);
    expected.feed.items.forEach((item, index) => {
      // rss-parser reads ISO-8859-1 as UTF-8: its titles with U+FFFD are wrong where ours are right.
      if (typeof item.title === "string" && item.title.trim() !== "" && !item.title.includes("\uFFFD")) {
        expect(parsed.items[index]?.title).toBe(item.title.trim());
      }
      if (typeof item.link === "string" && /^https?:/.test(item.link)) {
        expect(parsed.items[index]?.link).toBe(new URL(item.link.trim()).href);
      }
    });
  });
});
