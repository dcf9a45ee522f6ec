import stringSimilarity from "string-similarity";
import { type FieldTokens, tokeniseField } from "./analyse.js";
import type { TermNode, WordPattern } from "./ast.js";
import type { MatchField, MatchInput } from "./types.js";

// One article, analysed once and then queried by every candidate topic. Term results are cached by
// term key, so a phrase shared by many topics (an alias entry) is looked up once per article.

export const MATCH_FIELDS: readonly MatchField[] = ["title", "text", "source", "url"];
/** Fields searched by a term without a field scope. */
export const DEFAULT_FIELDS: readonly MatchField[] = ["title", "text"];

/** Where a term (or a NEAR of terms) occurred: positions `start`..`end` inclusive in one field. */
export interface Span {
  field: MatchField;
  start: number;
  end: number;
  /** The terms inside the span, each with its own positions. */
  terms: TermOccurrence[];
}

export interface TermOccurrence {
  term: TermNode;
  field: MatchField;
  start: number;
  end: number;
}

/** How many prefix look-ups a field answers by scanning before it sorts its tokens once. */
const SCANS_BEFORE_SORTING = 4;

/**
 * One field's tokens, with the look-up structures built on first use: most articles are only seen by
 * the presearch index (which reads the token list) and never need them.
 */
export class FieldIndex {
  readonly field: MatchField;
  readonly tokens: FieldTokens;
  private positionMap: Map<string, number[]> | null = null;
  private distinctTokens: string[] | null = null;
  private sorted: string[] | null = null;
  private prefixLookups = 0;
  private readonly prefixResults = new Map<string, string[]>();

  constructor(field: MatchField, text: string) {
    this.field = field;
    this.tokens = tokeniseField(text);
  }

  /** Positions of each distinct token. */
  get positions(): Map<string, number[]> {
    return this.positionMap ?? this.buildPositions().positions;
  }

  /** The distinct tokens in order of first appearance. */
  get distinct(): string[] {
    return this.distinctTokens ?? this.buildPositions().distinct;
  }

  private buildPositions(): { positions: Map<string, number[]>; distinct: string[] } {
    const positions = new Map<string, number[]>();
    const distinct: string[] = [];
    const list = this.tokens.tokens;
    for (let position = 0; position < list.length; position++) {
      const token = list[position] as string;
      const known = positions.get(token);
      if (known === undefined) {
        positions.set(token, [position]);
        distinct.push(token);
      } else {
        known.push(position);
      }
    }
    this.positionMap = positions;
    this.distinctTokens = distinct;
    return { positions, distinct };
  }

  /** The distinct tokens that start with `prefix`. */
  tokensWithPrefix(prefix: string): string[] {
    let found = this.prefixResults.get(prefix);
    if (found === undefined) {
      found = this.findTokensWithPrefix(prefix);
      this.prefixResults.set(prefix, found);
    }
    return found;
  }

  private findTokensWithPrefix(prefix: string): string[] {
    const found: string[] = [];
    if (this.prefixLookups++ < SCANS_BEFORE_SORTING) {
      for (const token of this.distinct) if (token.startsWith(prefix)) found.push(token);
      return found;
    }
    if (this.sorted === null) this.sorted = [...this.distinct].sort();
    const sorted = this.sorted;
    for (
      let i = lowerBound(sorted, prefix);
      i < sorted.length && (sorted[i] as string).startsWith(prefix);
      i++
    ) {
      found.push(sorted[i] as string);
    }
    return found;
  }
}

export class ArticleIndex {
  readonly input: MatchInput;
  readonly fields: Record<MatchField, FieldIndex>;
  /** Snippets already cut for this article, by start offset (many topics hit the same words). */
  readonly snippets = new Map<number, string>();
  private readonly termSpans = new Map<string, Span[]>();

  constructor(input: MatchInput) {
    this.input = input;
    this.fields = {
      title: new FieldIndex("title", input.title),
      text: new FieldIndex("text", input.text),
      source: new FieldIndex("source", input.source),
      url: new FieldIndex("url", input.url),
    };
  }

  /** The distinct tokens of each field (what the presearch index looks up; a token may recur across fields). */
  tokensByField(): string[][] {
    return MATCH_FIELDS.map((field) => this.fields[field].distinct);
  }

  /** Whether a term occurs; a single exact or prefix word is answered without building spans. */
  hasTerm(term: TermNode): boolean {
    const cached = this.termSpans.get(term.key);
    if (cached !== undefined) return cached.length > 0;
    const fields = fieldsOf(term);
    const only = term.words.length === 1 ? term.words[0] : undefined;
    if (only !== undefined) {
      for (let i = 0; i < fields.length; i++) {
        if (hasWord(this.fields[fields[i] as MatchField], only)) return true;
      }
      return false;
    }
    // A phrase can only occur in a field that holds each of its words: check that cheaply first.
    const possible = fields.some((field) =>
      term.words.every((word) => word.kind === "fuzzy" || hasWord(this.fields[field], word)),
    );
    if (!possible) return false;
    return this.spansOfTerm(term).length > 0;
  }

  /** The occurrences of a term (word or phrase) in its fields, in field then position order. */
  spansOfTerm(term: TermNode): Span[] {
    const cached = this.termSpans.get(term.key);
    if (cached !== undefined) {
      return cached[0]?.terms[0]?.term === term ? cached : cached.map((span) => withTerm(span, term));
    }
    const spans: Span[] = [];
    const fields = fieldsOf(term);
    for (const field of fields) findTermInField(this.fields[field], term, spans);
    this.termSpans.set(term.key, spans);
    return spans;
  }

  /** The original words of a span, as they appear in the article. */
  surfaceOf(field: MatchField, start: number, end: number): string {
    const tokens = this.fields[field].tokens;
    return tokens.text.slice(tokens.starts[start], tokens.ends[end]);
  }
}

const SINGLE_FIELDS: Record<MatchField, readonly MatchField[]> = {
  title: ["title"],
  text: ["text"],
  source: ["source"],
  url: ["url"],
};

/** The fields a term searches. */
function fieldsOf(term: TermNode): readonly MatchField[] {
  return term.field === null ? DEFAULT_FIELDS : SINGLE_FIELDS[term.field];
}

/** Whether a single word pattern matches somewhere in the field. */
function hasWord(index: FieldIndex, word: WordPattern): boolean {
  switch (word.kind) {
    case "exact":
      return index.positions.has(word.text);
    case "prefix":
      return index.tokensWithPrefix(word.text).length > 0;
    case "fuzzy":
      return hasFuzzyMatch(index, word);
  }
}

/** Cached spans were found for another term with the same key; report them under this one. */
function withTerm(span: Span, term: TermNode): Span {
  const first = span.terms[0];
  if (first === undefined || first.term === term) return span;
  return { ...span, terms: [{ ...first, term }] };
}

function findTermInField(index: FieldIndex, term: TermNode, into: Span[]): void {
  const [first, ...rest] = term.words;
  if (first === undefined) return;
  const starts = startsOf(index, first);
  for (const [start, length] of starts) {
    const end = matchRest(index.tokens.tokens, rest, start + length);
    if (end < 0) continue;
    const last = end - 1;
    into.push({
      field: index.field,
      start,
      end: last,
      terms: [{ term, field: index.field, start, end: last }],
    });
  }
}

/** Matches the remaining words from `position`; returns the position after the match, or -1. */
function matchRest(tokens: string[], words: WordPattern[], position: number): number {
  if (words.length === 0) return position;
  const [word, ...rest] = words as [WordPattern, ...WordPattern[]];
  for (const length of [1, 2]) {
    if (!wordMatchesAt(tokens, word, position, length)) continue;
    const end = matchRest(tokens, rest, position + length);
    if (end >= 0) return end;
  }
  return -1;
}

function wordMatchesAt(tokens: string[], word: WordPattern, position: number, length: number): boolean {
  const token = tokens[position];
  if (token === undefined) return false;
  switch (word.kind) {
    case "exact":
      return length === 1 && token === word.text;
    case "prefix":
      return length === 1 && token.startsWith(word.text);
    case "fuzzy": {
      if (length === 1) return isSimilar(word, token);
      const next = tokens[position + 1];
      return next !== undefined && isSimilar(word, token + next);
    }
  }
}

/** Where a word starts matching, as [position, token count] pairs in position order. */
function startsOf(index: FieldIndex, word: WordPattern): [number, number][] {
  switch (word.kind) {
    case "exact":
      return (index.positions.get(word.text) ?? []).map((p) => [p, 1]);
    case "prefix": {
      const positions: number[] = [];
      for (const token of index.tokensWithPrefix(word.text))
        positions.push(...(index.positions.get(token) ?? []));
      positions.sort((a, b) => a - b);
      return positions.map((p) => [p, 1]);
    }
    case "fuzzy":
      return fuzzyStarts(index, word);
  }
}

/** The first index whose token is not less than `prefix` (tokens in that range start with it). */
function lowerBound(sorted: string[], prefix: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as string) < prefix) low = mid + 1;
    else high = mid;
  }
  return low;
}

type FuzzyPattern = Extract<WordPattern, { kind: "fuzzy" }>;

/** Whether a fuzzy word matches a token or two adjacent tokens of the field (stops at the first). */
function hasFuzzyMatch(index: FieldIndex, word: FuzzyPattern): boolean {
  for (const token of index.distinct) if (isSimilar(word, token)) return true;
  const tokens = index.tokens.tokens;
  for (let position = 0; position + 1 < tokens.length; position++) {
    const token = tokens[position] as string;
    const next = tokens[position + 1] as string;
    if (pairCanBeSimilar(word, token, next) && isSimilar(word, token + next)) return true;
  }
  return false;
}

/** `lengthsCanBeSimilar` and `sharedBigramsCanReach` for two adjacent tokens, without joining them. */
function pairCanBeSimilar(word: FuzzyPattern, first: string, second: string): boolean {
  if (!lengthsCanBeSimilar(word, first.length + second.length)) return false;
  const bigrams = bigramsOf(word);
  let present = 0;
  for (let i = 0; i + 1 < first.length; i++) {
    if (bigrams.has(first.charCodeAt(i) * 0x10000 + first.charCodeAt(i + 1))) present++;
  }
  if (bigrams.has(first.charCodeAt(first.length - 1) * 0x10000 + second.charCodeAt(0))) present++;
  for (let i = 0; i + 1 < second.length; i++) {
    if (bigrams.has(second.charCodeAt(i) * 0x10000 + second.charCodeAt(i + 1))) present++;
  }
  return (2 * present) / (word.text.length - 1 + first.length + second.length - 1) >= word.threshold;
}

function fuzzyStarts(index: FieldIndex, word: FuzzyPattern): [number, number][] {
  const starts: [number, number][] = [];
  const tokens = index.tokens.tokens;
  const similar = new Map<string, boolean>();
  const single = (token: string): boolean => {
    let result = similar.get(token);
    if (result === undefined) {
      result = isSimilar(word, token);
      similar.set(token, result);
    }
    return result;
  };
  for (let position = 0; position < tokens.length; position++) {
    const token = tokens[position] as string;
    if (single(token)) {
      starts.push([position, 1]);
      continue;
    }
    const next = tokens[position + 1];
    // A pair only stands in for a split word ("Pyong yang"): when the next token matches on its own,
    // "in Pyongyang" is not a second, wider hit.
    if (
      next !== undefined &&
      !single(next) &&
      lengthsCanBeSimilar(word, token.length + next.length) &&
      isSimilar(word, token + next)
    ) {
      starts.push([position, 2]);
    }
  }
  return starts;
}

/**
 * Dice similarity of bigrams (string-similarity) at least the word's threshold. Two strings whose
 * lengths are too far apart cannot reach it (they share at most min(a, b) − 1 bigrams), so they are
 * rejected without comparing.
 */
export function isSimilar(word: { text: string; threshold: number }, token: string): boolean {
  if (token === word.text) return true;
  if (!lengthsCanBeSimilar(word, token.length)) return false;
  let memo = similarityMemo.get(word);
  if (memo === undefined) {
    memo = new Map();
    similarityMemo.set(word, memo);
  }
  let similar = memo.get(token);
  if (similar === undefined) {
    similar =
      sharedBigramsCanReach(word, token) &&
      stringSimilarity.compareTwoStrings(word.text, token) >= word.threshold;
    if (memo.size < SIMILARITY_MEMO_LIMIT) memo.set(token, similar);
  }
  return similar;
}

/**
 * A quick necessary condition for Dice ≥ threshold: the token's bigrams that occur in the word at all
 * bound the shared bigrams from above. Bigrams are compared as numbers, without building substrings.
 */
function sharedBigramsCanReach(word: { text: string; threshold: number }, token: string): boolean {
  const bigrams = bigramsOf(word);
  let present = 0;
  for (let i = 0; i + 1 < token.length; i++) {
    if (bigrams.has(token.charCodeAt(i) * 0x10000 + token.charCodeAt(i + 1))) present++;
  }
  return (2 * present) / (word.text.length - 1 + token.length - 1) >= word.threshold;
}

const bigramMemo = new WeakMap<object, Set<number>>();

function bigramsOf(word: { text: string }): Set<number> {
  let bigrams = bigramMemo.get(word);
  if (bigrams === undefined) {
    bigrams = new Set();
    for (let i = 0; i + 1 < word.text.length; i++) {
      bigrams.add(word.text.charCodeAt(i) * 0x10000 + word.text.charCodeAt(i + 1));
    }
    bigramMemo.set(word, bigrams);
  }
  return bigrams;
}

function lengthsCanBeSimilar(word: { text: string; threshold: number }, length: number): boolean {
  const a = word.text.length - 1;
  const b = length - 1;
  if (a < 1 || b < 1) return false;
  return (2 * Math.min(a, b)) / (a + b) >= word.threshold;
}

/**
 * Comparisons already made for a fuzzy word, across articles: words recur from article to article, so
 * most comparisons are answered from here. Bounded per word; the answers are the same either way.
 */
const similarityMemo = new WeakMap<object, Map<string, boolean>>();
const SIMILARITY_MEMO_LIMIT = 20_000;
