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
    switch (word.kind) {
      case "exact":
        return { exact: [word.text], prefixes: [], cost: estimate(word.text) };
      case "prefix":
        // A prefix stands for every word that starts with it: count it as several times as common.
        return { exact: [], prefixes: [word.text], cost: Math.min(1, 4 * estimate(word.text)) };
      case "fuzzy":
        return null;
    }
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

/**
 * Topic numbers by required word. Prefixes are kept per length, so the prefixes matching a token are
 * found with one hash look-up per distinct prefix length (a handful) instead of a scan.
 */
export class PresearchIndex {
  private readonly byToken = new Map<string, number[]>();
  private readonly byPrefixLength = new Map<number, Map<string, number[]>>();
  private prefixLengths: number[] = [];
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
      for (const prefix of requirement.prefixes) {
        let forLength = this.byPrefixLength.get(prefix.length);
        if (forLength === undefined) {
          forLength = new Map();
          this.byPrefixLength.set(prefix.length, forLength);
        }
        addTo(forLength, prefix, topic);
      }
    });
    this.prefixLengths = [...this.byPrefixLength.keys()].sort((a, b) => a - b);
  }

  /** How many topics are evaluated for every article. */
  get alwaysEvaluatedCount(): number {
    return this.alwaysEvaluated.length;
  }

  /** The topics that may match an article with these distinct tokens, in ascending order. */
  candidates(tokens: Iterable<string>): number[] {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
    const found: number[] = [...this.alwaysEvaluated];
    for (const topic of this.alwaysEvaluated) this.stamps[topic] = this.epoch;
    const mark = (topics: number[] | undefined): void => {
      if (topics === undefined) return;
      for (const topic of topics) {
        if (this.stamps[topic] === this.epoch) continue;
        this.stamps[topic] = this.epoch;
        found.push(topic);
      }
    };
    for (const token of tokens) {
      mark(this.byToken.get(token));
      for (const length of this.prefixLengths) {
        if (length > token.length) break;
        mark(this.byPrefixLength.get(length)?.get(token.slice(0, length)));
      }
    }
    return found.sort((a, b) => a - b);
  }
}

function addTo(map: Map<string, number[]>, key: string, topic: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [topic]);
  else if (list[list.length - 1] !== topic) list.push(topic);
}
