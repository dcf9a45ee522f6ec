import type { QueryNode, TermNode } from "./ast.js";
import type { DocumentFrequencies } from "./score.js";
import type { MatchField } from "./types.js";

// Presearch: from each query, clauses that every matching article satisfies, each a set of words of
// which at least one must occur. Topics are indexed by the words of their most selective clause; an
// article's candidate topics are then checked against a few more clauses (on hashes of the article's
// words, without touching the topic's query) and only the survivors are fully evaluated. A query with
// no clause (a pure negation, or fuzzy words only) is evaluated for every article.
//
// Why the clauses are safe (they never lose a match):
// - a word or phrase needs each of its words: one clause per (non-fuzzy) word;
// - AND and NEAR need every side: the clauses of all sides;
// - OR and @alias need one branch: one clause, the union of one clause of each branch (none if a
//   branch has none);
// - NOT needs nothing present.

/** Words of which one must occur: whole tokens, and token prefixes (from `word*`). */
export interface RequiredWords {
  exact: string[];
  prefixes: string[];
}

export interface Requirement {
  /** Words looked for in the title and the text (unscoped terms, `title:` and `text:`). */
  content: RequiredWords;
  /** Words looked for in the source name and the URL (`source:` and `url:` terms). */
  metadata: RequiredWords;
  /** Estimated share of articles holding one of the words; lower is more selective. */
  cost: number;
}

/** Estimates how common a token is, for choosing the most selective side of an AND. */
export type FrequencyEstimate = (token: string) => number;

export function estimateFrom(frequencies?: DocumentFrequencies): FrequencyEstimate {
  if (frequencies === undefined || frequencies.documents === 0) {
    return (token) => 1 / (1 + token.length) ** 2;
  }
  const { documents, counts } = frequencies;
  return (token) => ((counts.get(token) ?? 0) + 0.5) / documents;
}

/** The most selective clause: words at least one of which every matching article contains, or null. */
export function requiredTerms(node: QueryNode, estimate: FrequencyEstimate): Requirement | null {
  return cheapestClause(requiredClauses(node, estimate));
}

/** Clauses every matching article satisfies (none when the query can match an article with no word). */
export function requiredClauses(node: QueryNode, estimate: FrequencyEstimate): Requirement[] {
  switch (node.kind) {
    case "term":
      return termClauses(node, estimate);
    case "alias":
      return eitherClause(node.entries.map((entry) => requiredClauses(entry, estimate)));
    case "or":
      return eitherClause(node.children.map((child) => requiredClauses(child, estimate)));
    case "and":
      return node.children.flatMap((child) => requiredClauses(child, estimate));
    case "near":
      return [...requiredClauses(node.left, estimate), ...requiredClauses(node.right, estimate)];
    case "not":
      return [];
  }
}

/** One clause per word of a term; fuzzy words give none (they may match words that are not there). */
function termClauses(term: TermNode, estimate: FrequencyEstimate): Requirement[] {
  const inMetadata = term.field === "source" || term.field === "url";
  const clause = (exact: string[], prefixes: string[], cost: number): Requirement => {
    const words = { exact, prefixes };
    const none = { exact: [], prefixes: [] };
    return inMetadata ? { content: none, metadata: words, cost } : { content: words, metadata: none, cost };
  };
  const clauses: Requirement[] = [];
  for (const word of term.words) {
    if (word.kind === "exact") clauses.push(clause([word.text], [], estimate(word.text)));
    // A prefix stands for every word that starts with it: count it as several times as common.
    else if (word.kind === "prefix")
      clauses.push(clause([], [word.text], Math.min(1, 4 * estimate(word.text))));
  }
  return clauses;
}

/** The clause of an OR: the union of the most selective clause of each branch. */
function eitherClause(branches: Requirement[][]): Requirement[] {
  const either = union(branches.map((clauses) => cheapestClause(clauses)));
  return either === null ? [] : [either];
}

/** The clause held by the fewest articles (the one the presearch index files a topic under). */
export function cheapestClause(options: readonly (Requirement | null)[]): Requirement | null {
  let best: Requirement | null = null;
  for (const option of options) {
    if (option !== null && (best === null || option.cost < best.cost)) best = option;
  }
  return best;
}

function union(options: (Requirement | null)[]): Requirement | null {
  const content = { exact: new Set<string>(), prefixes: new Set<string>() };
  const metadata = { exact: new Set<string>(), prefixes: new Set<string>() };
  let cost = 0;
  for (const option of options) {
    if (option === null) return null;
    for (const token of option.content.exact) content.exact.add(token);
    for (const prefix of option.content.prefixes) content.prefixes.add(prefix);
    for (const token of option.metadata.exact) metadata.exact.add(token);
    for (const prefix of option.metadata.prefixes) metadata.prefixes.add(prefix);
    cost += option.cost;
  }
  return {
    content: { exact: [...content.exact], prefixes: [...content.prefixes] },
    metadata: { exact: [...metadata.exact], prefixes: [...metadata.prefixes] },
    cost: Math.min(1, cost),
  };
}

/** What the presearch index reads of an article: the distinct tokens of each field. */
export interface PresearchArticle {
  distinctTokens(field: MatchField): readonly string[];
}

/** Clauses checked on an article's hashed words, besides the indexed one, per topic at most. */
const MAX_CHECKED_CLAUSES = 3;
/** A clause with more words than this is not worth checking word by word. */
const MAX_CHECKED_WORDS = 16;
/** How a checked word is looked for among the article's hashed words. */
const WHOLE_WORD = 0;
const SHORT_ROOT_WORD = 1;
const LONG_ROOT_WORD = 2;
/** Bits of the per-article sets of word hashes (a false "present" only costs an evaluation). */
const ARTICLE_MASK = (1 << 13) - 1;

/**
 * Topic numbers by required word: one word index for the title and text, one for the source and URL
 * (read only when some topic has a `source:` or `url:` word), and the topics evaluated for every article.
 * A topic found by its indexed clause must also pass its other checked clauses, tested against hash
 * sets of the article's title and text words: a cheap test on compact arrays that spares most topics
 * whose rarest word occurs but whose query cannot hold.
 */
export class PresearchIndex {
  private readonly content = new WordIndex();
  private readonly metadata = new WordIndex();
  private readonly alwaysEvaluated: number[] = [];
  private readonly stamps: Uint32Array;
  private epoch = 0;
  // The checked clauses, flattened: topic t's clauses are checkStart[t]..checkStart[t+1]-1, clause c's
  // words wordStart[c]..wordStart[c+1]-1, each a kind and a hash.
  private readonly checkStart: Uint32Array;
  private readonly wordStart: Uint32Array;
  private readonly wordKind: Uint8Array;
  private readonly wordHash: Int32Array;
  private readonly hasChecks: boolean;
  // The hashes of the current article's title and text words.
  private readonly articleWords = new Uint32Array((ARTICLE_MASK + 1) / 32);
  private readonly articleShortRoots = new Uint32Array((ARTICLE_MASK + 1) / 32);
  private readonly articleLongRoots = new Uint32Array((ARTICLE_MASK + 1) / 32);
  private readonly hashes: TokenHashes = { short: 0, long: 0, whole: 0 };

  /** `clausesByTopic[t]`: the clauses of topic t's query (`requiredClauses`). */
  constructor(clausesByTopic: Requirement[][]) {
    this.stamps = new Uint32Array(clausesByTopic.length);
    const checkStart = [0];
    const wordStart = [0];
    const wordKind: number[] = [];
    const wordHash: number[] = [];
    clausesByTopic.forEach((clauses, topic) => {
      const indexed = cheapestClause(clauses);
      if (indexed === null) {
        this.alwaysEvaluated.push(topic);
      } else {
        this.content.add(indexed.content, topic);
        this.metadata.add(indexed.metadata, topic);
        const checked = clauses
          .filter((clause) => clause !== indexed && isCheckable(clause))
          .sort((x, y) => x.cost - y.cost)
          .slice(0, MAX_CHECKED_CLAUSES);
        for (const clause of checked) {
          for (const token of clause.content.exact) {
            wordKind.push(WHOLE_WORD);
            wordHash.push(hashOf(token, this.hashes).whole);
          }
          for (const prefix of clause.content.prefixes) {
            const hashes = hashOf(prefix, this.hashes);
            const long = prefix.length >= LONG_ROOT;
            wordKind.push(long ? LONG_ROOT_WORD : SHORT_ROOT_WORD);
            wordHash.push(long ? hashes.long : hashes.short);
          }
          wordStart.push(wordKind.length);
        }
      }
      checkStart.push(wordStart.length - 1);
    });
    this.content.finish();
    this.metadata.finish();
    this.checkStart = Uint32Array.from(checkStart);
    this.wordStart = Uint32Array.from(wordStart);
    this.wordKind = Uint8Array.from(wordKind);
    this.wordHash = Int32Array.from(wordHash);
    this.hasChecks = wordKind.length > 0;
  }

  /** How many topics are evaluated for every article. */
  get alwaysEvaluatedCount(): number {
    return this.alwaysEvaluated.length;
  }

  /** The topics that may match the article, in ascending order. */
  candidates(article: PresearchArticle): number[] {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
    const found: number[] = [];
    markTopics(this.alwaysEvaluated, this.stamps, this.epoch, found);
    // The title and text are read when some topic is filed under their words or checks a clause on them.
    if (!this.content.isEmpty || this.hasChecks) {
      this.collect(this.content, article.distinctTokens("title"), found, true);
      this.collect(this.content, article.distinctTokens("text"), found, true);
    }
    if (!this.metadata.isEmpty) {
      this.collect(this.metadata, article.distinctTokens("source"), found, false);
      this.collect(this.metadata, article.distinctTokens("url"), found, false);
    }
    if (this.hasChecks) {
      let kept = 0;
      for (let i = 0; i < found.length; i++) {
        const topic = found[i] as number;
        if (this.passesChecks(topic)) found[kept++] = topic;
      }
      found.length = kept;
      this.articleWords.fill(0);
      this.articleShortRoots.fill(0);
      this.articleLongRoots.fill(0);
    }
    return found.sort((a, b) => a - b);
  }

  private collect(words: WordIndex, tokens: readonly string[], found: number[], content: boolean): void {
    const hashes = this.hashes;
    const record = content && this.hasChecks;
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t] as string;
      hashTokenInto(token, hashes);
      if (record) {
        setBit(this.articleWords, hashes.whole & ARTICLE_MASK);
        if (token.length >= SHORT_ROOT) setBit(this.articleShortRoots, hashes.short & ARTICLE_MASK);
        if (token.length >= LONG_ROOT) setBit(this.articleLongRoots, hashes.long & ARTICLE_MASK);
      }
      words.markTopicsOf(token, hashes, this.stamps, this.epoch, found);
    }
  }

  /** Whether every checked clause of the topic has a word whose hash the article holds. */
  private passesChecks(topic: number): boolean {
    const end = this.checkStart[topic + 1] as number;
    for (let clause = this.checkStart[topic] as number; clause < end; clause++) {
      let present = false;
      const last = this.wordStart[clause + 1] as number;
      for (let w = this.wordStart[clause] as number; w < last && !present; w++) {
        const kind = this.wordKind[w] as number;
        const set =
          kind === WHOLE_WORD
            ? this.articleWords
            : kind === SHORT_ROOT_WORD
              ? this.articleShortRoots
              : this.articleLongRoots;
        present = hasBit(set, (this.wordHash[w] as number) & ARTICLE_MASK);
      }
      if (!present) return false;
    }
    return true;
  }
}

/** A clause can be checked on hashes when all its words are in the title or text and no prefix is tiny. */
function isCheckable(clause: Requirement): boolean {
  const { content, metadata } = clause;
  return (
    metadata.exact.length === 0 &&
    metadata.prefixes.length === 0 &&
    content.exact.length + content.prefixes.length <= MAX_CHECKED_WORDS &&
    content.prefixes.every((prefix) => prefix.length >= SHORT_ROOT)
  );
}

/** Bounds of the bitmaps that let most tokens skip a look-up (2^21 bits = 256 KB). */
const MIN_BITMAP_BITS = 1 << 10;
const MAX_BITMAP_BITS = 1 << 21;
/** Prefixes are filed by the hash of their first three characters, or five when they are that long. */
const SHORT_ROOT = 3;
const LONG_ROOT = 5;

interface PrefixEntry {
  prefix: string;
  topics: number[];
}

/** The hashes of a string's first three and first five characters and of the whole string. */
interface TokenHashes {
  short: number;
  long: number;
  whole: number;
}

/** One pass over the characters; a hash absent from a bitmap means the word or prefix is not indexed. */
function hashOf(token: string, into: TokenHashes): TokenHashes {
  hashTokenInto(token, into);
  return into;
}

function hashTokenInto(token: string, into: TokenHashes): void {
  let hash = 0;
  for (let i = 0; i < token.length; i++) {
    hash = (Math.imul(hash, 31) + token.charCodeAt(i)) | 0;
    if (i === SHORT_ROOT - 1) into.short = hash & 0x3fffffff;
    else if (i === LONG_ROOT - 1) into.long = hash & 0x3fffffff;
  }
  into.whole = hash & 0x3fffffff;
}

function hasBit(bitmap: Uint32Array, bit: number): boolean {
  return ((bitmap[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
}

function setBit(bitmap: Uint32Array, bit: number): void {
  bitmap[bit >>> 5] = (bitmap[bit >>> 5] as number) | (1 << (bit & 31));
}

/**
 * A set of hashes as a bitmap probed once: a hash that is absent was never added (one that is present
 * may not have been). Sized to about 16 bits per hash, so few absent hashes look present.
 */
class HashBits {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  constructor(hashes: readonly number[]) {
    let size = MIN_BITMAP_BITS;
    while (size < hashes.length * 16 && size < MAX_BITMAP_BITS) size *= 2;
    this.mask = size - 1;
    this.bits = new Uint32Array(size / 32);
    for (const hash of hashes) setBit(this.bits, hash & this.mask);
  }

  has(hash: number): boolean {
    return hasBit(this.bits, hash & this.mask);
  }
}

/**
 * Topic numbers by whole word and by prefix. Prefixes are filed by the hash of their first three (or,
 * when long enough, five) characters, so a token only compares itself with the few prefixes filed under
 * its own beginning; the rare prefixes of one or two characters are kept in a list. Most tokens of an
 * article are no indexed word and begin no indexed prefix: bitmaps of the hashes say so without a
 * look-up in the maps, which at thousands of topics no longer fit in the processor's caches.
 */
class WordIndex {
  private readonly byToken = new Map<string, number[]>();
  private readonly prefixesByRoot = new Map<number, PrefixEntry[]>();
  private readonly tinyPrefixes: PrefixEntry[] = [];
  private readonly hashes: TokenHashes = { short: 0, long: 0, whole: 0 };
  private readonly added = { tokens: [] as number[], shortRoots: [] as number[], longRoots: [] as number[] };
  private tokenBits = new HashBits([]);
  private shortRootBits = new HashBits([]);
  private longRootBits = new HashBits([]);

  get isEmpty(): boolean {
    return this.byToken.size === 0 && this.prefixesByRoot.size === 0 && this.tinyPrefixes.length === 0;
  }

  add(words: RequiredWords, topic: number): void {
    for (const token of words.exact) {
      addTo(this.byToken, token, topic);
      this.added.tokens.push(hashOf(token, this.hashes).whole);
    }
    for (const prefix of words.prefixes) this.addPrefix(prefix, topic);
  }

  /** Builds the bitmaps once every word is added (their size depends on how many there are). */
  finish(): void {
    this.tokenBits = new HashBits(this.added.tokens);
    this.shortRootBits = new HashBits(this.added.shortRoots);
    this.longRootBits = new HashBits(this.added.longRoots);
    this.added.tokens.length = this.added.shortRoots.length = this.added.longRoots.length = 0;
  }

  /** Adds the topics that require this token or a prefix of it to `found` (unless stamped already). */
  markTopicsOf(
    token: string,
    hashes: TokenHashes,
    stamps: Uint32Array,
    epoch: number,
    found: number[],
  ): void {
    if (this.tokenBits.has(hashes.whole)) {
      const exact = this.byToken.get(token);
      if (exact !== undefined) markTopics(exact, stamps, epoch, found);
    }
    markPrefixEntries(this.tinyPrefixes, token, stamps, epoch, found);
    if (token.length >= SHORT_ROOT && this.shortRootBits.has(hashes.short)) {
      markPrefixEntries(this.prefixesByRoot.get(hashes.short), token, stamps, epoch, found);
    }
    if (token.length >= LONG_ROOT && this.longRootBits.has(hashes.long)) {
      markPrefixEntries(this.prefixesByRoot.get(hashes.long), token, stamps, epoch, found);
    }
  }

  private addPrefix(prefix: string, topic: number): void {
    let entries = this.tinyPrefixes;
    if (prefix.length >= SHORT_ROOT) {
      hashTokenInto(prefix, this.hashes);
      const long = prefix.length >= LONG_ROOT;
      const root = long ? this.hashes.long : this.hashes.short;
      (long ? this.added.longRoots : this.added.shortRoots).push(root);
      entries = this.prefixesByRoot.get(root) ?? [];
      if (entries.length === 0) this.prefixesByRoot.set(root, entries);
    }
    const entry = entries.find((e) => e.prefix === prefix);
    if (entry === undefined) entries.push({ prefix, topics: [topic] });
    else if (entry.topics[entry.topics.length - 1] !== topic) entry.topics.push(topic);
  }
}

/** Adds the topics of the prefix entries that the token starts with. */
function markPrefixEntries(
  entries: readonly PrefixEntry[] | undefined,
  token: string,
  stamps: Uint32Array,
  epoch: number,
  found: number[],
): void {
  if (entries === undefined) return;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as PrefixEntry;
    if (token.startsWith(entry.prefix)) markTopics(entry.topics, stamps, epoch, found);
  }
}

/** Adds the topics not yet stamped with this article's epoch to `found`. */
function markTopics(topics: number[], stamps: Uint32Array, epoch: number, found: number[]): void {
  for (let i = 0; i < topics.length; i++) {
    const topic = topics[i] as number;
    if (stamps[topic] !== epoch) {
      stamps[topic] = epoch;
      found.push(topic);
    }
  }
}

function addTo(map: Map<string, number[]>, key: string, topic: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [topic]);
  else if (list[list.length - 1] !== topic) list.push(topic);
}
