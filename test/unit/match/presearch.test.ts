import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TopicSpec } from "../../../src/config/types.js";
import { ArticleIndex } from "../../../src/match/article-index.js";
import { compileTopics } from "../../../src/match/matcher.js";
import { parseQuery } from "../../../src/match/parse-query.js";
import {
  estimateFrom,
  PresearchIndex,
  requiredClauses,
  requiredTerms,
} from "../../../src/match/presearch.js";
import type { MatchInput } from "../../../src/match/types.js";

// Presearch may only skip topics that cannot match: on any article, the matcher with the index must
// return exactly what evaluating every topic returns.

const WORDS = [
  "putin",
  "kim",
  "north",
  "korea",
  "korean",
  "sanction",
  "sanctions",
  "russia",
  "moscow",
  "talks",
  "arms",
];
const aliases = { a1: ["North Korea*", "Kim"], a2: ["Russia", "Mosc*", "arms talks"] };

const word = fc.constantFrom(...WORDS);
const term: fc.Arbitrary<string> = fc.oneof(
  word,
  word.map((w) => `${w.slice(0, 3)}*`),
  fc.tuple(word, word).map(([a, b]) => `"${a} ${b}"`),
  fc.tuple(word, word).map(([a, b]) => `"${a} ${b.slice(0, 3)}*"`),
  word.map((w) => `${w}~`),
  word.map((w) => `${w}s~0.8`),
  fc.tuple(fc.constantFrom("title", "text", "source", "url"), word).map(([f, w]) => `${f}:${w}`),
  fc.constantFrom("@a1", "@a2", "title:@a2"),
);

const { positional } = fc.letrec((tie) => ({
  positional: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    term,
    fc.tuple(tie("positional"), tie("positional")).map(([a, b]) => `(${a} OR ${b})`),
  ) as fc.Arbitrary<string>,
}));

const { query } = fc.letrec((tie) => ({
  query: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    term,
    fc.tuple(tie("query"), tie("query")).map(([a, b]) => `(${a}) AND (${b})`),
    fc.tuple(tie("query"), tie("query")).map(([a, b]) => `(${a}) (${b})`),
    fc.tuple(tie("query"), tie("query")).map(([a, b]) => `(${a}) OR (${b})`),
    tie("query").map((a) => `NOT (${a})`),
    fc.tuple(tie("query"), tie("query")).map(([a, b]) => `(${a}) -(${b})`),
    fc
      .tuple(positional, positional, fc.integer({ min: 1, max: 6 }))
      .map(([a, b, n]) => `(${a}) NEAR/${n} (${b})`),
  ) as fc.Arbitrary<string>,
}));

const fieldText = (maxWords: number): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        word,
        word.map((w) => `${w}'s`),
        fc.constantFrom("the", "-", "Pyong-yang", "KOREA’S", "x"),
      ),
      {
        maxLength: maxWords,
      },
    )
    .map((words) => words.join(" "));

const article: fc.Arbitrary<MatchInput> = fc.record({
  id: fc.constant("a"),
  title: fieldText(8),
  text: fieldText(30),
  url: fc.constantFrom("", "https://example.org/putin-talks", "https://news.example.com/korea"),
  source: fc.constantFrom("", "Moscow Times", "Korea Herald"),
});

function topics(queries: string[]): TopicSpec[] {
  return queries.map((q, i) => ({ id: `t${i}`, name: `t${i}`, query: q, alert: "digest", minScore: 0 }));
}

describe("presearch", () => {
  it("gives the same matches as evaluating every topic (generated queries and articles)", () => {
    fc.assert(
      fc.property(
        fc.array(query, { minLength: 1, maxLength: 25 }),
        fc.array(article, { maxLength: 10 }),
        (qs, as) => {
          const specs = topics(qs);
          const indexed = compileTopics(specs, aliases);
          const naive = compileTopics(specs, aliases, { presearch: false });
          for (const input of as) expect(indexed.matchArticle(input)).toEqual(naive.matchArticle(input));
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ["a word needs itself", "putin", { exact: ["putin"], prefixes: [] }],
    ["a phrase needs one of its words", '"kim jong un"', { exact: ["jong"], prefixes: [] }],
    ["a prefix needs the prefix", "sanction*", { exact: [], prefixes: ["sanction"] }],
    ["OR needs either side", "putin OR kim*", { exact: ["putin"], prefixes: ["kim"] }],
    ["AND needs only one side", "putin AND kremlin", { exact: ["kremlin"], prefixes: [] }],
    ["NEAR needs only one side", "putin NEAR pyongyang", { exact: ["pyongyang"], prefixes: [] }],
    ["AND with a negation needs the positive side", "putin -tennis", { exact: ["putin"], prefixes: [] }],
    ["an alias needs one word of each entry", "@a1", { exact: ["kim", "north"], prefixes: [] }],
    ["a title scope is looked for in the content", "title:putin", { exact: ["putin"], prefixes: [] }],
  ])("derives the required words: %s", (_name, q, expected) => {
    const requirement = requiredTerms(parseQuery(q, aliases), estimateFrom());
    expect(requirement && sortedWords(requirement.content)).toEqual(sortedWords(expected));
    expect(requirement?.metadata).toEqual({ exact: [], prefixes: [] });
  });

  it("looks for source: and url: words in the source and URL only", () => {
    const requirement = requiredTerms(parseQuery("source:reuters* OR url:tass OR putin", {}), estimateFrom());
    expect(requirement && sortedWords(requirement.content)).toEqual({ exact: ["putin"], prefixes: [] });
    expect(requirement && sortedWords(requirement.metadata)).toEqual({
      exact: ["tass"],
      prefixes: ["reuters"],
    });
    const matcher = compileTopics(topics(["url:tass", "putin"]), {});
    const article = {
      id: "a",
      title: "Putin speaks",
      text: "",
      url: "https://example.org/x",
      source: "Example",
    };
    expect(matcher.matchArticle(article).map((m) => m.topicId)).toEqual(["t1"]);
    const fromTass = {
      id: "b",
      title: "A report",
      text: "",
      url: "https://tass.com/politics/1",
      source: "TASS",
    };
    expect(matcher.matchArticle(fromTass).map((m) => m.topicId)).toEqual(["t0"]);
  });

  it("derives one clause per word of a phrase and per side of an AND or NEAR", () => {
    const clauses = (q: string) =>
      requiredClauses(parseQuery(q, aliases), estimateFrom()).map((clause) => sortedWords(clause.content));
    expect(clauses('"kim jong un" AND sanction*')).toEqual([
      { exact: ["kim"], prefixes: [] },
      { exact: ["jong"], prefixes: [] },
      { exact: ["un"], prefixes: [] },
      { exact: [], prefixes: ["sanction"] },
    ]);
    expect(clauses("putin NEAR/5 (kim OR lavrov) -tennis")).toEqual([
      { exact: ["putin"], prefixes: [] },
      { exact: ["kim", "lavrov"], prefixes: [] },
    ]);
    expect(clauses("NOT putin")).toEqual([]);
  });

  it("proposes a topic only when its other clauses' words occur too", () => {
    const queries = ["putin AND kremlin", '"kim jong un"', "sanction* NEAR/10 lavrov", "putin"];
    const matcher = compileTopics(topics(queries), aliases);
    const index = new PresearchIndex(matcher.topics.map((topic) => topic.clauses));
    const candidates = (title: string, text = "") =>
      index.candidates(new ArticleIndex({ id: "a", title, text, url: "", source: "" }));
    expect(candidates("Putin speaks")).toEqual([3]);
    expect(candidates("Putin speaks", "in the Kremlin")).toEqual([0, 3]);
    expect(candidates("Kim Jong visits", "nothing more")).toEqual([]);
    expect(candidates("Kim Jong Un visits")).toEqual([1]);
    expect(candidates("Lavrov on sanctions")).toEqual([2]);
    expect(candidates("Lavrov on Santa")).toEqual([]);
    // A prefix is checked by its first five characters: a cheap test that may let a topic through.
    expect(candidates("Lavrov on sanctity")).toEqual([2]);
  });

  it("counts the topics it fully evaluates", () => {
    const specs = topics(["putin AND kremlin", "putin", "lavrov"]);
    const article = { id: "a", title: "Putin speaks", text: "", url: "", source: "" };
    const indexed = compileTopics(specs, aliases);
    const naive = compileTopics(specs, aliases, { presearch: false });
    indexed.matchArticle(article);
    naive.matchArticle(article);
    expect(indexed.evaluatedCount).toBe(1);
    expect(naive.evaluatedCount).toBe(3);
  });

  it("checks the title and text clauses of a topic filed under a URL word", () => {
    // Regression: with no topic filed under title/text words, their words were not read at all.
    const matcher = compileTopics(topics(["putin~ AND put* AND url:putin", "NOT putin"]), aliases);
    const article = { id: "a", title: "", text: "putin", url: "https://example.org/putin-talks", source: "" };
    expect(matcher.matchArticle(article).map((match) => match.topicId)).toEqual(["t0"]);
  });

  it.each([
    ["a pure negation", "NOT putin"],
    ["an OR with a negated side", "putin OR -kim"],
    ["a fuzzy word", "pyongyang~"],
    ["an OR with a fuzzy side", "putin OR pyongyang~"],
  ])("cannot index %s, so it is evaluated for every article", (_name, q) => {
    expect(requiredTerms(parseQuery(q, aliases), estimateFrom())).toBeNull();
    const matcher = compileTopics(topics([q]), aliases);
    expect(matcher.alwaysEvaluatedCount).toBe(1);
  });

  it("prefers the rarer word of an AND given document frequencies", () => {
    const counts = new Map([
      ["said", 900],
      ["kremlin", 5],
    ]);
    const requirement = requiredTerms(
      parseQuery("said AND kremlin", {}),
      estimateFrom({ documents: 1000, counts }),
    );
    expect(requirement?.content.exact).toEqual(["kremlin"]);
  });
});

function sortedWords(words: { exact: string[]; prefixes: string[] }): {
  exact: string[];
  prefixes: string[];
} {
  return { exact: [...words.exact].sort(), prefixes: [...words.prefixes].sort() };
}
