import type { QueryNode, WordPattern } from "./ast.js";
import type { DocumentFrequencies } from "./score.js";

// Presearch: from each query, a set of words of which at least one must occur in an article for the
// query to be able to match. Topics are indexed by those words; an article then only needs full
// evaluation against the topics whose words it contains. A query with no such set (a pure negation, or
// fuzzy words only) is evaluated for every article.
//
// Why the derived set is safe (it never loses a match):
// - a word or phrase needs each of its words, so any one (non-fuzzy) word will do;
// - OR and @alias need one branch: the union of the branches' sets (none if a branch has none);
// - AND and NEAR need every side: the set of any one side will do, so the cheapest is taken;
// - NOT needs nothing present.

export interface Requirement {
  /** Whole tokens. */
  exact: string[];
  /** Token prefixes (from `word*`). */
  prefixes: string[];
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

/** Words at least one of which every matching article contains, or null when there is no such set. */
export function requiredTerms(node: QueryNode, estimate: FrequencyEstimate): Requirement | null {
  switch (node.kind) {
    case "term":
      return cheapestWord(node.words, estimate);
    case "alias":
      return union(node.entries.map((entry) => requiredTerms(entry, estimate)));
    case "or":
      return union(node.children.map((child) => requiredTerms(child, estimate)));
    case "and":
      return cheapest(node.children.map((child) => requiredTerms(child, estimate)));
    case "near":
      return cheapest([requiredTerms(node.left, estimate), requiredTerms(node.right, estimate)]);
    case "not":
      return null;
  }
}

function cheapestWord(words: WordPattern[], estimate: FrequencyEstimate): Requirement | null {
  const options = words.map((word): Requirement | null => {
    if (word.kind === "exact") return { exact: [word.text], prefixes: [], cost: estimate(word.text) };
    // A prefix stands for every word that starts with it: count it as several times as common.
    if (word.kind === "prefix")
      return { exact: [], prefixes: [word.text], cost: Math.min(1, 4 * estimate(word.text)) };
    return null;
  });
  return cheapest(options);
}

function cheapest(options: (Requirement | null)[]): Requirement | null {
  let best: Requirement | null = null;
  for (const option of options) {
    if (option !== null && (best === null || option.cost < best.cost)) best = option;
  }
  return best;
}

function union(options: (Requirement | null)[]): Requirement | null {
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  let cost = 0;
  for (const option of options) {
    if (option === null) return null;
    for (const token of option.exact) exact.add(token);
    for (const prefix of option.prefixes) prefixes.add(prefix);
    cost += option.cost;
  }
  return { exact: [...exact], prefixes: [...prefixes], cost: Math.min(1, cost) };
}

/** Prefixes are found by their first three characters, then character by character. */
const ROOT_LENGTH = 3;

/** A node of the prefix trie: children by UTF-16 code unit, and the topics whose prefix ends here. */
interface PrefixNode {
  children: Map<number, PrefixNode> | null;
  topics: number[] | null;
}

interface ShortPrefix {
  prefix: string;
  topics: number[];
}

/**
 * The first three characters of a string as a key, without building a substring when they are ASCII
 * (a small integer, cheap to hash); other scripts use the substring itself.
 */
function rootKey(text: string): number | string {
  const a = text.charCodeAt(0);
  const b = text.charCodeAt(1);
  const c = text.charCodeAt(2);
  return (a | b | c) < 0x80 ? (a << 14) | (b << 7) | c : text.slice(0, ROOT_LENGTH);
}

/**
 * Topic numbers by required word. Prefixes sit in a trie whose root is keyed by their first three
 * characters (computed as a number, so looking up a token allocates nothing); from there a token walks
 * one character at a time, meeting every prefix of it. Prefixes shorter than three characters are few
 * and kept in a list.
 */
export class PresearchIndex {
  private readonly byToken = new Map<string, number[]>();
  private readonly prefixRoots = new Map<number | string, PrefixNode>();
  private readonly shortPrefixes: ShortPrefix[] = [];
  private readonly alwaysEvaluated: number[] = [];
  private readonly stamps: Uint32Array;
  private epoch = 0;

  constructor(requirements: (Requirement | null)[]) {
    this.stamps = new Uint32Array(requirements.length);
    requirements.forEach((requirement, topic) => {
      if (requirement === null) {
        this.alwaysEvaluated.push(topic);
        return;
      }
      for (const token of requirement.exact) addTo(this.byToken, token, topic);
      for (const prefix of requirement.prefixes) this.addPrefix(prefix, topic);
    });
  }

  /** How many topics are evaluated for every article. */
  get alwaysEvaluatedCount(): number {
    return this.alwaysEvaluated.length;
  }

  /** The topics that may match an article with these tokens (one list per field), in ascending order. */
  candidates(tokenLists: readonly (readonly string[])[]): number[] {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    const stamps = this.stamps;
    const found: number[] = [];
    markTopics(this.alwaysEvaluated, stamps, epoch, found);
    const roots = this.prefixRoots;
    const short = this.shortPrefixes;
    const walk = roots.size > 0;
    for (const tokens of tokenLists) {
      for (let t = 0; t < tokens.length; t++) {
        const token = tokens[t] as string;
        const exact = this.byToken.get(token);
        if (exact !== undefined) markTopics(exact, stamps, epoch, found);
        for (let i = 0; i < short.length; i++) {
          const entry = short[i] as ShortPrefix;
          if (token.startsWith(entry.prefix)) markTopics(entry.topics, stamps, epoch, found);
        }
        if (!walk || token.length < ROOT_LENGTH) continue;
        let node = roots.get(rootKey(token));
        for (let i = ROOT_LENGTH; node !== undefined; i++) {
          if (node.topics !== null) markTopics(node.topics, stamps, epoch, found);
          if (node.children === null || i >= token.length) break;
          node = node.children.get(token.charCodeAt(i));
        }
      }
    }
    return found.sort((a, b) => a - b);
  }

  private addPrefix(prefix: string, topic: number): void {
    if (prefix.length < ROOT_LENGTH) {
      const entry = this.shortPrefixes.find((e) => e.prefix === prefix);
      if (entry === undefined) this.shortPrefixes.push({ prefix, topics: [topic] });
      else if (entry.topics[entry.topics.length - 1] !== topic) entry.topics.push(topic);
      return;
    }
    const key = rootKey(prefix);
    let node = this.prefixRoots.get(key);
    if (node === undefined) {
      node = { children: null, topics: null };
      this.prefixRoots.set(key, node);
    }
    for (let i = ROOT_LENGTH; i < prefix.length; i++) {
      if (node.children === null) node.children = new Map();
      const code = prefix.charCodeAt(i);
      let child = node.children.get(code);
      if (child === undefined) {
        child = { children: null, topics: null };
        node.children.set(code, child);
      }
      node = child;
    }
    if (node.topics === null) node.topics = [topic];
    else if (node.topics[node.topics.length - 1] !== topic) node.topics.push(topic);
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
