import type { Command } from "commander";
import { loadConfig } from "../config/load.js";
import type { NewswatchConfig } from "../config/types.js";
import { ConfigError, formatConfigProblem, NewswatchError } from "../errors.js";
import { validateQuery } from "../match/validate.js";

export const DEFAULT_CONFIG_PATH = "config/newswatch.yaml";

export interface CliConfigOptions {
  /** Where the problems are printed (default: stdout, one line each). */
  print?: (line: string) => void;
  /** How the command ends on an invalid configuration (default: process.exit). */
  exit?: (code: number) => never;
  env?: NodeJS.ProcessEnv;
}

/** The `--config` path of a command (a global option of the program). */
export function configPathOf(command: Command): string {
  const path = command.optsWithGlobals<{ config?: string }>().config;
  return path === undefined || path === "" ? DEFAULT_CONFIG_PATH : path;
}

/**
 * Loads the configuration named by `--config` with topic queries checked. When it is invalid, prints
 * every problem as `file:line:col: message` and exits 1: nothing starts on a bad configuration.
 */
export async function loadCliConfig(
  command: Command,
  options: CliConfigOptions = {},
): Promise<NewswatchConfig> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const path = configPathOf(command);
  try {
    return await loadConfig(path, {
      env: options.env ?? process.env,
      checkQuery: validateQuery,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) print(formatConfigProblem(problem));
      return exit(1);
    }
    if (error instanceof NewswatchError && error.code === "NW_CONFIG_NOT_FOUND") {
      print(`${error.message} (choose another with --config FILE or NEWSWATCH_CONFIG)`);
      return exit(1);
    }
    throw error;
  }
}
