import { escapeHtml } from "./escape.js";
import { digestCounts, digestSubject, digestTime, digestTitle, moreLine } from "./summary.js";
import type { Digest, DigestSource, DigestStory, SnippetSegment } from "./types.js";

// HTML e-mail: one table-based column with inline styles (mail clients drop <style> and ignore most
// layout CSS), every feed string escaped, links only for http(s) URLs. Sent with renderText as the
// plain-text alternative.

const FONT = "font-family:Arial,Helvetica,sans-serif;";
const MUTED = "color:#6b7280;font-size:13px;";

export function renderHtml(digest: Digest): string {
  const rows: string[] = [
    cell(
      "padding:20px 24px;border-bottom:1px solid #e5e7eb;",
      `<h1 style="margin:0 0 6px;font-size:20px;color:#111827;">${escapeHtml(digestTitle(digest))}</h1>` +
        `<p style="margin:0;${MUTED}">${escapeHtml(digestTime(digest))} · ${escapeHtml(digestCounts(digest))}</p>`,
    ),
  ];
  for (const topic of digest.topics) {
    rows.push(
      cell(
        "padding:18px 24px 4px;",
        `<h2 style="margin:0;font-size:17px;color:#111827;">${escapeHtml(topic.name)} <span style="${MUTED}font-weight:normal;">(${topic.total})</span></h2>`,
      ),
    );
    for (const story of topic.stories)
      rows.push(cell("padding:10px 24px;border-bottom:1px solid #f3f4f6;", storyHtml(story)));
    if (topic.more > 0)
      rows.push(
        cell(
          "padding:8px 24px;",
          `<p style="margin:0;${MUTED}font-style:italic;">${escapeHtml(moreLine(topic.more))}</p>`,
        ),
      );
  }
  rows.push(cell("padding:16px 24px;", `<p style="margin:0;${MUTED}">Sent by newswatch.</p>`));
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(digestSubject(digest))}</title></head>`,
    `<body style="margin:0;padding:0;background:#f4f4f5;">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5;"><tr><td align="center" style="padding:16px 8px;">`,
    `<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:640px;background:#ffffff;border:1px solid #e5e7eb;${FONT}color:#1f2937;">`,
    ...rows,
    "</table>",
    "</td></tr></table>",
    "</body></html>",
    "",
  ].join("\n");
}

function cell(style: string, content: string): string {
  return `<tr><td style="${style}">${content}</td></tr>`;
}

function storyHtml(story: DigestStory): string {
  const parts = [
    `<p style="margin:0 0 4px;font-size:16px;font-weight:bold;line-height:1.35;">${link(story.title, story.url, "color:#1d4ed8;text-decoration:none;")}</p>`,
    `<p style="margin:0 0 6px;${MUTED}">${escapeHtml(story.source)} · ${escapeHtml(story.publishedLocal)} · score ${escapeHtml(String(story.score))}</p>`,
  ];
  const snippet = snippetHtml(story.snippet);
  if (snippet !== "")
    parts.push(`<p style="margin:0 0 6px;font-size:14px;line-height:1.5;color:#374151;">${snippet}</p>`);
  if (story.alsoReportedBy.length > 0) {
    parts.push(
      `<p style="margin:0;${MUTED}">Also reported by: ${story.alsoReportedBy.map(sourceLink).join(", ")}</p>`,
    );
  }
  return parts.join("");
}

function link(text: string, url: string | undefined, style: string): string {
  if (url === undefined) return escapeHtml(text);
  return `<a href="${escapeHtml(url)}" style="${style}">${escapeHtml(text)}</a>`;
}

function sourceLink(source: DigestSource): string {
  return link(source.source, source.url, "color:#4b5563;");
}

function snippetHtml(segments: SnippetSegment[]): string {
  return segments
    .map((s) =>
      s.hit
        ? `<strong style="background:#fef3c7;color:#111827;">${escapeHtml(s.text)}</strong>`
        : escapeHtml(s.text),
    )
    .join("");
}
