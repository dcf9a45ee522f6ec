import { describe, expect, it } from "vitest";
import { analyseWords, normaliseText, tokeniseField } from "../../../src/match/analyse.js";

describe("text analysis", () => {
  it.each([
    ["folds case", "KIM Jong UN", ["kim", "jong", "un"]],
    ["applies NFKC to full-width letters", "ＲＵＳＳＩＡ", ["russia"]],
    ["folds ß to ss", "Straße", ["strasse"]],
    ["removes Latin accents", "Pyŏngyang São Tomé", ["pyongyang", "sao", "tome"]],
    ["folds Cyrillic case and ё", "ЁЛКА Россия", ["елка", "россия"]],
    ["splits on hyphens", "Kim Jong-un", ["kim", "jong", "un"]],
    ["splits on dots", "N.Korea", ["n", "korea"]],
    ["drops a possessive 's", "Russia's war", ["russia", "war"]],
    ["drops a possessive ’s (typographic apostrophe)", "Korea’s leader", ["korea", "leader"]],
    ["keeps other apostrophe splits", "don't", ["don", "t"]],
    ["keeps digits", "G20 summit 2023", ["g20", "summit", "2023"]],
    ["keeps Hangul words whole", "북한의 김정은", ["북한의", "김정은"]],
    ["splits Han characters one by one", "北朝鮮と", ["北", "朝", "鮮", "と"]],
    ["separates Latin from Han in one run", "G7峰会", ["g7", "峰", "会"]],
    ["ignores punctuation-only text", "— … !", []],
  ])("%s", (_name, text, tokens) => {
    expect(analyseWords(text)).toEqual(tokens);
  });

  it("keeps Hangul syllables composed after removing accents", () => {
    const [token] = analyseWords("북한");
    expect(token).toBe("북한");
    expect(token?.length).toBe(2);
    expect(token).toBe(token?.normalize("NFC"));
  });

  it("keeps the Japanese voiced mark (not a Latin accent)", () => {
    expect(normaliseText("ガ")).toBe("ガ");
    expect(normaliseText("ガ")).not.toBe("カ");
  });

  it("keeps the offsets of each token in the original text", () => {
    const field = tokeniseField("The Kremlin’s envoy, Sergei LAVROV.");
    expect(field.tokens).toEqual(["the", "kremlin", "envoy", "sergei", "lavrov"]);
    const surfaces = field.tokens.map((_, i) => field.text.slice(field.starts[i], field.ends[i]));
    expect(surfaces).toEqual(["The", "Kremlin", "envoy", "Sergei", "LAVROV"]);
  });

  it("keeps offsets right after characters outside the Basic Multilingual Plane", () => {
    const field = tokeniseField("𝐊𝐢𝐦 met Putin");
    expect(field.tokens).toEqual(["kim", "met", "putin"]);
    expect(field.text.slice(field.starts[2], field.ends[2])).toBe("Putin");
  });
});
