import { describe, expect, it } from "vitest";
import { bandKeys, candidateProbability } from "../../../src/dedup/lsh.js";
import { minhashSignature } from "../../../src/dedup/minhash.js";

describe("bandKeys", () => {
  it("gives identical signatures identical keys and one key per band", () => {
    const signature = minhashSignature(["a b", "b c", "c d"]);
    const keys = bandKeys(signature, { bands: 10, rows: 2 });
    expect(keys).toHaveLength(10);
    expect(new Set(keys).size).toBe(10);
    expect(bandKeys(Uint32Array.from(signature), { bands: 10, rows: 2 })).toEqual(keys);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{8}$/);
  });

  it("changes only the band whose rows changed", () => {
    const signature = minhashSignature(["a b", "b c", "c d"]);
    const changed = Uint32Array.from(signature);
    changed[5] = (changed[5]! + 1) >>> 0; // row 1 of band 2
    const before = bandKeys(signature, { bands: 10, rows: 2 });
    const after = bandKeys(changed, { bands: 10, rows: 2 });
    expect(before.filter((key, i) => key !== after[i])).toEqual([before[2]]);
  });

  it("refuses a banding longer than the signature", () => {
    expect(() => bandKeys(new Uint32Array(8), { bands: 5, rows: 2 })).toThrow(RangeError);
  });
});

describe("candidateProbability", () => {
  it("follows the S-curve 1 − (1 − s^r)^b", () => {
    expect(candidateProbability(0.5, { bands: 10, rows: 2 })).toBeCloseTo(1 - 0.75 ** 10, 10);
    expect(candidateProbability(0, { bands: 10, rows: 2 })).toBe(0);
    expect(candidateProbability(1, { bands: 10, rows: 2 })).toBe(1);
  });
});
