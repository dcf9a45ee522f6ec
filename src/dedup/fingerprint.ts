// An article's fingerprint: what the story index stores and compares. Identity (content hash), the
// MinHash signature and its LSH band keys for near-duplicates, and a normalised title for the title
// similarity check. `isNearDuplicate` is the confirmation rule; the Redis script applies the same rule.

import { createHash } from "node:crypto";
import stringSimilarity from "string-similarity";
import type { Article } from "../feeds/types.js";
import { type Banding, bandKeys, DEFAULT_BANDING } from "./lsh.js";
import {
  DEFAULT_NUM_HASHES,
  estimatePackedJaccard,
  hashFamilySeeds,
  hashString32,
  isEmptySignature,
  minhashSignature,
  packSignature,
} from "./minhash.js";
import {
  DEFAULT_SHINGLE_OPTIONS,
  leadTokens,
  normaliseTokens,
  type ShingleOptions,
  stripOutletTags,
  wordShingles,
} from "./shingles.js";

/** Longest stored title key in UTF-8 bytes (it must fit one Redis record slot with its length byte). */
export const TITLE_KEY_MAX_BYTES = 63;

export interface FingerprintOptions {
  shingles: ShingleOptions;
  numHashes: number;
  banding: Banding;
}

export const DEFAULT_FINGERPRINT_OPTIONS: FingerprintOptions = {
  shingles: DEFAULT_SHINGLE_OPTIONS,
  numHashes: DEFAULT_NUM_HASHES,
  banding: DEFAULT_BANDING,
};

export interface ArticleFingerprint {
  /** sha1 (hex) of the normalised title and full text: equal for byte-different copies of one text. */
  contentHash: string;
  signature: Uint32Array;
  /** The signature's low 8 bits per position, as stored in Redis and compared by both rules. */
  packedSignature: Buffer;
  /** LSH band keys; empty when the article has no words (it can then only match by identity). */
  bandKeys: string[];
  /** Normalised headline without outlet tags or spaces, at most TITLE_KEY_MAX_BYTES of UTF-8. */
  titleKey: string;
  /** Words of text after the headline (capped at 255); below MIN_LEAD_WORDS only the headline speaks. */
  leadWords: number;
  /** 16-bit hashes of the numbers in the headline (at most MAX_TITLE_NUMBERS, sorted, distinct). */
  titleNumbers: number[];
}

/** Fewer words of text than this and the article is judged on its headline alone. */
export const MIN_LEAD_WORDS = 8;
export const MAX_TITLE_NUMBERS = 4;

/** The parts of a fingerprint the confirmation rule reads (what a Redis record keeps). */
export type ComparableFingerprint = Pick<
  ArticleFingerprint,
  "packedSignature" | "titleKey" | "leadWords" | "titleNumbers"
>;

export interface DedupThresholds {
  /** Minimum estimated Jaccard of shingles, together with `titleSimilarity`. */
  jaccard: number;
  /** Minimum Dice similarity (string-similarity) of the title keys. */
  titleSimilarity: number;
  /** Estimated Jaccard at which the texts alone decide, whatever the headlines say. */
  jaccardAlone: number;
}

/** Measured on test/fixtures/dedup (see scripts there): the widest margin between copies and look-alikes. */
export const DEFAULT_DEDUP_THRESHOLDS: DedupThresholds = {
  jaccard: 0.35,
  titleSimilarity: 0.6,
  jaccardAlone: 0.8,
};

const seedCache = new Map<number, Uint32Array>();
function seedsFor(numHashes: number): Uint32Array {
  let seeds = seedCache.get(numHashes);
  if (seeds === undefined) {
    seeds = hashFamilySeeds(numHashes);
    seedCache.set(numHashes, seeds);
  }
  return seeds;
}

/** Headline key for title similarity; astral characters are left out so JS and Lua count alike. */
export function titleKeyOf(title: string): string {
  return titleKeyFromTokens(normaliseTokens(stripOutletTags(title)));
}

function titleKeyFromTokens(tokens: readonly string[]): string {
  const key = Array.from(tokens.join(""))
    .filter((char) => char.codePointAt(0)! <= 0xffff)
    .join("");
  let bytes = 0;
  let end = 0;
  for (const char of key) {
    const size = Buffer.byteLength(char, "utf8");
    if (bytes + size > TITLE_KEY_MAX_BYTES) break;
    bytes += size;
    end += char.length;
  }
  return key.slice(0, end);
}

/** Month and weekday names, abbreviations included, each mapped to one spelling. */
const CALENDAR_WORDS = new Map<string, string>(
  [
    ["january", "jan"],
    ["february", "feb"],
    ["march", "mar"],
    ["april", "apr"],
    ["june", "jun"],
    ["july", "jul"],
    ["august", "aug"],
    ["september", "sep", "sept"],
    ["october", "oct"],
    ["november", "nov"],
    ["december", "dec"],
    ["monday", "mon"],
    ["tuesday", "tue", "tues"],
    ["wednesday", "wed"],
    ["thursday", "thu", "thur", "thurs"],
    ["friday", "fri"],
    ["saturday", "sat"],
    ["sunday"],
  ].flatMap(([full, ...short]) => [full!, ...short].map((spelling): [string, string] => [spelling, full!])),
);

/**
 * The dates and numbers of a headline ("day 555", "Friday, September 13", "#820"), each hashed to
 * 16 bits. Recurring items of one template differ in exactly these words, copies of one report do not.
 */
export function titleNumbersOf(title: string): number[] {
  return titleNumbersFromTokens(normaliseTokens(stripOutletTags(title)));
}

function titleNumbersFromTokens(tokens: readonly string[]): number[] {
  const marks: string[] = [];
  for (const token of tokens) {
    const calendar = CALENDAR_WORDS.get(token);
    if (calendar !== undefined) marks.push(calendar);
    for (const run of token.match(/\d+/g) ?? []) marks.push(run.replace(/^0+(?=\d)/, ""));
  }
  const hashes = new Set(marks.map((mark) => hashString32(mark) & 0xffff));
  return [...hashes].sort((a, b) => a - b).slice(0, MAX_TITLE_NUMBERS);
}

/** sha1 of the article's normalised words: title, a separator, then the whole text. */
export function contentHashOf(title: string, text: string): string {
  const normalised = `${normaliseTokens(title).join(" ")}\n${normaliseTokens(text).join(" ")}`;
  return createHash("sha1").update(normalised).digest("hex");
}

/** Lead words counted for `leadWords` (the field is one byte in Redis). */
const LEAD_WORDS_COUNTED = 255;

export function fingerprintArticle(
  article: Pick<Article, "title" | "text">,
  options: FingerprintOptions = DEFAULT_FINGERPRINT_OPTIONS,
): ArticleFingerprint {
  // Each part of the article is normalised once and shared by every measure below.
  const titleTokens = normaliseTokens(stripOutletTags(article.title));
  const lead = leadTokens(article.text, Math.max(LEAD_WORDS_COUNTED, options.shingles.leadWords));
  const shingles = new Set(
    wordShingles(
      [...titleTokens, ...lead.slice(0, options.shingles.leadWords)],
      options.shingles.shingleSize,
    ),
  );
  const signature = minhashSignature(shingles, seedsFor(options.numHashes));
  return {
    contentHash: contentHashOf(article.title, article.text),
    signature,
    packedSignature: packSignature(signature),
    bandKeys: isEmptySignature(signature) ? [] : bandKeys(signature, options.banding),
    titleKey: titleKeyFromTokens(titleTokens),
    leadWords: Math.min(LEAD_WORDS_COUNTED, lead.length),
    titleNumbers: titleNumbersFromTokens(titleTokens),
  };
}

export interface Similarity {
  jaccard: number;
  titleSimilarity: number;
  /** Both headlines carry a number the other lacks: "day 555" and "day 556" are different events. */
  numbersConflict: boolean;
  /** One of the two has (almost) no text, so only an identical headline can make them one story. */
  headlineOnly: boolean;
}

function numbersConflict(a: readonly number[], b: readonly number[]): boolean {
  return a.some((n) => !b.includes(n)) && b.some((n) => !a.includes(n));
}

function isEmptyPacked(packed: Uint8Array): boolean {
  return packed.every((byte) => byte === 0xff);
}

/** The measures the confirmation rule looks at. */
export function compareFingerprints(a: ComparableFingerprint, b: ComparableFingerprint): Similarity {
  const empty = isEmptyPacked(a.packedSignature) || isEmptyPacked(b.packedSignature);
  return {
    jaccard: empty ? 0 : estimatePackedJaccard(a.packedSignature, b.packedSignature),
    titleSimilarity: stringSimilarity.compareTwoStrings(a.titleKey, b.titleKey),
    numbersConflict: numbersConflict(a.titleNumbers, b.titleNumbers),
    headlineOnly: Math.min(a.leadWords, b.leadWords) < MIN_LEAD_WORDS,
  };
}

/** The decision of the confirmation rule for measures already computed. */
export function isSimilarEnough(similarity: Similarity, thresholds: DedupThresholds): boolean {
  if (similarity.numbersConflict) return false;
  if (similarity.headlineOnly)
    return similarity.titleSimilarity === 1 && similarity.jaccard >= thresholds.jaccard;
  if (similarity.jaccard >= thresholds.jaccardAlone) return true;
  return similarity.jaccard >= thresholds.jaccard && similarity.titleSimilarity >= thresholds.titleSimilarity;
}

/** Near-duplicate: similar shingles and similar headlines, or near-identical shingles alone. */
export function isNearDuplicate(
  a: ComparableFingerprint,
  b: ComparableFingerprint,
  thresholds: DedupThresholds = DEFAULT_DEDUP_THRESHOLDS,
): boolean {
  return isSimilarEnough(compareFingerprints(a, b), thresholds);
}
