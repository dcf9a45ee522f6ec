import type { ArticleIndex, TermOccurrence } from "./article-index.js";
import type { MatchField, TermHit } from "./types.js";

// Relevance of a match: for each query term that fired, its rarity (IDF) times a damped count of its
// occurrences, where an occurrence in the title counts three times one in the text. Pure: the document
// frequencies come in as a parameter; without them a word's length stands in for its rarity.

/** How many documents of a reference collection contain each normalised token. */
export interface DocumentFrequencies {
  documents: number;
  counts: ReadonlyMap<string, number>;
}

const FIELD_WEIGHT: Record<MatchField, number> = { title: 3, text: 1, source: 0.5, url: 0.5 };
const SNIPPET_LENGTH = 200;
const SNIPPET_LEAD = 70;

/** Inverse document frequency of a normalised token (BM25's form, always positive). */
export function inverseDocumentFrequency(token: string, frequencies?: DocumentFrequencies): number {
  if (frequencies === undefined || frequencies.documents === 0) {
    // Without statistics: longer words tend to be rarer (and "un" less telling than "pyongyang").
    return 1 + Math.log(1 + token.length / 4);
  }
  const df = Math.min(frequencies.counts.get(token) ?? 0, frequencies.documents);
  return Math.log(1 + (frequencies.documents - df + 0.5) / (df + 0.5));
}

const rarityTables = new WeakMap<DocumentFrequencies, Map<string, number>>();

/** The rarity of tokens already computed for a statistics table (same answers, fewer logarithms). */
function rarityTable(frequencies: DocumentFrequencies): Map<string, number> {
  let table = rarityTables.get(frequencies);
  if (table === undefined) {
    table = new Map();
    rarityTables.set(frequencies, table);
  }
  return table;
}

function rarityOf(
  token: string,
  frequencies: DocumentFrequencies | undefined,
  table: Map<string, number> | null,
): number {
  if (frequencies === undefined || table === null) return inverseDocumentFrequency(token);
  let rarity = table.get(token);
  if (rarity === undefined) {
    rarity = inverseDocumentFrequency(token, frequencies);
    table.set(token, rarity);
  }
  return rarity;
}

/** Counts, for each token, the documents that contain it (for `DocumentFrequencies`). */
export function countDocumentFrequencies(documents: Iterable<Iterable<string>>): DocumentFrequencies {
  const counts = new Map<string, number>();
  let total = 0;
  for (const tokens of documents) {
    total++;
    for (const token of new Set(tokens)) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return { documents: total, counts };
}

export interface ScoredMatch {
  score: number;
  hits: TermHit[];
  matched: string[];
  snippet: string;
}

export function scoreOccurrences(
  occurrences: TermOccurrence[],
  article: ArticleIndex,
  frequencies?: DocumentFrequencies,
): ScoredMatch {
  const unique = uniqueOccurrences(occurrences);
  const table = frequencies === undefined ? null : rarityTable(frequencies);
  const byTerm = new Map<string, { weight: number; rarity: number; count: number }>();
  const hits: TermHit[] = [];
  const matched: string[] = [];
  for (const occurrence of unique) {
    const { term, field, start, end } = occurrence;
    const tokens = article.fields[field].tokens.tokens;
    let rarity = 0;
    for (let p = start; p <= end; p++) rarity += rarityOf(tokens[p] as string, frequencies, table);
    const entry = byTerm.get(term.key);
    if (entry === undefined) {
      byTerm.set(term.key, { weight: FIELD_WEIGHT[field], rarity, count: 1 });
    } else {
      entry.weight += FIELD_WEIGHT[field];
      entry.rarity += rarity;
      entry.count++;
    }
    const surface = article.surfaceOf(field, start, end);
    hits.push({
      term: term.field === null ? term.source : `${term.field}:${term.source}`,
      field,
      position: start,
      surface,
    });
    if (!matched.includes(surface)) matched.push(surface);
  }
  let score = 0;
  for (const { weight, rarity, count } of byTerm.values()) {
    score += (rarity / count) * (1 + Math.log(1 + weight));
  }
  return { score: Math.round(score * 1000) / 1000, hits, matched, snippet: snippetFor(unique, article) };
}

const FIELD_ORDER: Record<MatchField, number> = { title: 0, text: 1, source: 2, url: 3 };

function compareOccurrences(a: TermOccurrence, b: TermOccurrence): number {
  return (
    FIELD_ORDER[a.field] - FIELD_ORDER[b.field] ||
    a.start - b.start ||
    a.end - b.end ||
    (a.term.key < b.term.key ? -1 : a.term.key > b.term.key ? 1 : 0)
  );
}

/** One occurrence per (field, start, end, term), in field then position order. */
function uniqueOccurrences(occurrences: TermOccurrence[]): TermOccurrence[] {
  // Most matches arrive in order already (one term, found field by field): check before sorting.
  let ordered = true;
  for (let i = 1; i < occurrences.length && ordered; i++) {
    ordered = compareOccurrences(occurrences[i - 1] as TermOccurrence, occurrences[i] as TermOccurrence) < 0;
  }
  if (ordered) return occurrences;
  const sorted = [...occurrences].sort(compareOccurrences);
  return sorted.filter((o, i) => {
    const previous = sorted[i - 1];
    return previous === undefined || compareOccurrences(previous, o) !== 0;
  });
}

/**
 * About 200 characters of the text around its densest cluster of hits; when only the title (or the
 * source or URL) matched, the opening of the text, or the title when there is no text.
 */
export function snippetFor(occurrences: TermOccurrence[], article: ArticleIndex): string {
  const text = article.fields.text.tokens;
  const inText = occurrences.filter((o) => o.field === "text");
  if (inText.length === 0) {
    return cachedCut(article, -1, /\S/.test(text.text) ? text.text : article.input.title, 0);
  }
  // The hit that starts the window holding the most hits (hits are in position order).
  let best = inText[0] as TermOccurrence;
  let bestCount = 0;
  let last = 0;
  for (let first = 0; first < inText.length; first++) {
    const from = text.starts[(inText[first] as TermOccurrence).start] as number;
    if (last < first) last = first;
    while (
      last + 1 < inText.length &&
      (text.starts[(inText[last + 1] as TermOccurrence).start] as number) <
        from + SNIPPET_LENGTH - SNIPPET_LEAD
    ) {
      last++;
    }
    if (last - first + 1 > bestCount) {
      best = inText[first] as TermOccurrence;
      bestCount = last - first + 1;
    }
  }
  const from = Math.max(0, (text.starts[best.start] as number) - SNIPPET_LEAD);
  return cachedCut(article, from, text.text, from);
}

/** `cut`, remembered per article by where it starts (many topics hit the same words). */
function cachedCut(article: ArticleIndex, key: number, text: string, from: number): string {
  let snippet = article.snippets.get(key);
  if (snippet === undefined) {
    snippet = cut(text, from);
    article.snippets.set(key, snippet);
  }
  return snippet;
}

/** SNIPPET_LENGTH characters from about `from`, on word boundaries, whitespace collapsed, with ellipses. */
function cut(text: string, from: number): string {
  let start = from;
  if (start > 0) {
    const space = text.lastIndexOf(" ", start);
    start = space < 0 || start - space > 20 ? start : space + 1;
  }
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end);
    if (space > start + SNIPPET_LENGTH / 2) end = space;
  }
  const slice = text.slice(start, end);
  // The regular expression is slow on every snippet; most slices hold only single spaces and skip it.
  const body = (needsCollapsing(slice) ? slice.replace(/\s+/g, " ") : slice).trim();
  return `${start > 0 ? "…" : ""}${body}${end < text.length ? "…" : ""}`;
}

/** Whether `text` holds whitespace other than single spaces (what `\s+` → " " would change). */
function needsCollapsing(text: string): boolean {
  let previousSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (previousSpace) return true;
      previousSpace = true;
      continue;
    }
    previousSpace = false;
    if (c < 0xa0 ? c >= 9 && c <= 13 : isWideWhitespace(c)) return true;
  }
  return false;
}

/** The characters beyond Latin-1's control range that JavaScript's `\s` matches. */
function isWideWhitespace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
