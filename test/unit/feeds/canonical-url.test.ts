import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicaliseUrl } from "../../../src/feeds/canonical-url.js";

describe("canonicaliseUrl", () => {
  const rules: Array<[rule: string, input: string, expected: string]> = [
    ["lower-cases scheme and host", "HTTPS://Example.ORG/World/Story", "https://example.org/World/Story"],
    ["drops the default https port", "https://example.org:443/a", "https://example.org/a"],
    ["drops the default http port", "http://example.org:80/a", "http://example.org/a"],
    ["keeps a non-default port", "https://example.org:8443/a", "https://example.org:8443/a"],
    ["drops www.", "https://www.example.org/a", "https://example.org/a"],
    ["drops m.", "https://m.example.org/a", "https://example.org/a"],
    [
      "drops amp.",
      "https://amp.theguardian.com/world/2023/sep/13/kim",
      "https://theguardian.com/world/2023/sep/13/kim",
    ],
    ["drops stacked prefixes", "https://www.m.example.org/a", "https://example.org/a"],
    ["keeps a prefix that is the whole name", "https://m.com/a", "https://m.com/a"],
    ["drops a trailing /amp", "https://example.org/news/story-1/amp", "https://example.org/news/story-1"],
    ["drops a trailing /amp/", "https://example.org/news/story-1/amp/", "https://example.org/news/story-1"],
    [
      "drops an /amp/ segment",
      "https://www.bbc.co.uk/news/amp/world-66789",
      "https://bbc.co.uk/news/world-66789",
    ],
    ["drops a .amp suffix", "https://example.org/news/story-1.amp", "https://example.org/news/story-1"],
    [
      "turns .amp.html into .html",
      "https://example.org/news/story-1.amp.html",
      "https://example.org/news/story-1.html",
    ],
    [
      "drops a final amp.html",
      "https://example.org/news/story-1/amp.html",
      "https://example.org/news/story-1",
    ],
    ["drops ?amp", "https://example.org/news/story?amp", "https://example.org/news/story"],
    ["drops ?amp=1", "https://example.org/news/story?amp=1", "https://example.org/news/story"],
    ["drops outputType=amp", "https://example.org/a?outputType=amp", "https://example.org/a"],
    [
      "removes utm_* parameters",
      "https://example.org/a?utm_source=rss&utm_medium=feed&utm_campaign=x",
      "https://example.org/a",
    ],
    ["removes upper-case UTM parameters", "https://example.org/a?UTM_Source=rss", "https://example.org/a"],
    ["removes fbclid", "https://example.org/a?fbclid=IwAR0abc", "https://example.org/a"],
    [
      "removes gclid, dclid and msclkid",
      "https://example.org/a?gclid=1&dclid=2&msclkid=3",
      "https://example.org/a",
    ],
    ["removes mailchimp ids", "https://example.org/a?mc_cid=1&mc_eid=2", "https://example.org/a"],
    ["removes ref and ref_src", "https://example.org/a?ref=hn&ref_src=twsrc", "https://example.org/a"],
    ["removes cmpid", "https://example.org/a?cmpid=rss", "https://example.org/a"],
    [
      "removes BBC at_* parameters",
      "https://www.bbc.com/news/world-asia-66789?at_medium=RSS&at_campaign=KARANGA&at_custom1=x&at_custom4=y",
      "https://bbc.com/news/world-asia-66789",
    ],
    [
      "removes ocid, igshid, _ga, yclid, spm",
      "https://example.org/a?ocid=1&igshid=2&_ga=3&yclid=4&spm=5",
      "https://example.org/a",
    ],
    ["removes the fragment", "https://example.org/a#comments", "https://example.org/a"],
    [
      "sorts the remaining parameters",
      "https://example.org/a?b=2&a=1&c=3",
      "https://example.org/a?a=1&b=2&c=3",
    ],
    [
      "keeps repeated parameters in their order",
      "https://example.org/a?tag=z&id=1&tag=a",
      "https://example.org/a?id=1&tag=z&tag=a",
    ],
    ["keeps meaningful parameters", "https://example.org/?p=123&utm_source=x", "https://example.org/?p=123"],
    ["drops the trailing slash", "https://example.org/news/story/", "https://example.org/news/story"],
    ["keeps the root slash", "https://example.org/", "https://example.org/"],
    ["adds the root slash", "https://example.org", "https://example.org/"],
    [
      "decodes escaped unreserved characters",
      "https://example.org/%7Euser/a%2Db",
      "https://example.org/~user/a-b",
    ],
    ["upper-cases other escapes", "https://example.org/a%2fb?q=a%2cb", "https://example.org/a%2Fb?q=a%2Cb"],
    [
      "escapes spaces and non-ASCII",
      "https://example.org/북한 뉴스",
      "https://example.org/%EB%B6%81%ED%95%9C%20%EB%89%B4%EC%8A%A4",
    ],
    ["trims whitespace", "  https://example.org/a \n", "https://example.org/a"],
    ["drops an empty query", "https://example.org/a?", "https://example.org/a"],
    ["returns mailto: as is", "mailto:desk@example.org", "mailto:desk@example.org"],
    ["returns a tag: URI as is", " tag:example.org,2023:1 ", "tag:example.org,2023:1"],
    ["returns a relative URL as is", "/news/a?utm_source=x", "/news/a?utm_source=x"],
  ];

  it.each(rules)("%s", (_rule, input, expected) => {
    expect(canonicaliseUrl(input)).toBe(expected);
  });

  const distinct: Array<[why: string, a: string, b: string]> = [
    ["different paths", "https://example.org/news/a", "https://example.org/news/b"],
    ["different ?id=", "https://example.org/article?id=1", "https://example.org/article?id=2"],
    ["different ?p=", "https://blog.example.org/?p=10", "https://blog.example.org/?p=11"],
    ["different hosts", "https://news.example.org/a", "https://example.org/a"],
    ["different sub-sites", "https://example.org/world/a", "https://example.org/sport/a"],
    ["a path that merely contains amp", "https://example.org/camp/a", "https://example.org/a"],
    ["a slug ending in amp", "https://example.org/news/stamp", "https://example.org/news/st"],
    ["amp with a meaningful value", "https://example.org/a?amp=volts", "https://example.org/a"],
    ["path case", "https://example.org/News/A", "https://example.org/news/a"],
  ];

  it.each(distinct)("keeps %s apart", (_why, a, b) => {
    expect(canonicaliseUrl(a)).not.toBe(canonicaliseUrl(b));
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const once = canonicaliseUrl(url);
        expect(canonicaliseUrl(once)).toBe(once);
      }),
    );
  });

  it("never throws and never keeps a fragment on http URLs", () => {
    fc.assert(
      fc.property(fc.string(), (junk) => {
        const result = canonicaliseUrl(`https://example.org/${junk}`);
        expect(typeof result).toBe("string");
        expect(result.includes("#")).toBe(false);
      }),
    );
  });
});
