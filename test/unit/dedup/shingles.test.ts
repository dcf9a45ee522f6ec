import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  articleTokens,
  normaliseTokens,
  shingleArticle,
  stripByline,
  stripOutletTags,
  wordShingles,
} from "../../../src/dedup/shingles.js";

describe("stripOutletTags", () => {
  it.each([
    ["UPDATE 2-North Korea fires missiles into sea", "North Korea fires missiles into sea"],
    ["EXCLUSIVE: Russia and North Korea agree arms deal", "Russia and North Korea agree arms deal"],
    ["BREAKING: UPDATE 1-Kim arrives in Vladivostok", "Kim arrives in Vladivostok"],
    [
      "Kim arrives in Vladivostok by armoured train | Reuters",
      "Kim arrives in Vladivostok by armoured train",
    ],
    [
      "Kim arrives in Vladivostok by armoured train - BBC News",
      "Kim arrives in Vladivostok by armoured train",
    ],
    [
      "Pet owners forced to give up reptiles | World news | The Guardian",
      "Pet owners forced to give up reptiles",
    ],
  ])("strips the tags of %j", (title, expected) => {
    expect(stripOutletTags(title)).toBe(expected);
  });

  it.each([
    ["keeps a hyphenated word", "Russia-Ukraine war: list of key events, day 555"],
    ["keeps a dash that is part of a short headline", "Lavrov - Kim meeting"],
    [
      "keeps a long clause after a dash",
      "Seoul says it tracked launches - and that more are expected in the coming days",
    ],
  ])("%s", (_name, title) => {
    expect(stripOutletTags(title)).toBe(title);
  });
});

describe("stripByline", () => {
  it.each([
    ["By Jane Morrison, Reuters - two pairs of beavers", "two pairs of beavers"],
    ["By Hyonhee Shin and Guy Faulconbridge | two pairs of beavers", "two pairs of beavers"],
    ["LONDON (Reuters) - Two pairs of beavers", "Two pairs of beavers"],
    ["WASHINGTON (AP) — Two pairs of beavers", "Two pairs of beavers"],
    ["Two pairs of beavers were released", "Two pairs of beavers were released"],
  ])("%j", (text, expected) => {
    expect(stripByline(text)).toBe(expected);
  });
});

describe("normaliseTokens", () => {
  it("folds case, width and accents and splits on punctuation", () => {
    expect(normaliseTokens("Kim Jong-un’s ＫＩＭ Café Россия 북한 №5")).toEqual([
      "kim",
      "jong",
      "un",
      "s",
      "kim",
      "cafe",
      "россия",
      "북한",
      "no5",
    ]);
  });
});

describe("normaliseTokens on ASCII", () => {
  it("takes a shortcut that gives what full Unicode normalisation gives", () => {
    const slow = (text: string) =>
      text
        .normalize("NFKC")
        .toLowerCase()
        .normalize("NFD")
        .replace(/\p{M}+/gu, "")
        .match(/[\p{L}\p{N}]+/gu) ?? [];
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii" }), (text) => {
        expect(normaliseTokens(text)).toEqual(slow(text));
      }),
    );
  });
});

describe("wordShingles", () => {
  it("makes overlapping n-grams", () => {
    expect(wordShingles(["a", "b", "c", "d"], 2)).toEqual(["a b", "b c", "c d"]);
  });
  it("keeps a text shorter than one shingle as a single shingle", () => {
    expect(wordShingles(["solo"], 2)).toEqual(["solo"]);
    expect(wordShingles([], 2)).toEqual([]);
  });
});

describe("shingleArticle", () => {
  it("uses the title and only the lead of the text", () => {
    const text = Array.from({ length: 200 }, (_, i) => `w${i}`).join(" ");
    const tokens = articleTokens("Title here", text, { leadWords: 60, shingleSize: 2 });
    expect(tokens).toHaveLength(62);
    expect(tokens.at(-1)).toBe("w59");
  });

  it("gives the same shingles to copies that differ only in tags, byline and case", () => {
    const a = shingleArticle(
      "UPDATE 1-Kim meets Putin at cosmodrome | Reuters",
      "By Guy Faulconbridge, Reuters - Kim met Putin on Wednesday.",
    );
    const b = shingleArticle("Kim meets Putin at cosmodrome", "KIM MET PUTIN ON WEDNESDAY.");
    expect(a).toEqual(b);
  });
});
