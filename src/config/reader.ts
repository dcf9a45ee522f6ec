import { isAlias, isMap, isScalar, isSeq, type ParsedNode, type Scalar } from "yaml";
import type { ConfigProblem } from "../errors.js";
import { didYouMean } from "./did-you-mean.js";
import { interpolateEnv } from "./interpolate.js";
import { mapScalarOffsets } from "./scalar-offsets.js";
import { parseDuration, parseSize, UnitError } from "./units.js";
import { problemAt, resolveAlias, type YamlFile } from "./yaml-file.js";

/** A value in the YAML together with where it is and how to name it in a message. */
export interface Field {
  file: YamlFile;
  /** The value node; null when a key has no value at all. */
  node: ParsedNode | null;
  /** Offset to report at when there is no node (the key's position). */
  anchor: number;
  /** Dotted path for messages, e.g. `feeds.defaults.interval`; empty for the top level. */
  path: string;
}

/** A string read from the YAML after interpolation, able to locate any of its characters in the file. */
export interface LocatedString {
  value: string;
  /** 0-based index into `value` → absolute offset in the file text. */
  fileOffset: (index: number) => number;
}

export interface MapEntry {
  key: string;
  keyOffset: number;
  field: Field;
}

export function offsetOf(field: Field): number {
  return field.node?.range?.[0] ?? field.anchor;
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

function describeNode(node: ParsedNode | null): string {
  if (node === null) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    if (node.value === null) return "nothing";
    if (typeof node.value === "string") return `'${node.value}'`;
    return String(node.value);
  }
  if (isAlias(node)) return `*${node.source}, an alias without an anchor`;
  return "an unknown kind of node";
}

/**
 * Typed reading of YAML nodes. Every method reports what is wrong (at the node's line:col) and returns
 * undefined instead of throwing, so that one pass collects every problem of the configuration.
 */
export class ConfigReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  reportAt(file: YamlFile, offset: number, message: string): void {
    this.problems.push(problemAt(file, offset, message));
  }

  /** Reports `path: message` at the field's value. */
  report(field: Field, message: string): void {
    const prefix = field.path === "" ? "top level: " : `${field.path}: `;
    this.reportAt(field.file, offsetOf(field), prefix + message);
  }

  private expected(field: Field, what: string): undefined {
    this.report(field, `expected ${what}, got ${describeNode(field.node)}`);
    return undefined;
  }

  /** Entries of a mapping with free-form keys (aliases, headers). An absent value is an empty mapping. */
  entries(field: Field): MapEntry[] | undefined {
    const node = field.node;
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isMap(node)) return this.expected(field, "a mapping");
    const entries: MapEntry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as ParsedNode | null;
      const keyOffset = keyNode?.range?.[0] ?? offsetOf(field);
      if (!isScalar(keyNode) || (typeof keyNode.value !== "string" && typeof keyNode.value !== "number")) {
        this.reportAt(field.file, keyOffset, `${field.path || "top level"}: expected a plain key name`);
        continue;
      }
      const key = String(keyNode.value);
      const value = resolveAlias(field.file, pair.value as ParsedNode | null);
      entries.push({
        key,
        keyOffset,
        field: { file: field.file, node: value, anchor: keyOffset, path: childPath(field.path, key) },
      });
    }
    return entries;
  }

  /** A mapping with a fixed set of keys; unknown keys are reported with a suggestion. */
  section(field: Field, allowed: readonly string[]): Map<string, MapEntry> | undefined {
    const entries = this.entries(field);
    return entries === undefined ? undefined : this.knownKeys(field, entries, allowed);
  }

  /**
   * The entries whose key is allowed; every other key is reported with a suggestion. At the top level,
   * keys starting with `x-` are ignored: they hold YAML anchors (`x-channels: &channels [...]`).
   */
  knownKeys(field: Field, entries: MapEntry[], allowed: readonly string[]): Map<string, MapEntry> {
    const known = new Map<string, MapEntry>();
    for (const entry of entries) {
      if (allowed.includes(entry.key)) {
        known.set(entry.key, entry);
        continue;
      }
      if (field.path === "" && entry.key.startsWith("x-")) continue;
      const where = field.path === "" ? "top level" : field.path;
      this.reportAt(
        field.file,
        entry.keyOffset,
        `unknown key '${entry.key}' in ${where}${didYouMean(entry.key, allowed)}`,
      );
    }
    return known;
  }

  /** Reports every key of `required` missing from a section. Returns true when all are present. */
  requireKeys(field: Field, entries: Map<string, MapEntry>, required: readonly string[]): boolean {
    let complete = true;
    for (const key of required) {
      if (!entries.has(key)) {
        this.report(field, `missing required key '${key}'`);
        complete = false;
      }
    }
    return complete;
  }

  /** Items of a list; an absent value is an empty list. */
  list(field: Field): Field[] | undefined {
    const node = field.node;
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) return this.expected(field, "a list");
    return node.items.map((item, index) => ({
      file: field.file,
      node: resolveAlias(field.file, item as ParsedNode | null),
      anchor: offsetOf(field),
      path: childPath(field.path, index),
    }));
  }

  /** A string with `${VAR}` references replaced; unset variables are reported where they are written. */
  locatedString(field: Field): LocatedString | undefined {
    const node = field.node;
    if (!isScalar(node) || node.value === null || typeof node.value === "object") {
      return this.expected(field, "a string");
    }
    const raw = typeof node.value === "string" ? node.value : this.rawSource(field.file, node);
    const toFile = mapScalarOffsets(field.file.text, node as Scalar);
    const interpolated = interpolateEnv(raw, this.env);
    for (const problem of interpolated.problems) {
      this.reportAt(field.file, toFile(problem.offset), `${field.path}: ${problem.message}`);
    }
    if (interpolated.problems.length > 0) return undefined;
    return {
      value: interpolated.value,
      fileOffset: (index) =>
        toFile(interpolated.origin[Math.min(index, interpolated.origin.length - 1)] ?? 0),
    };
  }

  string(field: Field): string | undefined {
    return this.locatedString(field)?.value;
  }

  nonEmptyString(field: Field): string | undefined {
    const value = this.string(field);
    if (value !== undefined && value.trim() === "") {
      this.report(field, "must not be empty");
      return undefined;
    }
    return value;
  }

  /** A list, where a single scalar stands for a list of one. */
  listOrSingle(field: Field): Field[] | undefined {
    if (isScalar(field.node) && field.node.value !== null) return [field];
    return this.list(field);
  }

  /** One string or a list of strings. */
  stringList(field: Field): string[] | undefined {
    const items = this.listOrSingle(field);
    if (items === undefined) return undefined;
    const values: string[] = [];
    let valid = true;
    for (const item of items) {
      const value = this.nonEmptyString(item);
      if (value === undefined) valid = false;
      else values.push(value);
    }
    return valid ? values : undefined;
  }

  oneOf<T extends string>(field: Field, options: readonly T[]): T | undefined {
    const value = this.string(field);
    if (value === undefined) return undefined;
    if ((options as readonly string[]).includes(value)) return value as T;
    const choices = options.map((option) => `'${option}'`).join(", ");
    this.report(field, `expected one of ${choices}, got '${value}'${didYouMean(value, options)}`);
    return undefined;
  }

  duration(field: Field): number | undefined {
    const scalar = this.scalarText(field, "a duration like 10m");
    if (scalar === undefined) return undefined;
    try {
      return parseDuration(scalar);
    } catch (error) {
      return this.unitProblem(field, error);
    }
  }

  size(field: Field): number | undefined {
    const node = field.node;
    if (isScalar(node) && typeof node.value === "number") {
      try {
        return parseSize(node.value);
      } catch (error) {
        return this.unitProblem(field, error);
      }
    }
    const scalar = this.scalarText(field, "a size like 10MB");
    if (scalar === undefined) return undefined;
    try {
      return parseSize(scalar);
    } catch (error) {
      return this.unitProblem(field, error);
    }
  }

  /** A number within [min, max]; a string is accepted only when it came from `${VAR}` interpolation. */
  number(field: Field, min: number, max: number, integer = false): number | undefined {
    const what = integer ? "a whole number" : "a number";
    const value = this.numericValue(field, what);
    if (value === undefined) return undefined;
    if (integer && !Number.isInteger(value)) return this.expected(field, what);
    if (value < min || value > max) {
      this.report(field, `expected ${what} from ${min} to ${max}, got ${value}`);
      return undefined;
    }
    return value;
  }

  integer(field: Field, min: number, max: number): number | undefined {
    return this.number(field, min, max, true);
  }

  boolean(field: Field): boolean | undefined {
    const node = field.node;
    if (isScalar(node) && typeof node.value === "boolean") return node.value;
    if (this.isInterpolatedString(field)) {
      const value = this.string(field);
      if (value === "true" || value === "false") return value === "true";
      if (value === undefined) return undefined;
    }
    return this.expected(field, "true or false");
  }

  private numericValue(field: Field, what: string): number | undefined {
    const node = field.node;
    if (isScalar(node) && typeof node.value === "number") return node.value;
    if (this.isInterpolatedString(field)) {
      const value = this.string(field);
      if (value === undefined) return undefined;
      if (/^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
      this.report(field, `expected ${what}, got '${value}'`);
      return undefined;
    }
    return this.expected(field, what);
  }

  private isInterpolatedString(field: Field): boolean {
    const node = field.node;
    return isScalar(node) && typeof node.value === "string" && node.value.includes("${");
  }

  /** The text of a string scalar after interpolation (durations and sizes are strings in YAML). */
  private scalarText(field: Field, what: string): string | undefined {
    const node = field.node;
    if (!isScalar(node) || typeof node.value !== "string") return this.expected(field, what);
    return this.string(field);
  }

  private unitProblem(field: Field, error: unknown): undefined {
    if (!(error instanceof UnitError)) throw error;
    this.report(field, error.message);
    return undefined;
  }

  private rawSource(file: YamlFile, node: Scalar): string {
    const [start, end] = node.range ?? [0, 0];
    return file.text.slice(start, end);
  }
}
