import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { type LoadConfigOptions, loadConfig } from "../../../src/config/load.js";
import { ConfigError } from "../../../src/errors.js";

export const repoRoot = path.resolve(import.meta.dirname, "../../..");
export const fixtures = path.join(repoRoot, "test/fixtures/config");

/** A checker standing in for the matcher's: every `@name` not among the aliases is a problem. */
export function checkAliasesOnly(query: string, aliases: Record<string, string[]>) {
  return [...query.matchAll(/@([A-Za-z0-9_-]+)/g)]
    .filter((reference) => !((reference[1] as string) in aliases))
    .map((reference) => ({ offset: reference.index, message: `unknown alias @${reference[1]}` }));
}

/** The problems of a configuration as `basename:line:col: message`; fails when it loads. */
export async function problemsOf(configPath: string, options: LoadConfigOptions = {}): Promise<string[]> {
  try {
    await loadConfig(configPath, { env: {}, ...options });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${path.basename(p.file)}:${p.line}:${p.col}: ${p.message}`);
  }
  throw new Error(`${configPath} loaded without problems`);
}

/** Writes files into a fresh temporary folder (removed after the test file) and returns its path. */
export function temporaryConfigs(): (files: Record<string, string>) => Promise<string> {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });
  return async (files) => {
    const folder = await mkdtemp(path.join(tmpdir(), "nwtest-config-"));
    folders.push(folder);
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(folder, name), text);
    return folder;
  };
}
