import { describe, expect, it } from "vitest";
import { didYouMean, editDistance, suggestClosest } from "../../../src/config/did-you-mean.js";
import { TOP_LEVEL_KEYS } from "../../../src/config/schema.js";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["feed", "feeds", 1],
    ["kitten", "sitting", 3],
    ["qeury", "query", 1],
    ["abc", "", 3],
    ["same", "same", 0],
  ])("between %s and %s is %d", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("suggestClosest", () => {
  const keys = [...TOP_LEVEL_KEYS];

  it.each([
    ["feed", "feeds"],
    ["topic", "topics"],
    ["Topics", "topics"],
    ["alias", "aliases"],
    ["dedupe", "dedup"],
    ["inculde", "include"],
    ["digest", "digests"],
    ["sever", "server"],
  ])("suggests %s → %s", (word, suggestion) => {
    expect(suggestClosest(word, keys)).toBe(suggestion);
  });

  it("suggests nothing when no candidate is close", () => {
    expect(suggestClosest("colour", keys)).toBeUndefined();
    expect(didYouMean("colour", keys)).toBe("");
  });

  it("phrases the suggestion", () => {
    expect(didYouMean("feed", keys)).toBe(" (did you mean 'feeds'?)");
  });
});
