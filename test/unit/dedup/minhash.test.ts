import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  estimateJaccard,
  estimatePackedJaccard,
  hashFamilySeeds,
  hashString32,
  isEmptySignature,
  minhashSignature,
  packSignature,
} from "../../../src/dedup/minhash.js";

function exactJaccard(a: Set<string>, b: Set<string>): number {
  const shared = [...a].filter((x) => b.has(x)).length;
  return shared / (a.size + b.size - shared);
}

describe("minhash", () => {
  it("is deterministic across calls and seeds are fixed", () => {
    expect(hashFamilySeeds(8)).toEqual(hashFamilySeeds(8));
    expect(minhashSignature(["a b", "b c"])).toEqual(minhashSignature(["b c", "a b"]));
    expect(hashString32("kim jong un")).toBe(hashString32("kim jong un"));
    expect(hashString32("kim jong un")).not.toBe(hashString32("kim jong un", 1));
  });

  it("gives identical sets an estimate of 1 and disjoint large sets an estimate near 0", () => {
    const a = Array.from({ length: 100 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 100 }, (_, i) => `b${i}`);
    expect(estimateJaccard(minhashSignature(a), minhashSignature(a))).toBe(1);
    expect(estimateJaccard(minhashSignature(a), minhashSignature(b))).toBeLessThan(0.1);
  });

  it("estimates the Jaccard similarity within 4 standard errors (256 hashes)", () => {
    const seeds = hashFamilySeeds(256);
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        (shared, onlyA, onlyB) => {
          const a = new Set<string>();
          const b = new Set<string>();
          for (let i = 0; i < shared; i++) {
            a.add(`s${i}`);
            b.add(`s${i}`);
          }
          for (let i = 0; i < onlyA; i++) a.add(`a${i}`);
          for (let i = 0; i < onlyB; i++) b.add(`b${i}`);
          const exact = exactJaccard(a, b);
          const estimate = estimateJaccard(minhashSignature(a, seeds), minhashSignature(b, seeds));
          return Math.abs(estimate - exact) <= 4 * Math.sqrt(0.25 / 256);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("packs to 8 bits per position and estimates from the packed form", () => {
    const a = minhashSignature(["x y", "y z", "z w", "w v"]);
    const b = minhashSignature(["x y", "y z", "z w", "w q"]);
    const packedA = packSignature(a);
    expect(packedA).toHaveLength(a.length);
    expect(estimatePackedJaccard(packedA, packSignature(b))).toBeGreaterThanOrEqual(estimateJaccard(a, b));
    expect(estimatePackedJaccard(packedA, packSignature(b)) - estimateJaccard(a, b)).toBeLessThan(0.05);
  });

  it("marks the signature of an empty set", () => {
    expect(isEmptySignature(minhashSignature([]))).toBe(true);
    expect(isEmptySignature(minhashSignature(["a"]))).toBe(false);
  });
});
