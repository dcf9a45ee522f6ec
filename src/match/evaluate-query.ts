import type { ArticleIndex, Span, TermOccurrence } from "./article-index.js";
import type { NearNode, QueryNode } from "./ast.js";

// Evaluation of a parsed query against one analysed article.

/** Whether the article matches the query. */
export function evaluateQuery(node: QueryNode, article: ArticleIndex): boolean {
  switch (node.kind) {
    case "term":
      return article.hasTerm(node);
    case "alias":
      return node.entries.some((entry) => article.hasTerm(entry));
    case "and":
      return node.children.every((child) => evaluateQuery(child, article));
    case "or":
      return node.children.some((child) => evaluateQuery(child, article));
    case "not":
      return !evaluateQuery(node.child, article);
    case "near":
      // Both sides must occur at all before their distance is worth measuring.
      return (
        evaluateQuery(node.left, article) &&
        evaluateQuery(node.right, article) &&
        nearSpans(node, article).length > 0
      );
  }
}

/**
 * The spans where a positional node occurs: terms, aliases, ORs of those and NEARs (the parser allows
 * nothing else under NEAR). Other nodes have no position and yield no spans.
 */
export function spansOf(node: QueryNode, article: ArticleIndex): Span[] {
  switch (node.kind) {
    case "term":
      return article.spansOfTerm(node);
    case "alias":
      return node.entries.flatMap((entry) => article.spansOfTerm(entry));
    case "or":
      return node.children.flatMap((child) => spansOf(child, article));
    case "near":
      return nearSpans(node, article);
    default:
      return [];
  }
}

/**
 * Pairs of a left and a right span in the same field whose closest positions differ by at most the
 * NEAR distance (overlapping spans are at distance 0); each pair becomes one span covering both.
 */
export function nearSpans(node: NearNode, article: ArticleIndex): Span[] {
  const left = spansOf(node.left, article);
  if (left.length === 0) return [];
  const right = spansOf(node.right, article);
  const pairs: Span[] = [];
  for (const a of left) {
    for (const b of right) {
      if (a.field !== b.field || spanDistance(a, b) > node.distance) continue;
      pairs.push({
        field: a.field,
        start: Math.min(a.start, b.start),
        end: Math.max(a.end, b.end),
        terms: [...a.terms, ...b.terms],
      });
    }
  }
  return pairs;
}

/** Words between the closest ends of two spans, counted as a position difference. */
export function spanDistance(a: Span, b: Span): number {
  if (a.end < b.start) return b.start - a.end;
  if (b.end < a.start) return a.start - b.end;
  return 0;
}

/**
 * The term occurrences that make a matching query true (call it only for a query that holds): every
 * occurrence of the positive terms of the satisfied branches (NEAR contributes only its qualifying
 * pairs; nothing under NOT counts).
 */
export function collectOccurrences(node: QueryNode, article: ArticleIndex, into: TermOccurrence[]): void {
  switch (node.kind) {
    case "term":
    case "alias":
    case "near":
      for (const span of spansOf(node, article)) into.push(...span.terms);
      return;
    case "and":
      // Every child of a matching AND holds.
      for (const child of node.children) collectOccurrences(child, article, into);
      return;
    case "or":
      for (const child of node.children) {
        if (evaluateQuery(child, article)) collectOccurrences(child, article, into);
      }
      return;
    case "not":
      return;
  }
}

/**
 * The same query with the children of every AND ordered cheapest first (fuzzy words, which compare
 * against every token, last; rarer words before common ones), so that evaluation stops early. The
 * result of evaluation is the same; only `evaluateQuery` gets faster.
 */
export function orderForEvaluation(node: QueryNode, frequency: (token: string) => number): QueryNode {
  switch (node.kind) {
    case "and": {
      const children = node.children.map((child) => orderForEvaluation(child, frequency));
      const costs = new Map(children.map((child) => [child, evaluationCost(child, frequency)]));
      children.sort((a, b) => (costs.get(a) as number) - (costs.get(b) as number));
      return { ...node, children };
    }
    case "or":
      return { ...node, children: node.children.map((child) => orderForEvaluation(child, frequency)) };
    case "not":
      return { ...node, child: orderForEvaluation(node.child, frequency) };
    case "near":
      return {
        ...node,
        left: orderForEvaluation(node.left, frequency),
        right: orderForEvaluation(node.right, frequency),
      };
    default:
      return node;
  }
}

function evaluationCost(node: QueryNode, frequency: (token: string) => number): number {
  switch (node.kind) {
    case "term": {
      if (node.words.some((word) => word.kind === "fuzzy")) return 100;
      const first = node.words[0];
      const likelihood = first === undefined ? 1 : Math.min(1, frequency(first.text));
      return (node.words.length === 1 ? 1 : 2) * (0.5 + likelihood);
    }
    case "alias":
      return node.entries.reduce((sum, entry) => sum + evaluationCost(entry, frequency), 0);
    case "and":
    case "or":
      return node.children.reduce((sum, child) => sum + evaluationCost(child, frequency), 0);
    case "not":
      return evaluationCost(node.child, frequency);
    case "near":
      return 5 + evaluationCost(node.left, frequency) + evaluationCost(node.right, frequency);
  }
}
