import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, LineCounter, parseDocument, type Scalar, stringify } from "yaml";
import { mapScalarOffsets } from "../../../src/config/scalar-offsets.js";

/** The scalar under `key` of a one-mapping document, with the text it was parsed from. */
function scalarOf(text: string, key = "query"): { node: Scalar; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (!isMap(doc.contents)) throw new Error("fixture is not a mapping");
  const node = doc.contents.get(key, true);
  if (!isScalar(node)) throw new Error("fixture value is not a scalar");
  return { node, lines };
}

/** line:col of value index `index`, as a user would count them. */
function positionOf(text: string, index: number): string {
  const { node, lines } = scalarOf(text);
  const { line, col } = lines.linePos(mapScalarOffsets(text, node)(index));
  return `${line}:${col}`;
}

describe("mapScalarOffsets", () => {
  it.each([
    ["plain", "query: a AND @bad\n", "a AND @bad".indexOf("@bad"), "1:14"],
    ["single-quoted", "query: 'a AND @bad'\n", 6, "1:15"],
    ["single-quoted with ''", "query: 'it''s @bad'\n", "it's @bad".indexOf("@bad"), "1:15"],
    ["double-quoted", 'query: "a AND @bad"\n', 6, "1:15"],
    ["double-quoted with escapes", 'query: "\\"x\\" \\u00e9 @bad"\n', '"x" é @bad'.indexOf("@bad"), "1:22"],
    ["flow mapping", "{ id: x, query: 'a @bad' }\n", 2, "1:20"],
    [
      "literal block",
      "query: |\n  first line\n  second @bad\n",
      "first line\nsecond @bad".indexOf("@bad"),
      "3:10",
    ],
    [
      "folded block",
      "query: >\n  first line\n  second @bad\n",
      "first line second @bad".indexOf("@bad"),
      "3:10",
    ],
    ["multi-line plain", "query: first\n  second @bad\n", "first second @bad".indexOf("@bad"), "2:10"],
    [
      "multi-line double-quoted",
      'query: "first\n  second @bad"\n',
      "first second @bad".indexOf("@bad"),
      "2:10",
    ],
  ])("locates a character inside a %s scalar", (_style, text, index, expected) => {
    expect(positionOf(text, index)).toBe(expected);
  });

  it("maps the end of the value to just after its last character", () => {
    expect(positionOf("query: 'a OR'\n", 4)).toBe("1:13");
    expect(positionOf("query: a OR\n", 4)).toBe("1:12");
  });

  it("finds each character where it is written, whatever style YAML chose for it", () => {
    const styles = ["PLAIN", "QUOTE_SINGLE", "QUOTE_DOUBLE", "BLOCK_LITERAL", "BLOCK_FOLDED"] as const;
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom("a", "b", "@", "(", ")", " ", "'", '"', "\\", "é", "\t", "\n", "-", ":"),
        }),
        fc.constantFrom(...styles),
        (value, style) => {
          const text = stringify({ query: value }, { defaultStringType: style, lineWidth: 20 });
          const { node } = scalarOf(text);
          // Only strings that survive the YAML round trip say anything about the mapping.
          fc.pre(node.value === value);
          const toFile = mapScalarOffsets(text, node);
          for (let index = 0; index < value.length; index += 1) {
            const wanted = value[index] as string;
            const found = text[toFile(index)] as string;
            // A character is found as itself, except escapes (found at their backslash) and
            // whitespace that folding turned into a space or line break.
            const explained = found === wanted || found === "\\" || /\s/.test(wanted);
            expect(explained, `index ${index} of ${JSON.stringify(value)} in ${JSON.stringify(text)}`).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
