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

/** A node of the prefix trie: children by UTF-16 code unit, and the topics whose prefix ends here. */
interface PrefixNode {
  children: Map<number, PrefixNode>;
  topics: number[] | null;
}

/**
 * Topic numbers by required word. Prefixes sit in a trie walked along each article token, so the
 * prefixes of a token are found in one pass over its characters, without building substrings.
 */
export class PresearchIndex {
  private readonly byToken = new Map<string, number[]>();
  private readonly prefixes: PrefixNode = { children: new Map(), topics: null };
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
  candidates(tokenLists: Iterable<string>[]): number[] {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
    const found: number[] = [];
    const mark = (topics: number[] | null | undefined): void => {
      if (topics == null) return;
      for (const topic of topics) {
        if (this.stamps[topic] === this.epoch) continue;
        this.stamps[topic] = this.epoch;
        found.push(topic);
      }
    };
    mark(this.alwaysEvaluated);
    const root = this.prefixes;
    const walkPrefixes = root.children.size > 0;
    for (const tokens of tokenLists) {
      for (const token of tokens) {
        mark(this.byToken.get(token));
        if (!walkPrefixes) continue;
        let node: PrefixNode | undefined = root;
        for (let i = 0; i < token.length && node !== undefined; i++) {
          node = node.children.get(token.charCodeAt(i));
          if (node !== undefined) mark(node.topics);
        }
      }
    }
    return found.sort((a, b) => a - b);
  }

  private addPrefix(prefix: string, topic: number): void {
    let node = this.prefixes;
    for (let i = 0; i < prefix.length; i++) {
      const code = prefix.charCodeAt(i);
      let child = node.children.get(code);
      if (child === undefined) {
        child = { children: new Map(), topics: null };
        node.children.set(code, child);
      }
      node = child;
    }
    if (node.topics === null) node.topics = [topic];
    else if (node.topics[node.topics.length - 1] !== topic) node.topics.push(topic);
  }
}

function addTo(map: Map<string, number[]>, key: string, topic: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [topic]);
  else if (list[list.length - 1] !== topic) list.push(topic);
}
