import { compileTopics } from "../src/match/matcher.js";
import { analyseWords } from "../src/match/analyse.js";
import { countDocumentFrequencies } from "../src/match/score.js";
import { buildVocabulary, generateTopics, readNewsCorpus } from "../test/fixtures/match/corpus-topics.js";
const articles = readNewsCorpus({ every: 5 });
const vocabulary = buildVocabulary(articles);
const documentFrequencies = countDocumentFrequencies(articles.map((a) => [...analyseWords(a.title), ...analyseWords(a.text)]));
const count = Number(process.argv[2] ?? 1000);
const { topics, aliases } = generateTopics(vocabulary, count, count);
const m = compileTopics(topics, aliases, { documentFrequencies });
for (let round = 0; round < 2; round++) {
  const t = performance.now();
  let n = 0;
  for (const a of articles) n += m.matchArticle(a).length;
  console.log(count, "match", Math.round(articles.length / ((performance.now() - t) / 1000)), n);
}
