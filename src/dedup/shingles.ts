// Word shingles of an article's title and lead: the text a near-duplicate check compares.
// Copies of one report differ in outlet tags, bylines and the tail of the text, so those are dropped
// or cut off before shingling; what remains is mostly the wording the copies share.

/** Wire-service and newsroom labels in front of a headline: "UPDATE 2-", "EXCLUSIVE:", "LIVE –". */
const LEADING_TAG =
  /^\s*(?:(?:update(?:d)?|refile|corrected|correction|rpt|repeat|wrapup|instant view|analysis|exclusive|breaking(?: news)?|factbox|explainer|live|watch|video|opinion|timeline|insight|focus|preview|urgent)(?:\s*\d+)?\s*[-:–—|]+\s*)+/i;

/** An outlet's name after the headline: "| Reuters", "- BBC News", " — The Guardian". */
const TRAILING_OUTLET = /\s+[-|–—]\s+([^-|–—]+)$/;

/** A byline or dateline opening the text: "By Jane Doe, Reuters", "LONDON (Reuters) -". */
const NAME = String.raw`\p{Lu}[\p{L}'.-]*(?:\s+\p{Lu}[\p{L}'.-]*){0,3}`;
const LEADING_BYLINE = new RegExp(
  String.raw`^\s*[Bb]y\s+${NAME}(?:\s+and\s+${NAME})?(?:,\s*\p{Lu}\p{L}*)?\s*[|:;–—-]?\s+`,
  "u",
);
const LEADING_DATELINE = /^\s*[\p{Lu}][\p{Lu} .,'/-]{1,40}(?:\s*\([^)]{1,30}\))?\s*[-–—]+\s+/u;

const TOKEN = /[\p{L}\p{N}]+/gu;
const ASCII = /^[\x00-\x7f]*$/;

export interface ShingleOptions {
  /** Words of the text kept after the title. */
  leadWords: number;
  /** Words per shingle. */
  shingleSize: number;
}

export const DEFAULT_SHINGLE_OPTIONS: ShingleOptions = { leadWords: 60, shingleSize: 2 };

/** Headline without wire labels in front and without a short outlet name behind. */
export function stripOutletTags(title: string): string {
  let stripped = title.replace(LEADING_TAG, "");
  // Up to two segments: "… | World news | The Guardian".
  for (let segment = 0; segment < 2; segment++) {
    const trailing = TRAILING_OUTLET.exec(stripped);
    if (trailing === null) break;
    const outletWords = normaliseTokens(trailing[1] ?? "").length;
    const remainingWords = normaliseTokens(stripped.slice(0, trailing.index)).length;
    // An outlet name is short; a headline keeps at least a few words in front of it.
    if (outletWords < 1 || outletWords > 4 || remainingWords < 4) break;
    stripped = stripped.slice(0, trailing.index);
  }
  return stripped.trim();
}

/** Text without a byline or dateline in front. */
export function stripByline(text: string): string {
  return text.replace(LEADING_BYLINE, "").replace(LEADING_DATELINE, "");
}

/** Lower-cased, accent-free word tokens after NFKC: "Kim Jong-un's" → ["kim", "jong", "un", "s"]. */
export function normaliseTokens(text: string): string[] {
  // Unicode normalisation leaves ASCII unchanged; most news text is ASCII, so skip it there.
  const folded = ASCII.test(text)
    ? text.toLowerCase()
    : text
        .normalize("NFKC")
        .toLowerCase()
        .normalize("NFD")
        .replace(/\p{M}+/gu, "")
        .normalize("NFC");
  return folded.match(TOKEN) ?? [];
}

/** Word n-grams of `tokens`; a token list shorter than `size` yields itself as one shingle. */
export function wordShingles(tokens: readonly string[], size: number): string[] {
  if (tokens.length === 0) return [];
  if (tokens.length <= size) return [tokens.join(" ")];
  const shingles: string[] = [];
  for (let start = 0; start + size <= tokens.length; start++) {
    shingles.push(tokens.slice(start, start + size).join(" "));
  }
  return shingles;
}

/** Characters read per lead word: far more than any real word needs, so the cut never shortens a lead. */
const MAX_CHARS_PER_WORD = 40;

/** The first `count` word tokens of a text, after its byline; only the start of a long text is read. */
export function leadTokens(text: string, count: number): string[] {
  return normaliseTokens(stripByline(text.slice(0, count * MAX_CHARS_PER_WORD))).slice(0, count);
}

/** The tokens an article is compared on: its stripped headline, then the first words of its text. */
export function articleTokens(
  title: string,
  text: string,
  options: ShingleOptions = DEFAULT_SHINGLE_OPTIONS,
): string[] {
  return [...normaliseTokens(stripOutletTags(title)), ...leadTokens(text, options.leadWords)];
}

/** The distinct shingles of title + lead text. */
export function shingleArticle(
  title: string,
  text: string,
  options: ShingleOptions = DEFAULT_SHINGLE_OPTIONS,
): string[] {
  return [...new Set(wordShingles(articleTokens(title, text, options), options.shingleSize))];
}
