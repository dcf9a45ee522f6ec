import { describe, expect, it } from "vitest";
import { buildDigest } from "../../../src/digest/build.js";
import { escapeMarkdown, escapeSlack } from "../../../src/digest/escape.js";
import { renderHtml } from "../../../src/digest/render-html.js";
import { type digestToJson, renderJson } from "../../../src/digest/render-json.js";
import { renderMarkdown } from "../../../src/digest/render-markdown.js";
import { renderSlack } from "../../../src/digest/render-slack.js";
import { renderText } from "../../../src/digest/render-text.js";
import { digestMatch, digestSpec, HOSTILE_TITLES } from "./fixtures.js";

const NOW = new Date("2026-03-01T22:00:00.000Z");

function hostileDigest() {
  const rows = HOSTILE_TITLES.map((title, i) =>
    digestMatch({
      story: `h${i}`,
      title,
      source: `<b>Source ${i}</b>`,
      url: i === 0 ? "javascript:alert(1)" : `https://example.org/${i}?q="><script>`,
      snippet: `${title} and Lavrov`,
      matched: ["Lavrov", "<script>"],
    }),
  );
  return buildDigest(digestSpec(), rows, NOW);
}

const ALLOWED_HTML_TAGS = new Set([
  "!doctype",
  "html",
  "head",
  "meta",
  "title",
  "body",
  "table",
  "tr",
  "td",
  "h1",
  "h2",
  "p",
  "span",
  "a",
  "strong",
]);

describe("renderHtml", () => {
  const html = renderHtml(hostileDigest());

  it("emits only its own tags: hostile headlines show as text", () => {
    const tags = [...html.matchAll(/<\/?([!a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => (m[1] ?? "").toLowerCase());
    expect(tags.filter((t) => !ALLOWED_HTML_TAGS.has(t))).toEqual([]);
    expect(html).not.toMatch(/<img|<script/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  });

  it("links only http(s) URLs, with quotes in them escaped", () => {
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? "");
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);
    expect(html).not.toContain('javascript:alert(1)"');
    // Every attribute value closes where it should: no raw quote or angle bracket inside one.
    for (const m of html.matchAll(/="([^"]*)"/g)) expect(m[1]).not.toMatch(/[<>]/);
  });

  it("uses inline styles only (no <style> element) and highlights matched terms", () => {
    expect(html).not.toMatch(/<style/i);
    expect(html).toContain('<strong style="background:#fef3c7;color:#111827;">Lavrov</strong>');
  });
});

describe("renderSlack", () => {
  const message = renderSlack(hostileDigest());
  const texts = message.blocks.flatMap((b) =>
    b.type === "section" ? [b.text.text] : b.type === "context" ? b.elements.map((e) => e.text) : [],
  );

  it("leaves no Slack control sequence from a feed: every <…> is one of our http(s) links", () => {
    for (const text of texts) {
      for (const m of text.matchAll(/<([^>]*)>/g)) expect(m[1]).toMatch(/^https?:\/\/[^|<> ]+\|[^<|]*$/);
    }
    const all = texts.join("\n");
    expect(all).not.toContain("<!channel>");
    expect(all).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(all).toContain("Tom &amp; Jerry &lt;!channel&gt;");
    expect(all).not.toContain("<javascript:");
  });

  it("stays within Slack's 50 blocks for a long digest and says what was left out", () => {
    const rows = Array.from({ length: 80 }, (_, i) => digestMatch({ story: `s${i}`, score: 80 - i }));
    const long = renderSlack(buildDigest(digestSpec({ maxItems: 100 }), rows, NOW));
    expect(long.blocks.length).toBeLessThanOrEqual(50);
    const last = long.blocks.at(-1);
    expect(last?.type === "context" ? last.elements[0]?.text : "").toMatch(
      /^_Too long for one Slack message: \d+ more stories are in the full digest\._$/,
    );
  });
});

describe("renderMarkdown", () => {
  const markdown = renderMarkdown(hostileDigest());

  it("escapes markup from feeds and links only http(s) URLs", () => {
    expect(markdown).not.toMatch(/(?<!\\)<(?!\/?[a-z]+:)/);
    const destinations = [...markdown.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1] ?? "");
    for (const d of destinations) expect(d).toMatch(/^https?:\/\/[^\s()<>]+$/);
    expect(markdown).toContain(escapeMarkdown("<script>alert(1)</script>"));
    expect(markdown).not.toContain("](javascript");
  });

  it("escapes every character that would start CommonMark markup", () => {
    expect(escapeMarkdown("*a* _b_ [c](d) `e` <f> # g | h ~ i & j")).toBe(
      "\\*a\\* \\_b\\_ \\[c\\]\\(d\\) \\`e\\` \\<f\\> \\# g \\| h \\~ i \\& j",
    );
    expect(escapeMarkdown("1. not a list")).toBe("1\\. not a list");
    expect(escapeMarkdown("- not a list")).toBe("\\- not a list");
  });

  it("shows topics with counts, stories with sources and 'and N more'", () => {
    const rows = [
      digestMatch({
        story: "a",
        score: 3,
        copies: [
          {
            url: "https://a.example/1",
            title: "Lavrov in Pyongyang",
            source: "Wire A",
            published: "2026-03-01T01:00:00.000Z",
          },
          {
            url: "https://b.example/1",
            title: "Lavrov visits",
            source: "Wire B",
            published: "2026-03-01T02:00:00.000Z",
          },
        ],
      }),
      digestMatch({ story: "b", score: 2 }),
      digestMatch({ story: "c", score: 1 }),
    ];
    const text = renderMarkdown(
      buildDigest(digestSpec({ maxItems: 2 }), rows, NOW, {
        topicNames: new Map([["russia-dprk", "Russia–DPRK"]]),
      }),
    );
    expect(text).toContain("# newswatch digest morning");
    expect(text).toContain("## Russia–DPRK (3)");
    expect(text).toContain("1. **[Lavrov in Pyongyang](https://a.example/1)**");
    expect(text).toContain("Also reported by: [Wire B](https://b.example/1)");
    expect(text).toContain("**Lavrov** arrived in **Pyongyang**");
    expect(text).toContain("_and 1 more story_");
  });
});

describe("renderText and renderJson", () => {
  it("plain text shows hostile headlines verbatim (it is not markup)", () => {
    const text = renderText(hostileDigest());
    for (const title of HOSTILE_TITLES) expect(text).toContain(title);
    // The story whose link is javascript: is shown without a link line.
    expect(text).not.toMatch(/^ {3}javascript:/m);
  });

  it("JSON round-trips feed strings exactly and contains no raw < > &", () => {
    const digest = hostileDigest();
    const body = renderJson(digest, "morning-abc");
    expect(body).not.toMatch(/[<>&]/);
    const parsed = JSON.parse(body) as ReturnType<typeof digestToJson>;
    expect(parsed.deliveryId).toBe("morning-abc");
    expect(parsed.topics[0]?.stories.map((s) => s.title).sort()).toEqual([...HOSTILE_TITLES].sort());
    expect(parsed.topics[0]?.stories.find((s) => s.story === "h0")?.url).toBeNull();
  });

  it("escapeSlack escapes exactly the three control characters", () => {
    expect(escapeSlack("a & b < c > d * _")).toBe("a &amp; b &lt; c &gt; d * _");
  });
});
