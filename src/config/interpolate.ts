// `${VAR}` and `${VAR:-default}` in configuration strings, replaced from an environment passed in.
// `${VAR-default}` uses the default only when VAR is unset (not when it is empty); `$${` is a literal `${`.

export interface InterpolationProblem {
  /** 0-based index into the input string of the offending `${`. */
  offset: number;
  message: string;
}

export interface Interpolated {
  value: string;
  problems: InterpolationProblem[];
  /**
   * For every index of `value` (and one past its end), the index in the input it came from; characters
   * produced by a substitution map to the `$` of their reference.
   */
  origin: number[];
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-)([\s\S]*))?$/;

export function interpolateEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): Interpolated {
  const problems: InterpolationProblem[] = [];
  const out: string[] = [];
  const origin: number[] = [];
  const emit = (chunk: string, from: number, literal: boolean): void => {
    out.push(chunk);
    for (let k = 0; k < chunk.length; k += 1) origin.push(literal ? from + k : from);
  };

  let index = 0;
  while (index < text.length) {
    const start = text.indexOf("$", index);
    if (start === -1) {
      emit(text.slice(index), index, true);
      break;
    }
    emit(text.slice(index, start), index, true);
    if (text.startsWith("$${", start)) {
      emit("$", start + 1, true);
      index = start + 2;
      continue;
    }
    if (!text.startsWith("${", start)) {
      emit("$", start, true);
      index = start + 1;
      continue;
    }
    const close = text.indexOf("}", start + 2);
    if (close === -1) {
      problems.push({ offset: start, message: "unclosed '${' (write $${ for a literal ${)" });
      emit(text.slice(start), start, true);
      break;
    }
    const inner = text.slice(start + 2, close);
    const reference = REFERENCE.exec(inner);
    index = close + 1;
    if (reference === null) {
      problems.push({
        offset: start,
        message: `invalid reference '\${${inner}}' (expected \${NAME} or \${NAME:-default})`,
      });
      continue;
    }
    const [, name = "", operator, fallback = ""] = reference;
    const current = env[name];
    const useDefault =
      operator === ":-" ? current === undefined || current === "" : operator === "-" && current === undefined;
    if (useDefault) {
      emit(fallback, start, false);
    } else if (current === undefined) {
      problems.push({
        offset: start,
        message: `environment variable ${name} is not set (write \${${name}:-…} for a default)`,
      });
    } else {
      emit(current, start, false);
    }
  }
  origin.push(text.length);
  return { value: out.join(""), problems, origin };
}
