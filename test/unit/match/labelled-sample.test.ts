import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { compileTopics } from "../../../src/match/matcher.js";
import type { MatchInput } from "../../../src/match/types.js";
import { validateQuery } from "../../../src/match/validate.js";

// Precision and recall of the shipped config/topics.yaml on 350 real articles of the news corpus,
// labelled by reading them (not by running the queries): Russia–North Korea stories and hard negatives
// (Russia–China, the Koreas without Russia, sanctions on Iran or Venezuela, Moscow in sports news,
// "sanctioned" in other senses).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const TOPIC_IDS = ["russia-dprk", "sanctions"] as const;

interface LabelledArticle extends MatchInput {
  labels: Record<(typeof TOPIC_IDS)[number], boolean>;
}

function readSample(): LabelledArticle[] {
  const text = readFileSync(path.join(root, "test/fixtures/match/labelled.jsonl"), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LabelledArticle);
}

describe("shipped topics on the labelled sample", () => {
  it("reach precision and recall of at least 0.9 for each topic", async () => {
    const config = await loadConfig(path.join(root, "config/topics.yaml"), {
      env: {},
      checkQuery: validateQuery,
    });
    const matcher = compileTopics(config.topics, config.aliases);
    const sample = readSample();
    expect(sample.length).toBeGreaterThanOrEqual(300);
    const figures: string[] = [];
    for (const topicId of TOPIC_IDS) {
      let truePositives = 0;
      let falsePositives = 0;
      let falseNegatives = 0;
      const mistakes: string[] = [];
      for (const article of sample) {
        const predicted = matcher.matchArticle(article).some((match) => match.topicId === topicId);
        const relevant = article.labels[topicId];
        if (predicted && relevant) truePositives++;
        if (predicted && !relevant) {
          falsePositives++;
          mistakes.push(`  false positive ${article.id}: ${article.title}`);
        }
        if (!predicted && relevant) {
          falseNegatives++;
          mistakes.push(`  false negative ${article.id}: ${article.title}`);
        }
      }
      const precision = truePositives / (truePositives + falsePositives);
      const recall = truePositives / (truePositives + falseNegatives);
      figures.push(
        `${topicId}: precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} ` +
          `(relevant ${truePositives + falseNegatives}, matched ${truePositives + falsePositives} of ${sample.length})`,
        ...mistakes,
      );
      expect(precision, `precision of ${topicId}`).toBeGreaterThanOrEqual(0.9);
      expect(recall, `recall of ${topicId}`).toBeGreaterThanOrEqual(0.9);
    }
    console.log(figures.join("\n"));
  });
});
