// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${VAR} references
import { describe, expect, it } from "vitest";
import { interpolateEnv } from "../../../src/config/interpolate.js";

const env = { HOST: "db.internal", EMPTY: "", PORT: "5432" };

describe("interpolateEnv", () => {
  it.each([
    ["no references", "no references"],
    ["postgres://${HOST}:${PORT}/nw", "postgres://db.internal:5432/nw"],
    ["${MISSING:-fallback}", "fallback"],
    ["${EMPTY:-fallback}", "fallback"],
    ["${EMPTY-fallback}", ""],
    ["${MISSING-fallback}", "fallback"],
    ["${HOST:-unused}", "db.internal"],
    ["${MISSING:-}", ""],
    ["${MISSING:-redis://127.0.0.1:6379}", "redis://127.0.0.1:6379"],
    ["costs $5 and $${HOST}", "costs $5 and ${HOST}"],
    ["a $ sign", "a $ sign"],
  ])("turns %s into %s", (input, output) => {
    const result = interpolateEnv(input, env);
    expect(result.problems).toEqual([]);
    expect(result.value).toBe(output);
  });

  it("reports an unset variable without default at its `${`, suggesting the default syntax", () => {
    const result = interpolateEnv("smtp: ${SMTP_URL}", env);
    expect(result.problems).toEqual([
      { offset: 6, message: "environment variable SMTP_URL is not set (write ${SMTP_URL:-…} for a default)" },
    ]);
  });

  it("reports every unset variable, not only the first", () => {
    const result = interpolateEnv("${A}/${B}", {});
    expect(result.problems.map((problem) => problem.offset)).toEqual([0, 5]);
  });

  it.each([
    ["${", 0],
    ["x ${HOST", 2],
    ["${1BAD}", 0],
    ["${}", 0],
    ["${HOST:?}", 0],
  ])("reports the malformed reference in %s at %d", (input, offset) => {
    const result = interpolateEnv(input, env);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.offset).toBe(offset);
  });

  it("maps every output character back to where it came from", () => {
    const input = "@a ${HOST} @bad";
    const result = interpolateEnv(input, env);
    const badAt = result.value.indexOf("@bad");
    expect(result.origin[badAt]).toBe(input.indexOf("@bad"));
    expect(result.origin[result.value.indexOf("db.internal")]).toBe(input.indexOf("${"));
    expect(result.origin[result.value.length]).toBe(input.length);
  });
});
