import { writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfig } from "../../../src/config/load.js";
import { ConfigError } from "../../../src/errors.js";
import { checkAliasesOnly, temporaryConfigs } from "./helpers.js";

const writeConfigs = temporaryConfigs();
const sectionNames = ["redis", "store", "server", "feeds", "aliases", "topics", "digests", "alerts", "dedup"];

/** Loads `text`; returns "ok", or "problems" when a ConfigError with located problems was thrown. */
async function outcomeOf(file: string, text: string): Promise<"ok" | "problems"> {
  await writeFile(file, text);
  try {
    await loadConfig(file, { env: {}, checkQuery: checkAliasesOnly });
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    for (const problem of (error as ConfigError).problems) {
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.col).toBeGreaterThanOrEqual(1);
      expect(problem.message).not.toBe("");
    }
    return "problems";
  }
}

describe("loadConfig on junk", () => {
  it("answers random text with located problems, never with another exception", async () => {
    const file = path.join(await writeConfigs({}), "junk.yaml");
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (text) => {
        await outcomeOf(file, text);
      }),
      { numRuns: 150 },
    );
  });

  it("answers any shape of value in any section with located problems, never with another exception", async () => {
    const file = path.join(await writeConfigs({}), "shapes.yaml");
    const sections = fc.dictionary(fc.constantFrom(...sectionNames), fc.anything({ maxDepth: 3 }), {
      maxKeys: 4,
    });
    await fc.assert(
      fc.asyncProperty(sections, async (config) => {
        await outcomeOf(file, stringify(config));
      }),
      { numRuns: 150 },
    );
  });
});
