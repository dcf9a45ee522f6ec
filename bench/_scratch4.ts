import { compileTopics } from "../src/match/matcher.js";
import { analyseWords } from "../src/match/analyse.js";
import { ArticleIndex } from "../src/match/article-index.js";
import { PresearchIndex } from "../src/match/presearch.js";
import { countDocumentFrequencies } from "../src/match/score.js";
import { buildVocabulary, generateTopics, readNewsCorpus } from "../test/fixtures/match/corpus-topics.js";
const articles = readNewsCorpus({ every: 5 });
const vocabulary = buildVocabulary(articles);
const documentFrequencies = countDocumentFrequencies(articles.map((a) => [...analyseWords(a.title), ...analyseWords(a.text)]));
const { topics, aliases } = generateTopics(vocabulary, 10000, 10000);
const m = compileTopics(topics, aliases, { documentFrequencies });
const index = new PresearchIndex(m.topics.map((t) => t.requirement));
const indexes = articles.map((a) => { const ai = new ArticleIndex(a); ai.tokensByField(); return ai; });
let ntok = 0; for (const ai of indexes) for (const l of ai.tokensByField()) for (const _ of l) ntok++;
console.log("distinct tokens/article", ntok / indexes.length);
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  let n = 0;
  for (const ai of indexes) n += index.candidates(ai.tokensByField()).length;
  console.log("cand µs", ((performance.now() - t) * 1000 / indexes.length).toFixed(1), n / indexes.length);
}
const ex = new Map<string, number[]>(); 
for (let r = 0; r < 2; r++) {
  const t = performance.now();
  let n = 0;
  for (const ai of indexes) for (const l of ai.tokensByField()) for (const tok of l) if (ex.get(tok) !== undefined) n++;
  console.log("just iterate+get µs", ((performance.now() - t) * 1000 / indexes.length).toFixed(1));
}
const idx: any = index;
console.log("buckets", idx.prefixBuckets.size, "short", idx.shortPrefixes.length, "exact keys", idx.byToken.size);
let maxb = 0, sumb = 0; for (const b of idx.prefixBuckets.values()) { maxb = Math.max(maxb, b.length); sumb += b.length; }
console.log("bucket max", maxb, "avg", sumb / idx.prefixBuckets.size);
let maxl = 0, suml = 0; for (const l of idx.byToken.values()) { maxl = Math.max(maxl, l.length); suml += l.length; }
console.log("exact list max", maxl, "avg", suml / idx.byToken.size);
for (let r = 0; r < 2; r++) {
  const t = performance.now();
  let n = 0;
  for (const ai of indexes) for (const l of ai.tokensByField()) for (const tok of l) { if (tok.length >= 3 && idx.prefixBuckets.get(tok.slice(0, 3)) !== undefined) n++; }
  console.log("bucket lookups µs", ((performance.now() - t) * 1000 / indexes.length).toFixed(1));
}
