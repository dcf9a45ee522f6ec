import { ArticleIndex, DEFAULT_FIELDS, type Span, type TermOccurrence } from "./article-index.js";
import { formatNode, type QueryNode } from "./ast.js";
import { collectOccurrences, evaluateQuery, nearSpans, spanDistance, spansOf } from "./evaluate-query.js";
import { type DocumentFrequencies, type ScoredMatch, scoreOccurrences } from "./score.js";
import type { MatchInput } from "./types.js";

// Why an article does or does not match a query, clause by clause. Pure: returns a tree that the
// `explain` command prints.

export interface ClauseExplanation {
  /** The clause as query text. */
  clause: string;
  holds: boolean;
  /** What was found (or missing) for this clause. */
  reason: string;
  children: ClauseExplanation[];
}

export interface ArticleExplanation {
  articleId: string;
  title: string;
  /** The query holds and the score reaches the minimum. */
  matched: boolean;
  /** The query holds (it may still be below the minimum score). */
  queryHolds: boolean;
  minScore: number;
  /** Score, hits and snippet when the query holds. */
  scored: ScoredMatch | null;
  clauses: ClauseExplanation;
}

const MAX_LISTED = 5;

export function explainArticle(
  query: QueryNode,
  input: MatchInput,
  options: { minScore?: number; documentFrequencies?: DocumentFrequencies } = {},
): ArticleExplanation {
  const article = new ArticleIndex(input);
  const queryHolds = evaluateQuery(query, article);
  let scored: ScoredMatch | null = null;
  if (queryHolds) {
    const occurrences: TermOccurrence[] = [];
    collectOccurrences(query, article, occurrences);
    scored = scoreOccurrences(occurrences, article, options.documentFrequencies);
  }
  const minScore = options.minScore ?? 0;
  return {
    articleId: input.id,
    title: input.title,
    matched: scored !== null && scored.score >= minScore,
    queryHolds,
    minScore,
    scored,
    clauses: explainClause(query, article),
  };
}

function explainClause(node: QueryNode, article: ArticleIndex): ClauseExplanation {
  const clause = formatNode(node);
  const holds = evaluateQuery(node, article);
  switch (node.kind) {
    case "term": {
      const spans = spansOf(node, article);
      const where = node.field === null ? DEFAULT_FIELDS.join(" or ") : node.field;
      const reason = holds ? `found ${listSpans(spans, article)}` : `not found in ${where}`;
      return { clause, holds, reason, children: [] };
    }
    case "alias": {
      const found = node.entries.filter((entry) => article.spansOfTerm(entry).length > 0);
      const reason = holds
        ? `${found.length} of ${node.entries.length} entries found: ${listSpans(spansOf(node, article), article)}`
        : `none of its ${node.entries.length} entries found (${node.entries.map((e) => e.source).join(", ")})`;
      return { clause, holds, reason, children: [] };
    }
    case "and": {
      const children = node.children.map((child) => explainClause(child, article));
      const failing = children.filter((child) => !child.holds).length;
      const reason = holds
        ? `all ${children.length} clauses hold`
        : `${failing} of ${children.length} clauses fail`;
      return { clause, holds, reason, children };
    }
    case "or": {
      const children = node.children.map((child) => explainClause(child, article));
      const passing = children.filter((child) => child.holds).length;
      const reason = holds ? `${passing} of ${children.length} alternatives hold` : "no alternative holds";
      return { clause, holds, reason, children };
    }
    case "not": {
      const child = explainClause(node.child, article);
      const reason = holds ? "the excluded clause is absent" : "the excluded clause is present";
      return { clause, holds, reason, children: [child] };
    }
    case "near": {
      const children = [explainClause(node.left, article), explainClause(node.right, article)];
      return { clause, holds, reason: explainNear(node, article), children };
    }
  }
}

function explainNear(node: Extract<QueryNode, { kind: "near" }>, article: ArticleIndex): string {
  const pairs = nearSpans(node, article);
  const left = spansOf(node.left, article);
  const right = spansOf(node.right, article);
  if (pairs.length > 0) {
    const best = closestPair(left, right);
    const detail = best === null ? "" : `; closest: ${describePair(best, article)}`;
    return `${pairs.length} pair(s) within ${node.distance} words${detail}`;
  }
  if (left.length === 0 && right.length === 0) return "neither side found";
  if (left.length === 0) return "left side not found";
  if (right.length === 0) return "right side not found";
  const best = closestPair(left, right);
  if (best === null) return "both sides found, but never in the same field (title and text are separate)";
  return `closest pair is ${best.distance} words apart, more than ${node.distance}: ${describePair(best, article)}`;
}

interface Pair {
  a: Span;
  b: Span;
  distance: number;
}

function closestPair(left: Span[], right: Span[]): Pair | null {
  let best: Pair | null = null;
  for (const a of left) {
    for (const b of right) {
      if (a.field !== b.field) continue;
      const distance = spanDistance(a, b);
      if (best === null || distance < best.distance) best = { a, b, distance };
    }
  }
  return best;
}

function describePair(pair: Pair, article: ArticleIndex): string {
  return `${describeSpan(pair.a, article)} and ${describeSpan(pair.b, article)}, ${pair.distance} words apart`;
}

function describeSpan(span: Span, article: ArticleIndex): string {
  return `"${article.surfaceOf(span.field, span.start, span.end)}" (${span.field} word ${span.start + 1})`;
}

function listSpans(spans: Span[], article: ArticleIndex): string {
  const listed = spans.slice(0, MAX_LISTED).map((span) => describeSpan(span, article));
  const more = spans.length > MAX_LISTED ? ` and ${spans.length - MAX_LISTED} more` : "";
  return listed.join(", ") + more;
}

/** The explanation as indented lines for people. */
export function formatExplanation(explanation: ArticleExplanation, topicLabel: string): string {
  const lines: string[] = [];
  const verdict = explanation.matched ? "MATCH" : "NO MATCH";
  lines.push(`${verdict}  ${explanation.articleId}  ${topicLabel}  "${explanation.title}"`);
  const scored = explanation.scored;
  if (scored !== null) {
    const below = explanation.matched ? "" : ` (below min_score ${explanation.minScore})`;
    lines.push(`  score ${scored.score}${below}; matched: ${scored.matched.join(", ")}`);
  }
  const walk = (clause: ClauseExplanation, depth: number): void => {
    const mark = clause.holds ? "✓" : "✗";
    lines.push(`${"  ".repeat(depth)}${mark} ${clause.clause} — ${clause.reason}`);
    for (const child of clause.children) walk(child, depth + 1);
  };
  walk(explanation.clauses, 1);
  if (scored !== null && explanation.matched) lines.push(`  snippet: ${scored.snippet}`);
  return lines.join("\n");
}
