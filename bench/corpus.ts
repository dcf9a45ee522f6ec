import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const corporaDir = path.resolve(repoRoot, "../shared/corpora");

export interface CorpusItem {
  id: string;
  source: string;
  title: string;
  text: string;
  date: string | null;
  url: string | null;
}

/** Reads one JSONL.gz file of the shared news corpus. */
export function readNewsFile(file: string): CorpusItem[] {
  return gunzipSync(readFileSync(path.join(corporaDir, "news", file)))
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CorpusItem);
}
