import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NewswatchError } from "../../../src/errors.js";
import { formatOpml, type OpmlFeed, parseOpml, tagsOfCategory } from "../../../src/feeds/opml.js";

const created = new Date("2026-11-28T07:00:00Z");

describe("parseOpml", () => {
  it("reads feeds with their titles, folder tags and categories, in document order", () => {
    const opml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by a feed reader; <outline xmlUrl="http://commented.out/"/> must be ignored -->
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="Korea" title="Korea">
      <outline type="rss" text="NK News" title="NK News" xmlUrl="https://www.nknews.org/feed/" htmlUrl="https://www.nknews.org/" category="/dprk,analysis"/>
      <outline text="Yonhap &amp; friends" xmlUrl="https://en.yna.co.kr/RSS/news.xml?a=1&amp;b=2"></outline>
    </outline>
    <outline type="rss" text="Meduza" xmlurl='https://meduza.io/rss/en/all' category="/News/Russia"/>
  </body>
</opml>`;
    expect(parseOpml(opml)).toEqual([
      { url: "https://www.nknews.org/feed/", title: "NK News", tags: ["Korea", "dprk", "analysis"] },
      { url: "https://en.yna.co.kr/RSS/news.xml?a=1&b=2", title: "Yonhap & friends", tags: ["Korea"] },
      { url: "https://meduza.io/rss/en/all", title: "Meduza", tags: ["News", "Russia"] },
    ]);
  });

  it("keeps a feed listed in two folders once, with the tags of both", () => {
    const opml = `<opml version="1.0"><body>
      <outline text="World"><outline text="A" xmlUrl="http://a.test/rss"/></outline>
      <outline text="Asia"><outline text="A again" xmlUrl="http://a.test/rss"/></outline>
    </body></opml>`;
    expect(parseOpml(opml)).toEqual([{ url: "http://a.test/rss", title: "A", tags: ["World", "Asia"] }]);
  });

  it("refuses a document that is not OPML", () => {
    expect(() => parseOpml('<rss version="2.0"><channel></channel></rss>')).toThrow(NewswatchError);
    expect(() => parseOpml("")).toThrow(/not an OPML document/);
  });

  it("splits categories into tags", () => {
    expect(tagsOfCategory("/a/b, c ,,/d")).toEqual(["a", "b", "c", "d"]);
    expect(tagsOfCategory(undefined)).toEqual([]);
  });
});

describe("formatOpml", () => {
  it("writes an OPML 2.0 document with escaped attributes", () => {
    const text = formatOpml(
      [{ url: "http://x.test/rss?a=1&b=2", title: 'Quotes "and" <tags>', tags: ["world", "asia"] }],
      { title: "newswatch feeds", created },
    );
    expect(text).toContain('<opml version="2.0">');
    expect(text).toContain(`<dateCreated>${created.toUTCString()}</dateCreated>`);
    expect(text).toContain('xmlUrl="http://x.test/rss?a=1&amp;b=2"');
    expect(text).toContain('title="Quotes &quot;and&quot; &lt;tags&gt;"');
    expect(text).toContain('category="world,asia"');
  });

  it("round-trips every feed's URL, title and tags", () => {
    const text = fc
      .string({ unit: fc.constantFrom(..."abcXYZ éü 한국 &<>\"'-_.".split("")), minLength: 1, maxLength: 20 })
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const tag = fc.string({
      unit: fc.constantFrom(..."abcdefgh-_ü한".split("")),
      minLength: 1,
      maxLength: 8,
    });
    const feed = fc.record({
      url: fc.webUrl({ withQueryParameters: true }),
      title: text,
      tags: fc.uniqueArray(tag, { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(feed, { selector: (f) => f.url, maxLength: 8 }), (feeds: OpmlFeed[]) => {
        expect(parseOpml(formatOpml(feeds, { title: "t", created }))).toEqual(feeds);
      }),
    );
  });
});
