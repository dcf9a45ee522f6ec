import { createHash } from "node:crypto";
import type { Article } from "./types.js";

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** Identity keys of an article for the seen-set: its feed + GUID, and its canonical URL. */
export function seenKeysOf(article: Article): { byGuid: string; byUrl: string | undefined } {
  return {
    byGuid: `g:${sha1(`${article.feedId}\n${article.guid}`).slice(0, 24)}`,
    byUrl: article.canonicalUrl ? `u:${sha1(article.canonicalUrl).slice(0, 24)}` : undefined,
  };
}

/** A short digest of what a reader sees, so an edited item (new headline, new text) counts as changed. */
export function contentDigestOf(article: Article): string {
  return sha1(`${article.title}\n${article.text}\n${article.updated ?? ""}`).slice(0, 16);
}
