// The confirmation rule alone, on every pair of the labelled evaluation set: how the default
// thresholds were chosen. Prints a small sweep so a change of defaults shows its cost in the log.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  compareFingerprints,
  DEFAULT_DEDUP_THRESHOLDS,
  type DedupThresholds,
  fingerprintArticle,
  isSimilarEnough,
  type Similarity,
} from "../../../src/dedup/fingerprint.js";

interface Row {
  id: string;
  title: string;
  text: string;
  cluster: string;
  role: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const rows = readFileSync(path.resolve(here, "../../fixtures/dedup/eval-set.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Row);

interface Pair {
  same: boolean;
  lookalike: boolean;
  similarity: Similarity;
}

/** Every pair of distinct articles whose estimated Jaccard is not negligible (the rest are "apart" under any threshold tried). */
function scoredPairs(): { pairs: Pair[]; positives: number } {
  const fingerprints = rows.map((row) => fingerprintArticle(row));
  const pairs: Pair[] = [];
  let positives = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const a = rows[i]!;
      const b = rows[j]!;
      if (a.id === b.id) continue;
      const same = a.cluster === b.cluster;
      if (same) positives++;
      const similarity = compareFingerprints(fingerprints[i]!, fingerprints[j]!);
      if (!same && similarity.jaccard < 0.2) continue;
      pairs.push({ same, lookalike: a.role === "lookalike" || b.role === "lookalike", similarity });
    }
  }
  return { pairs, positives };
}

function score(pairs: Pair[], positives: number, thresholds: DedupThresholds) {
  let predicted = 0;
  let correct = 0;
  let lookalikesMerged = 0;
  for (const pair of pairs) {
    if (!isSimilarEnough(pair.similarity, thresholds)) continue;
    predicted++;
    if (pair.same) correct++;
    else if (pair.lookalike) lookalikesMerged++;
  }
  return {
    precision: predicted === 0 ? 1 : correct / predicted,
    recall: correct / positives,
    lookalikesMerged,
  };
}

describe("confirmation rule on the evaluation set", () => {
  const { pairs, positives } = scoredPairs();

  it("meets precision ≥ 0.99 and recall ≥ 0.95 with the default thresholds, merging no look-alike", () => {
    const result = score(pairs, positives, DEFAULT_DEDUP_THRESHOLDS);
    const lines = [
      `rule alone, ${positives} true pairs; defaults ${JSON.stringify(DEFAULT_DEDUP_THRESHOLDS)}:`,
    ];
    for (const jaccard of [0.25, 0.3, 0.35, 0.4, 0.5]) {
      for (const titleSimilarity of [0.4, 0.6, 0.8]) {
        const r = score(pairs, positives, {
          jaccard,
          titleSimilarity,
          jaccardAlone: DEFAULT_DEDUP_THRESHOLDS.jaccardAlone,
        });
        lines.push(
          `  jaccard ${jaccard} title ${titleSimilarity}: precision ${r.precision.toFixed(4)} recall ${r.recall.toFixed(4)} look-alikes merged ${r.lookalikesMerged}`,
        );
      }
    }
    process.stdout.write(`${lines.join("\n")}\n`);
    expect(result.lookalikesMerged).toBe(0);
    expect(result.precision).toBeGreaterThanOrEqual(0.99);
    expect(result.recall).toBeGreaterThanOrEqual(0.95);
  });

  it("needs its vetoes: without the headline-number check, look-alikes would merge", () => {
    const withoutVeto = pairs.map((pair) => ({
      ...pair,
      similarity: { ...pair.similarity, numbersConflict: false, headlineOnly: false },
    }));
    expect(score(withoutVeto, positives, DEFAULT_DEDUP_THRESHOLDS).lookalikesMerged).toBeGreaterThan(0);
  });
});
