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

/** How many prefix look-ups a field answers by scanning all its tokens before it files them by first character. */
const SCANS_BEFORE_FILING = 8;
const NO_TOKENS: readonly string[] = Object.freeze([]);

/**
 * One field's tokens, with the look-up structures built on first use: most articles are only seen by
 * the presearch index (which reads the token list) and never need them.
 */
export class FieldIndex {
  readonly field: MatchField;
  private readonly text: string;
  private analysed: FieldTokens | null = null;
  private positionMap: Map<string, number[]> | null = null;
  private distinctTokens: string[] | null = null;
  private byFirstCharacter: Map<number, string[]> | null = null;
  private prefixLookups = 0;
  private prefixResults: Map<string, readonly string[]> | null = null;

  constructor(field: MatchField, text: string) {
    this.field = field;
    this.text = text;
  }

  /** The field's tokens with their offsets (analysed on first use: the source and URL rarely are). */
  get tokens(): FieldTokens {
    if (this.analysed === null) this.analysed = tokeniseField(this.text);
    return this.analysed;
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
  tokensWithPrefix(prefix: string): readonly string[] {
    if (this.prefixResults === null) this.prefixResults = new Map();
    let found = this.prefixResults.get(prefix);
    if (found === undefined) {
      found = this.findTokensWithPrefix(prefix);
      this.prefixResults.set(prefix, found);
    }
    return found;
  }

  private findTokensWithPrefix(prefix: string): readonly string[] {
    if (prefix === "") return this.distinct;
    const first = prefix.charCodeAt(0);
    let tokens: readonly string[];
    if (this.byFirstCharacter === null && this.prefixLookups++ < SCANS_BEFORE_FILING) {
      tokens = this.distinct;
    } else {
      tokens = this.fileByFirstCharacter().get(first) ?? NO_TOKENS;
    }
    let found: string[] | null = null;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string;
      // Comparing the first character inline rejects most tokens without a call.
      if (token.charCodeAt(0) === first && token.startsWith(prefix)) {
        if (found === null) found = [];
        found.push(token);
      }
    }
    return found ?? NO_TOKENS;
  }

  /** Long texts answer many prefix look-ups: their tokens filed by first character make each one short. */
  private fileByFirstCharacter(): Map<number, string[]> {
    if (this.byFirstCharacter !== null) return this.byFirstCharacter;
    const filed = new Map<number, string[]>();
    for (const token of this.distinct) {
      const first = token.charCodeAt(0);
      const list = filed.get(first);
      if (list === undefined) filed.set(first, [token]);
      else list.push(token);
    }
    this.byFirstCharacter = filed;
    return filed;
  }
}

export class ArticleIndex {
  readonly input: MatchInput;
  readonly fields: Record<MatchField, FieldIndex>;
  /** Snippets already cut for this article, by start offset (many topics hit the same words). */
  readonly snippets = new Map<number, string>();
  private termSpans: Map<string, Span[]> | null = null;

  constructor(input: MatchInput) {
    this.input = input;
    this.fields = {
      title: new FieldIndex("title", input.title),
      text: new FieldIndex("text", input.text),
      source: new FieldIndex("source", input.source),
      url: new FieldIndex("url", input.url),
    };
  }

  /** The distinct tokens of a field, in order of first appearance (what the presearch index looks up). */
  distinctTokens(field: MatchField): readonly string[] {
    return this.fields[field].distinct;
  }

  /** Whether a term occurs; a single word is answered without building spans. */
  hasTerm(term: TermNode): boolean {
    const fields = fieldsOf(term);
    const words = term.words;
    if (words.length === 1) {
      const only = words[0] as WordPattern;
      for (let i = 0; i < fields.length; i++) {
        if (hasWord(this.fields[fields[i] as MatchField], only)) return true;
      }
      return false;
    }
    const cached = this.termSpans?.get(term.key);
    if (cached !== undefined) return cached.length > 0;
    // A phrase can only occur in a field that holds each of its words: check that cheaply first.
    if (!fields.some((field) => this.holdsEveryWord(this.fields[field], words))) return false;
    return this.spansOfTerm(term).length > 0;
  }

  private holdsEveryWord(index: FieldIndex, words: readonly WordPattern[]): boolean {
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as WordPattern;
      if (word.kind !== "fuzzy" && !hasWord(index, word)) return false;
    }
    return true;
  }

  /** The occurrences of a term (word or phrase) in its fields, in field then position order. */
  spansOfTerm(term: TermNode): Span[] {
    if (this.termSpans === null) this.termSpans = new Map();
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
  const first = term.words[0];
  if (first === undefined) return;
  if (first.kind === "fuzzy") {
    for (const [start, length] of fuzzyStarts(index, first))
      addIfRestMatches(index, term, start, length, into);
    return;
  }
  const positions =
    first.kind === "exact" ? index.positions.get(first.text) : prefixPositions(index, first.text);
  if (positions === undefined) return;
  for (let i = 0; i < positions.length; i++) addIfRestMatches(index, term, positions[i] as number, 1, into);
}

/** Positions of the tokens that start with `prefix`, in order. */
function prefixPositions(index: FieldIndex, prefix: string): readonly number[] | undefined {
  const matching = index.tokensWithPrefix(prefix);
  if (matching.length <= 1)
    return matching.length === 0 ? undefined : index.positions.get(matching[0] as string);
  const positions: number[] = [];
  for (const token of matching)
    for (const position of index.positions.get(token) ?? []) positions.push(position);
  return positions.sort((a, b) => a - b);
}

/** Adds the span of a term whose first word matched `length` tokens at `start`, if the other words follow. */
function addIfRestMatches(
  index: FieldIndex,
  term: TermNode,
  start: number,
  length: number,
  into: Span[],
): void {
  const end = matchRest(index.tokens.tokens, term.words, 1, start + length);
  if (end < 0) return;
  const last = end - 1;
  into.push({
    field: index.field,
    start,
    end: last,
    terms: [{ term, field: index.field, start, end: last }],
  });
}

/** Matches words from the `w`-th on at `position`; returns the position after the match, or -1. */
function matchRest(
  tokens: readonly string[],
  words: readonly WordPattern[],
  w: number,
  position: number,
): number {
  if (w >= words.length) return position;
  const word = words[w] as WordPattern;
  for (let length = 1; length <= 2; length++) {
    if (!wordMatchesAt(tokens, word, position, length)) continue;
    const end = matchRest(tokens, words, w + 1, position + length);
    if (end >= 0) return end;
  }
  return -1;
}

function wordMatchesAt(
  tokens: readonly string[],
  word: WordPattern,
  position: number,
  length: number,
): boolean {
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

type FuzzyPattern = Extract<WordPattern, { kind: "fuzzy" }>;

/** Whether a fuzzy word matches a token or two adjacent tokens of the field (stops at the first). */
function hasFuzzyMatch(index: FieldIndex, word: FuzzyPattern): boolean {
  const filter = fuzzyFilterOf(word);
  for (const token of index.distinct) if (similar(word, filter, token)) return true;
  const tokens = index.tokens.tokens;
  for (let position = 0; position + 1 < tokens.length; position++) {
    const token = tokens[position] as string;
    const next = tokens[position + 1] as string;
    if (pairCanBeSimilar(word, filter, token, next) && confirmSimilar(word, filter, token + next))
      return true;
  }
  return false;
}

function fuzzyStarts(index: FieldIndex, word: FuzzyPattern): [number, number][] {
  const starts: [number, number][] = [];
  const tokens = index.tokens.tokens;
  const filter = fuzzyFilterOf(word);
  const answers = new Map<string, boolean>();
  const single = (token: string): boolean => {
    let result = answers.get(token);
    if (result === undefined) {
      result = similar(word, filter, token);
      answers.set(token, result);
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
      pairCanBeSimilar(word, filter, token, next) &&
      confirmSimilar(word, filter, token + next)
    ) {
      starts.push([position, 2]);
    }
  }
  return starts;
}

/**
 * Dice similarity of bigrams (string-similarity) at least the word's threshold. Most tokens are rejected
 * by two cheap necessary conditions before the comparison: their length, and how many of their bigrams
 * the word lacks.
 */
export function isSimilar(word: FuzzyWord, token: string): boolean {
  return similar(word, fuzzyFilterOf(word), token);
}

type FuzzyWord = { text: string; threshold: number };

/** What the cheap tests need of a fuzzy word, and the comparisons already made for it. */
interface FuzzyFilter {
  bigrams: Set<number>;
  /** Comparisons made so far, across articles (words recur); bounded, the answers are the same. */
  compared: Map<string, boolean>;
}

const fuzzyFilters = new WeakMap<object, FuzzyFilter>();
const COMPARISONS_REMEMBERED = 20_000;

function fuzzyFilterOf(word: FuzzyWord): FuzzyFilter {
  let filter = fuzzyFilters.get(word);
  if (filter === undefined) {
    const bigrams = new Set<number>();
    for (let i = 0; i + 1 < word.text.length; i++) bigrams.add(bigramCode(word.text, i));
    filter = { bigrams, compared: new Map() };
    fuzzyFilters.set(word, filter);
  }
  return filter;
}

/** The bigram at `i` as a number, without building a substring. */
function bigramCode(text: string, i: number): number {
  return text.charCodeAt(i) * 0x10000 + text.charCodeAt(i + 1);
}

function similar(word: FuzzyWord, filter: FuzzyFilter, token: string): boolean {
  if (token === word.text) return true;
  return (
    lengthsCanBeSimilar(word, token.length) &&
    tokenCanBeSimilar(word, filter, token) &&
    confirmSimilar(word, filter, token)
  );
}

function confirmSimilar(word: FuzzyWord, filter: FuzzyFilter, candidate: string): boolean {
  let result = filter.compared.get(candidate);
  if (result === undefined) {
    result = stringSimilarity.compareTwoStrings(word.text, candidate) >= word.threshold;
    if (filter.compared.size < COMPARISONS_REMEMBERED) filter.compared.set(candidate, result);
  }
  return result;
}

/**
 * How many bigrams of a string with `bigrams` of them may be missing from the word while Dice can still
 * reach the threshold: Dice = 2·shared / (word's + string's), and shared ≤ the string's bigrams found in
 * the word. (The small slack keeps rounding from ever rejecting a string that reaches it.)
 */
function missingAllowed(word: FuzzyWord, bigrams: number): number {
  return bigrams - (word.threshold * (word.text.length - 1 + bigrams)) / 2 + 1e-9;
}

function tokenCanBeSimilar(word: FuzzyWord, filter: FuzzyFilter, token: string): boolean {
  const allowed = missingAllowed(word, token.length - 1);
  let missing = 0;
  for (let i = 0; i + 1 < token.length; i++) {
    if (!filter.bigrams.has(bigramCode(token, i)) && ++missing > allowed) return false;
  }
  return true;
}

/** The same test for two adjacent tokens read as one word, without joining them. */
function pairCanBeSimilar(word: FuzzyWord, filter: FuzzyFilter, first: string, second: string): boolean {
  if (!lengthsCanBeSimilar(word, first.length + second.length)) return false;
  const allowed = missingAllowed(word, first.length + second.length - 1);
  let missing = 0;
  for (let i = 0; i + 1 < first.length; i++) {
    if (!filter.bigrams.has(bigramCode(first, i)) && ++missing > allowed) return false;
  }
  const junction = first.charCodeAt(first.length - 1) * 0x10000 + second.charCodeAt(0);
  if (!filter.bigrams.has(junction) && ++missing > allowed) return false;
  for (let i = 0; i + 1 < second.length; i++) {
    if (!filter.bigrams.has(bigramCode(second, i)) && ++missing > allowed) return false;
  }
  return true;
}

function lengthsCanBeSimilar(word: FuzzyWord, length: number): boolean {
  const a = word.text.length - 1;
  const b = length - 1;
  if (a < 1 || b < 1) return false;
  return (2 * Math.min(a, b)) / (a + b) >= word.threshold;
}
