// feedparser's test files carry their own oracle: an `Expect:` Python expression over feedparser's
// result. The simple ones (`entries[0]['title'] == '…'`, `feed['link'] == '…'`, content values) are
// checked here against what parseFeed gives for the same bytes.

import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeFeedBytes } from "../../../src/feeds/decode.js";
import { htmlToLine } from "../../../src/feeds/html-to-text.js";
import { parseFeed } from "../../../src/feeds/parse.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const feedparserDir = path.resolve(repoRoot, "../shared/corpora/feeds-wild/feedparser");

const FIELD_EXPECTATION =
  /^(?:not bozo and )?(feed|entries\[0\])\['(title|link|id|description|summary|author|language)'\] == u?'((?:[^'\\]|\\.)*)'$/;
const CONTENT_EXPECTATION =
  /^(?:not bozo and )?entries\[0\]\['content'\]\[0\]\['value'\] == u?'((?:[^'\\]|\\.)*)'$/;

/** Where newswatch deliberately differs from feedparser. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  "wellformed/atom10/entry_author_map_author.xml": "the author is the name; feedparser appends the e-mail",
  "wellformed/base/http_entry_id_base_docuri.xml":
    "a guid is an identity and stays as written; feedparser resolves it",
  "wellformed/media-rss/item_media_title1.xml": "media:title names the media, not the item",
  "wellformed/rss/item_image_link_conflict.xml": "links go through URL parsing, which lower-cases the host",
};

/** A Python string literal's escapes (\\u2019, \\xe9, \\', \\\\). */
function pythonString(literal: string): string {
  return literal.replace(
    /\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\U([0-9a-fA-F]{8})|\\(.)/g,
    (_m, u, x, U, c) => {
      if (u !== undefined) return String.fromCharCode(Number.parseInt(u, 16));
      if (x !== undefined) return String.fromCharCode(Number.parseInt(x, 16));
      if (U !== undefined) return String.fromCodePoint(Number.parseInt(U, 16));
      return c === "n" ? "\n" : c === "t" ? "\t" : c;
    },
  );
}

interface Expectation {
  file: string;
  scope: "feed" | "entry";
  key: string;
  value: string;
  contentType: string | undefined;
}

function expectationsOf(dir: string): Expectation[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name): Expectation[] => {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) return expectationsOf(file);
      const head = readFileSync(file).subarray(0, 4096).toString("latin1").replace(/\0/g, "");
      const expect = /Expect:\s*([^\r\n]*)/.exec(head)?.[1]?.trim() ?? "";
      const contentType = /Header:\s*Content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim();
      const field = FIELD_EXPECTATION.exec(expect);
      // newswatch keeps no feed description.
      if (field !== null && !(field[1] === "feed" && field[2] === "description")) {
        const scope = field[1] === "feed" ? "feed" : "entry";
        return [{ file, scope, key: field[2]!, value: pythonString(field[3]!), contentType }];
      }
      const content = CONTENT_EXPECTATION.exec(expect);
      if (content !== null)
        return [{ file, scope: "entry", key: "content", value: pythonString(content[1]!), contentType }];
      return [];
    });
}

async function actualValue(expectation: Expectation): Promise<string | undefined> {
  // feedparser's harness serves its files from this address: relative links resolve against it.
  const feedUrl = `http://127.0.0.1:8097/tests/${path.relative(feedparserDir, expectation.file).split(path.sep).join("/")}`;
  const feed = await parseFeed(
    decodeFeedBytes(readFileSync(expectation.file), expectation.contentType),
    feedUrl,
  );
  if (expectation.scope === "feed") {
    return { title: feed.title, link: feed.link, language: feed.language }[expectation.key as "title"];
  }
  const item = feed.items[0];
  if (item === undefined) return undefined;
  const values: Record<string, string | undefined> = {
    title: item.title,
    link: item.link,
    id: item.guid,
    author: item.author,
    language: item.language,
    summary: item.summary ?? item.content,
    description: item.summary ?? item.content,
    content: item.content,
  };
  return values[expectation.key];
}

describe("feedparser's Expect oracles", () => {
  const expectations = expectationsOf(feedparserDir);
  const relative = (file: string) => path.relative(feedparserDir, file).split(path.sep).join("/");
  const checked = expectations.filter(
    (expectation) => KNOWN_DIFFERENCES[relative(expectation.file)] === undefined,
  );

  it("finds the simple expectations", () => {
    expect(checked.length).toBeGreaterThan(120);
  });

  it.each(checked.map((expectation) => [relative(expectation.file), expectation] as const))(
    "%s",
    async (_file, expectation) => {
      const actual = await actualValue(expectation);
      expect(actual).toBeDefined();
      if (["title", "summary", "description", "content", "author"].includes(expectation.key)) {
        // feedparser gives text-typed values as plain text and HTML ones as (sanitised) HTML.
        const text = htmlToLine(actual ?? "");
        expect([htmlToLine(expectation.value), expectation.value.replace(/\s+/g, " ").trim()]).toContain(
          text,
        );
      } else {
        expect(actual?.trim()).toBe(expectation.value.trim());
      }
    },
  );
});
