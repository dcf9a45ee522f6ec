import type { MatchField } from "./types.js";

// The parsed form of a query. Offsets are 0-based character indexes into the query string.

/** One word of a term or phrase, after text analysis. */
export type WordPattern =
  | { kind: "exact"; text: string }
  | { kind: "prefix"; text: string }
  /** `text` is the whole word with its separators removed; it may match one token or two adjacent. */
  | { kind: "fuzzy"; text: string; threshold: number };

/** A word or a phrase (several words in a row); `field` null means title and text. */
export interface TermNode {
  kind: "term";
  words: WordPattern[];
  field: MatchField | null;
  /** As written in the query (or the alias entry), for explanations and hits. */
  source: string;
  offset: number;
  /** Identifies what the term matches (field and patterns); equal keys match the same spans. */
  key: string;
}

export interface AliasNode {
  kind: "alias";
  name: string;
  /** One phrase per alias entry; matches when any of them does. */
  entries: TermNode[];
  offset: number;
}

export interface AndNode {
  kind: "and";
  children: QueryNode[];
  offset: number;
}

export interface OrNode {
  kind: "or";
  children: QueryNode[];
  offset: number;
}

export interface NotNode {
  kind: "not";
  child: QueryNode;
  offset: number;
}

/** Both sides within `distance` words of each other (position difference ≤ distance), in one field. */
export interface NearNode {
  kind: "near";
  distance: number;
  left: QueryNode;
  right: QueryNode;
  offset: number;
}

export type QueryNode = TermNode | AliasNode | AndNode | OrNode | NotNode | NearNode;

/** The identity of a term for caching: two terms with equal keys match exactly the same spans. */
export function termKey(words: readonly WordPattern[], field: MatchField | null): string {
  const patterns = words.map((w) =>
    w.kind === "exact" ? w.text : w.kind === "prefix" ? `${w.text}*` : `${w.text}~${w.threshold}`,
  );
  return `${field ?? ""}:${patterns.join(" ")}`;
}

export const DEFAULT_NEAR_DISTANCE = 10;
export const DEFAULT_FUZZY_THRESHOLD = 0.85;

/** Renders a node back as query text (normalised), for explanations. */
export function formatNode(node: QueryNode): string {
  switch (node.kind) {
    case "term":
      return node.field === null ? node.source : `${node.field}:${node.source}`;
    case "alias":
      return `@${node.name}`;
    case "and":
      return node.children.map(formatOperand).join(" AND ");
    case "or":
      return node.children.map(formatOperand).join(" OR ");
    case "not":
      return `NOT ${formatOperand(node.child)}`;
    case "near":
      return `${formatOperand(node.left)} NEAR/${node.distance} ${formatOperand(node.right)}`;
  }
}

function formatOperand(node: QueryNode): string {
  return node.kind === "and" || node.kind === "or" || node.kind === "near"
    ? `(${formatNode(node)})`
    : formatNode(node);
}
