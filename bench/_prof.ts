import { compileTopics } from "../src/match/matcher.js";
import { ArticleIndex } from "../src/match/article-index.js";
import { PresearchIndex } from "../src/match/presearch.js";
import { evaluateQuery } from "../src/match/evaluate-query.js";
import { buildVocabulary, generateTopics, readNewsCorpus } from "../test/fixtures/match/corpus-topics.js";
const articles = readNewsCorpus({ every: 7 });
const vocabulary = buildVocabulary(articles);
for (const count of [1000, 10000]) {
  const { topics, aliases } = generateTopics(vocabulary, count, count);
  const m = compileTopics(topics, aliases);
  const index = new PresearchIndex(m.topics.map((t) => t.requirement));
  let cands = 0;
  const perTopic = new Float64Array(count);
  const evals = new Float64Array(count);
  const sample = articles.slice(0, 3000);
  for (const a of sample) {
    const ai = new ArticleIndex(a);
    const c = index.candidates(ai.distinctTokens());
    cands += c.length;
    for (const i of c) {
      const t0 = performance.now();
      evaluateQuery(m.topics[i]!.query, ai);
      perTopic[i] += performance.now() - t0;
      evals[i]++;
    }
  }
  console.log(count, "candidates/article", cands / sample.length);
  const order = [...perTopic.keys()].sort((a, b) => perTopic[b]! - perTopic[a]!).slice(0, 12);
  for (const i of order) console.log(perTopic[i]!.toFixed(1), "ms", evals[i], m.topics[i]!.spec.query, JSON.stringify(m.topics[i]!.requirement?.exact.slice(0,5)), m.topics[i]!.requirement?.prefixes);
}
