import { NewswatchError } from "../errors.js";
import { analyseWords } from "./analyse.js";
import {
  type AliasNode,
  DEFAULT_FUZZY_THRESHOLD,
  DEFAULT_NEAR_DISTANCE,
  type QueryNode,
  type TermNode,
  termKey,
  type WordPattern,
} from "./ast.js";
import type { MatchField } from "./types.js";

// Recursive-descent parser for the query language of DESIGN.md.
//   query   := or EOF
//   or      := and ("OR" and)*
//   and     := near (["AND"] near)*            (juxtaposition is AND)
//   near    := unary ("NEAR" | "NEAR/n" unary)*
//   unary   := ("NOT" | "-") unary | primary
//   primary := [field ":"] ( "(" or ")" | '"' phrase '"' | word | "@" alias )
// Precedence NOT > NEAR > AND > OR. Operators are upper-case; lower-case `and` is a word.

/** A query problem at a 0-based character offset of the query. */
export interface QueryProblem {
  offset: number;
  message: string;
}

export class QuerySyntaxError extends NewswatchError {
  readonly offset: number;
  /** The message without its `query:1:col:` position. */
  readonly detail: string;
  constructor(problem: QueryProblem) {
    super("NW_QUERY_SYNTAX", `query:1:${problem.offset + 1}: ${problem.message}`);
    this.name = "QuerySyntaxError";
    this.offset = problem.offset;
    this.detail = problem.message;
  }
}

const FIELDS: readonly MatchField[] = ["title", "text", "source", "url"];
const ALIAS_NAME = /^[\p{L}\p{N}_-]+/u;

type Token =
  | { kind: "lparen" | "rparen" | "and" | "or" | "not" | "minus" | "eof"; offset: number }
  | { kind: "near"; offset: number; distance: number }
  | { kind: "field"; offset: number; field: MatchField }
  | { kind: "phrase"; offset: number; content: string }
  | { kind: "word"; offset: number; text: string }
  | { kind: "alias"; offset: number; name: string };

export interface ParseResult {
  /** Null when the query has a syntax error. */
  node: QueryNode | null;
  /** Every problem found: the first syntax error and every bad alias reference. */
  problems: QueryProblem[];
}

/** Parses a query, collecting problems instead of throwing. */
export function parseQueryLeniently(
  query: string,
  aliases: Record<string, string[]>,
  shared?: SharedAliasEntries,
): ParseResult {
  const parser = new Parser(query, aliases, shared ?? new Map());
  try {
    const node = parser.parseQuery();
    return { node: parser.aliasProblems.length === 0 ? node : null, problems: parser.aliasProblems };
  } catch (err) {
    if (!(err instanceof QuerySyntaxError)) throw err;
    const problems = [...parser.aliasProblems, { offset: err.offset, message: err.detail }];
    problems.sort((a, b) => a.offset - b.offset);
    return { node: null, problems };
  }
}

/**
 * Alias entries parsed once and shared by every query that uses the alias (10,000 topics using @russia
 * hold one copy of its phrases). Keyed by alias name; the entries have no field scope.
 */
export type SharedAliasEntries = Map<string, TermNode[]>;

/** Parses a query; throws QuerySyntaxError on the first problem. */
export function parseQuery(
  query: string,
  aliases: Record<string, string[]>,
  shared?: SharedAliasEntries,
): QueryNode {
  const result = parseQueryLeniently(query, aliases, shared);
  const first = result.problems[0];
  if (first !== undefined || result.node === null) {
    throw new QuerySyntaxError(first ?? { offset: 0, message: "invalid query" });
  }
  return result.node;
}

function fail(offset: number, message: string): never {
  throw new QuerySyntaxError({ offset, message });
}

function column(offset: number): number {
  return offset + 1;
}

class Parser {
  readonly aliasProblems: QueryProblem[] = [];
  private tokens: Token[] = [];
  private index = 0;

  constructor(
    private readonly query: string,
    private readonly aliases: Record<string, string[]>,
    private readonly sharedEntries: SharedAliasEntries,
  ) {}

  parseQuery(): QueryNode {
    this.tokens = lex(this.query);
    if (this.peek().kind === "eof") fail(0, "empty query: expected a term, phrase, alias or '('");
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind === "rparen") fail(next.offset, "unexpected ')' without a matching '('");
    if (next.kind !== "eof") fail(next.offset, "expected an operator or the end of the query");
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? { kind: "eof", offset: this.query.length };
  }

  private advance(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length) this.index++;
    return token;
  }

  private parseOr(): QueryNode {
    const first = this.parseAnd();
    const children = [first];
    while (this.peek().kind === "or") {
      const operator = this.advance();
      children.push(this.parseAnd(`after OR at column ${column(operator.offset)}`));
    }
    return children.length === 1 ? first : { kind: "or", children, offset: first.offset };
  }

  private parseAnd(context?: string): QueryNode {
    const first = this.parseNear(context);
    const children = [first];
    for (;;) {
      const next = this.peek();
      if (next.kind === "and") {
        this.advance();
        children.push(this.parseNear(`after AND at column ${column(next.offset)}`));
      } else if (startsOperand(next)) {
        children.push(this.parseNear());
      } else {
        break;
      }
    }
    return children.length === 1 ? first : { kind: "and", children, offset: first.offset };
  }

  private parseNear(context?: string): QueryNode {
    let left = this.parseUnary(context);
    while (this.peek().kind === "near") {
      const operator = this.advance() as Extract<Token, { kind: "near" }>;
      const right = this.parseUnary(`after NEAR at column ${column(operator.offset)}`);
      checkNearOperand(left, operator.offset);
      checkNearOperand(right, operator.offset);
      left = { kind: "near", distance: operator.distance, left, right, offset: left.offset };
    }
    return left;
  }

  private parseUnary(context?: string): QueryNode {
    const token = this.peek();
    if (token.kind === "not" || token.kind === "minus") {
      this.advance();
      const what = token.kind === "not" ? "NOT" : "'-'";
      const child = this.parseUnary(`after ${what} at column ${column(token.offset)}`);
      return { kind: "not", child, offset: token.offset };
    }
    return this.parsePrimary(context);
  }

  private parsePrimary(context?: string, field: MatchField | null = null): QueryNode {
    const token = this.advance();
    switch (token.kind) {
      case "lparen": {
        if (this.peek().kind === "rparen")
          fail(this.peek().offset, "expected a term, phrase or alias inside '()'");
        const inner = this.parseOr();
        const close = this.peek();
        if (close.kind !== "rparen") {
          fail(close.offset, `expected ')' to close '(' at column ${column(token.offset)}`);
        }
        this.advance();
        return field === null ? inner : scopeToField(inner, field);
      }
      case "field": {
        if (field !== null) fail(token.offset, `field scope '${token.field}:' inside '${field}:'`);
        const next = this.peek();
        if (
          next.kind !== "lparen" &&
          next.kind !== "phrase" &&
          next.kind !== "word" &&
          next.kind !== "alias"
        ) {
          fail(next.offset, `expected a term, phrase, alias or '(' right after '${token.field}:'`);
        }
        return this.parsePrimary(undefined, token.field);
      }
      case "phrase":
        return makeTerm(
          `"${token.content}"`,
          phrasePatterns(token.content, token.offset + 1),
          field,
          token.offset,
        );
      case "word":
        return makeTerm(token.text, wordPatterns(token.text, token.offset), field, token.offset);
      case "alias":
        return this.resolveAlias(token.name, token.offset, field);
      case "rparen":
        fail(token.offset, `expected a term, phrase, alias or '(' ${context ?? "before ')'"}`);
        break;
      case "eof":
        fail(token.offset, `expected a term, phrase, alias or '(' ${context ?? "at the end of the query"}`);
        break;
      default:
        fail(
          token.offset,
          `expected a term, phrase, alias or '(' ${context ?? ""}, found ${describe(token)}`.trim(),
        );
    }
  }

  private resolveAlias(name: string, offset: number, field: MatchField | null): AliasNode {
    const node: AliasNode = { kind: "alias", name, entries: [], offset };
    const entries = Object.hasOwn(this.aliases, name) ? this.aliases[name] : undefined;
    if (entries === undefined) {
      const known = Object.keys(this.aliases);
      const hint = known.length === 0 ? "no aliases are defined" : `known: ${known.join(", ")}`;
      this.aliasProblems.push({ offset, message: `unknown alias @${name} (${hint})` });
      return node;
    }
    let shared = this.sharedEntries.get(name);
    if (shared === undefined) {
      const problem = aliasEntryProblem(name, this.aliases);
      if (problem !== null) {
        this.aliasProblems.push({ offset, message: problem });
        return node;
      }
      shared = entries.map((entry) => {
        const source = /\s/.test(entry.trim()) ? `"${entry.trim()}"` : entry.trim();
        return makeTerm(source, phrasePatterns(entry, 0), null, 0);
      });
      this.sharedEntries.set(name, shared);
    }
    node.entries = field === null ? shared : shared.map((entry) => scopeToField(entry, field) as TermNode);
    return node;
  }
}

/** Why an alias cannot be used, or null. Alias entries are phrases; they never refer to aliases. */
function aliasEntryProblem(name: string, aliases: Record<string, string[]>): string | null {
  const entries = aliases[name] ?? [];
  if (entries.length === 0) return `alias @${name} has no entries`;
  for (const entry of entries) {
    const reference = /(?:^|\s)@([\p{L}\p{N}_-]+)/u.exec(entry);
    if (reference !== null) {
      const cycle = findAliasCycle(name, aliases);
      if (cycle !== null) return `alias cycle: ${cycle.map((n) => `@${n}`).join(" → ")}`;
      return `alias @${name}: entry '${entry}' refers to @${reference[1]}; alias entries must be phrases, not aliases`;
    }
    try {
      phrasePatterns(entry, 0);
    } catch (err) {
      if (!(err instanceof QuerySyntaxError)) throw err;
      return `alias @${name}: entry '${entry}': ${err.detail}`;
    }
  }
  return null;
}

function findAliasCycle(start: string, aliases: Record<string, string[]>): string[] | null {
  const path: string[] = [];
  const visit = (name: string): string[] | null => {
    const at = path.indexOf(name);
    if (at >= 0) return [...path.slice(at), name];
    path.push(name);
    for (const entry of aliases[name] ?? []) {
      for (const reference of entry.matchAll(/(?:^|\s)@([\p{L}\p{N}_-]+)/gu)) {
        const target = reference[1];
        if (target === undefined || !Object.hasOwn(aliases, target)) continue;
        const cycle = visit(target);
        if (cycle !== null) return cycle;
      }
    }
    path.pop();
    return null;
  };
  return visit(start);
}

function makeTerm(source: string, words: WordPattern[], field: MatchField | null, offset: number): TermNode {
  return { kind: "term", words, field, source, offset, key: termKey(words, field) };
}

function scopeToField(node: QueryNode, field: MatchField): QueryNode {
  switch (node.kind) {
    case "term":
      if (node.field !== null && node.field !== field) {
        fail(node.offset, `field scope '${node.field}:' inside '${field}:'`);
      }
      return { ...node, field, key: termKey(node.words, field) };
    case "alias": {
      const scoped = node.entries[0]?.field ?? null;
      if (scoped !== null && scoped !== field)
        fail(node.offset, `field scope '${scoped}:' inside '${field}:'`);
      return {
        ...node,
        entries: node.entries.map((entry) => ({ ...entry, field, key: termKey(entry.words, field) })),
      };
    }
    case "and":
    case "or":
      return { ...node, children: node.children.map((child) => scopeToField(child, field)) };
    case "not":
      return { ...node, child: scopeToField(node.child, field) };
    case "near":
      return {
        ...node,
        left: scopeToField(node.left, field),
        right: scopeToField(node.right, field),
      };
  }
}

/** NEAR needs positions on both sides: terms, phrases, aliases, ORs of those, or another NEAR. */
function checkNearOperand(node: QueryNode, operatorOffset: number): void {
  switch (node.kind) {
    case "term":
    case "alias":
    case "near":
      return;
    case "or":
      for (const child of node.children) checkNearOperand(child, operatorOffset);
      return;
    case "and":
      fail(
        node.offset,
        `NEAR at column ${column(operatorOffset)} needs terms, phrases, aliases or OR groups on each side, not AND`,
      );
      break;
    case "not":
      fail(
        node.offset,
        `NEAR at column ${column(operatorOffset)} needs terms, phrases, aliases or OR groups on each side, not NOT`,
      );
  }
}

function startsOperand(token: Token): boolean {
  return (
    token.kind === "lparen" ||
    token.kind === "phrase" ||
    token.kind === "word" ||
    token.kind === "alias" ||
    token.kind === "field" ||
    token.kind === "not" ||
    token.kind === "minus"
  );
}

function describe(token: Token): string {
  switch (token.kind) {
    case "and":
      return "AND";
    case "or":
      return "OR";
    case "near":
      return "NEAR";
    case "not":
      return "NOT";
    default:
      return `'${token.kind}'`;
  }
}

/** The patterns of the words of a phrase's content; `offset` is where the content starts in the query. */
export function phrasePatterns(content: string, offset: number): WordPattern[] {
  const patterns: WordPattern[] = [];
  for (const chunk of content.matchAll(/\S+/g)) {
    const chunkOffset = offset + chunk.index;
    if (!/[\p{L}\p{N}]/u.test(chunk[0]) && !chunk[0].includes("*") && !chunk[0].includes("~")) continue;
    patterns.push(...wordPatterns(chunk[0], chunkOffset));
  }
  if (patterns.length === 0) fail(offset > 0 ? offset - 1 : 0, "expected words inside the phrase");
  return patterns;
}

/** The patterns of one written word: `word`, `word*`, `word~`, `word~0.8`, `kim-jong-un`. */
export function wordPatterns(word: string, offset: number): WordPattern[] {
  let body = word;
  let threshold: number | null = null;
  const tilde = word.lastIndexOf("~");
  if (tilde >= 0) {
    const suffix = word.slice(tilde + 1);
    if (suffix !== "" && !/^(?:\d+(?:\.\d+)?|\.\d+)$/.test(suffix)) {
      fail(offset + tilde + 1, `expected a similarity between 0 and 1 after '~', found '${suffix}'`);
    }
    threshold = suffix === "" ? DEFAULT_FUZZY_THRESHOLD : Number(suffix);
    if (!(threshold > 0 && threshold <= 1)) {
      fail(offset + tilde + 1, `fuzzy similarity must be greater than 0 and at most 1, found ${suffix}`);
    }
    body = word.slice(0, tilde);
  }
  const star = body.indexOf("*");
  const isPrefix = star >= 0;
  if (isPrefix && star !== body.length - 1) {
    fail(offset + star, "a wildcard '*' is allowed only at the end of a word");
  }
  if (isPrefix && threshold !== null)
    fail(offset + star, "a word cannot be both a wildcard '*' and fuzzy '~'");
  const tokens = analyseWords(isPrefix ? body.slice(0, -1) : body);
  if (tokens.length === 0) {
    fail(offset, `expected a word with letters or digits, found '${word}'`);
  }
  if (threshold !== null) return [{ kind: "fuzzy", text: tokens.join(""), threshold }];
  return tokens.map((text, i) =>
    isPrefix && i === tokens.length - 1 ? { kind: "prefix", text } : { kind: "exact", text },
  );
}

function lex(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const char = query[i] as string;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === "(" || char === ")") {
      tokens.push({ kind: char === "(" ? "lparen" : "rparen", offset: i });
      i++;
      continue;
    }
    if (char === '"') {
      const close = query.indexOf('"', i + 1);
      if (close < 0) fail(query.length, `expected '"' to close the phrase opened at column ${column(i)}`);
      tokens.push({ kind: "phrase", offset: i, content: query.slice(i + 1, close) });
      i = close + 1;
      continue;
    }
    let end = i;
    while (end < query.length && !/[\s()"]/.test(query[end] as string)) end++;
    const word = query.slice(i, end);
    lexWord(query, word, i, tokens);
    i = end;
  }
  return tokens;
}

function lexWord(query: string, word: string, offset: number, tokens: Token[]): void {
  const nextChar = query[offset + word.length];
  const followedByGroup = nextChar === "(" || nextChar === '"';
  if (word === "AND" || word === "OR" || word === "NOT") {
    tokens.push({ kind: word === "AND" ? "and" : word === "OR" ? "or" : "not", offset });
    return;
  }
  if (word === "NEAR" || word.startsWith("NEAR/")) {
    tokens.push({ kind: "near", offset, distance: nearDistance(word, offset) });
    return;
  }
  if (word.startsWith("-") && (word.length > 1 || followedByGroup)) {
    tokens.push({ kind: "minus", offset });
    if (word.length > 1) lexWord(query, word.slice(1), offset + 1, tokens);
    return;
  }
  if (word.startsWith("@")) {
    const name = ALIAS_NAME.exec(word.slice(1))?.[0];
    if (name === undefined) fail(offset + 1, "expected an alias name after '@'");
    if (name.length !== word.length - 1)
      fail(offset + 1 + name.length, `unexpected '${word[name.length + 1]}' after @${name}`);
    tokens.push({ kind: "alias", offset, name });
    return;
  }
  const colon = word.indexOf(":");
  const field = FIELDS.find((f) => colon === f.length && word.startsWith(f));
  if (field !== undefined) {
    tokens.push({ kind: "field", offset, field });
    if (word.length > colon + 1) lexWord(query, word.slice(colon + 1), offset + colon + 1, tokens);
    else if (!followedByGroup)
      fail(offset + colon + 1, `expected a term, phrase, alias or '(' right after '${field}:'`);
    return;
  }
  tokens.push({ kind: "word", offset, text: word });
}

function nearDistance(word: string, offset: number): number {
  if (word === "NEAR") return DEFAULT_NEAR_DISTANCE;
  const digits = word.slice("NEAR/".length);
  if (!/^\d+$/.test(digits)) fail(offset + 5, `expected a number of words after 'NEAR/', found '${digits}'`);
  const distance = Number(digits);
  if (distance < 1) fail(offset + 5, "NEAR distance must be at least 1");
  return distance;
}
