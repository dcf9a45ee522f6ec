import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../src/feeds/parse.js";
import { repairFeedXml } from "../../../src/feeds/repair.js";

const wrap = (inner: string) => `<rss version="2.0"><channel><item>${inner}</item></channel></rss>`;

describe("repairFeedXml", () => {
  const cases: Array<[behaviour: string, input: string, expected: string, repair: string]> = [
    ["drops a BOM", "\uFEFF<rss/>", "<rss/>", "bom"],
    [
      "drops white space before the declaration",
      '\n\n  <?xml version="1.0"?><rss/>',
      '<?xml version="1.0"?><rss/>',
      "leading-whitespace",
    ],
    [
      "drops junk before the declaration",
      'Warning: x()\n<?xml version="1.0"?><rss/>',
      '<?xml version="1.0"?><rss/>',
      "leading-junk",
    ],
    [
      "drops control characters",
      wrap("<title>a\u0001b\u000Bc\u001Fd</title>"),
      wrap("<title>abcd</title>"),
      "control-characters",
    ],
    [
      "escapes a bare ampersand",
      wrap("<title>AT&T && co</title>"),
      wrap("<title>AT&amp;T &amp;&amp; co</title>"),
      "unescaped-ampersand",
    ],
    [
      "escapes an ampersand in an attribute",
      '<rss><a href="/?a=1&b=2"/></rss>',
      '<rss><a href="/?a=1&amp;b=2"/></rss>',
      "unescaped-ampersand",
    ],
    [
      "turns HTML entities into references",
      wrap("<title>a&hellip;b&nbsp;c&rsquo;</title>"),
      wrap("<title>a&#8230;b&#160;c&#8217;</title>"),
      "html-entity",
    ],
    [
      "turns a two-character entity into two references",
      wrap("<title>&NotEqualTilde;</title>"),
      wrap("<title>&#8770;&#824;</title>"),
      "html-entity",
    ],
    [
      "escapes an unknown entity",
      wrap("<title>&bogus;</title>"),
      wrap("<title>&amp;bogus;</title>"),
      "unknown-entity",
    ],
    [
      "drops a reference to a character XML forbids",
      wrap("<title>a&#1;b&#xFFFF;c</title>"),
      wrap("<title>abc</title>"),
      "illegal-character-reference",
    ],
    [
      "escapes a bare less-than",
      wrap("<title>1 < 2</title>"),
      wrap("<title>1 &lt; 2</title>"),
      "unescaped-less-than",
    ],
    [
      "drops text after the root",
      "<rss><channel/></rss>\n<p>generated in 0.2s</p>",
      "<rss><channel/></rss>\n",
      "trailing-junk",
    ],
    [
      "closes what a truncated document left open",
      "<rss><channel><item><title>Kim",
      "<rss><channel><item><title>Kim</title></item></channel></rss>",
      "unclosed-element",
    ],
    [
      "closes inner elements a close tag skips",
      wrap("<description><b>bold</description>"),
      wrap("<description><b>bold</b></description>"),
      "unclosed-element",
    ],
    [
      "drops a close tag nothing opened",
      wrap("<title>a</i></title>"),
      wrap("<title>a</title>"),
      "unmatched-close-tag",
    ],
    [
      "closes HTML void elements",
      wrap("<description>a<br>b<img src='x.png'></description>"),
      wrap('<description>a<br/>b<img src="x.png"/></description>'),
      "unclosed-void-element",
    ],
    [
      "gives a bare attribute a value",
      "<rss><option selected>x</option></rss>",
      '<rss><option selected="selected">x</option></rss>',
      "attribute-without-value",
    ],
    [
      "quotes an unquoted attribute",
      "<rss><a href=/x>y</a></rss>",
      '<rss><a href="/x">y</a></rss>',
      "unquoted-attribute",
    ],
    [
      "drops a repeated attribute",
      '<rss><a id="1" id="2"/></rss>',
      '<rss><a id="1"/></rss>',
      "duplicate-attribute",
    ],
    [
      "expands entities declared in the internal DTD subset",
      '<!DOCTYPE rss [<!ENTITY nw "newswatch">]><rss><title>&nw;</title></rss>',
      '<!DOCTYPE rss [<!ENTITY nw "newswatch">]><rss><title>newswatch</title></rss>',
      "dtd-entity",
    ],
    [
      "fixes a comment containing --",
      "<rss><!-- a -- b --></rss>",
      "<rss><!-- a - - b --></rss>",
      "malformed-comment",
    ],
    [
      "keeps an unclosed CDATA section as text",
      wrap("<title><![CDATA[a & b"),
      wrap("<title>a &amp; b</title>"),
      "unclosed-cdata",
    ],
  ];

  it.each(cases)("%s", (_behaviour, input, expected, repair) => {
    const result = repairFeedXml(input);
    expect(result.xml).toBe(expected);
    expect(result.repairs).toContain(repair);
  });

  it("leaves CDATA sections, comments and processing instructions alone", () => {
    const xml =
      '<?xml version="1.0"?>\n<?xml-stylesheet href="s.xsl"?>\n<!-- a & b -->\n' +
      wrap("<description><![CDATA[<p>AT&T & <b>co</p>]]></description>");
    expect(repairFeedXml(xml)).toEqual({ xml, repairs: [] });
  });

  it("changes nothing in a well-formed feed", () => {
    const xml = `<?xml version="1.0"?>\n${wrap('<title>Kim &amp; Putin &#8217;</title><link>https://example.org/?a=1&amp;b=2</link><enclosure url="x" />')}`;
    expect(repairFeedXml(xml)).toEqual({ xml: xml.replace(' url="x" />', ' url="x"/>'), repairs: [] });
  });

  it("makes any title text parseable", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 60 }), async (junk) => {
        const feed = await parseFeed(
          wrap(`<title>${junk}</title><link>https://example.org/a</link>`),
          "test://feed",
        );
        expect(feed.items).toHaveLength(1);
        expect(feed.items[0]!.link).toBe("https://example.org/a");
      }),
      { numRuns: 300 },
    );
  });
});
