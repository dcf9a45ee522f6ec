import { describe, expect, it } from "vitest";
import { htmlToLine, htmlToText } from "../../../src/feeds/html-to-text.js";

describe("htmlToText", () => {
  const cases: Array<[behaviour: string, html: string, text: string]> = [
    ["removes tags", "<p>Kim <b>met</b> <a href='/x'>Putin</a></p>", "Kim met Putin"],
    ["separates paragraphs with a blank line", "<p>One</p><p>Two</p><h2>Three</h2>", "One\n\nTwo\n\nThree"],
    ["turns <br> into a line break", "One<br>Two<br/>Three", "One\nTwo\nThree"],
    ["puts list items on their own lines", "<ul><li>a</li><li>b</li></ul>", "a\nb"],
    ["keeps table cells apart", "<table><tr><td>a</td><td>b</td></tr></table>", "a b"],
    ["drops scripts", "a<script>alert('x < y')</script>b", "a b"],
    ["drops styles", "<style>p { color: red }</style>text", "text"],
    [
      "drops noscript, iframes and comments",
      "a<noscript>enable js</noscript><iframe src=x>frame</iframe><!-- hidden -->b",
      "a b",
    ],
    ["drops an unclosed script to the end", "a<script>never closed", "a"],
    ["decodes named entities", "Kim &amp; Putin &hellip; &rsquo;s &nbsp;talks", "Kim & Putin … ’s talks"],
    ["decodes numeric entities", "don&#8217;t &#x2014; ok", "don’t — ok"],
    [
      "unescapes doubly encoded HTML",
      "&lt;p&gt;Lavrov &lt;b&gt;arrives&lt;/b&gt;&lt;/p&gt;",
      "Lavrov arrives",
    ],
    ["decodes doubly encoded entities", "Rock &amp;amp; Roll &amp;#8217;", "Rock & Roll ’"],
    ["keeps a literal less-than", "1 &lt; 2 and 3 > 2", "1 < 2 and 3 > 2"],
    ["keeps text that only looks like a tag", "use Array&lt;T&gt; here", "use Array<T> here"],
    ["collapses white space", "  a \t\n b   c  ", "a b c"],
    ["removes zero-width characters and soft hyphens", "North\u200B Ko\u00ADrea", "North Korea"],
    ["repairs windows-1252 mojibake", "donâ€™t CafÃ© â€œquotedâ€\u009D", "don’t Café “quoted”"],
    ["maps C1 controls to windows-1252 characters", "don\u0092t", "don’t"],
    ["leaves real accented text alone", "São Paulo, Zürich, café «", "São Paulo, Zürich, café «"],
    ["keeps CDATA text", "<![CDATA[inside]]> out", "inside out"],
    ["limits blank lines to one", "<p>a</p><p></p><div></div><p>b</p>", "a\n\nb"],
  ];

  it.each(cases)("%s", (_behaviour, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe("htmlToText on hostile input", () => {
  it("finishes on many unclosed tags", () => {
    expect(htmlToText("<p ".repeat(100_000))).toBe("<p ".repeat(100_000).trim());
  });

  it("finishes on many unclosed iframes", () => {
    expect(htmlToText(`${"<iframe>".repeat(2_000)}end`)).toBe("end");
  });
});

describe("htmlToLine", () => {
  it("puts everything on one line", () => {
    expect(htmlToLine("<p>One</p><p>Two<br>Three</p>")).toBe("One Two Three");
  });
});
