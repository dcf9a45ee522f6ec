// The Redis script re-implements the confirmation rule in Lua (estimated Jaccard on packed signatures,
// Dice similarity of title keys, the headline vetoes). Whenever two articles share an LSH band, the
// script must decide exactly as `isNearDuplicate` does — also for Cyrillic, Hangul and accented titles.

import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_DEDUP_THRESHOLDS,
  type DedupThresholds,
  isNearDuplicate,
} from "../../../src/dedup/fingerprint.js";
import { RedisStoryIndex } from "../../../src/dedup/redis-index.js";
import type { Article } from "../../../src/feeds/types.js";
import { seededRandom } from "../../helpers/seeded-random.js";
import {
  DAY_MS,
  deleteMatching,
  HOUR_MS,
  loadEvalSet,
  makeArticle,
  newRedis,
  testPrefix,
  toAssign,
} from "./helpers.js";

const PUBLISHED = "2026-11-20T08:00:00.000Z";

function foreignPairs(): Array<[Article, Article]> {
  const make = (n: number, title: string, text: string) =>
    makeArticle({ url: `https://intl.example/${n}`, title, text, published: PUBLISHED });
  const ru =
    "Министр иностранных дел России Сергей Лавров прибыл в Пхеньян для переговоров с руководством КНДР о расширении сотрудничества";
  const ko =
    "북한 김정은 국무위원장이 러시아 블라디보스토크에 도착해 푸틴 대통령과 정상회담을 가질 예정이라고 조선중앙통신이 보도했다 회담은 군사 협력을 논의";
  const fr =
    "Le ministre des Affaires étrangères a déclaré que les négociations reprendraient à Genève la semaine prochaine après une longue pause";
  return [
    [make(1, "Лавров прибыл в Пхеньян", ru), make(2, "Лавров прибыл в Пхеньян для переговоров - ТАСС", ru)],
    [make(3, "Лавров прибыл в Пхеньян", ru), make(4, "Лавров посетил Пхеньян", `${ru} в среду`)],
    [make(5, "김정은 블라디보스토크 도착", ko), make(6, "김정은 위원장 블라디보스토크 도착", ko)],
    [
      make(7, "Négociations à Genève : reprise prévue", fr),
      make(8, "Negociations a Geneve: reprise prevue la semaine prochaine", fr),
    ],
    [make(9, "Négociations à Genève : reprise prévue", fr), make(10, "Réunion à Genève : rien de prévu", fr)],
  ];
}

describe("Lua confirmation rule agrees with isNearDuplicate", () => {
  let redis: Redis;
  // One sub-prefix per compared pair, all under one stem: a single SCAN cleans them up.
  const stem = testPrefix("parity");
  let pairNumber = 0;
  const thresholdSets: DedupThresholds[] = [
    DEFAULT_DEDUP_THRESHOLDS,
    { jaccard: 0.5, titleSimilarity: 0.8, jaccardAlone: 0.9 },
  ];

  beforeAll(() => {
    redis = newRedis();
  });

  afterAll(async () => {
    await deleteMatching(redis, `{${stem}-*}:*`);
    redis.disconnect();
  }, 60_000);

  async function scriptSaysNearDuplicate(
    a: Article,
    b: Article,
    thresholds: DedupThresholds,
  ): Promise<boolean> {
    const prefix = `${stem}-${pairNumber++}`;
    const index = new RedisStoryIndex(redis, prefix, {
      windowMs: 14 * DAY_MS,
      storyWindowMs: 72 * HOUR_MS,
      thresholds,
    });
    // Same publication time and distinct identities, so only the confirmation rule decides.
    const first = { ...a, published: PUBLISHED, feedId: "parity-a", guid: "a" };
    const second = {
      ...b,
      published: PUBLISHED,
      feedId: "parity-b",
      guid: "b",
      canonicalUrl: `${b.canonicalUrl}#b`,
    };
    const [, result] = await index.assignStories([toAssign(first), toAssign(second)], new Date(PUBLISHED));
    return result!.kind === "near-duplicate";
  }

  it("on pairs from the evaluation set and on non-Latin headlines that share a band", async () => {
    const articles = loadEvalSet().filter((a) => a.text !== "" || a.role === "lookalike");
    const random = seededRandom(99);
    const byCluster = new Map<string, Article[]>();
    for (const a of articles) byCluster.set(a.cluster, [...(byCluster.get(a.cluster) ?? []), a]);
    const pairs: Array<[Article, Article]> = [...foreignPairs()];
    for (const members of byCluster.values()) {
      const distinct = members.filter((m, i) => members.findIndex((o) => o.id === m.id) === i);
      if (distinct.length >= 2 && pairs.length < 120) pairs.push([distinct[0]!, distinct[1]!]);
    }
    // Look-alike pairs: different clusters with a shared template.
    const lookalikes = articles.filter((a) => a.role === "lookalike");
    for (let n = 0; n < 60; n++) {
      const a = lookalikes[Math.floor(random() * lookalikes.length)]!;
      const b = lookalikes[Math.floor(random() * lookalikes.length)]!;
      if (a.id !== b.id) pairs.push([a, b]);
    }
    let compared = 0;
    const decisions = { together: 0, apart: 0 };
    for (const [a, b] of pairs) {
      const fa = toAssign(a).fingerprint;
      const fb = toAssign(b).fingerprint;
      if (!fa.bandKeys.some((key) => fb.bandKeys.includes(key))) continue;
      if (fa.contentHash === fb.contentHash) continue;
      for (const thresholds of thresholdSets) {
        compared++;
        decisions[isNearDuplicate(fa, fb, thresholds) ? "together" : "apart"]++;
        expect({ a: a.title, b: b.title, decision: await scriptSaysNearDuplicate(a, b, thresholds) }).toEqual(
          {
            a: a.title,
            b: b.title,
            decision: isNearDuplicate(fa, fb, thresholds),
          },
        );
      }
    }
    expect(compared).toBeGreaterThan(100);
    // Both outcomes must be exercised, or agreement would prove little.
    expect(decisions.together).toBeGreaterThan(20);
    expect(decisions.apart).toBeGreaterThan(20);
  }, 120_000);
});
