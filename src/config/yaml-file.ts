import { type Document, isAlias, LineCounter, type ParsedNode, parseDocument } from "yaml";
import type { ConfigProblem } from "../errors.js";

/** One configuration file, parsed, with what is needed to turn offsets into line:col. */
export interface YamlFile {
  /** The path as shown to the user (relative paths stay relative to where they were given). */
  display: string;
  absolute: string;
  text: string;
  lines: LineCounter;
  /** The document's top node; null for an empty file. */
  root: ParsedNode | null;
  doc: Document.Parsed;
  /** True when the YAML itself is broken (its problems are then the only ones worth reporting). */
  hasSyntaxErrors: boolean;
}

/** The node an alias (`*name`) stands for; other nodes, and aliases without an anchor, as they are. */
export function resolveAlias(file: YamlFile, node: ParsedNode | null): ParsedNode | null {
  if (!isAlias(node)) return node;
  return (node.resolve(file.doc) as ParsedNode | undefined) ?? node;
}

export function problemAt(file: YamlFile, offset: number, message: string): ConfigProblem {
  const { line, col } = file.lines.linePos(offset);
  return { file: file.display, line, col, message };
}

/** Parses YAML text; syntax errors come back as problems located at their line and column. */
export function parseYamlFile(
  display: string,
  absolute: string,
  text: string,
): { file: YamlFile; problems: ConfigProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const file: YamlFile = {
    display,
    absolute,
    text,
    lines,
    root: doc.contents,
    doc,
    hasSyntaxErrors: doc.errors.length > 0,
  };
  const problems = doc.errors.map((error) => {
    const start = error.pos[0];
    if (error.code === "DUPLICATE_KEY") {
      // The parser points at the key's first character; read the key up to its `:`.
      const key = (/^(?:"[^"\n]*"|'[^'\n]*'|[^:\n,{}]+)/.exec(text.slice(start))?.[0] ?? "").trim();
      return problemAt(file, start, `duplicate key '${key}' (a key may appear only once in a mapping)`);
    }
    return problemAt(file, start, `YAML syntax error: ${error.message}`);
  });
  return { file, problems };
}
