import { describe, expect, it } from "vitest";
import type { TopicSpec } from "../../../src/config/types.js";
import { compileTopics } from "../../../src/match/matcher.js";
import type { MatchInput } from "../../../src/match/types.js";

const aliases = {
  russia: ["Russia", "Russian*", "Kremlin", "Putin"],
  dprk: ["North Korea*", "N. Korea*", "Kim Jong Un", "Pyongyang~"],
};

function topic(query: string, minScore = 0): TopicSpec {
  return { id: "t", name: "t", query, alert: "digest", minScore };
}

function article(title: string, text = "", extra: Partial<MatchInput> = {}): MatchInput {
  return { id: "a", title, text, url: "https://news.example.org/world/1", source: "Example News", ...extra };
}

/** Whether the query matches, checked with and without the presearch index (they must agree). */
function matches(query: string, input: MatchInput): boolean {
  const withIndex = compileTopics([topic(query)], aliases).matchArticle(input).length > 0;
  const everyTopic =
    compileTopics([topic(query)], aliases, { presearch: false }).matchArticle(input).length > 0;
  expect(withIndex, "presearch and full evaluation agree").toBe(everyTopic);
  return everyTopic;
}

/** A text of `n` filler words. */
function filler(n: number): string {
  return Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
}

describe("terms", () => {
  it.each([
    ["matches a word regardless of case", "PUTIN", "Putin met envoys", true],
    ["matches a word regardless of accents", "pyongyang", "Pyŏngyang replied", true],
    ["matches a word regardless of punctuation", "korea", "(Korea)!", true],
    ["does not match part of a word", "korea", "Koreanlanguage course", false],
    ["matches a possessive", "Russia", "Russia's envoy", true],
    ["matches a phrase across a hyphen", '"kim jong un"', "Kim Jong-un arrived", true],
    ["matches a phrase across dots", '"n korea"', "N.Korea fires", true],
    ["needs phrase words consecutively", '"kim jong un"', "Kim and Jong Un", false],
    ["matches a phrase in upper case", '"kim jong un"', "KIM JONG UN", true],
    ["matches a prefix", "sanction*", "new sanctions", true],
    ["matches a prefix equal to the word", "sanction*", "a sanction", true],
    ["does not match a prefix in the middle", "sanction*", "unsanctioned rally", false],
    ["matches a prefix inside a phrase", '"north korea*"', "North Koreans fled", true],
    ["matches a prefix in the middle of a phrase", '"nor* korea"', "Northern Korea", true],
    ["matches a Cyrillic prefix", "Россия*", "России и КНДР", false],
    ["matches a Cyrillic word in another case", "россия", "РОССИЯ и КНДР", true],
    ["matches a Cyrillic prefix of an inflected word", "Росси*", "визит в России", true],
    ["matches a Hangul prefix with a particle", "북한*", "북한의 미사일", true],
    ["matches a Hangul word", "러시아", "러시아 대통령", true],
    ["matches Han characters inside a run", "朝鮮", "北朝鮮のミサイル", true],
    ["does not match Han characters out of order", "鮮朝", "北朝鮮のミサイル", false],
  ])("%s", (_name, query, text, expected) => {
    expect(matches(query, article(text))).toBe(expected);
  });
});

describe("fuzzy terms", () => {
  it.each([
    ["matches a misspelling", "Pyongyang~", "Pyongyan fired", true],
    ["matches a hyphenated spelling (two tokens joined)", "Pyongyang~", "Pyong-yang fired", true],
    ["matches the exact word", "Pyongyang~", "Pyongyang fired", true],
    ["does not match a different word", "Pyongyang~", "Pyeongchang games", false],
    ["accepts more with a lower threshold", "Pyongyang~0.7", "Pyongyan", true],
    ["rejects with a threshold of 1", "Pyongyang~1", "Pyongyan fired", false],
    ["works inside a phrase", '"visit pyongyang~"', "visit Pyongyan", true],
    ["works inside an alias", "@dprk", "talks in Pyong-yang", true],
    ["rejects a spelling below the threshold (Dice 0.8)", "Pyongyang~", "Pyongang", false],
  ])("%s", (_name, query, text, expected) => {
    expect(matches(query, article(text))).toBe(expected);
  });
});

describe("Boolean operators", () => {
  it.each([
    ["AND needs both", "putin AND kim", "Putin and Kim", true],
    ["AND fails with one", "putin AND kim", "Putin alone", false],
    ["juxtaposition is AND", "putin kim", "Kim alone", false],
    ["OR needs either", "putin OR kim", "Kim alone", true],
    ["OR fails with none", "putin OR kim", "nobody", false],
    ["NOT excludes", "putin NOT tennis", "Putin watched tennis", false],
    ["NOT keeps when absent", "putin NOT tennis", "Putin spoke", true],
    ["minus excludes", "putin -tennis", "Putin watched tennis", false],
    ["minus excludes a group", "moscow -(cska OR spartak)", "CSKA Moscow won", false],
    ["a pure negation matches what lacks the word", "NOT tennis", "Putin spoke", true],
    ["a pure negation rejects what has the word", "NOT tennis", "tennis news", false],
    ["precedence: OR below AND", "a OR b AND c", "a only", true],
    ["precedence: AND inside OR", "a OR b AND c", "b only", false],
    ["parentheses change it", "(a OR b) AND c", "a only", false],
    ["an alias is an OR of its entries", "@russia", "the Kremlin said", true],
    ["an alias entry is a phrase", "@dprk", "north and korea", false],
    ["an alias entry can hold a wildcard", "@dprk", "N. Korean troops", true],
  ])("%s", (_name, query, text, expected) => {
    expect(matches(query, article(text))).toBe(expected);
  });
});

describe("NEAR", () => {
  it.each([
    ["matches at exactly n words apart", "putin NEAR/5 kim", `Putin ${filler(4)} Kim`, true],
    ["does not match at n + 1 words apart", "putin NEAR/5 kim", `Putin ${filler(5)} Kim`, false],
    ["matches in either order", "putin NEAR/5 kim", `Kim ${filler(4)} Putin`, true],
    ["matches adjacent words with NEAR/1", "putin NEAR/1 kim", "Putin Kim", true],
    ["defaults to 10 words (10 apart)", "putin NEAR kim", `Putin ${filler(9)} Kim`, true],
    ["defaults to 10 words (11 apart)", "putin NEAR kim", `Putin ${filler(10)} Kim`, false],
    [
      "measures from the end of a phrase",
      '"kim jong un" NEAR/3 putin',
      `Kim Jong Un ${filler(2)} Putin`,
      true,
    ],
    [
      "measures to the start of a phrase",
      '"kim jong un" NEAR/3 putin',
      `Putin ${filler(3)} Kim Jong Un`,
      false,
    ],
    [
      "works between phrases",
      '"north korea" NEAR/2 "vladimir putin"',
      "North Korea hosts Vladimir Putin",
      true,
    ],
    ["works between aliases", "@russia NEAR/3 @dprk", "The Kremlin thanked North Korea", true],
    ["works with OR groups", "(putin OR lavrov) NEAR/2 (pyongyang OR kim)", "Lavrov visits Pyongyang", true],
    ["uses the closest pair of many", "putin NEAR/2 kim", `Putin ${filler(8)} Putin meets Kim`, true],
    ["chains NEAR", "putin NEAR/2 kim NEAR/2 arms", "Putin and Kim discuss arms", true],
    [
      "chained NEAR needs the third near the pair",
      "putin NEAR/2 kim NEAR/2 arms",
      `Putin and Kim ${filler(4)} arms`,
      false,
    ],
  ])("%s", (_name, query, text, expected) => {
    expect(matches(query, article("headline", text))).toBe(expected);
  });
});

describe("fields", () => {
  it.each([
    ["a term without scope searches the title", "putin", article("Putin speaks", "nothing"), true],
    ["a term without scope searches the text", "putin", article("headline", "Putin speaks"), true],
    [
      "a term without scope ignores the source",
      "guardian",
      article("a", "b", { source: "The Guardian" }),
      false,
    ],
    ["title: finds the title", "title:putin", article("Putin speaks", "nothing"), true],
    ["title: ignores the text", "title:putin", article("headline", "Putin speaks"), false],
    ["text: ignores the title", "text:putin", article("Putin speaks", "nothing"), false],
    ["source: finds the source", "source:guardian", article("a", "b", { source: "The Guardian" }), true],
    [
      "url: finds a phrase in the URL",
      'url:"theguardian.com"',
      article("a", "b", { url: "https://www.theguardian.com/x" }),
      true,
    ],
    ["a scoped group", "title:(putin OR kim)", article("Kim arrives", "Putin"), true],
    ["a scoped alias", "title:@russia", article("headline", "the Kremlin"), false],
    ["a phrase never spans title and text", '"putin kim"', article("Talks with Putin", "Kim arrived"), false],
    [
      "NEAR never spans title and text",
      "putin NEAR/3 kim",
      article("Talks with Putin", "Kim arrived"),
      false,
    ],
    ["NEAR finds both in the title", "putin NEAR/3 kim", article("Putin meets Kim", "nothing"), true],
    ["AND combines title and text", "putin AND kim", article("Talks with Putin", "Kim arrived"), true],
  ])("%s", (_name, query, input, expected) => {
    expect(matches(query, input)).toBe(expected);
  });
});

describe("fuzzy hits", () => {
  it("reports the word itself, not the word joined with its neighbour, when the word matches alone", () => {
    const [match] = compileTopics([topic("Pyongyang~")], aliases).matchArticle(
      article("Lavrov landed in Pyongyang on Friday"),
    );
    expect(match?.matched).toEqual(["Pyongyang"]);
  });

  it("still joins a split word", () => {
    const [match] = compileTopics([topic("Pyongyang~")], aliases).matchArticle(
      article("Talks in Pyong-yang"),
    );
    expect(match?.matched).toEqual(["Pyong-yang"]);
  });
});
