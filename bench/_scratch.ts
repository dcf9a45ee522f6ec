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
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const count of [10, 10000]) {
const { topics, aliases } = generateTopics(vocabulary, count, count);
const m = compileTopics(topics, aliases, { documentFrequencies });
const index = new PresearchIndex(m.topics.map((t) => t.requirement));
for (let round = 0; round < 2; round++) {
  let tIndex = 0, tCand = 0, tEval = 0, tScore = 0, nc = 0, nm = 0;
  for (const a of articles) {
    let t = cpu();
    const ai = new ArticleIndex(a);
    ai.fields.text.positions; ai.fields.title.positions;
    let u = cpu(); tIndex += u - t; t = u;
    const c = index.candidates(ai.tokensByField());
    u = cpu(); tCand += u - t; t = u;
    nc += c.length;
    const matched = c.filter((i) => evaluateQuery(m.topics[i]!.query, ai));
    u = cpu(); tEval += u - t; t = u;
    for (const i of matched) { const occ: TermOccurrence[] = []; collectOccurrences(m.topics[i]!.query, ai, occ); scoreOccurrences(occ, ai, documentFrequencies); nm++; }
    u = cpu(); tScore += u - t;
  }
  const per = (x: number) => (x * 1000 / articles.length).toFixed(1) + "µs";
  console.log(count, "index", per(tIndex), "cand", per(tCand), "eval", per(tEval), "score", per(tScore), "cands/article", (nc / articles.length).toFixed(1), "matches", (nm/articles.length).toFixed(2));
}
}
