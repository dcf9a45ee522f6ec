// Text analysis shared by queries and articles, so both sides normalise a word the same way.
//
// - Unicode NFKC, then case folding (upper-then-lower, so `ß` folds to `ss` and `Σ/σ/ς` agree).
// - Accents removed: the word is decomposed (NFD), combining diacritical marks are dropped and the
//   rest is composed again (NFC). Only the diacritic blocks are dropped, so Hangul syllables come back
//   intact and the vowel signs of Indic scripts or the Japanese (han)dakuten are kept.
// - Tokens are runs of Unicode letters, digits and marks; anything else (hyphen, dot, apostrophe,
//   colon…) separates words: `Kim Jong-un` = `kim jong un`, `N.Korea` = `n korea`.
// - A possessive `'s` / `’s` is not a word.
// - Han, Hiragana and Katakana are written without spaces, so each such character is its own token; a
//   query word in those scripts becomes a phrase of its characters, i.e. it matches as a substring of a
//   run. Hangul is written with spaces and stays one token per word (`북한*` matches `북한의`).

const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const IDEOGRAPHIC_CHAR = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const APOSTROPHES = new Set(["'", "\u2019", "\u02bc", "\u2032"]);

// Character classes, looked up per code point while scanning (the regular expressions are only asked
// once per distinct character): separator, ASCII word character, other word character, ideograph.
const SEPARATOR = 1;
const ASCII_WORD = 2;
const WORD = 3;
const IDEOGRAPH = 4;
const basicPlaneClasses = new Uint8Array(0x10000);
const otherPlaneClasses = new Map<number, number>();

function classifyCodePoint(codePoint: number): number {
  if (codePoint < 0x10000) {
    const known = basicPlaneClasses[codePoint] as number;
    if (known !== 0) return known;
  } else {
    const known = otherPlaneClasses.get(codePoint);
    if (known !== undefined) return known;
  }
  const char = String.fromCodePoint(codePoint);
  let kind = SEPARATOR;
  if (IDEOGRAPHIC_CHAR.test(char)) kind = IDEOGRAPH;
  else if (WORD_CHAR.test(char)) kind = codePoint < 0x80 ? ASCII_WORD : WORD;
  if (codePoint < 0x10000) basicPlaneClasses[codePoint] = kind;
  else otherPlaneClasses.set(codePoint, kind);
  return kind;
}

/** NFKC, case fold and accent removal of a piece of text (not split into words). */
export function normaliseText(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  const folded = text.normalize("NFKC").toUpperCase().toLowerCase();
  return folded.normalize("NFD").replace(DIACRITICS, "").normalize("NFC");
}

/** The words of a field, in order, with where each came from in the original text. */
export interface FieldTokens {
  text: string;
  /** Normalised tokens; a token's position is its index. */
  tokens: string[];
  /** Offsets of each token in `text` (start inclusive, end exclusive). */
  starts: number[];
  ends: number[];
}

/** Splits text into normalised tokens with their original offsets. */
export function tokeniseField(text: string): FieldTokens {
  const result: FieldTokens = { text, tokens: [], starts: [], ends: [] };
  const length = text.length;
  let i = 0;
  while (i < length) {
    let codePoint = text.codePointAt(i) as number;
    let kind = classifyCodePoint(codePoint);
    if (kind === SEPARATOR) {
      i += codePoint > 0xffff ? 2 : 1;
      continue;
    }
    const start = i;
    let onlyAscii = true;
    let hasIdeograph = false;
    while (kind !== SEPARATOR) {
      if (kind !== ASCII_WORD) onlyAscii = false;
      if (kind === IDEOGRAPH) hasIdeograph = true;
      i += codePoint > 0xffff ? 2 : 1;
      if (i >= length) break;
      codePoint = text.codePointAt(i) as number;
      kind = classifyCodePoint(codePoint);
    }
    const raw = text.slice(start, i);
    if (isPossessiveS(text, raw, start)) continue;
    if (onlyAscii) push(result, raw.toLowerCase(), start, i);
    else if (hasIdeograph) pushMixedScriptRun(result, raw, start);
    else pushNormalisedRun(result, raw, start, i);
  }
  return result;
}

/** The normalised tokens of a query word or phrase (no offsets needed). */
export function analyseWords(text: string): string[] {
  return tokeniseField(text).tokens;
}

function push(into: FieldTokens, token: string, start: number, end: number): void {
  into.tokens.push(token);
  into.starts.push(start);
  into.ends.push(end);
}

/** Normalising may change a run's shape (NFKC of `½` holds a slash), so it is split again. */
function pushNormalisedRun(into: FieldTokens, raw: string, start: number, end: number): void {
  const normalised = normaliseText(raw);
  for (const piece of normalised.matchAll(WORD_RUN)) push(into, piece[0], start, end);
}

/** Ideographic characters become one token each; the other scripts of the run stay words. */
function pushMixedScriptRun(into: FieldTokens, raw: string, start: number): void {
  let offset = 0;
  let pending = "";
  let pendingStart = 0;
  for (const char of raw) {
    if (IDEOGRAPHIC_CHAR.test(char)) {
      if (pending !== "") pushNormalisedRun(into, pending, start + pendingStart, start + offset);
      pending = "";
      pushNormalisedRun(into, char, start + offset, start + offset + char.length);
    } else {
      if (pending === "") pendingStart = offset;
      pending += char;
    }
    offset += char.length;
  }
  if (pending !== "") pushNormalisedRun(into, pending, start + pendingStart, start + offset);
}

function isPossessiveS(text: string, raw: string, start: number): boolean {
  if (raw !== "s" && raw !== "S") return false;
  const before = text[start - 1];
  if (before === undefined || !APOSTROPHES.has(before)) return false;
  const wordBefore = text[start - 2];
  return wordBefore !== undefined && /[\p{L}\p{N}]/u.test(wordBefore);
}
