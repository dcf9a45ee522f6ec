// HTML of feed items → plain text for matching and display.
//
// Output convention: paragraphs (block elements) are separated by a blank line "\n\n", a `<br>` or a
// list item gives a single "\n", and inside a line every run of white space is one space. Lines are
// trimmed. `htmlToLine` gives the same text on one line (titles, summaries).

import { decode } from "html-entities";

/** Elements whose content is never reader-visible text. */
const DROPPED_WITH_CONTENT = [
  "script",
  "style",
  "noscript",
  "iframe",
  "template",
  "svg",
  "math",
  "head",
  "object",
];

/** Elements that start a new paragraph. */
const PARAGRAPH_ELEMENTS = new Set([
  "p",
  "div",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "ul",
  "ol",
  "dl",
  "table",
  "section",
  "article",
  "header",
  "footer",
  "aside",
  "nav",
  "main",
  "figure",
  "figcaption",
  "pre",
  "hr",
  "address",
  "details",
  "summary",
  "form",
  "fieldset",
  "center",
  "body",
  "html",
]);

/** Elements that start a new line. */
const LINE_ELEMENTS = new Set(["br", "li", "dt", "dd", "tr", "caption", "option"]);

/** Elements whose boundaries separate words. */
const SPACE_ELEMENTS = new Set([
  "td",
  "th",
  "img",
  "input",
  "button",
  "label",
  "select",
  "textarea",
  "video",
  "audio",
]);

/** Tag names that, written as text, show the HTML was escaped twice (`&lt;p&gt;` in a description). */
const ESCAPED_MARKUP =
  /<\/?(?:p|div|br|a|b|i|u|em|strong|span|img|ul|ol|li|h[1-6]|blockquote|table|tr|td|th|font|iframe|script|style|figure|figcaption|hr|sup|sub|small|code|pre|section|article|center|q|cite|abbr|noscript|picture|source|video|object|embed|param)(?:\s[^<>]*)?\/?>/i;

// Self-closed, or closed later; script and style left open are code to the end, other elements left
// open lose only their tag (TAG removes it).
const DROPPED = new RegExp(
  `<(${DROPPED_WITH_CONTENT.join("|")})\\b[^<>]*?(?:\\/>|>[\\s\\S]*?<\\/\\1\\s*>)|<(?:script|style)\\b[^<>]*>[\\s\\S]*$`,
  "gi",
);

// Attribute values are not tracked: a ">" inside one is rare, a quote left open is not.
const TAG = /<(\/?)([A-Za-z][A-Za-z0-9:-]*)\b[^<>]*>/g;

// ---------------------------------------------------------------------------------------------
// Mojibake: UTF-8 bytes that were read as windows-1252 somewhere upstream ("donâ€™t", "CafÃ©").

/** windows-1252's characters for bytes 0x80–0x9F (undefined bytes map to the C1 control itself). */
const CP1252_80_9F = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

function cp1252Byte(char: string): number | undefined {
  const code = char.charCodeAt(0);
  if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) return code;
  const index = CP1252_80_9F.indexOf(char);
  if (index !== -1) return 0x80 + index;
  return code >= 0x80 && code <= 0x9f ? code : undefined;
}

const MOJIBAKE_RUN =
  /[\u00C2-\u00F4][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201A\u201C-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]+/g;

/** What mojibake usually hides: Latin letters, punctuation, currency, Greek and Cyrillic. */
const PLAUSIBLE_REPAIR = /^[\u00A0-\u024F\u0370-\u04FF\u2000-\u206F\u20A0-\u20CF\u2100-\u214F]+$/;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function repairMojibake(text: string): string {
  return text.replace(MOJIBAKE_RUN, (run) => {
    const bytes: number[] = [];
    for (const char of run) {
      const byte = cp1252Byte(char);
      if (byte === undefined) return run;
      bytes.push(byte);
    }
    try {
      const decoded = strictUtf8.decode(Uint8Array.from(bytes));
      return PLAUSIBLE_REPAIR.test(decoded) ? decoded : run;
    } catch {
      return run;
    }
  });
}

// ---------------------------------------------------------------------------------------------

/** Entities decoded; twice-escaped ones (`&amp;amp;`, `&amp;#8217;`) decoded again. */
function decodeEntities(text: string): string {
  let decoded = decode(text, { level: "html5" });
  for (
    let pass = 0;
    pass < 2 && /&(?:[A-Za-z]{2,10}|#\d{2,7}|#x[0-9A-Fa-f]{2,6});/.test(decoded);
    pass += 1
  ) {
    const again = decode(decoded, { level: "html5" });
    if (again === decoded) break;
    decoded = again;
  }
  return decoded;
}

// Breaks made by tags travel as U+2029/U+2028 so that the source's own newlines, which HTML treats
// as spaces, can be collapsed without losing them.
const PARAGRAPH_BREAK = "\u2029";
const LINE_BREAK = "\u2028";

function tagsToBreaks(html: string): string {
  return html.replace(TAG, (_tag, closing: string, name: string) => {
    const lower = name.toLowerCase();
    if (PARAGRAPH_ELEMENTS.has(lower)) return PARAGRAPH_BREAK;
    if (LINE_ELEMENTS.has(lower)) return closing === "/" && lower !== "br" ? "" : LINE_BREAK;
    if (SPACE_ELEMENTS.has(lower)) return " ";
    return "";
  });
}

/** C1 controls never occur in real text: they are windows-1252 bytes decoded as Latin-1 ("don\u0092t"). */
function demoroniseC1(text: string): string {
  return text.replace(/[\u0080-\u009F]/g, (char) => {
    const mapped = CP1252_80_9F[char.charCodeAt(0) - 0x80]!;
    return mapped === char ? "" : mapped;
  });
}

function collapseWhitespace(text: string): string {
  return demoroniseC1(text)
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, "")
    .replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g, "")
    .replace(/[^\S\u2028\u2029]+/g, " ")
    .replaceAll(PARAGRAPH_BREAK, "\n\n")
    .replaceAll(LINE_BREAK, "\n")
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function convertOnce(html: string): string {
  const withoutMarkup = html
    .replace(/[^\S\u2028\u2029]+/g, " ")
    .replace(/<!--[\s\S]*?(?:-->|$)/g, "")
    .replace(/<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/g, "$1")
    .replace(DROPPED, " ")
    .replace(/<[!?][^<>]*>/g, "");
  return decodeEntities(tagsToBreaks(withoutMarkup));
}

/**
 * Plain text of an HTML fragment: scripts, styles, frames and comments dropped, tags removed with
 * paragraph and line breaks kept (see the convention at the top), entities decoded, white space
 * collapsed. HTML that was escaped twice (`&lt;p&gt;…`) is unescaped and stripped as well.
 */
export function htmlToText(html: string): string {
  let text = convertOnce(html);
  if (ESCAPED_MARKUP.test(text)) text = convertOnce(text);
  return collapseWhitespace(repairMojibake(text));
}

/** htmlToText on a single line: every break becomes one space. */
export function htmlToLine(html: string): string {
  return htmlToText(html).replace(/\s+/g, " ");
}
