import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TopicSpec } from "../../../src/config/types.js";
import { compileTopics } from "../../../src/match/matcher.js";
import { parseQuery } from "../../../src/match/parse-query.js";
import { estimateFrom, requiredTerms } from "../../../src/match/presearch.js";
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
  ])("derives the required words: %s", (_name, q, expected) => {
    const requirement = requiredTerms(parseQuery(q, aliases), estimateFrom());
    expect(requirement && { exact: [...requirement.exact].sort(), prefixes: requirement.prefixes }).toEqual({
      exact: [...expected.exact].sort(),
      prefixes: expected.prefixes,
    });
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
    expect(requirement?.exact).toEqual(["kremlin"]);
  });
});
