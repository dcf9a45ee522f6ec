import { readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { isMap, isScalar, type ParsedNode } from "yaml";
import { NewswatchError } from "../errors.js";
import type { ConfigReader, Field } from "./reader.js";
import { parseYamlFile, resolveAlias, type YamlFile } from "./yaml-file.js";

// Reads the main configuration file and, depth-first, every file it includes. Each file is read once
// (a file included twice contributes once); a cycle or an unreadable include is a problem at the entry.

/** Files in reading order: the main file first, each file followed by its includes. */
export async function readConfigFiles(configPath: string, reader: ConfigReader): Promise<YamlFile[]> {
  const absolute = path.resolve(configPath);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "not found" : `cannot be read (${code ?? String(error)})`;
    throw new NewswatchError("NW_CONFIG_NOT_FOUND", `configuration file ${configPath} ${reason}`, {
      cause: error,
    });
  }
  const files: YamlFile[] = [];
  const loaded = new Set<string>();
  await visit(configPath, await canonicalPath(absolute), text, [], files, loaded, reader);
  return files;
}

async function visit(
  display: string,
  absolute: string,
  text: string,
  chain: readonly string[],
  files: YamlFile[],
  loaded: Set<string>,
  reader: ConfigReader,
): Promise<void> {
  const { file, problems } = parseYamlFile(display, absolute, text);
  reader.problems.push(...problems);
  files.push(file);
  loaded.add(absolute);
  const here = [...chain, absolute];

  for (const entry of includeEntries(file, reader)) {
    const target = reader.nonEmptyString(entry);
    if (target === undefined) continue;
    const targetAbsolute = await canonicalPath(path.resolve(path.dirname(absolute), target));
    const targetDisplay = path.isAbsolute(target) ? target : path.join(path.dirname(display), target);
    if (here.includes(targetAbsolute)) {
      const cycle = [...here.slice(here.indexOf(targetAbsolute)), targetAbsolute]
        .map((step) => path.basename(step))
        .join(" → ");
      reader.report(entry, `include cycle: ${cycle}`);
      continue;
    }
    if (loaded.has(targetAbsolute)) continue;
    let included: string;
    try {
      included = await readFile(targetAbsolute, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === "ENOENT" ? "file not found" : `cannot be read (${code ?? String(error)})`;
      reader.report(entry, `cannot include '${target}': ${reason} (looked for ${targetDisplay})`);
      continue;
    }
    await visit(targetDisplay, targetAbsolute, included, here, files, loaded, reader);
  }
}

/** The `include:` entries of a file: one string or a list of strings. */
function includeEntries(file: YamlFile, reader: ConfigReader): Field[] {
  const root = file.root;
  if (!isMap(root)) return [];
  const pair = root.items.find((item) => isScalar(item.key) && item.key.value === "include");
  if (pair === undefined) return [];
  const keyOffset = (pair.key as ParsedNode).range?.[0] ?? 0;
  const node = resolveAlias(file, pair.value as ParsedNode | null);
  const field: Field = { file, node, anchor: keyOffset, path: "include" };
  return reader.listOrSingle(field) ?? [];
}

/** Resolves symbolic links so that a cycle through a link is still seen; missing files keep their path. */
async function canonicalPath(absolute: string): Promise<string> {
  try {
    return await realpath(absolute);
  } catch {
    return absolute;
  }
}
