import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelSpec, DigestSpec } from "../../../src/config/types.js";
import { ALERTS_LEDGER, deliverAlerts } from "../../../src/digest/alerts.js";
import { createChannel } from "../../../src/digest/channels/create-channel.js";
import { messageIdFor } from "../../../src/digest/channels/email.js";
import { deliverDigest, type RetryPolicy } from "../../../src/digest/deliver.js";
import { createDigestJob } from "../../../src/digest/digest-job.js";
import { RedisAlertThrottle } from "../../../src/digest/redis-alert-throttle.js";
import { RedisRunLock } from "../../../src/digest/redis-run-lock.js";
import type { DigestJson } from "../../../src/digest/render-json.js";
import type { SlackMessage } from "../../../src/digest/render-slack.js";
import { verifyWebhookSignature } from "../../../src/digest/webhook-signature.js";
import { isNewswatchError } from "../../../src/errors.js";
import type { Article } from "../../../src/feeds/types.js";
import { createLogger } from "../../../src/log.js";
import { createSqlDeliveryLedger } from "../../../src/store/deliveries.js";
import { openStore } from "../../../src/store/open-store.js";
import type { SqlStore } from "../../../src/store/sql-store.js";
import type { StoredEntry } from "../../../src/store/types.js";
import { connectTestRedis, deletePrefix, testPrefix } from "../../helpers/redis.js";
import {
  type HttpReceiver,
  mailHeader,
  mimeParts,
  type ReceivedMail,
  startHttpReceiver,
  startSmtpReceiver,
} from "./receivers.js";

// Acceptance: digests through a real SMTP server and a real HTTP receiver, over both store engines.

const postgresBase = "postgres://postgres@127.0.0.1:5432/test";
const runId = Math.random().toString(36).slice(2, 8);
const tmp = mkdtempSync(path.join(os.tmpdir(), "nwtest-digest-"));
const schemas: string[] = [];
const HOSTILE = '<script>alert(1)</script> sanctions "><img src=x onerror=alert(1)>';
const SECRET = "webhook-secret";
const INSTANT: RetryPolicy = { attemptsPerRun: 3, baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 10 };
const silent = createLogger({ level: "silent" });
const redis = connectTestRedis();
const redisPrefix = testPrefix("digest-delivery");
const throttlePrefixes: string[] = [];

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let http: HttpReceiver;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  http = await startHttpReceiver();
});

afterAll(async () => {
  await smtp.close();
  await http.close();
  rmSync(tmp, { recursive: true, force: true });
  for (const prefix of [redisPrefix, ...throttlePrefixes]) await deletePrefix(redis, prefix);
  redis.disconnect();
  const client = new pg.Client({ connectionString: postgresBase });
  await client.connect();
  for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

function article(id: string, title: string, source: string, published: string): Article {
  return {
    id,
    feedId: source.toLowerCase().replace(/\W+/g, "-"),
    source,
    guid: id,
    url: `https://news.example.org/${id}`,
    canonicalUrl: `https://news.example.org/${id}`,
    title,
    text: `${title}. More text.`,
    summary: title,
    published,
    firstSeen: published,
    categories: [],
    media: [],
  };
}

function entry(a: Article, story: string, topics: string[], snippet: string): StoredEntry {
  return {
    article: a,
    story: { id: story, isNew: true },
    matches: topics.map((topicId) => ({
      topicId,
      score: 2,
      matched: ["Lavrov", "sanctions"],
      hits: [],
      snippet,
    })),
  };
}

const seed: StoredEntry[] = [
  entry(
    article("a1", "Lavrov arrives in Pyongyang", "World Desk", "2026-03-01T06:00:00.000Z"),
    "s1",
    ["russia-dprk"],
    "Lavrov arrived in Pyongyang for talks",
  ),
  entry(
    article("a2", "Russian minister lands in Pyongyang", "Korea Watch", "2026-03-01T07:00:00.000Z"),
    "s1",
    ["russia-dprk"],
    "minister lands",
  ),
  entry(
    article("a3", HOSTILE, "Wire <b>", "2026-03-01T05:00:00.000Z"),
    "s2",
    ["sanctions"],
    `${HOSTILE} — new sanctions`,
  ),
  entry(
    article("a4", "Unrelated weather story", "World Desk", "2026-03-01T04:00:00.000Z"),
    "s3",
    ["weather"],
    "rain",
  ),
];

function spec(name: string, deliver: ChannelSpec[]): DigestSpec {
  return {
    name,
    topics: ["russia-dprk", "sanctions"],
    schedule: "0 7 * * *",
    timezone: "UTC",
    maxItems: 10,
    sendEmpty: false,
    deliver,
  };
}

function ports(store: SqlStore, digest: DigestSpec) {
  return {
    ledger: createSqlDeliveryLedger(store.db, store.engine),
    channels: digest.deliver.map((c) => createChannel(c, { baseDir: tmp })),
    now: () => new Date(),
    sleep: async () => {},
  };
}

function mailsFor(digest: string): ReceivedMail[] {
  return smtp.mails.filter((m) => mailHeader(m.raw, "X-Newswatch-Delivery")?.startsWith(`${digest}-`));
}

const engines = [
  { name: "sqlite", url: () => `sqlite:${path.join(tmp, `store-${runId}.db`)}` },
  {
    name: "postgres",
    url: () => {
      const schema = `nwtest_digest_${runId}`;
      schemas.push(schema);
      return `${postgresBase}?schema=${schema}`;
    },
  },
];

describe.each(engines)("digest delivery ($name store)", (engine) => {
  let store: SqlStore;
  const tag = `${engine.name}${runId}`;

  beforeAll(async () => {
    store = await openStore(engine.url(), { logger: silent });
    await store.saveChunk(seed);
  });

  afterAll(async () => {
    await store.close();
  });

  it("delivers the right stories once through e-mail, Slack, webhook and file; a second run sends nothing", async () => {
    const name = `all-${tag}`;
    const dir = path.join(tmp, name);
    const digest = spec(name, [
      {
        type: "email",
        smtp: smtp.url("desk:p%40ss%20word"),
        from: "newswatch <nw@example.org>",
        to: ["desk@example.org"],
        timeoutMs: 5000,
      },
      { type: "slack", url: http.url(`/slack/${name}`), timeoutMs: 5000 },
      {
        type: "webhook",
        url: http.url(`/hook/${name}`),
        secret: SECRET,
        headers: { "X-Team": "desk" },
        timeoutMs: 5000,
      },
      { type: "file", dir, format: "markdown" },
    ]);
    const first = await deliverDigest(digest, ports(store, digest), { retry: INSTANT });
    expect(first.status).toBe("delivered");
    expect(first.deliveries[0]?.channels.map((c) => c.status)).toEqual(["sent", "sent", "sent", "sent"]);
    const deliveryId = first.deliveries[0]?.deliveryId ?? "";

    // E-mail: authenticated with the URL's credentials, Message-ID from the delivery id, HTML + text.
    const mails = mailsFor(name);
    expect(mails).toHaveLength(1);
    const mail = mails[0] as ReceivedMail;
    expect(mail.user).toBe("desk");
    expect(mail.to).toEqual(["desk@example.org"]);
    expect(mailHeader(mail.raw, "Message-ID")).toBe(messageIdFor(deliveryId));
    const parts = mimeParts(mail.raw);
    const html = parts.get("text/html") ?? "";
    const text = parts.get("text/plain") ?? "";
    expect(html).toContain('href="https://news.example.org/a1"');
    expect(html).toContain("Lavrov arrives in Pyongyang");
    expect(html).toContain('Also reported by: <a href="https://news.example.org/a2"');
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).not.toContain("Unrelated weather story");
    expect(text).toContain(HOSTILE);
    expect(text).toContain("Also reported by: Korea Watch");

    // Webhook: signed as documented (HMAC-SHA256 of "<timestamp>.<body>"), the digest as JSON.
    const hooks = http.requests.filter((r) => r.path === `/hook/${name}`);
    expect(hooks).toHaveLength(1);
    const hook = hooks[0] as (typeof hooks)[number];
    expect(hook.headers["x-newswatch-delivery"]).toBe(deliveryId);
    expect(hook.headers["x-team"]).toBe("desk");
    const timestamp = String(hook.headers["x-newswatch-timestamp"]);
    const signature = String(hook.headers["x-newswatch-signature"]);
    const expected = `sha256=${createHmac("sha256", SECRET).update(`${timestamp}.${hook.body}`).digest("hex")}`;
    expect(timingSafeEqual(Buffer.from(signature), Buffer.from(expected))).toBe(true);
    expect(
      verifyWebhookSignature({ secret: SECRET, body: hook.body, timestamp, signature, now: new Date() }),
    ).toBe(true);
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        body: `${hook.body} `,
        timestamp,
        signature,
        now: new Date(),
      }),
    ).toBe(false);
    const json = JSON.parse(hook.body) as DigestJson;
    expect(json.deliveryId).toBe(deliveryId);
    expect(json.topics.map((t) => [t.id, t.stories.map((s) => s.title)])).toEqual([
      ["russia-dprk", ["Lavrov arrives in Pyongyang"]],
      ["sanctions", [HOSTILE]],
    ]);

    // Slack: Block Kit with the hostile headline escaped for mrkdwn.
    const slack = http.requests.filter((r) => r.path === `/slack/${name}`);
    expect(slack).toHaveLength(1);
    const message = JSON.parse(slack[0]?.body ?? "{}") as SlackMessage;
    const mrkdwn = message.blocks.flatMap((b) => (b.type === "section" ? [b.text.text] : []));
    expect(mrkdwn.join("\n")).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; sanctions "&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    for (const t of mrkdwn)
      for (const m of t.matchAll(/<([^>]*)>/g)) expect(m[1]).toMatch(/^https?:\/\/[^|<> ]+\|[^<|]*$/);

    // File: one Markdown file named after the digest, its time and the delivery.
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^${name}-\\d{8}T\\d{6}Z-[0-9a-f]{24}\\.md$`));
    expect(readFileSync(path.join(dir, files[0] ?? ""), "utf8")).toContain(
      "[Lavrov arrives in Pyongyang](https://news.example.org/a1)",
    );

    const second = await deliverDigest(digest, ports(store, digest), { retry: INSTANT });
    expect(second.status).toBe("empty");
    expect(mailsFor(name)).toHaveLength(1);
    expect(http.requests.filter((r) => r.path.endsWith(`/${name}`))).toHaveLength(2);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it("a channel that fails twice then recovers delivers once, and the channel that succeeded is not re-sent", async () => {
    const name = `flaky-${tag}`;
    const digest = spec(name, [
      { type: "email", smtp: smtp.url(), from: "nw@example.org", to: ["desk@example.org"], timeoutMs: 5000 },
      { type: "webhook", url: http.url(`/flaky/${name}`), secret: SECRET, headers: {}, timeoutMs: 5000 },
    ]);
    http.failNext(`/flaky/${name}`, 2, 503);
    // One attempt per run: the job fails retryably (BullMQ retries it), the retry resumes the delivery.
    const job = createDigestJob({
      config: () => ({ digests: [digest], topics: [], alerts: { maxPerHour: 10, deliver: [] } }),
      ledger: createSqlDeliveryLedger(store.db, store.engine),
      throttle: { reserve: async () => 0 },
      now: () => new Date(),
      sleep: async () => {},
      channelOptions: { baseDir: tmp },
      retry: { ...INSTANT, attemptsPerRun: 1 },
    });
    const errors: unknown[] = [];
    for (let run = 0; run < 3; run++) {
      try {
        const result = await job({ digest: name }, { logger: silent });
        expect(result.status).toBe("delivered");
      } catch (err) {
        errors.push(err);
      }
    }
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => isNewswatchError(e) && e.code === "NW_DELIVERY_FAILED" && e.retryable)).toBe(
      true,
    );

    const hooks = http.requests.filter((r) => r.path === `/flaky/${name}`);
    expect(hooks.map((r) => r.status)).toEqual([503, 503, 200]);
    // Every attempt carries the same delivery id, so a receiver can drop duplicates.
    expect(new Set(hooks.map((r) => r.headers["x-newswatch-delivery"])).size).toBe(1);
    expect(mailsFor(name)).toHaveLength(1);
    expect(mailHeader(mailsFor(name)[0]?.raw ?? "", "X-Newswatch-Delivery")).toBe(
      hooks[0]?.headers["x-newswatch-delivery"],
    );

    const rows = await store.db
      .selectFrom("deliveries")
      .select(["channel", "status", "attempts"])
      .where("digest", "=", name)
      .orderBy("channel")
      .execute();
    expect(rows.map((r) => [r.channel.split(":")[0], r.status, Number(r.attempts)])).toEqual([
      ["email", "sent", 1],
      ["webhook", "sent", 3],
    ]);

    // Nothing more to do: a further run sends nothing.
    const again = await job({ digest: name }, { logger: silent });
    expect(again.status).toBe("empty");
    expect(http.requests.filter((r) => r.path === `/flaky/${name}`)).toHaveLength(3);
  });

  it("claims each match once when runs overlap; any re-send carries the same delivery id", async () => {
    const name = `race-${tag}`;
    const digest = spec(name, [
      { type: "webhook", url: http.url(`/race/${name}`), headers: {}, timeoutMs: 5000 },
    ]);
    // Without the run lock, a run may resume the delivery another run just claimed: at least once.
    const results = await Promise.all(
      [1, 2, 3].map(() => deliverDigest(digest, ports(store, digest), { retry: INSTANT })),
    );
    const ids = new Set(results.flatMap((r) => r.deliveries.map((d) => d.deliveryId)));
    expect(ids.size).toBe(1);
    const items = await store.db
      .selectFrom("delivery_items")
      .select(["delivery_id"])
      .where("digest", "=", name)
      .execute();
    expect(items.map((i) => i.delivery_id)).toEqual([...ids, ...ids]);
    const posts = http.requests.filter((r) => r.path === `/race/${name}`);
    expect(posts.length).toBeGreaterThanOrEqual(1);
    expect(new Set(posts.map((r) => r.headers["x-newswatch-delivery"]))).toEqual(ids);
  });

  it("with the run lock, overlapping jobs of one digest send it once and the other is retried later", async () => {
    const name = `locked-${tag}`;
    const digest = spec(name, [
      { type: "webhook", url: http.url(`/locked/${name}`), headers: {}, timeoutMs: 5000 },
    ]);
    const job = createDigestJob({
      config: () => ({ digests: [digest], topics: [], alerts: { maxPerHour: 10, deliver: [] } }),
      ledger: createSqlDeliveryLedger(store.db, store.engine),
      throttle: { reserve: async () => 0 },
      lock: new RedisRunLock(redis, redisPrefix),
      now: () => new Date(),
      sleep: async () => {},
      retry: INSTANT,
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => job({ digest: name }, { logger: silent })));
    const fulfilled = outcomes.filter((o) => o.status === "fulfilled");
    const rejected = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : []));
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(2);
    for (const err of rejected)
      expect(isNewswatchError(err) && err.retryable && /another run/.test(err.message)).toBe(true);
    expect(http.requests.filter((r) => r.path === `/locked/${name}`)).toHaveLength(1);
    // The lock is released after the run: the next run goes ahead (and finds nothing new).
    expect((await job({ digest: name }, { logger: silent })).status).toBe("empty");
  });
  it("alerts immediate topics within the hourly budget through alerts.deliver; the overflow waits for the digest", async () => {
    const at = (minute: number) => `2026-03-01T07:${String(minute).padStart(2, "0")}:00.000Z`;
    await store.saveChunk([
      entry(article(`b1-${tag}`, "Alert one", "Wire", at(10)), `alert-1-${tag}`, ["russia-dprk"], "one"),
      entry(article(`b2-${tag}`, "Alert two", "Wire", at(20)), `alert-2-${tag}`, ["russia-dprk"], "two"),
      entry(article(`b3-${tag}`, "Alert three", "Wire", at(25)), `alert-3-${tag}`, ["russia-dprk"], "three"),
      entry(
        article(`b4-${tag}`, "Not an alert topic", "Wire", at(26)),
        `alert-4-${tag}`,
        ["sanctions"],
        "four",
      ),
    ]);
    const config = {
      topics: [
        { id: "russia-dprk", name: "Russia–DPRK", query: "x", alert: "immediate" as const, minScore: 0 },
        { id: "sanctions", name: "Sanctions", query: "y", alert: "digest" as const, minScore: 0 },
      ],
      alerts: {
        maxPerHour: 2,
        deliver: [{ type: "slack" as const, url: http.url(`/alerts/${tag}`), timeoutMs: 5000 }],
      },
    };
    // One throttle per engine: both engines' runs alert the same topic in the same hour.
    const throttlePrefix = `${redisPrefix}-${engine.name}`;
    throttlePrefixes.push(throttlePrefix);
    const alertPorts = {
      ledger: createSqlDeliveryLedger(store.db, store.engine),
      channels: config.alerts.deliver.map((c) => createChannel(c)),
      now: () => new Date(at(30)),
      sleep: async () => {},
      throttle: new RedisAlertThrottle(redis, throttlePrefix),
    };
    const first = await deliverAlerts(config, alertPorts, { retry: INSTANT });
    expect(first.status).toBe("delivered");
    expect(first.skipped).toBe(1);
    const posts = http.requests.filter((r) => r.path === `/alerts/${tag}`);
    expect(posts).toHaveLength(1);
    const text = (JSON.parse(posts[0]?.body ?? "{}") as SlackMessage).blocks
      .flatMap((b) => (b.type === "section" ? [b.text.text] : []))
      .join("\n");
    // Same scores: the newest two within the hour; the older seeded matches are outside the alert window.
    expect(text).toContain("Alert three");
    expect(text).toContain("Alert two");
    expect(text).not.toContain("Alert one");
    expect(text).not.toContain("Not an alert topic");
    expect((await deliverAlerts(config, alertPorts, { retry: INSTANT })).status).toBe("empty");
    expect(http.requests.filter((r) => r.path === `/alerts/${tag}`)).toHaveLength(1);
    const skippedRows = await store.db
      .selectFrom("deliveries")
      .select(["channel", "status"])
      .where("digest", "=", ALERTS_LEDGER)
      .where("status", "=", "skipped")
      .execute();
    expect(skippedRows).toEqual([{ channel: "throttled", status: "skipped" }]);

    // Alerts do not consume digests: a digest still carries every match, the alerted ones included.
    const name = `after-alerts-${tag}`;
    const digest = spec(name, [
      { type: "webhook", url: http.url(`/digest/${name}`), headers: {}, timeoutMs: 5000 },
    ]);
    const result = await deliverDigest(digest, ports(store, digest), { retry: INSTANT });
    expect(result.deliveries[0]?.matches).toBe(6);
  });
});
