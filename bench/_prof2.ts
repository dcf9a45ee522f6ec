import { compileTopics } from "../src/match/matcher.js";
import { analyseWords } from "../src/match/analyse.js";
import { ArticleIndex, type TermOccurrence } from "../src/match/article-index.js";
import { PresearchIndex } from "../src/match/presearch.js";
import { evaluateQuery, collectOccurrences } from "../src/match/evaluate-query.js";
import { countDocumentFrequencies, scoreOccurrences } from "../src/match/score.js";
import { buildVocabulary, generateTopics, readNewsCorpus } from "../test/fixtures/match/corpus-topics.js";
const articles = readNewsCorpus({ every: 5 });
const vocabulary = buildVocabulary(articles);
const documentFrequencies = countDocumentFrequencies(articles.map((a) => [...analyseWords(a.title), ...analyseWords(a.text)]));
const count = Number(process.argv[2] ?? 1000);
const { topics, aliases } = generateTopics(vocabulary, count, count);
const m = compileTopics(topics, aliases, { documentFrequencies });
const index = new PresearchIndex(m.topics.map((t) => t.requirement));
for (let round = 0; round < 2; round++) {
  let tIndex = 0, tCand = 0, tEval = 0, tScore = 0, nc = 0, nm = 0;
  for (const a of articles) {
    let t = performance.now();
    const ai = new ArticleIndex(a);
    let u = performance.now(); tIndex += u - t; t = u;
    const c = index.candidates(ai.tokensByField());
    u = performance.now(); tCand += u - t; t = u;
    nc += c.length;
    const matched = c.filter((i) => evaluateQuery(m.topics[i]!.query, ai));
    u = performance.now(); tEval += u - t; t = u;
    for (const i of matched) { const occ: TermOccurrence[] = []; collectOccurrences(m.topics[i]!.query, ai, occ); scoreOccurrences(occ, ai, documentFrequencies); nm++; }
    u = performance.now(); tScore += u - t;
  }
  const per = (x: number) => (x * 1000 / articles.length).toFixed(1) + "µs";
  console.log(count, "index", per(tIndex), "cand", per(tCand), "eval", per(tEval), "score", per(tScore), "cands/article", (nc / articles.length).toFixed(1), "matches", (nm/articles.length).toFixed(2));
}
