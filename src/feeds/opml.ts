import { decode } from "html-entities";
import { NewswatchError } from "../errors.js";

// OPML 2.0, the subscription list every feed reader imports and exports. Pure: text in, feeds out, and
// back. Tags travel as the outline's `category` (comma-separated, slash-delimited paths) and, on import,
// also come from the folders (outlines without a feed URL) that enclose a feed.

export interface OpmlFeed {
  url: string;
  title: string;
  tags: string[];
}

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attributes: Map<string, string>;
}

const ATTRIBUTE = /([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function readAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const m of source.matchAll(ATTRIBUTE)) {
    // Attribute names are case-sensitive in XML, but exporters write xmlUrl, xmlurl and XMLURL alike.
    attributes.set((m[1] ?? "").toLowerCase(), decode(m[2] ?? m[3] ?? "", { level: "xml" }));
  }
  return attributes;
}

/** The element tags of a document in order, skipping comments, CDATA, declarations and instructions. */
function* tagsOf(xml: string): Generator<Tag> {
  let i = 0;
  while (i < xml.length) {
    const open = xml.indexOf("<", i);
    if (open < 0) return;
    if (xml.startsWith("<!--", open)) {
      const end = xml.indexOf("-->", open + 4);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (xml.startsWith("<![CDATA[", open)) {
      const end = xml.indexOf("]]>", open + 9);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (xml.startsWith("<?", open) || xml.startsWith("<!", open)) {
      const end = xml.indexOf(">", open + 2);
      i = end < 0 ? xml.length : end + 1;
      continue;
    }
    // A '>' inside a quoted attribute value does not end the tag.
    let j = open + 1;
    let quote: string | undefined;
    while (j < xml.length) {
      const c = xml[j];
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ">") break;
      j++;
    }
    const body = xml.slice(open + 1, j);
    i = j + 1;
    const closing = body.startsWith("/");
    const selfClosing = body.endsWith("/");
    const name = /^\/?\s*([A-Za-z_][\w:.-]*)/.exec(body)?.[1] ?? "";
    yield {
      name: name.toLowerCase(),
      closing,
      selfClosing,
      attributes: closing ? new Map() : readAttributes(body),
    };
  }
}

/** Tags written in an OPML `category`: "/News/World,/korea" gives News, World, korea. */
export function tagsOfCategory(category: string | undefined): string[] {
  if (!category) return [];
  return category
    .split(",")
    .flatMap((path) => path.split("/"))
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The feeds of an OPML document, in document order, each URL once (the first outline naming it wins, with
 * the tags of every outline naming it). Throws NW_INPUT_INVALID when the text is not OPML.
 */
export function parseOpml(xml: string): OpmlFeed[] {
  const text = xml.replace(/^\uFEFF/, "");
  const feeds: OpmlFeed[] = [];
  const byUrl = new Map<string, OpmlFeed>();
  // The folders enclosing the current outline; undefined for an outline that is a feed itself.
  const folders: Array<string | undefined> = [];
  let sawOpml = false;
  let sawBody = false;
  for (const tag of tagsOf(text)) {
    if (tag.name === "opml" && !tag.closing) sawOpml = true;
    if (tag.name === "body" && !tag.closing) sawBody = true;
    if (tag.name !== "outline") continue;
    if (tag.closing) {
      folders.pop();
      continue;
    }
    const url = (tag.attributes.get("xmlurl") ?? "").trim();
    const label = (tag.attributes.get("title") || tag.attributes.get("text") || "").trim();
    if (url) {
      const tags = unique([
        ...folders.filter((f): f is string => f !== undefined),
        ...tagsOfCategory(tag.attributes.get("category")),
      ]);
      const known = byUrl.get(url);
      if (known) known.tags = unique([...known.tags, ...tags]);
      else {
        const feed = { url, title: label, tags };
        byUrl.set(url, feed);
        feeds.push(feed);
      }
    }
    if (!tag.selfClosing) folders.push(url ? undefined : label || undefined);
  }
  if (!sawOpml || !sawBody) {
    throw new NewswatchError(
      "NW_INPUT_INVALID",
      "not an OPML document (expected <opml> with a <body> of <outline> elements)",
    );
  }
  return feeds;
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;");
}

/** An OPML 2.0 document listing `feeds`, each with its title and its tags as `category`. */
export function formatOpml(feeds: readonly OpmlFeed[], head: { title: string; created: Date }): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    "  <head>",
    `    <title>${escapeAttribute(head.title)}</title>`,
    `    <dateCreated>${head.created.toUTCString()}</dateCreated>`,
    "  </head>",
    "  <body>",
  ];
  for (const feed of feeds) {
    const attributes = [
      `type="rss"`,
      `text="${escapeAttribute(feed.title)}"`,
      `title="${escapeAttribute(feed.title)}"`,
      `xmlUrl="${escapeAttribute(feed.url)}"`,
    ];
    if (feed.tags.length > 0) attributes.push(`category="${escapeAttribute(feed.tags.join(","))}"`);
    lines.push(`    <outline ${attributes.join(" ")}/>`);
  }
  lines.push("  </body>", "</opml>", "");
  return lines.join("\n");
}
