import { ConfigError, type ConfigProblem } from "../errors.js";
import { readConfigFiles } from "./read-files.js";
import { ConfigReader } from "./reader.js";
import { buildConfig, type CheckQuery } from "./schema.js";
import type { NewswatchConfig } from "./types.js";

export type { CheckQuery } from "./schema.js";

export interface LoadConfigOptions {
  /** Variables for `${VAR}` interpolation and the REDIS_URL / DATABASE_URL fallbacks (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Checks each topic query (syntax, unknown @aliases); its offsets are mapped to file:line:col. */
  checkQuery?: CheckQuery;
}

/**
 * Reads, interpolates and validates the configuration at `path` and its includes, applying every
 * default. Collects every problem first and then throws one ConfigError listing them all, in file
 * order; a missing main file is a NewswatchError NW_CONFIG_NOT_FOUND.
 */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<NewswatchConfig> {
  const env = options.env ?? process.env;
  const reader = new ConfigReader(env);
  const files = await readConfigFiles(path, reader);
  // Schema checks on a document the parser could not read would only add noise to its syntax errors.
  const config = files.some((file) => file.hasSyntaxErrors)
    ? undefined
    : buildConfig(files, reader, env, options.checkQuery);
  if (config === undefined || reader.problems.length > 0) {
    const order = new Map(files.map((file, index) => [file.display, index]));
    throw new ConfigError(sortProblems(reader.problems, order));
  }
  return config;
}

function sortProblems(problems: ConfigProblem[], fileOrder: Map<string, number>): ConfigProblem[] {
  const rank = (problem: ConfigProblem): number => fileOrder.get(problem.file) ?? fileOrder.size;
  return [...problems].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.col - b.col);
}
