import { describe, expect, it } from "vitest";
import {
  compareFingerprints,
  contentHashOf,
  DEFAULT_DEDUP_THRESHOLDS,
  fingerprintArticle,
  isNearDuplicate,
  isSimilarEnough,
  TITLE_KEY_MAX_BYTES,
  titleKeyOf,
  titleNumbersOf,
} from "../../../src/dedup/fingerprint.js";

const TEXT =
  "North Korea fired several cruise missiles into the Yellow Sea on Saturday, the South Korean military said, " +
  "hours after the end of joint drills by the United States and South Korea.";

describe("fingerprintArticle", () => {
  it("is deterministic and has the documented shape", () => {
    const a = fingerprintArticle({ title: "North Korea fires cruise missiles", text: TEXT });
    const b = fingerprintArticle({ title: "North Korea fires cruise missiles", text: TEXT });
    expect(a).toEqual(b);
    expect(a.contentHash).toMatch(/^[0-9a-f]{40}$/);
    expect(a.signature).toHaveLength(64);
    expect(a.packedSignature).toHaveLength(64);
    expect(a.bandKeys).toHaveLength(10);
    expect(a.titleKey).toBe("northkoreafirescruisemissiles");
    expect(a.leadWords).toBeGreaterThan(20);
  });

  it("has no band keys when there are no words at all", () => {
    expect(fingerprintArticle({ title: "", text: "" }).bandKeys).toEqual([]);
  });

  it("hashes content after normalising case and punctuation", () => {
    expect(contentHashOf("Kim Meets Putin", "Talks, at last.")).toBe(
      contentHashOf("kim meets putin!", "talks at last"),
    );
    expect(contentHashOf("Kim meets Putin", "Talks")).not.toBe(contentHashOf("Kim meets", "Putin Talks"));
  });

  it("keeps title keys within one record slot, at character boundaries", () => {
    const key = titleKeyOf("Россия ".repeat(30));
    expect(Buffer.byteLength(key, "utf8")).toBeLessThanOrEqual(TITLE_KEY_MAX_BYTES);
    expect(key).toBe("россия".repeat(5) + "р");
  });

  it("maps dates and numbers of headlines, abbreviations included", () => {
    expect(titleNumbersOf("Key events, day 555")).not.toEqual(titleNumbersOf("Key events, day 556"));
    expect(titleNumbersOf("Timeline from Sept. 11, 2001")).toEqual(
      titleNumbersOf("Timeline from September 11, 2001"),
    );
    expect(titleNumbersOf("Kim meets Putin")).toEqual([]);
  });
});

describe("isNearDuplicate", () => {
  const original = fingerprintArticle({
    title: "North Korea fires cruise missiles into sea after drills",
    text: TEXT,
  });

  it("accepts a syndicated copy with outlet tags, a byline and a trailer", () => {
    const copy = fingerprintArticle({
      title: "UPDATE 1-North Korea fires cruise missiles into sea after drills | Reuters",
      text: `SEOUL, Sept 2 (Reuters) - ${TEXT} Editing by Alex Richardson.`,
    });
    expect(isNearDuplicate(original, copy)).toBe(true);
  });

  it("rejects an unrelated article", () => {
    const other = fingerprintArticle({
      title: "Parliament passes budget after marathon debate",
      text: "Lawmakers approved the spending plan late on Thursday after a debate lasting more than twenty hours.",
    });
    expect(isNearDuplicate(original, other)).toBe(false);
  });

  it("rejects look-alikes whose headlines differ in a day number", () => {
    const day = (n: number) =>
      fingerprintArticle({
        title: `Russia-Ukraine war: List of key events, day ${n}`,
        text: `As the war enters its ${n}th day, these are the main developments.`,
      });
    const similarity = compareFingerprints(day(555), day(556));
    expect(similarity.numbersConflict).toBe(true);
    expect(isNearDuplicate(day(555), day(556))).toBe(false);
  });

  it("asks headline-only items for an identical headline", () => {
    const a = fingerprintArticle({
      title: "England v Japan, Rugby World Cup 2023: when is it and how to watch on TV",
      text: "",
    });
    const b = fingerprintArticle({
      title: "England v Chile, Rugby World Cup 2023: when is it and how to watch on TV",
      text: "",
    });
    const aTagged = fingerprintArticle({
      title: "England v Japan, Rugby World Cup 2023: when is it and how to watch on TV - The Telegraph",
      text: "",
    });
    expect(compareFingerprints(a, b).headlineOnly).toBe(true);
    expect(isNearDuplicate(a, b)).toBe(false);
    expect(isNearDuplicate(a, aTagged)).toBe(true);
  });

  it.each([
    [{ jaccard: 0.9, titleSimilarity: 0.1, numbersConflict: false, headlineOnly: false }, true],
    [{ jaccard: 0.5, titleSimilarity: 0.7, numbersConflict: false, headlineOnly: false }, true],
    [{ jaccard: 0.5, titleSimilarity: 0.5, numbersConflict: false, headlineOnly: false }, false],
    [{ jaccard: 0.3, titleSimilarity: 1, numbersConflict: false, headlineOnly: false }, false],
    [{ jaccard: 1, titleSimilarity: 1, numbersConflict: true, headlineOnly: false }, false],
  ])("decides %j → %s with the default thresholds", (similarity, expected) => {
    expect(isSimilarEnough(similarity, DEFAULT_DEDUP_THRESHOLDS)).toBe(expected);
  });
});
