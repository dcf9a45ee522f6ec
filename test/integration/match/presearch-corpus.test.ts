import { describe, expect, it } from "vitest";
import { compileTopics } from "../../../src/match/matcher.js";
import { buildVocabulary, generateTopics, readNewsCorpus } from "../../fixtures/match/corpus-topics.js";

// On the real news corpus, with 1,000 topics generated from its vocabulary (phrases, wildcards, NEAR,
// NOT, aliases, field scopes, fuzzy words, pure negations, ORs with a fuzzy side), the presearch matcher returns exactly the
// matches of the naive matcher: for 1,000 topics on every 25th article (5,475 of 136,855, spread over all
// five files), and for 100 topics on the whole corpus, each within about a minute on 2 shared cores.

const EVERY = 25;

describe("presearch on the news corpus", () => {
  it("matches exactly like evaluating every topic, for 1,000 generated topics", { timeout: 180_000 }, () => {
    const articles = readNewsCorpus({ every: EVERY });
    const { topics, aliases } = generateTopics(buildVocabulary(articles), 1_000, 4242, { unindexable: true });
    const indexed = compileTopics(topics, aliases);
    const naive = compileTopics(topics, aliases, { presearch: false });
    expect(indexed.alwaysEvaluatedCount).toBeGreaterThan(0);
    expect(indexed.alwaysEvaluatedCount).toBeLessThan(100);
    let matches = 0;
    let differences = 0;
    const firstDifferences: string[] = [];
    for (const article of articles) {
      const fast = indexed.matchArticle(article);
      const slow = naive.matchArticle(article);
      matches += slow.length;
      if (JSON.stringify(fast) !== JSON.stringify(slow)) {
        differences++;
        if (firstDifferences.length < 5) firstDifferences.push(article.id);
      }
    }
    console.log(
      `${articles.length} articles × ${topics.length} topics: ${matches} matches, ${differences} differences ` +
        `(${indexed.alwaysEvaluatedCount} topics evaluated for every article)`,
    );
    expect(firstDifferences).toEqual([]);
    expect(matches).toBeGreaterThan(articles.length);
  });

  it("matches exactly like evaluating every topic on the whole corpus, for 100 generated topics", {
    timeout: 300_000,
  }, () => {
    const articles = readNewsCorpus({ every: 1 });
    expect(articles.length).toBeGreaterThan(130_000);
    const { topics, aliases } = generateTopics(buildVocabulary(articles), 100, 977, { unindexable: true });
    const indexed = compileTopics(topics, aliases);
    const naive = compileTopics(topics, aliases, { presearch: false });
    let matches = 0;
    const firstDifferences: string[] = [];
    for (const article of articles) {
      const fast = indexed.matchArticle(article);
      const slow = naive.matchArticle(article);
      matches += slow.length;
      if (firstDifferences.length < 5 && JSON.stringify(fast) !== JSON.stringify(slow))
        firstDifferences.push(article.id);
    }
    console.log(`${articles.length} articles × ${topics.length} topics: ${matches} matches`);
    expect(firstDifferences).toEqual([]);
    expect(matches).toBeGreaterThan(1000);
  });
});
