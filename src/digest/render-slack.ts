import { escapeSlack, slackUrl } from "./escape.js";
import { digestCounts, digestSubject, digestTime, digestTitle, moreLine, plural } from "./summary.js";
import type { Digest, DigestSource, DigestStory, SnippetSegment } from "./types.js";

// Slack Block Kit for an incoming webhook. Feed text escaped for mrkdwn (`&`, `<`, `>`), links only for
// http(s) URLs. Slack accepts at most 50 blocks per message and 3,000 characters per section text, so
// long digests are cut with a closing note.

export interface SlackMessage {
  /** The notification and fallback text. */
  text: string;
  blocks: SlackBlock[];
}

export type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string; emoji: boolean } }
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "context"; elements: Array<{ type: "mrkdwn"; text: string }> }
  | { type: "divider" };

const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
const MAX_HEADER_TEXT = 150;

export function renderSlack(digest: Digest): SlackMessage {
  const head: SlackBlock[] = [
    {
      type: "header",
      text: { type: "plain_text", text: truncate(digestTitle(digest), MAX_HEADER_TEXT), emoji: false },
    },
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: escapeSlack(`${digestTime(digest)} · ${digestCounts(digest)}`) }],
    },
  ];
  const body: Array<{ block: SlackBlock; story: boolean }> = [];
  for (const topic of digest.topics) {
    body.push(
      { block: { type: "divider" }, story: false },
      { block: section(`*${escapeSlack(topic.name)}* (${topic.total})`), story: false },
    );
    for (const story of topic.stories) body.push({ block: section(storyMrkdwn(story)), story: true });
    if (topic.more > 0) body.push({ block: context(`_${moreLine(topic.more)}_`), story: false });
  }
  let blocks = [...head, ...body.map((b) => b.block)];
  if (blocks.length > MAX_BLOCKS) {
    const kept = body.slice(0, MAX_BLOCKS - head.length - 1);
    const omitted =
      body.length - kept.length === 0 ? 0 : body.slice(kept.length).filter((b) => b.story).length;
    const note = context(
      `_Too long for one Slack message: ${plural(omitted, "more story is", "more stories are")} in the full digest._`,
    );
    blocks = [...head, ...kept.map((b) => b.block), note];
  }
  return { text: escapeSlack(digestSubject(digest)), blocks };
}

function context(text: string): SlackBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text }] };
}

function section(text: string): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text: truncate(text, MAX_SECTION_TEXT) } };
}

function storyMrkdwn(story: DigestStory): string {
  const lines = [
    `*${link(story.title, story.url)}*`,
    `${escapeSlack(story.source)} · ${escapeSlack(story.publishedLocal)} · score ${story.score}`,
  ];
  const snippet = snippetMrkdwn(story.snippet);
  if (snippet !== "") lines.push(snippet);
  if (story.alsoReportedBy.length > 0)
    lines.push(`Also reported by: ${story.alsoReportedBy.map(sourceLink).join(", ")}`);
  return lines.join("\n");
}

function link(text: string, url: string | undefined): string {
  // Inside `<url|label>` the label may not contain `|` or `>`: `>` is already &gt;, `|` becomes a look-alike.
  if (url === undefined) return escapeSlack(text);
  return `<${slackUrl(url)}|${escapeSlack(text).replace(/\|/g, "¦")}>`;
}

function sourceLink(source: DigestSource): string {
  return link(source.source, source.url);
}

function snippetMrkdwn(segments: SnippetSegment[]): string {
  // Bold needs a word boundary around the asterisks; zero-width spaces would be invisible noise, so a hit
  // glued to letters simply stays plain.
  return segments.map((s) => (s.hit ? `*${escapeSlack(s.text)}*` : escapeSlack(s.text))).join("");
}

function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  // Never cut inside an entity (&amp;) or a link (<…>).
  let cut = value.slice(0, max - 1);
  const lastAmp = cut.lastIndexOf("&");
  if (lastAmp >= 0 && !cut.slice(lastAmp).includes(";")) cut = cut.slice(0, lastAmp);
  const lastOpen = cut.lastIndexOf("<");
  if (lastOpen >= 0 && !cut.slice(lastOpen).includes(">")) cut = cut.slice(0, lastOpen);
  return `${cut}…`;
}
