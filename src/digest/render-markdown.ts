import { escapeMarkdown, markdownUrl } from "./escape.js";
import { digestCounts, digestTime, digestTitle, moreLine } from "./summary.js";
import type { Digest, DigestSource, DigestStory, SnippetSegment } from "./types.js";

// Markdown (CommonMark): feed text escaped, links only for http(s) URLs, matched terms in bold.

export function renderMarkdown(digest: Digest): string {
  const lines = [
    `# ${digestTitle(digest)}`,
    "",
    `${escapeMarkdown(digestTime(digest))} · ${digestCounts(digest)}`,
  ];
  for (const topic of digest.topics) {
    lines.push("", `## ${escapeMarkdown(topic.name)} (${topic.total})`, "");
    topic.stories.forEach((story, index) => {
      lines.push(...storyLines(story, index + 1));
    });
    if (topic.more > 0) lines.push("", `_${moreLine(topic.more)}_`);
  }
  return `${lines.join("\n")}\n`;
}

function storyLines(story: DigestStory, position: number): string[] {
  const indent = "   ";
  // Two trailing spaces: a line break inside the list item.
  const lines = [
    `${position}. **${link(story.title, story.url)}**  `,
    `${indent}${escapeMarkdown(story.source)} · ${escapeMarkdown(story.publishedLocal)} · score ${story.score}  `,
  ];
  const snippet = snippetMarkdown(story.snippet);
  if (snippet !== "") lines.push(`${indent}${snippet}  `);
  if (story.alsoReportedBy.length > 0)
    lines.push(`${indent}Also reported by: ${story.alsoReportedBy.map(sourceLink).join(", ")}`);
  const last = lines.length - 1;
  lines[last] = (lines[last] ?? "").trimEnd();
  return lines;
}

function link(text: string, url: string | undefined): string {
  const label = escapeMarkdown(text);
  return url === undefined ? label : `[${label}](${markdownUrl(url)})`;
}

function sourceLink(source: DigestSource): string {
  return link(source.source, source.url);
}

function snippetMarkdown(segments: SnippetSegment[]): string {
  return segments.map((s) => (s.hit ? `**${escapeMarkdown(s.text)}**` : escapeMarkdown(s.text))).join("");
}
