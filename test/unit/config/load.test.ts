// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${VAR} references
import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { NewswatchError } from "../../../src/errors.js";
import { checkAliasesOnly, fixtures, problemsOf, temporaryConfigs } from "./helpers.js";

const writeConfigs = temporaryConfigs();

async function configFile(text: string): Promise<string> {
  const folder = await writeConfigs({ "newswatch.yaml": text });
  return path.join(folder, "newswatch.yaml");
}

describe("loadConfig: every problem at once, each at its file:line:col", () => {
  it("reports the five mistakes of the fixture, in order, and nothing else", async () => {
    const problems = await problemsOf(path.join(fixtures, "five-mistakes.yaml"), {
      checkQuery: checkAliasesOnly,
    });
    expect(problems).toEqual([
      "five-mistakes.yaml:2:1: unknown key 'feed' in top level (did you mean 'feeds'?)",
      "five-mistakes.yaml:6:11: dedup.window: expected a duration like 10m, got 'soon'",
      "five-mistakes.yaml:12:9: topics[1].id: duplicate topic id 'sanctions' (first defined at line 10)",
      "five-mistakes.yaml:13:22: topics[1].query: unknown alias @russiaa",
      "five-mistakes.yaml:17:18: digests[0].schedule: invalid cron schedule '0 25 * * *': hour field '25': Constraint error, got value 25 expected range 0-23",
    ]);
  });

  it("keeps the file name as given, so the lines can be pasted into an editor", async () => {
    const relative = path.relative(process.cwd(), path.join(fixtures, "five-mistakes.yaml"));
    const error = await loadConfig(relative, { env: {} }).catch((e: unknown) => e);
    expect((error as { problems: { file: string }[] }).problems[0]?.file).toBe(relative);
  });

  it("reports YAML syntax errors at their position, and only them", async () => {
    const file = await configFile("topics:\n  - id: a\n    query: [unclosed\nredis: {}\n");
    expect(await problemsOf(file)).toEqual([
      "newswatch.yaml:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
  });

  it("reports a syntax error in an included file in that file", async () => {
    const folder = await writeConfigs({ "main.yaml": "include: [bad.yaml]\n", "bad.yaml": "a: b: c\n" });
    expect(await problemsOf(path.join(folder, "main.yaml"))).toEqual([
      "bad.yaml:1:4: YAML syntax error: Nested mappings are not allowed in compact mappings",
    ]);
  });

  it("reports a key written twice in one mapping", async () => {
    const file = await configFile("server:\n  port: 1\n  port: 2\n");
    expect(await problemsOf(file)).toEqual([
      "newswatch.yaml:3:3: duplicate key 'port' (a key may appear only once in a mapping)",
    ]);
  });

  it("names unknown keys of nested sections with a suggestion, or without one when nothing is close", async () => {
    const file = await configFile(
      [
        "feeds:",
        "  defaults: { intreval: 5m }",
        "  list:",
        "    - { url: 'https://a.example.org/rss', tag: [x] }",
        "topics:",
        "  - { id: t, qeury: x, query: x, colour: red }",
      ].join("\n"),
    );
    expect(await problemsOf(file)).toEqual([
      "newswatch.yaml:2:15: unknown key 'intreval' in feeds.defaults (did you mean 'interval'?)",
      "newswatch.yaml:4:43: unknown key 'tag' in feeds.list[0] (did you mean 'tags'?)",
      "newswatch.yaml:6:14: unknown key 'qeury' in topics[0] (did you mean 'query'?)",
      "newswatch.yaml:6:34: unknown key 'colour' in topics[0]",
    ]);
  });

  it("reports wrong types with the path, what was expected and what was found", async () => {
    const file = await configFile(
      [
        "feeds:",
        "  defaults:",
        "    interval: soon",
        "    max_bytes: lots",
        "server: { port: high }",
        "dedup: { jaccard: 2, window: 600 }",
        "topics: { id: x }",
      ].join("\n"),
    );
    expect(await problemsOf(file)).toEqual([
      "newswatch.yaml:3:15: feeds.defaults.interval: expected a duration like 10m, got 'soon'",
      "newswatch.yaml:4:16: feeds.defaults.max_bytes: expected a size like 10MB, got 'lots'",
      "newswatch.yaml:5:17: server.port: expected a whole number, got 'high'",
      "newswatch.yaml:6:19: dedup.jaccard: expected a number from 0 to 1, got 2",
      "newswatch.yaml:6:30: dedup.window: expected a duration like 10m, got 600",
      "newswatch.yaml:7:9: topics: expected a list, got a mapping",
    ]);
  });

  it("refuses a file whose top level is not a mapping", async () => {
    const file = await configFile("- feeds\n- topics\n");
    expect(await problemsOf(file)).toEqual(["newswatch.yaml:1:1: top level: expected a mapping, got a list"]);
  });

  it("names required keys that are missing, at the entry that lacks them", async () => {
    const file = await configFile("topics:\n  - id: a\n  - query: b\n");
    expect(await problemsOf(file)).toEqual([
      "newswatch.yaml:2:5: topics[0]: missing required key 'query'",
      "newswatch.yaml:3:5: topics[1]: missing required key 'id'",
    ]);
  });

  it("throws NW_CONFIG_NOT_FOUND naming the path when the file does not exist", async () => {
    const missing = path.join(fixtures, "no-such-file.yaml");
    const error = await loadConfig(missing, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NewswatchError);
    expect((error as NewswatchError).code).toBe("NW_CONFIG_NOT_FOUND");
    expect((error as NewswatchError).message).toContain(missing);
  });
});

describe("loadConfig: defaults", () => {
  it("loads a file with only aliases and topics, every other setting defaulted", async () => {
    const config = await loadConfig(path.join(fixtures, "topics-only.yaml"), { env: {} });
    expect(config.files).toEqual([path.join(fixtures, "topics-only.yaml")]);
    expect(config.redis).toEqual({ url: "redis://127.0.0.1:6379", prefix: "newswatch" });
    expect(config.store).toEqual({ url: "sqlite:./data/newswatch.db" });
    expect(config.server).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(config.feeds).toEqual({
      defaults: { intervalMs: 600_000, timeoutMs: 20_000, maxBytes: 10_000_000 },
      list: [],
      seenTtlMs: 90 * 24 * 3_600_000,
      maxBackoffMs: 24 * 3_600_000,
    });
    expect(config.aliases).toEqual({ dprk: ["North Korea*", "Pyongyang"] });
    expect(config.topics).toEqual([
      {
        id: "dprk",
        name: "dprk",
        query: "@dprk",
        alert: "digest",
        minScore: 0,
        queryPosition: { file: path.join(fixtures, "topics-only.yaml"), line: 5, col: 13 },
      },
    ]);
    expect(config.digests).toEqual([]);
    expect(config.alerts).toEqual({ maxPerHour: 10, deliver: [] });
    expect(config.dedup).toEqual({
      windowMs: 14 * 24 * 3_600_000,
      storyWindowMs: 72 * 3_600_000,
      jaccard: 0.35,
      titleSimilarity: 0.6,
      jaccardAlone: 0.8,
    });
  });

  it("takes REDIS_URL and DATABASE_URL from the environment when the sections are absent", async () => {
    const config = await loadConfig(path.join(fixtures, "topics-only.yaml"), {
      env: { REDIS_URL: "redis://cache:6379/2", DATABASE_URL: "postgres://nw@db/nw" },
    });
    expect(config.redis.url).toBe("redis://cache:6379/2");
    expect(config.store.url).toBe("postgres://nw@db/nw");
  });

  it("loads an empty file", async () => {
    const config = await loadConfig(await configFile("# nothing yet\n"), { env: {} });
    expect(config.topics).toEqual([]);
    expect(config.server.port).toBe(8080);
  });

  it("reads every setting that is written", async () => {
    const file = await configFile(
      [
        "redis: { url: 'rediss://r.example.org:6380', prefix: nw-prod }",
        "store: { url: 'postgresql://nw@db/nw', retention: 365d }",
        "server: { host: 0.0.0.0, port: 9090, token: s3cret }",
        "feeds:",
        "  defaults: { interval: 15m, timeout: 30s, max_bytes: 2MiB, seen_ttl: 120d, max_backoff: 6h }",
        "topics:",
        "  - { id: t-1, name: Topic one, query: x, alert: immediate, min_score: 2.5 }",
        "alerts: { max_per_hour: 3 }",
        "dedup: { window: 7d, story_window: 48h, jaccard: 0.7, title_similarity: 0.4, jaccard_alone: 0.9 }",
      ].join("\n"),
    );
    const config = await loadConfig(file, { env: {} });
    expect(config.redis).toEqual({ url: "rediss://r.example.org:6380", prefix: "nw-prod" });
    expect(config.store).toEqual({ url: "postgresql://nw@db/nw", retentionMs: 365 * 86_400_000 });
    expect(config.server).toEqual({ host: "0.0.0.0", port: 9090, token: "s3cret" });
    expect(config.feeds.defaults).toEqual({ intervalMs: 900_000, timeoutMs: 30_000, maxBytes: 2_097_152 });
    expect(config.feeds.seenTtlMs).toBe(120 * 86_400_000);
    expect(config.feeds.maxBackoffMs).toBe(6 * 3_600_000);
    expect(config.topics[0]).toMatchObject({
      id: "t-1",
      name: "Topic one",
      alert: "immediate",
      minScore: 2.5,
    });
    expect(config.alerts.maxPerHour).toBe(3);
    expect(config.dedup).toEqual({
      windowMs: 7 * 86_400_000,
      storyWindowMs: 48 * 3_600_000,
      jaccard: 0.7,
      titleSimilarity: 0.4,
      jaccardAlone: 0.9,
    });
  });
});

describe("loadConfig: ${VAR} interpolation", () => {
  it("replaces variables in every string and converts them to the field's type", async () => {
    const file = await configFile(
      [
        'redis: { url: "${REDIS_URL:-redis://127.0.0.1:6379}", prefix: "${PREFIX}" }',
        'server: { port: "${PORT:-8080}", host: "${HOST:-127.0.0.1}" }',
        'feeds: { defaults: { interval: "${POLL:-10m}", max_bytes: "${MAX_BYTES:-1MB}" } }',
        "aliases: { who: ['${WHO}'] }",
        "topics: [{ id: t, name: 'Watch ${WHO}', query: 'x' }]",
      ].join("\n"),
    );
    const config = await loadConfig(file, {
      env: { PREFIX: "nw-test", PORT: "9191", POLL: "2m", WHO: "Lavrov" },
    });
    expect(config.redis).toEqual({ url: "redis://127.0.0.1:6379", prefix: "nw-test" });
    expect(config.server).toEqual({ host: "127.0.0.1", port: 9191 });
    expect(config.feeds.defaults.intervalMs).toBe(120_000);
    expect(config.feeds.defaults.maxBytes).toBe(1_000_000);
    expect(config.aliases).toEqual({ who: ["Lavrov"] });
    expect(config.topics[0]?.name).toBe("Watch Lavrov");
  });

  it("reports an unset variable without default at the `${` that names it", async () => {
    const file = await configFile(
      [
        "digests:",
        "  - name: morning",
        "    topics: [t]",
        "    schedule: '0 7 * * *'",
        "    deliver:",
        '      - { type: email, smtp: "${SMTP_URL}", from: nw@example.org, to: desk@example.org }',
        "      - { type: webhook, url: 'https://hooks.example.org/nw?key=${HOOK_KEY}' }",
        "topics: [{ id: t, query: x }]",
      ].join("\n"),
    );
    expect(await problemsOf(file)).toEqual([
      "newswatch.yaml:6:31: digests[0].deliver[0].smtp: environment variable SMTP_URL is not set (write ${SMTP_URL:-…} for a default)",
      "newswatch.yaml:7:65: digests[0].deliver[1].url: environment variable HOOK_KEY is not set (write ${HOOK_KEY:-…} for a default)",
    ]);
  });

  it("reports a converted value that is still of the wrong type", async () => {
    const file = await configFile('server: { port: "${PORT}" }\n');
    expect(await problemsOf(file, { env: { PORT: "eighty" } })).toEqual([
      "newswatch.yaml:1:17: server.port: expected a whole number, got 'eighty'",
    ]);
  });
});

describe("loadConfig: feeds", () => {
  it("defaults the id to 12 hex of sha1(url) and the name to the host, and applies feed overrides", async () => {
    const url = "https://www.example.org/world/rss.xml";
    const file = await configFile(
      [
        "feeds:",
        "  defaults: { interval: 20m }",
        "  list:",
        `    - { url: "${url}" }`,
        "    - { url: 'http://news.example.com/a', id: custom_1, name: Custom, tags: [world, asia],",
        "        interval: 1h, timeout: 5s, max_bytes: 512KB }",
        "    - { url: 'https://b.example.org/x', tags: korea }",
      ].join("\n"),
    );
    const config = await loadConfig(file, { env: {} });
    expect(config.feeds.list).toEqual([
      {
        id: createHash("sha1").update(url).digest("hex").slice(0, 12),
        url,
        name: "example.org",
        tags: [],
        intervalMs: 1_200_000,
        timeoutMs: 20_000,
        maxBytes: 10_000_000,
      },
      {
        id: "custom_1",
        url: "http://news.example.com/a",
        name: "Custom",
        tags: ["world", "asia"],
        intervalMs: 3_600_000,
        timeoutMs: 5_000,
        maxBytes: 512_000,
      },
      expect.objectContaining({ name: "b.example.org", tags: ["korea"] }),
    ]);
  });

  it("resolves a relative file: URL against the folder of the file that names it", async () => {
    const config = await loadConfig(path.join(fixtures, "include/main.yaml"), { env: {} });
    const local = config.feeds.list.find((feed) => feed.name === "Local sample");
    expect(local?.url).toBe(pathToFileURL(path.join(fixtures, "include/local/sample.xml")).href);
  });

  it("keeps absolute file:// URLs and names file feeds after their file", async () => {
    const file = await configFile("feeds: { list: [{ url: 'file:///srv/feeds/world.xml' }] }\n");
    const config = await loadConfig(file, { env: {} });
    expect(config.feeds.list[0]).toMatchObject({ url: "file:///srv/feeds/world.xml", name: "world.xml" });
  });

  it("reports invalid and duplicate feeds", async () => {
    const file = await configFile(
      [
        "feeds:",
        "  list:",
        "    - { url: 'ftp://files.example.org/feed' }",
        "    - { url: 'not a url' }",
        "    - { url: 'https://a.example.org/rss' }",
        "    - { url: 'https://a.example.org/rss' }",
        "    - { name: no url }",
        "    - { url: 'https://c.example.org/rss', id: 'has space' }",
      ].join("\n"),
    );
    expect(await problemsOf(file)).toEqual([
      "newswatch.yaml:3:14: feeds.list[0].url: expected an http(s) or file: URL, got 'ftp://files.example.org/feed'",
      "newswatch.yaml:4:14: feeds.list[1].url: expected an http(s) or file: URL, got 'not a url'",
      `newswatch.yaml:6:14: feeds.list[3].url: duplicate feed id '${createHash("sha1").update("https://a.example.org/rss").digest("hex").slice(0, 12)}' (first defined at line 5)`,
      "newswatch.yaml:7:7: feeds.list[4]: missing required key 'url'",
      "newswatch.yaml:8:47: feeds.list[5].id: may contain only letters, digits, '-' and '_', got 'has space'",
    ]);
  });
});

describe("loadConfig: topics and queries", () => {
  it("checks topic ids, alert modes and scores", async () => {
    const file = await configFile(
      [
        "topics:",
        "  - { id: Bad Id, query: x }",
        "  - { id: ok, query: x, alert: instant }",
        "  - { id: ok2, query: x, min_score: -1 }",
        "  - { id: ok3, query: '  ' }",
      ].join("\n"),
    );
    expect(await problemsOf(file)).toEqual([
      "newswatch.yaml:2:11: topics[0].id: topic ids may contain only a-z, 0-9, '-' and '_', got 'Bad Id'",
      "newswatch.yaml:3:32: topics[1].alert: expected one of 'immediate', 'digest', got 'instant'",
      "newswatch.yaml:4:37: topics[2].min_score: expected a number from 0 to 9007199254740991, got -1",
      "newswatch.yaml:5:23: topics[3].query: must not be empty",
    ]);
  });

  it("maps query problems into quoted, plain and block scalars", async () => {
    const file = await configFile(
      [
        "aliases: { known: [a] }",
        "topics:",
        "  - id: plain",
        "    query: x AND @nope",
        "  - id: double",
        '    query: "\\"k\\" OR @nope"',
        "  - id: block",
        "    query: |",
        "      @known AND",
        "        (y OR @nope)",
      ].join("\n"),
    );
    expect(await problemsOf(file, { checkQuery: checkAliasesOnly })).toEqual([
      "newswatch.yaml:4:18: topics[0].query: unknown alias @nope",
      "newswatch.yaml:6:22: topics[1].query: unknown alias @nope",
      "newswatch.yaml:10:15: topics[2].query: unknown alias @nope",
    ]);
  });

  it("gives the checker the aliases of every file and records where each query starts", async () => {
    const seen: Record<string, string[]>[] = [];
    const config = await loadConfig(path.join(fixtures, "include/main.yaml"), {
      env: {},
      checkQuery: (query, aliases) => {
        seen.push(aliases);
        return checkAliasesOnly(query, aliases);
      },
    });
    expect(seen).toEqual([{ korea: ["Korea", "Seoul"] }, { korea: ["Korea", "Seoul"] }]);
    expect(config.topics.map((topic) => [topic.id, topic.queryPosition])).toEqual([
      ["main-topic", { file: path.join(fixtures, "include/main.yaml"), line: 11, col: 12 }],
      ["included-topic", { file: path.join(fixtures, "include/parts/topics.yaml"), line: 4, col: 13 }],
    ]);
  });
});

describe("loadConfig: digests and channels", () => {
  const digest = (lines: string[]): Promise<string> =>
    configFile(["topics:", "  - { id: sanctions, query: x }", "digests:", ...lines].join("\n"));

  it("reads a digest with every channel type and applies the defaults", async () => {
    const file = await digest([
      "  - name: morning",
      "    topics: sanctions",
      "    schedule: '0 7 * * 1-5'",
      "    timezone: asia/seoul",
      "    deliver:",
      "      - { type: email, smtp: 'smtp://mail:25', from: 'newswatch <nw@example.org>', to: desk@example.org }",
      "      - { type: slack, url: 'https://hooks.slack.example/T1' }",
      "      - { type: webhook, url: 'https://hooks.example.org/nw', secret: s, headers: { X-Team: desk } }",
      "      - { type: file, dir: ./digests }",
    ]);
    const config = await loadConfig(file, { env: {} });
    expect(config.digests).toEqual([
      {
        name: "morning",
        topics: ["sanctions"],
        schedule: "0 7 * * 1-5",
        timezone: "Asia/Seoul",
        maxItems: 10,
        sendEmpty: false,
        deliver: [
          {
            type: "email",
            smtp: "smtp://mail:25",
            from: "newswatch <nw@example.org>",
            to: ["desk@example.org"],
            timeoutMs: 30_000,
          },
          { type: "slack", url: "https://hooks.slack.example/T1", timeoutMs: 10_000 },
          {
            type: "webhook",
            url: "https://hooks.example.org/nw",
            secret: "s",
            headers: { "X-Team": "desk" },
            timeoutMs: 10_000,
          },
          { type: "file", dir: "./digests", format: "markdown" },
        ],
      },
    ]);
  });

  it("reports unknown topics, bad schedules and time zones, and bad channels", async () => {
    const file = await digest([
      "  - name: morning",
      "    topics: [sanctoins, sanctions]",
      "    schedule: '0 7 * *'",
      "    timezone: Asia/Seul",
      "    max_items: 0",
      "    send_empty: maybe",
      "    deliver:",
      "      - { type: pigeon }",
      "      - { type: slack, url: 'https://hooks.example.org/x', ur: 1 }",
      "      - { type: email, from: nobody, to: [] }",
      "  - name: morning",
      "    topics: [sanctions]",
      "    schedule: '@daily'",
      "    deliver: []",
    ]);
    expect(await problemsOf(file)).toEqual([
      "newswatch.yaml:5:14: digests[0].topics[0]: unknown topic 'sanctoins' (did you mean 'sanctions'?)",
      "newswatch.yaml:6:16: digests[0].schedule: invalid cron schedule '0 7 * *': expected 5 fields (minute hour day-of-month month day-of-week), got 4",
      "newswatch.yaml:7:15: digests[0].timezone: unknown time zone 'Asia/Seul' (expected an IANA name; did you mean 'Asia/Seoul'?)",
      "newswatch.yaml:8:16: digests[0].max_items: expected a whole number from 1 to 10000, got 0",
      "newswatch.yaml:9:17: digests[0].send_empty: expected true or false, got 'maybe'",
      "newswatch.yaml:11:17: digests[0].deliver[0].type: expected one of 'email', 'slack', 'webhook', 'file', got 'pigeon'",
      "newswatch.yaml:12:60: unknown key 'ur' in digests[0].deliver[1] (did you mean 'url'?)",
      "newswatch.yaml:13:9: digests[0].deliver[2]: missing required key 'smtp'",
      "newswatch.yaml:14:11: digests[1].name: duplicate digest name 'morning' (first defined at line 4)",
      "newswatch.yaml:17:14: digests[1].deliver: must list at least one channel",
    ]);
  });
});

describe("loadConfig: YAML anchors", () => {
  it("reads aliases as the node they stand for, and ignores top-level x- keys that hold anchors", async () => {
    const file = await configFile(
      [
        "x-channels: &channels",
        "  - { type: file, dir: ./out }",
        "topics: [{ id: t, query: x }]",
        "digests:",
        "  - { name: a, topics: [t], schedule: '@daily', deliver: *channels }",
        "  - { name: b, topics: [t], schedule: '@weekly', deliver: *channels }",
      ].join("\n"),
    );
    const config = await loadConfig(file, { env: {} });
    expect(config.digests.map((digest) => [digest.name, digest.deliver])).toEqual([
      ["a", [{ type: "file", dir: "./out", format: "markdown" }]],
      ["b", [{ type: "file", dir: "./out", format: "markdown" }]],
    ]);
  });

  it("reports an alias without an anchor where it is used", async () => {
    const file = await configFile("server: { host: *nowhere }\n");
    expect(await problemsOf(file)).toEqual([
      "newswatch.yaml:1:17: server.host: expected a string, got *nowhere, an alias without an anchor",
    ]);
  });
});

describe("loadConfig: include", () => {
  it("merges included files: lists concatenate, aliases merge, nested includes are read", async () => {
    const config = await loadConfig(path.join(fixtures, "include/main.yaml"), { env: {} });
    expect(config.files).toEqual([
      path.join(fixtures, "include/main.yaml"),
      path.join(fixtures, "include/parts/feeds.yaml"),
      path.join(fixtures, "include/parts/topics.yaml"),
      path.join(fixtures, "include/parts/aliases.yaml"),
    ]);
    expect(config.feeds.list.map((feed) => [feed.name, feed.intervalMs, feed.tags])).toEqual([
      ["main.example.org", 300_000, []],
      ["included.example.org", 300_000, ["included"]],
      ["Local sample", 300_000, []],
    ]);
    expect(config.topics.map((topic) => topic.id)).toEqual(["main-topic", "included-topic"]);
    expect(config.aliases).toEqual({ korea: ["Korea", "Seoul"] });
    expect(config.alerts.deliver.map((channel) => channel.type)).toEqual(["file", "slack"]);
  });

  it("reports a missing include and an include that is not a path at the entry", async () => {
    expect(await problemsOf(path.join(fixtures, "include/broken.yaml"))).toEqual([
      `broken.yaml:4:5: include[1]: cannot include 'parts/missing.yaml': file not found (looked for ${path.join(fixtures, "include/parts/missing.yaml")})`,
      "broken.yaml:5:5: include[2]: expected a string, got a mapping",
    ]);
  });

  it("reports an include cycle where it closes", async () => {
    expect(await problemsOf(path.join(fixtures, "cycle/a.yaml"))).toEqual([
      "b.yaml:1:11: include[0]: include cycle: a.yaml → b.yaml → a.yaml",
    ]);
  });

  it("reads a file included twice only once", async () => {
    const folder = await writeConfigs({
      "main.yaml": "include: [a.yaml, b.yaml]\n",
      "a.yaml": "include: [shared.yaml]\n",
      "b.yaml": "include: [shared.yaml]\n",
      "shared.yaml": "topics: [{ id: shared, query: x }]\n",
    });
    const config = await loadConfig(path.join(folder, "main.yaml"), { env: {} });
    expect(config.topics.map((topic) => topic.id)).toEqual(["shared"]);
    expect(config.files).toHaveLength(4);
  });

  it("reports settings defined in two files, duplicate aliases and duplicate topic ids across files", async () => {
    const folder = await writeConfigs({
      "main.yaml": [
        "include: [more.yaml]",
        "server: { port: 1 }",
        "feeds: { defaults: { interval: 1m } }",
        "alerts: { max_per_hour: 1 }",
        "aliases: { dprk: [DPRK] }",
        "topics: [{ id: same, query: x }]",
      ].join("\n"),
      "more.yaml": [
        "server: { port: 2 }",
        "feeds: { defaults: { interval: 2m } }",
        "alerts: { max_per_hour: 2 }",
        "aliases: { dprk: [Pyongyang] }",
        "topics: [{ id: same, query: y }]",
      ].join("\n"),
    });
    const main = path.join(folder, "main.yaml");
    expect(await problemsOf(main)).toEqual([
      `more.yaml:1:1: 'server' is already defined at ${main}:2 (it may be defined only once)`,
      `more.yaml:2:10: 'feeds.defaults' is already defined at ${main}:3 (it may be defined only once)`,
      `more.yaml:3:11: 'alerts.max_per_hour' is already defined at ${main}:4 (it may be defined only once)`,
      `more.yaml:4:12: alias 'dprk' is already defined at ${main}:5`,
      `more.yaml:5:16: topics[0].id: duplicate topic id 'same' (first defined at ${main}:6)`,
    ]);
  });
});
