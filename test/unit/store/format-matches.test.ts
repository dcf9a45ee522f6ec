import { describe, expect, it } from "vitest";
import {
  formatCsvCell,
  formatMatchesCsv,
  formatMatchesTable,
  formatMatchJsonLine,
  neutraliseCsvCell,
} from "../../../src/store/format-matches.js";
import type { MatchRow } from "../../../src/store/types.js";

const row: MatchRow = {
  topic: "sanctions",
  story: "story-1",
  title: 'EU adopts "14th" package, targets DPRK shipping',
  url: "https://news.example.org/eu",
  source: "Wire A",
  published: "2026-03-01T08:00:00.000Z",
  first_seen: "2026-03-01T09:00:00.000Z",
  score: 3.5,
  matched: ["sanctions", "DPRK"],
  copies: [
    {
      url: "https://news.example.org/eu",
      title: "t",
      source: "Wire A",
      published: "2026-03-01T08:00:00.000Z",
    },
    { url: "https://b.example.org/x", title: "u", source: "=Paper B", published: "2026-03-01T09:00:00.000Z" },
  ],
};

describe("neutraliseCsvCell", () => {
  it.each([
    ["=1+2", "'=1+2"],
    ["+7 killed", "'+7 killed"],
    ["-3 dead", "'-3 dead"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=cmd", "'\t=cmd"],
    ["\r=cmd", "'\r=cmd"],
    ["Kim visits Moscow", "Kim visits Moscow"],
    ["a=b", "a=b"],
    ["", ""],
  ])("turns %j into %j", (input, expected) => {
    expect(neutraliseCsvCell(input)).toBe(expected);
  });
});

describe("formatCsvCell", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
  ])("quotes %j as %j", (input, expected) => {
    expect(formatCsvCell(input)).toBe(expected);
  });
});

describe("formatMatchesCsv", () => {
  it("writes a header and one CRLF-terminated row per match, copies joined with a bar", () => {
    expect(formatMatchesCsv([row])).toBe(
      "topic,story,first_seen,published,score,title,url,source,matched,sources,source_urls\r\n" +
        'sanctions,story-1,2026-03-01T09:00:00.000Z,2026-03-01T08:00:00.000Z,3.5,"EU adopts ""14th"" package, ' +
        'targets DPRK shipping",https://news.example.org/eu,Wire A,sanctions; DPRK,Wire A | =Paper B,' +
        "https://news.example.org/eu | https://b.example.org/x\r\n",
    );
  });

  it("writes only the header when there are no matches", () => {
    expect(formatMatchesCsv([])).toBe(
      "topic,story,first_seen,published,score,title,url,source,matched,sources,source_urls\r\n",
    );
  });
});

describe("formatMatchJsonLine", () => {
  it("keeps the documented key order whatever order the row object has", () => {
    const shuffled = Object.fromEntries(Object.entries(row).reverse()) as unknown as MatchRow;
    const line = formatMatchJsonLine(shuffled);
    expect(Object.keys(JSON.parse(line))).toEqual([
      "topic",
      "story",
      "title",
      "url",
      "source",
      "published",
      "first_seen",
      "score",
      "matched",
      "copies",
    ]);
    expect(Object.keys(JSON.parse(line).copies[0])).toEqual(["url", "title", "source", "published"]);
    expect(line).not.toContain("\n");
  });
});

describe("formatMatchesTable", () => {
  it("lines up one row per match under a header", () => {
    const lines = formatMatchesTable([row, { ...row, topic: "russia-dprk", score: 12.25, copies: [] }]).split(
      "\n",
    );
    expect(lines[0]).toBe("FIRST SEEN        TOPIC        SCORE  COPIES  TITLE");
    expect(lines[1]).toBe(
      '2026-03-01 09:00  sanctions    3.50   2       EU adopts "14th" package, targets DPRK shipping (Wire A)',
    );
    expect(lines[2]?.startsWith("2026-03-01 09:00  russia-dprk  12.25  0 ")).toBe(true);
  });

  it("says so when there is nothing to show", () => {
    expect(formatMatchesTable([])).toBe("No matches.\n");
  });
});
