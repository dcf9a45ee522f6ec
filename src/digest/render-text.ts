import { digestCounts, digestTime, digestTitle, moreLine } from "./summary.js";
import type { Digest, DigestStory, SnippetSegment } from "./types.js";

// Plain text: the e-mail's text alternative and `digest --format text`. Matched terms are *starred*.

export function renderText(digest: Digest): string {
  const lines = [`${digestTitle(digest)} — ${digestTime(digest)}`, `${digestCounts(digest)}.`];
  for (const topic of digest.topics) {
    lines.push("", `== ${topic.name} (${topic.total}) ==`);
    topic.stories.forEach((story, index) => {
      lines.push("", ...storyLines(story, index + 1));
    });
    if (topic.more > 0) lines.push("", `   … ${moreLine(topic.more)}`);
  }
  return `${lines.join("\n")}\n`;
}

function storyLines(story: DigestStory, position: number): string[] {
  const indent = "   ";
  const lines = [
    `${position}. ${story.title}`,
    `${indent}${story.source} · ${story.publishedLocal} · score ${story.score}`,
  ];
  if (story.url !== undefined) lines.push(`${indent}${story.url}`);
  const snippet = snippetText(story.snippet);
  if (snippet !== "") lines.push(`${indent}${snippet}`);
  if (story.alsoReportedBy.length > 0) {
    lines.push(`${indent}Also reported by: ${story.alsoReportedBy.map((s) => s.source).join(", ")}`);
  }
  return lines;
}

function snippetText(segments: SnippetSegment[]): string {
  return segments.map((s) => (s.hit ? `*${s.text}*` : s.text)).join("");
}
