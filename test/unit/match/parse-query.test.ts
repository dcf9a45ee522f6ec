import { describe, expect, it } from "vitest";
import { formatNode, type QueryNode } from "../../../src/match/ast.js";
import { parseQuery, QuerySyntaxError } from "../../../src/match/parse-query.js";
import { validateQuery } from "../../../src/match/validate.js";

const aliases = {
  russia: ["Russia", "Russian*", "Kremlin"],
  dprk: ["North Korea*", "Kim Jong-un"],
};

/** The structure of a node as a compact string, independent of formatting choices. */
function shape(node: QueryNode): string {
  switch (node.kind) {
    case "term": {
      const words = node.words
        .map((w) =>
          w.kind === "exact" ? w.text : w.kind === "prefix" ? `${w.text}*` : `${w.text}~${w.threshold}`,
        )
        .join("_");
      return node.field === null ? words : `${node.field}:${words}`;
    }
    case "alias":
      return `@${node.name}[${node.entries.map(shape).join("|")}]`;
    case "and":
      return `and(${node.children.map(shape).join(", ")})`;
    case "or":
      return `or(${node.children.map(shape).join(", ")})`;
    case "not":
      return `not(${shape(node.child)})`;
    case "near":
      return `near${node.distance}(${shape(node.left)}, ${shape(node.right)})`;
  }
}

describe("parseQuery", () => {
  it.each([
    ["a word", "Sanctions", "sanctions"],
    ["a phrase", '"Kim Jong Un"', "kim_jong_un"],
    ["a hyphenated word as a phrase", "Kim-Jong-un", "kim_jong_un"],
    ["a prefix wildcard", "sanction*", "sanction*"],
    ["a wildcard inside a phrase", '"north korea*"', "north_korea*"],
    ["a fuzzy word with the default threshold", "Pyongyang~", "pyongyang~0.85"],
    ["a fuzzy word with a threshold", "Pyongyang~0.8", "pyongyang~0.8"],
    ["a hyphenated fuzzy word as one joined word", "Pyong-yang~", "pyongyang~0.85"],
    ["explicit AND", "a AND b", "and(a, b)"],
    ["implicit AND", "a b c", "and(a, b, c)"],
    ["OR", "a OR b", "or(a, b)"],
    ["NOT", "a NOT b", "and(a, not(b))"],
    ["minus", "a -b", "and(a, not(b))"],
    ["minus before a group", 'a -(b OR "c d")', "and(a, not(or(b, c_d)))"],
    ["NEAR with a distance", "a NEAR/5 b", "near5(a, b)"],
    ["NEAR alone means 10", "a NEAR b", "near10(a, b)"],
    ["lower-case operators are words", "a and b or c", "and(a, and, b, or, c)"],
    ["AND binds tighter than OR", "a OR b AND c", "or(a, and(b, c))"],
    ["NEAR binds tighter than AND", "a AND b NEAR/3 c", "and(a, near3(b, c))"],
    ["NOT binds tighter than AND", "NOT a AND b", "and(not(a), b)"],
    ["NEAR chains to the left", "a NEAR/2 b NEAR/4 c", "near4(near2(a, b), c)"],
    ["parentheses group", "(a OR b) AND c", "and(or(a, b), c)"],
    ["NEAR on OR groups", "(a OR b) NEAR/3 c", "near3(or(a, b), c)"],
    ["a field scope on a word", "title:Putin", "title:putin"],
    ["a field scope on a phrase", 'text:"kim jong un"', "text:kim_jong_un"],
    ["a field scope on a group", "url:(bbc OR cnn)", "or(url:bbc, url:cnn)"],
    ["an alias expands to phrases", "@dprk", "@dprk[north_korea*|kim_jong_un]"],
    ["a scoped alias", "title:@russia", "@russia[title:russia|title:russian*|title:kremlin]"],
    ["Cyrillic words", "Россия* NEAR КНДР", "near10(россия*, кндр)"],
    ["Hangul words", "북한* 러시아", "and(북한*, 러시아)"],
  ])("parses %s", (_name, query, expected) => {
    expect(shape(parseQuery(query, aliases))).toBe(expected);
  });

  it("formats a parsed query back to equivalent query text", () => {
    const node = parseQuery('title:"kim jong*" NEAR/5 (a OR b) -c', aliases);
    const again = parseQuery(formatNode(node), aliases);
    expect(shape(again)).toBe(shape(node));
  });

  it("throws a QuerySyntaxError naming the column", () => {
    expect(() => parseQuery("sanction* AND (@dprk OR @russia", aliases)).toThrow(
      new QuerySyntaxError({ offset: 31, message: "expected ')' to close '(' at column 15" }),
    );
    try {
      parseQuery("a AND", aliases);
    } catch (err) {
      expect(err).toBeInstanceOf(QuerySyntaxError);
      expect((err as QuerySyntaxError).message).toBe(
        "query:1:6: expected a term, phrase, alias or '(' after AND at column 3",
      );
    }
  });
});

describe("validateQuery", () => {
  it.each([
    [
      "an unclosed parenthesis",
      "sanction* AND (@dprk OR @russia",
      31,
      "expected ')' to close '(' at column 15",
    ],
    ["an unclosed phrase", 'a "kim jong', 11, "expected '\"' to close the phrase opened at column 3"],
    ["a stray closing parenthesis", "a OR b)", 6, "unexpected ')' without a matching '('"],
    ["a dangling OR", "a OR", 4, "expected a term, phrase, alias or '(' after OR at column 3"],
    ["a dangling NOT", "a NOT", 5, "expected a term, phrase, alias or '(' after NOT at column 3"],
    ["empty parentheses", "a ()", 3, "expected a term, phrase or alias inside '()'"],
    ["an empty query", "   ", 0, "empty query: expected a term, phrase, alias or '('"],
    ["an empty phrase", 'a ""', 2, "expected words inside the phrase"],
    ["a bad NEAR distance", "a NEAR/x b", 7, "expected a number of words after 'NEAR/', found 'x'"],
    ["a zero NEAR distance", "a NEAR/0 b", 7, "NEAR distance must be at least 1"],
    [
      "a NEAR on AND",
      "(a b) NEAR c",
      1,
      "NEAR at column 7 needs terms, phrases, aliases or OR groups on each side, not AND",
    ],
    [
      "a NEAR on NOT",
      "a NEAR -b",
      7,
      "NEAR at column 3 needs terms, phrases, aliases or OR groups on each side, not NOT",
    ],
    ["a wildcard inside a word", "sanc*tion", 4, "a wildcard '*' is allowed only at the end of a word"],
    ["a bare wildcard", "a *", 2, "expected a word with letters or digits, found '*'"],
    [
      "a fuzzy threshold above 1",
      "Pyongyang~2",
      10,
      "fuzzy similarity must be greater than 0 and at most 1, found 2",
    ],
    [
      "a fuzzy threshold that is no number",
      "Pyongyang~x",
      10,
      "expected a similarity between 0 and 1 after '~', found 'x'",
    ],
    [
      "a field scope followed by a space",
      "title: Putin",
      6,
      "expected a term, phrase, alias or '(' right after 'title:'",
    ],
    ["nested field scopes", "title:(text:a)", 12, "field scope 'text:' inside 'title:'"],
    ["an @ without a name", "a @", 3, "expected an alias name after '@'"],
    ["an unknown alias", "@dprkk NEAR @russia", 0, "unknown alias @dprkk (known: russia, dprk)"],
  ])("reports %s", (_name, query, offset, message) => {
    expect(validateQuery(query, aliases)).toEqual([{ offset, message }]);
  });

  it("reports every unknown alias, each at its own offset", () => {
    expect(validateQuery("@a OR @russia OR @b", aliases).map((p) => p.offset)).toEqual([0, 17]);
  });

  it("reports an alias cycle at the alias reference", () => {
    const cyclic = { a: ["x", "@b"], b: ["@a"] };
    expect(validateQuery("foo AND @a", cyclic)).toEqual([
      { offset: 8, message: "alias cycle: @a → @b → @a" },
    ]);
  });

  it("refuses alias entries that refer to another alias", () => {
    const nested = { a: ["@b"], b: ["x"] };
    expect(validateQuery("@a", nested)).toEqual([
      { offset: 0, message: "alias @a: entry '@b' refers to @b; alias entries must be phrases, not aliases" },
    ]);
  });

  it("reports a bad alias entry at the alias reference", () => {
    expect(validateQuery("x @bad", { bad: ["fo*o"] })).toEqual([
      { offset: 2, message: "alias @bad: entry 'fo*o': a wildcard '*' is allowed only at the end of a word" },
    ]);
  });

  it("accepts the shipped example queries", () => {
    expect(validateQuery("@russia NEAR/40 @dprk", aliases)).toEqual([]);
    expect(validateQuery("sanction* AND (@dprk OR @russia)", aliases)).toEqual([]);
  });
});
