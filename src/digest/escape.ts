// Escaping of feed text for each output. Text reaching these functions has been through cleanText
// (no control characters); URLs through safeHttpUrl (http(s) only).

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Text for Markdown (CommonMark + GFM): inline markup characters are backslash-escaped anywhere, and the
 * characters that start a block (list, heading, quote) when they begin the value. `&` is escaped so an
 * entity such as `&lt;` stays text.
 */
export function escapeMarkdown(value: string): string {
  const inline = value.replace(/[\\`*_[\]()<>#|~&!]/g, "\\$&");
  return inline.replace(/^([+\-=])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2");
}

/** A URL for a Markdown link destination: characters that would end or break the destination are encoded. */
export function markdownUrl(url: string): string {
  return url.replace(
    /[()<>\s\\"'`[\]]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/** Text for Slack mrkdwn: `&`, `<` and `>` are the control characters (Slack "Escaping text"). */
export function escapeSlack(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A URL inside Slack's `<url|label>`: `|` and `>` would end it, so they (and `<`, spaces) are encoded. */
export function slackUrl(url: string): string {
  return url.replace(/[|<>\s&]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
