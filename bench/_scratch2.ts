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
const { topics, aliases } = generateTopics(vocabulary, 10000, 10000);
const m = compileTopics(topics, aliases, { documentFrequencies });
const index = new PresearchIndex(m.topics.map((t) => t.requirement));
const shape = (q: string) => q.includes("~") ? "fuzzy" : q.startsWith("@") ? (q.includes("NEAR") ? "alias-near" : "alias-and") : q.includes("NEAR") ? "near" : q.startsWith("title:") ? "title" : q.startsWith("(") ? "or-and" : q.includes(" -") ? "and-not" : q.startsWith('"') ? (q.includes("*") ? "phrase*" : "phrase") : q.endsWith("*") ? "prefix" : "word";
const evalT = new Map<string, number>(), evalN = new Map<string, number>(), scoreT = new Map<string, number>(), scoreN = new Map<string, number>();
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
for (const a of articles) {
  const ai = new ArticleIndex(a);
  const c = index.candidates(ai.tokensByField());
  for (const i of c) {
    const q = m.topics[i]!.spec.query; const s = shape(q);
    let t = performance.now();
    const ok = evaluateQuery(m.topics[i]!.query, ai);
    add(evalT, s, performance.now() - t); add(evalN, s, 1);
    if (ok) { t = performance.now(); const occ: TermOccurrence[] = []; collectOccurrences(m.topics[i]!.query, ai, occ); scoreOccurrences(occ, ai, documentFrequencies); add(scoreT, s, performance.now() - t); add(scoreN, s, 1); }
  }
}
for (const [k, v] of [...evalT].sort((a, b) => b[1] - a[1])) console.log(k.padEnd(12), "eval total", (v / articles.length * 1000).toFixed(1), "µs/article", "n", evalN.get(k), "per", (v / evalN.get(k)! * 1000).toFixed(2), "score total", ((scoreT.get(k) ?? 0) / articles.length * 1000).toFixed(1), "n", scoreN.get(k), "per", (((scoreT.get(k) ?? 0)) / (scoreN.get(k) ?? 1) * 1000).toFixed(2));
