import type { DigestSpec } from "../../../src/config/types.js";
import type { DigestMatch } from "../../../src/digest/types.js";

export function digestSpec(overrides: Partial<DigestSpec> = {}): DigestSpec {
  return {
    name: "morning",
    topics: ["russia-dprk", "sanctions"],
    schedule: "0 7 * * *",
    timezone: "Asia/Seoul",
    maxItems: 10,
    sendEmpty: false,
    deliver: [],
    ...overrides,
  };
}

export function digestMatch(overrides: Partial<DigestMatch> & { story: string }): DigestMatch {
  const title = overrides.title ?? `Story ${overrides.story}`;
  const url = overrides.url ?? `https://news.example.org/${overrides.story}`;
  const source = overrides.source ?? "World Desk";
  const published = overrides.published ?? "2026-03-01T06:00:00.000Z";
  return {
    topic: "russia-dprk",
    title,
    url,
    source,
    published,
    first_seen: published,
    score: 1,
    matched: ["Lavrov", "Pyongyang"],
    snippet: "Lavrov arrived in Pyongyang on Tuesday for talks.",
    copies: [{ url, title, source, published }],
    ...overrides,
  };
}

export const HOSTILE_TITLES = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "Tom & Jerry <!channel> <https://evil.example|click> *bold* [x](javascript:alert(1))",
];
