import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { analyseWords } from "../src/match/analyse.js";
import { compileTopics, type Matcher } from "../src/match/matcher.js";
import { countDocumentFrequencies } from "../src/match/score.js";
import type { MatchInput } from "../src/match/types.js";
import {
  buildVocabulary,
  generateTopics,
  NEWS_CORPUS_DIR,
  readNewsCorpus,
  seededRandom,
} from "../test/fixtures/match/corpus-topics.js";

// `npm run bench:match`: articles per second on the news corpus for 10, 100, 1,000 and 10,000 generated
// topics, with the presearch index and with the naive baseline (every topic evaluated for every
// article); compile time and heap of 10,000 topics; peak RSS. Single-threaded, so one core.
// Each run goes through the corpus (in a fixed shuffled order) and stops after RUN_SECONDS of CPU time
// or at its end; the presearch matcher is measured twice and the faster run kept.

const TOPIC_COUNTS = [10, 100, 1_000, 10_000];
const RUN_SECONDS = Number(process.env.BENCH_MATCH_SECONDS ?? 5);

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function heapUsedMb(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

interface RunResult {
  articles: number;
  /** CPU time of this process (user + system): what one core spent, whatever else the machine runs. */
  cpuSeconds: number;
  wallSeconds: number;
  matches: number;
  /** Topics fully evaluated (the presearch index's candidates), over all articles of the run. */
  evaluated: number;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function run(matcher: Matcher, articles: MatchInput[]): RunResult {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const evaluatedBefore = matcher.evaluatedCount;
  let count = 0;
  let matches = 0;
  for (const article of articles) {
    matches += matcher.matchArticle(article).length;
    count++;
    if ((count & 63) === 0 && cpuSecondsSince(cpuStart) > RUN_SECONDS) break;
  }
  return {
    articles: count,
    cpuSeconds: cpuSecondsSince(cpuStart),
    wallSeconds: (performance.now() - wallStart) / 1000,
    matches,
    evaluated: matcher.evaluatedCount - evaluatedBefore,
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** The faster of `times` runs: other processes on a shared machine only ever slow a run down. */
function bestOf(times: number, measure: () => RunResult): RunResult {
  let best = measure();
  for (let i = 1; i < times; i++) {
    const next = measure();
    if (rate(next) > rate(best)) best = next;
  }
  return best;
}

/** Articles per CPU-second of one core. */
function rate(result: RunResult): number {
  return result.articles / result.cpuSeconds;
}

function format(n: number): string {
  return Math.round(n).toLocaleString("en-GB");
}

const loadStart = performance.now();
// A fixed shuffle, so that a run cut short by RUN_SECONDS sees the corpus's mix of sources (the files
// differ a lot: BBC 2004 articles are full texts, RSS items a sentence or two).
const articles = shuffle(readNewsCorpus(), seededRandom(2026));
console.log(
  `load average at the start: ${loadavg()
    .map((n) => n.toFixed(1))
    .join(" ")}`,
);
console.log(`news corpus: ${format(articles.length)} articles from ${NEWS_CORPUS_DIR}`);
console.log(
  `loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s; each run stops after ${RUN_SECONDS} CPU-seconds; rates are articles per CPU-second (one core)`,
);
const vocabulary = buildVocabulary(articles);
// Document frequencies as a deployment would keep them from its own stored articles: they choose the
// rarest presearch word of each query and weigh rare words in scores.
const documentFrequencies = countDocumentFrequencies(
  articles.map((article) => [...analyseWords(article.title), ...analyseWords(article.text)]),
);
console.log(
  `vocabulary: ${format(vocabulary.words.length)} words, ${format(vocabulary.bigrams.length)} title bigrams\n`,
);

// Warm up the JIT on a small topic set so the first measured run is not penalised.
const warmUp = generateTopics(vocabulary, 200, 1);
run(compileTopics(warmUp.topics, warmUp.aliases, { documentFrequencies }), articles.slice(0, 5000));

const rows: string[] = [];
const presearchRates = new Map<number, number>();
for (const count of TOPIC_COUNTS) {
  const { topics, aliases } = generateTopics(vocabulary, count, count);
  const heapBefore = heapUsedMb();
  const compileStart = performance.now();
  const presearch = compileTopics(topics, aliases, { documentFrequencies });
  const compileMs = performance.now() - compileStart;
  const heapAfter = heapUsedMb();
  const indexed = bestOf(2, () => run(presearch, articles));
  presearchRates.set(count, rate(indexed));
  const naive = run(compileTopics(topics, aliases, { presearch: false, documentFrequencies }), articles);
  rows.push(
    [
      format(count).padStart(6),
      format(rate(indexed)).padStart(9),
      format(indexed.articles / indexed.wallSeconds).padStart(9),
      format(indexed.articles).padStart(9),
      format(rate(naive)).padStart(9),
      format(naive.articles).padStart(10),
      `${compileMs.toFixed(0)} ms`.padStart(9),
      `${(heapAfter - heapBefore).toFixed(1)} MB`.padStart(9),
      format(presearch.alwaysEvaluatedCount).padStart(7),
      (indexed.matches / indexed.articles).toFixed(2).padStart(8),
      (indexed.evaluated / indexed.articles).toFixed(2).padStart(9),
    ].join("  "),
  );
}

console.log(
  [
    "topics",
    "presearch".padStart(9),
    "(wall)".padStart(9),
    "(articles)".padStart(9),
    "naive".padStart(9),
    "(articles)".padStart(10),
    "compile".padStart(9),
    "heap".padStart(9),
    "always".padStart(7),
    "matches".padStart(8),
    "evaluated".padStart(9),
  ].join("  "),
);
console.log(
  "        per CPU-s   per wall-s             per CPU-s                        compiled topics  evaluated  /article   /article",
);
for (const row of rows) console.log(row);

const rate10 = presearchRates.get(10) ?? 0;
const rate1k = presearchRates.get(1_000) ?? 0;
const rate10k = presearchRates.get(10_000) ?? 0;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  `\nload average at the end: ${loadavg()
    .map((n) => n.toFixed(1))
    .join(" ")} on ${availableParallelism()} cores`,
);
console.log(`\npeak RSS: ${peakRssMb.toFixed(0)} MB (the corpus itself is held in memory)`);
console.log(
  `target ≥ 5,000 articles/s at 1,000 topics: ${format(rate1k)} → ${rate1k >= 5000 ? "met" : "NOT met"}`,
);
console.log(
  `target 10,000-topic rate ≥ ¼ of the 10-topic rate: ${format(rate10k)} vs ${format(rate10 / 4)} → ` +
    `${rate10k >= rate10 / 4 ? "met" : "NOT met"}`,
);
