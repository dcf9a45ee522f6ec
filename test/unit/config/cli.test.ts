import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { loadCliConfig } from "../../../src/cli/load-cli-config.js";
import type { NewswatchConfig } from "../../../src/config/types.js";
import { fixtures, repoRoot } from "./helpers.js";

const run = promisify(execFile);

/** Runs the real `newswatch` command from the repository root. */
async function newswatch(...args: string[]): Promise<{ code: number; stdout: string }> {
  const env = { ...process.env };
  delete env.NEWSWATCH_CONFIG;
  try {
    const { stdout } = await run("node", ["--import", "tsx", "src/cli/main.ts", ...args], {
      cwd: repoRoot,
      env,
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "" };
  }
}

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Runs loadCliConfig inside a commander program the way a command's action does. */
async function loadThroughCommander(
  args: string[],
): Promise<{ config?: NewswatchConfig; lines: string[]; exit?: number }> {
  const lines: string[] = [];
  const outcome: { config?: NewswatchConfig; lines: string[]; exit?: number } = { lines };
  const program = new Command().option("--config <file>", "configuration file", "config/newswatch.yaml");
  program.command("check").action(async (_options: unknown, command: Command) => {
    try {
      outcome.config = await loadCliConfig(command, {
        print: (line) => lines.push(line),
        exit: (code) => {
          throw new Exited(code);
        },
        env: {},
      });
    } catch (error) {
      if (!(error instanceof Exited)) throw error;
      outcome.exit = error.code;
    }
  });
  await program.parseAsync(["node", "newswatch", "check", ...args]);
  return outcome;
}

describe("loadCliConfig", () => {
  it("loads the file named by the global --config option", async () => {
    const outcome = await loadThroughCommander(["--config", path.join(fixtures, "topics-only.yaml")]);
    expect(outcome.exit).toBeUndefined();
    expect(outcome.config?.topics.map((topic) => topic.id)).toEqual(["dprk"]);
  });

  it("prints every problem as file:line:col and exits 1, checking queries with the matcher", async () => {
    const file = path.join(fixtures, "five-mistakes.yaml");
    const outcome = await loadThroughCommander(["--config", file]);
    expect(outcome.exit).toBe(1);
    expect(outcome.lines.map((line) => line.slice(0, line.indexOf(": ")))).toEqual(
      ["2:1", "6:11", "12:9", "13:22", "17:18"].map((position) => `${file}:${position}`),
    );
    expect(outcome.lines[3]).toContain("@russiaa");
  });

  it("says which file is missing and exits 1", async () => {
    const outcome = await loadThroughCommander(["--config", "no/such/newswatch.yaml"]);
    expect(outcome.exit).toBe(1);
    expect(outcome.lines).toEqual([
      "configuration file no/such/newswatch.yaml not found (choose another with --config FILE or NEWSWATCH_CONFIG)",
    ]);
  });
});

describe("newswatch validate", () => {
  it("prints the five problems of the five-mistake file, one file:line:col line each, and exits 1", async () => {
    const { code, stdout } = await newswatch(
      "validate",
      "--config",
      "test/fixtures/config/five-mistakes.yaml",
    );
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines.map((line) => /^([^:]+:\d+:\d+): /.exec(line)?.[1])).toEqual(
      ["2:1", "6:11", "12:9", "13:22", "17:18"].map(
        (position) => `test/fixtures/config/five-mistakes.yaml:${position}`,
      ),
    );
  });

  it("summarises a valid configuration and exits 0", async () => {
    const { code, stdout } = await newswatch("validate");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^configuration OK: config\/newswatch\.yaml \(\d+ feeds, 2 topics, 1 digest\)\n$/);
  });
});
