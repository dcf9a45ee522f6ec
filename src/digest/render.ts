import { renderHtml } from "./render-html.js";
import { renderJson } from "./render-json.js";
import { renderMarkdown } from "./render-markdown.js";
import { renderText } from "./render-text.js";
import type { Digest } from "./types.js";

export type DigestFormat = "markdown" | "text" | "html" | "json";
export const DIGEST_FORMATS: readonly DigestFormat[] = ["markdown", "text", "html", "json"];

export const FORMAT_EXTENSIONS: Record<DigestFormat, string> = {
  markdown: "md",
  text: "txt",
  html: "html",
  json: "json",
};

export function renderDigest(digest: Digest, format: DigestFormat, deliveryId?: string): string {
  switch (format) {
    case "markdown":
      return renderMarkdown(digest);
    case "text":
      return renderText(digest);
    case "html":
      return renderHtml(digest);
    case "json":
      return `${renderJson(digest, deliveryId)}\n`;
  }
}
