import { describe, expect, it } from "vitest";
import type { TopicSpec } from "../../../src/config/types.js";
import { explainArticle, formatExplanation } from "../../../src/match/explain.js";
import { compileTopics, TopicQueryError } from "../../../src/match/matcher.js";
import { parseQuery } from "../../../src/match/parse-query.js";
import { countDocumentFrequencies, inverseDocumentFrequency } from "../../../src/match/score.js";
import type { MatchInput, TopicMatch } from "../../../src/match/types.js";

const aliases = { russia: ["Russia", "Kremlin", "Putin"], dprk: ["North Korea*", "Kim Jong Un"] };

function topic(query: string, minScore = 0, id = "t"): TopicSpec {
  return { id, name: id, query, alert: "digest", minScore };
}

function article(title: string, text: string, id = "a"): MatchInput {
  return { id, title, text, url: "", source: "" };
}

function matchOne(query: string, input: MatchInput, options = {}): TopicMatch {
  const [match] = compileTopics([topic(query)], aliases, options).matchArticle(input);
  if (match === undefined) throw new Error("expected a match");
  return match;
}

describe("scores", () => {
  it("weighs a title hit more than a text hit", () => {
    const inTitle = matchOne("putin", article("Putin speaks", "about the economy"));
    const inText = matchOne("putin", article("Speech", "Putin speaks about the economy"));
    expect(inTitle.score).toBeGreaterThan(inText.score);
  });

  it("weighs repeated hits more, with diminishing returns", () => {
    const once = matchOne("putin", article("Speech", "Putin spoke."));
    const twice = matchOne("putin", article("Speech", "Putin spoke. Putin left."));
    const thrice = matchOne("putin", article("Speech", "Putin spoke. Putin left. Putin returned."));
    expect(twice.score).toBeGreaterThan(once.score);
    expect(thrice.score - twice.score).toBeLessThan(twice.score - once.score);
  });

  it("weighs rarer terms more, given document frequencies", () => {
    const frequencies = countDocumentFrequencies([
      ["said", "kremlin"],
      ["said"],
      ["said"],
      ["said", "weather"],
    ]);
    const rare = matchOne("kremlin OR said", article("x", "The Kremlin"), {
      documentFrequencies: frequencies,
    });
    const common = matchOne("kremlin OR said", article("x", "He said"), { documentFrequencies: frequencies });
    expect(rare.score).toBeGreaterThan(common.score);
    expect(inverseDocumentFrequency("kremlin", frequencies)).toBeGreaterThan(
      inverseDocumentFrequency("said", frequencies),
    );
  });

  it("gives a sane rarity without statistics: longer words weigh more", () => {
    expect(inverseDocumentFrequency("pyongyang")).toBeGreaterThan(inverseDocumentFrequency("un"));
    expect(inverseDocumentFrequency("un")).toBeGreaterThan(0);
  });

  it("is deterministic", () => {
    const input = article("Putin meets Kim Jong Un", "The Kremlin said North Korea agreed.");
    expect(matchOne("@russia NEAR/20 @dprk", input)).toEqual(matchOne("@russia NEAR/20 @dprk", input));
  });

  it("drops matches below the topic's min_score", () => {
    const input = article("Speech", "Putin spoke.");
    const score = matchOne("putin", input).score;
    const low = compileTopics([topic("putin", score - 0.01)], aliases).matchArticle(input);
    const high = compileTopics([topic("putin", score + 0.01)], aliases).matchArticle(input);
    expect(low).toHaveLength(1);
    expect(high).toHaveLength(0);
  });
});

describe("match explanation", () => {
  it("lists distinct surfaces in order of first appearance and each hit with field and position", () => {
    const match = matchOne(
      "@russia AND @dprk",
      article("Putin hosts Kim Jong-un", "North Korea's Kim Jong-un met Putin."),
    );
    expect(match.matched).toEqual(["Putin", "Kim Jong-un", "North Korea"]);
    expect(match.hits).toContainEqual({ term: "Putin", field: "title", position: 0, surface: "Putin" });
    expect(match.hits).toContainEqual({
      term: '"Kim Jong Un"',
      field: "text",
      position: 2,
      surface: "Kim Jong-un",
    });
    expect(match.hits).toContainEqual({
      term: '"North Korea*"',
      field: "text",
      position: 0,
      surface: "North Korea",
    });
  });

  it("reports nothing from negated clauses", () => {
    const match = matchOne("putin -tennis", article("Putin", "no sport here"));
    expect(match.hits.map((h) => h.surface)).toEqual(["Putin"]);
  });

  it("cuts a snippet of about 200 characters around the hit, on word boundaries", () => {
    const before = "Lorem ipsum dolor sit amet. ".repeat(20);
    const after = " Consectetur adipiscing elit sed do. ".repeat(20);
    const match = matchOne("pyongyang", article("Report", `${before}Talks in Pyongyang ended.${after}`));
    expect(match.snippet).toContain("Pyongyang");
    expect(match.snippet.length).toBeGreaterThan(150);
    expect(match.snippet.length).toBeLessThanOrEqual(205);
    expect(match.snippet.startsWith("…")).toBe(true);
    expect(match.snippet.endsWith("…")).toBe(true);
    expect(match.snippet).not.toMatch(/…\S*[a-z]Lorem|ipsu…/);
  });

  it.each([
    [
      "paragraph breaks",
      "Talks began.\n\nIn Pyongyang, envoys met.",
      "Talks began. In Pyongyang, envoys met.",
    ],
    [
      "runs of spaces and tabs",
      "Talks  began.\tIn Pyongyang,   envoys met.",
      "Talks began. In Pyongyang, envoys met.",
    ],
    [
      "no-break and wide spaces",
      "Talks\u00a0began.\u3000In Pyongyang,\u2009envoys met.",
      "Talks began. In Pyongyang, envoys met.",
    ],
    [
      "single spaces only",
      "Talks began. In Pyongyang, envoys met.",
      "Talks began. In Pyongyang, envoys met.",
    ],
  ])("collapses whitespace in the snippet: %s", (_name, text, snippet) => {
    expect(matchOne("pyongyang", article("Report", text)).snippet).toBe(snippet);
  });

  it("uses the opening of the text when only the title matched", () => {
    const match = matchOne("title:putin", article("Putin speaks", "A short lead."));
    expect(match.snippet).toBe("A short lead.");
  });
});

describe("compileTopics", () => {
  it("names the topic of a bad query", () => {
    expect(() => compileTopics([topic("ok"), topic("a AND", 0, "broken")], aliases)).toThrow(TopicQueryError);
    expect(() => compileTopics([topic("a AND", 0, "broken")], aliases)).toThrow(
      /topic broken: expected a term/,
    );
  });

  it("returns matches in topic order", () => {
    const matcher = compileTopics([topic("zeta", 0, "z"), topic("alpha", 0, "a")], aliases);
    expect(matcher.matchArticle(article("alpha zeta", "")).map((m) => m.topicId)).toEqual(["z", "a"]);
  });
});

describe("explainArticle", () => {
  it("explains a match clause by clause", () => {
    const query = parseQuery("@russia NEAR/5 @dprk AND NOT tennis", aliases);
    const explanation = explainArticle(query, article("Putin meets Kim Jong Un", "Talks."));
    expect(explanation.matched).toBe(true);
    const text = formatExplanation(explanation, "topic t");
    expect(text).toMatch(/^MATCH {2}a {2}topic t/);
    expect(text).toContain("✓ @russia NEAR/5 @dprk — 1 pair(s) within 5 words");
    expect(text).toContain("✓ NOT tennis — the excluded clause is absent");
  });

  it("says how far apart the closest pair was when NEAR fails", () => {
    const query = parseQuery("putin NEAR/3 kim", aliases);
    const explanation = explainArticle(query, article("x", "Putin one two three four Kim"));
    expect(explanation.matched).toBe(false);
    expect(formatExplanation(explanation, "q")).toContain("closest pair is 5 words apart, more than 3");
  });

  it("says when NEAR sides are only in different fields", () => {
    const query = parseQuery("putin NEAR/3 kim", aliases);
    const explanation = explainArticle(query, article("Putin", "Kim"));
    expect(formatExplanation(explanation, "q")).toContain("never in the same field");
  });

  it("says which term is missing", () => {
    const query = parseQuery("sanction* AND @dprk", aliases);
    const text = formatExplanation(explainArticle(query, article("Kim Jong Un", "visits a factory")), "q");
    expect(text).toMatch(/^NO MATCH/);
    expect(text).toContain("✗ sanction* — not found in title or text");
    expect(text).toContain('✓ @dprk — 1 of 2 entries found: "Kim Jong Un" (title word 1)');
  });

  it("marks a match below min_score as no match", () => {
    const query = parseQuery("putin", aliases);
    const explanation = explainArticle(query, article("x", "Putin"), { minScore: 1000 });
    expect(explanation.queryHolds).toBe(true);
    expect(explanation.matched).toBe(false);
    expect(formatExplanation(explanation, "q")).toContain("below min_score 1000");
  });
});
