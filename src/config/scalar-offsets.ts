import type { Scalar } from "yaml";

/**
 * Maps an index into a scalar's value to an absolute offset in the YAML text, so an error found in
 * the value (a bad query token, an unset variable) can be reported at its own line and column.
 *
 * The value is aligned with its source character by character: quotes, block headers, indentation
 * and folded line breaks are skipped, escapes (`\t`, `\u00e9`, `''`) map to their first character.
 */
export function mapScalarOffsets(text: string, node: Scalar): (valueIndex: number) => number {
  const [start, valueEnd] = node.range ?? [0, 0];
  const value = typeof node.value === "string" ? node.value : String(node.value);
  let contentStart = start;
  let contentEnd = valueEnd;
  if (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") {
    contentStart = start + 1;
    contentEnd = Math.max(contentStart, valueEnd - 1);
  } else if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") {
    const headerEnd = text.indexOf("\n", start);
    contentStart = headerEnd === -1 ? valueEnd : headerEnd + 1;
  }

  // Built on first use: most strings are never asked about.
  let positions: number[] | undefined;
  const align = (): number[] => {
    const aligned: number[] = [];
    let i = contentStart;
    let j = 0;
    while (j < value.length) {
      if (i >= contentEnd) {
        aligned.push(contentEnd);
        j += 1;
        continue;
      }
      const c = text[i] as string;
      if (node.type === "QUOTE_DOUBLE" && c === "\\") {
        const sequence = readEscape(text, i);
        for (let k = 0; k < sequence.produces; k += 1) aligned.push(i);
        j += sequence.produces;
        i += sequence.length;
        continue;
      }
      if (node.type === "QUOTE_SINGLE" && c === "'" && text[i + 1] === "'") {
        aligned.push(i);
        j += 1;
        i += 2;
        continue;
      }
      const wanted = value[j] as string;
      if (c === wanted || (c === "\n" && wanted === " ")) {
        aligned.push(i);
        j += 1;
      }
      i += 1;
    }
    aligned.push(Math.min(i, contentEnd));
    return aligned;
  };

  return (valueIndex: number): number => {
    positions ??= align();
    const clamped = Math.max(0, Math.min(valueIndex, positions.length - 1));
    return positions[clamped] as number;
  };
}

/** Length in the source and number of UTF-16 units produced by the double-quoted escape at `at`. */
function readEscape(text: string, at: number): { length: number; produces: number } {
  const kind = text[at + 1];
  if (kind === "\n") return { length: 2, produces: 0 };
  if (kind === "\r") return { length: text[at + 2] === "\n" ? 3 : 2, produces: 0 };
  if (kind === "x") return { length: 4, produces: 1 };
  if (kind === "u") return { length: 6, produces: 1 };
  if (kind === "U") {
    const codePoint = Number.parseInt(text.slice(at + 2, at + 10), 16);
    return { length: 10, produces: codePoint > 0xffff ? 2 : 1 };
  }
  return { length: 2, produces: 1 };
}
