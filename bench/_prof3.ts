import { tokeniseField } from "../src/match/analyse.js";
import { ArticleIndex } from "../src/match/article-index.js";
import { readNewsCorpus } from "../test/fixtures/match/corpus-topics.js";
const articles = readNewsCorpus({ every: 5 });
let chars = 0, toks = 0;
for (const a of articles) { chars += a.title.length + a.text.length + a.url.length + a.source.length; }
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  for (const a of articles) { toks += tokeniseField(a.title).tokens.length + tokeniseField(a.text).tokens.length + tokeniseField(a.url).tokens.length + tokeniseField(a.source).tokens.length; }
  const tTok = performance.now() - t;
  t = performance.now();
  for (const a of articles) new ArticleIndex(a);
  const tIdx = performance.now() - t;
  console.log("articles", articles.length, "chars/article", (chars / articles.length).toFixed(0), "tokens/article", (toks / articles.length / (r + 1)).toFixed(0), "tokenise µs", (tTok * 1000 / articles.length).toFixed(1), "index µs", (tIdx * 1000 / articles.length).toFixed(1));
}
