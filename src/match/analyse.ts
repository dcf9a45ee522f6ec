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
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const IDEOGRAPHIC_CHAR = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const APOSTROPHES = new Set(["'", "\u2019", "\u02bc", "\u2032"]);

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
  for (const run of text.matchAll(WORD_RUN)) {
    const raw = run[0];
    const start = run.index;
    if (isPossessiveS(text, raw, start)) continue;
    if (ASCII_ONLY.test(raw)) {
      push(result, raw.toLowerCase(), start, start + raw.length);
    } else if (IDEOGRAPHIC.test(raw)) {
      pushMixedScriptRun(result, raw, start);
    } else {
      pushNormalisedRun(result, raw, start, start + raw.length);
    }
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
