import { describe, expect, it } from "vitest";
import {
  ALERTS_LEDGER,
  type AlertThrottle,
  admitWithinBudget,
  deliverAlerts,
} from "../../../src/digest/alerts.js";
import type { Channel, OutgoingDelivery } from "../../../src/digest/channels/channel.js";
import { deliverDigest, previewDigest, type RetryPolicy } from "../../../src/digest/deliver.js";
import { deliveryIdFor } from "../../../src/digest/delivery-id.js";
import { NewswatchError } from "../../../src/errors.js";
import { digestMatch, digestSpec } from "./fixtures.js";
import { MemoryLedger } from "./memory-ledger.js";

const POLICY: RetryPolicy = { attemptsPerRun: 3, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 10 };

/** A channel that records what it got and fails the first `failures` attempts. */
function recordingChannel(
  key: string,
  failures = 0,
  error?: NewswatchError,
): Channel & { sent: OutgoingDelivery[]; tries: number } {
  const channel = {
    key,
    type: "webhook" as const,
    target: key,
    sent: [] as OutgoingDelivery[],
    tries: 0,
    async send(delivery: OutgoingDelivery) {
      channel.tries++;
      if (channel.tries <= failures)
        throw error ?? new NewswatchError("NW_DELIVERY_FAILED", "HTTP 503", { retryable: true });
      channel.sent.push(delivery);
    },
  };
  return channel;
}

function ports(ledger: MemoryLedger, channels: Channel[], sleeps: number[] = []) {
  let clock = Date.parse("2026-03-01T22:00:00.000Z");
  return {
    ledger,
    channels,
    now: () => {
      clock += 1000;
      return new Date(clock);
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
  };
}

describe("deliverDigest", () => {
  it("delivers each new match once: a second run sends nothing", async () => {
    const ledger = new MemoryLedger([
      digestMatch({ story: "a" }),
      digestMatch({ story: "b", topic: "sanctions" }),
    ]);
    const channel = recordingChannel("hook");
    const first = await deliverDigest(digestSpec(), ports(ledger, [channel]), { retry: POLICY });
    expect(first.status).toBe("delivered");
    expect(channel.sent).toHaveLength(1);
    expect(channel.sent[0]?.digest.items).toEqual([
      { topic: "russia-dprk", story: "a" },
      { topic: "sanctions", story: "b" },
    ]);
    const second = await deliverDigest(digestSpec(), ports(ledger, [channel]), { retry: POLICY });
    expect(second.status).toBe("empty");
    expect(channel.sent).toHaveLength(1);
  });

  it("sends an empty digest only with send_empty", async () => {
    const channel = recordingChannel("hook");
    expect((await deliverDigest(digestSpec(), ports(new MemoryLedger([]), [channel]))).status).toBe("empty");
    expect(channel.sent).toHaveLength(0);
    await deliverDigest(digestSpec({ sendEmpty: true }), ports(new MemoryLedger([]), [channel]));
    expect(channel.sent).toHaveLength(1);
    expect(channel.sent[0]?.digest.matchCount).toBe(0);
  });

  it("derives the delivery id from the digest and its claimed matches", async () => {
    const ledger = new MemoryLedger([digestMatch({ story: "a" })]);
    const channel = recordingChannel("hook");
    await deliverDigest(digestSpec(), ports(ledger, [channel]));
    expect(channel.sent[0]?.deliveryId).toBe(
      deliveryIdFor("morning", [{ topic: "russia-dprk", story: "a" }], "ignored"),
    );
    expect(channel.sent[0]?.deliveryId).toMatch(/^morning-[0-9a-f]{24}$/);
  });

  it("retries a failing channel with backoff and does not re-send to the channel that succeeded", async () => {
    const ledger = new MemoryLedger([digestMatch({ story: "a" })]);
    const good = recordingChannel("good");
    const flaky = recordingChannel("flaky", 2);
    const sleeps: number[] = [];
    const result = await deliverDigest(digestSpec(), ports(ledger, [good, flaky], sleeps), { retry: POLICY });
    expect(result.status).toBe("delivered");
    expect(flaky.tries).toBe(3);
    expect(flaky.sent).toHaveLength(1);
    expect(good.sent).toHaveLength(1);
    expect(sleeps).toEqual([100, 200]);
  });

  it("resumes an unfinished delivery with the same id, for the pending channel only", async () => {
    const ledger = new MemoryLedger([digestMatch({ story: "a" })]);
    const good = recordingChannel("good");
    const down = recordingChannel("down", 4);
    const policy = { ...POLICY, attemptsPerRun: 2 };
    const first = await deliverDigest(digestSpec(), ports(ledger, [good, down]), { retry: policy });
    expect(first.status).toBe("incomplete");
    expect(first.deliveries[0]?.channels.find((c) => c.channel === "down")?.status).toBe("pending");
    const second = await deliverDigest(digestSpec(), ports(ledger, [good, down]), { retry: policy });
    expect(second.status).toBe("incomplete");
    const third = await deliverDigest(digestSpec(), ports(ledger, [good, down]), { retry: policy });
    expect(third.status).toBe("delivered");
    expect(third.deliveries[0]?.resumed).toBe(true);
    expect(good.sent).toHaveLength(1);
    expect(down.sent).toHaveLength(1);
    expect(down.sent[0]?.deliveryId).toBe(good.sent[0]?.deliveryId);
    expect(down.sent[0]?.digest.generatedAt).toBe(good.sent[0]?.digest.generatedAt);
  });

  it("gives up on a channel that refuses (not retryable) without retrying", async () => {
    const ledger = new MemoryLedger([digestMatch({ story: "a" })]);
    const refused = recordingChannel("refused", 1, new NewswatchError("NW_DELIVERY_FAILED", "HTTP 404"));
    const result = await deliverDigest(digestSpec(), ports(ledger, [refused]), { retry: POLICY });
    expect(result.status).toBe("delivered");
    expect(result.deliveries[0]?.channels[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      error: "HTTP 404",
    });
    expect(refused.tries).toBe(1);
    expect(await ledger.listUnfinished("morning")).toEqual([]);
  });

  it("gives up after maxAttempts over all runs", async () => {
    const ledger = new MemoryLedger([digestMatch({ story: "a" })]);
    const down = recordingChannel("down", 100);
    const policy = { ...POLICY, attemptsPerRun: 2, maxAttempts: 3 };
    await deliverDigest(digestSpec(), ports(ledger, [down]), { retry: policy });
    const second = await deliverDigest(digestSpec(), ports(ledger, [down]), { retry: policy });
    expect(second.deliveries[0]?.channels[0]).toMatchObject({ status: "failed", attempts: 3 });
    expect(down.tries).toBe(3);
  });

  it("dry run (preview) claims nothing", async () => {
    const ledger = new MemoryLedger([digestMatch({ story: "a" })]);
    const preview = await previewDigest(digestSpec(), ledger, new Date("2026-03-01T00:00:00Z"));
    expect(preview.matchCount).toBe(1);
    expect(ledger.claims.size).toBe(0);
  });
});

class MemoryThrottle implements AlertThrottle {
  readonly used = new Map<string, number>();
  async reserve(topicId: string, wanted: number, limit: number, now: Date): Promise<number> {
    const key = `${topicId}:${Math.floor(now.getTime() / 3600_000)}`;
    const before = this.used.get(key) ?? 0;
    this.used.set(key, before + wanted);
    return Math.max(0, Math.min(wanted, limit - before));
  }
}

describe("alerts", () => {
  const config = {
    topics: [
      { id: "russia-dprk", name: "Russia–DPRK", query: "x", alert: "immediate" as const, minScore: 0 },
      { id: "sanctions", name: "Sanctions", query: "y", alert: "digest" as const, minScore: 0 },
    ],
    alerts: { maxPerHour: 2, deliver: [] },
  };

  it("admits the best-scoring matches up to the hour's budget per topic", async () => {
    const throttle = new MemoryThrottle();
    const now = new Date("2026-03-01T10:00:00Z");
    const matches = [1, 5, 3].map((score) => digestMatch({ story: `s${score}`, score }));
    const first = await admitWithinBudget(matches, 2, throttle, now);
    expect(first.admitted.map((m) => m.story)).toEqual(["s5", "s3"]);
    expect(first.skipped.map((m) => m.story)).toEqual(["s1"]);
    const again = await admitWithinBudget([digestMatch({ story: "late" })], 2, throttle, now);
    expect(again.admitted).toEqual([]);
  });

  it("alerts only immediate topics' recent matches, throttled, and never twice", async () => {
    const recent = "2026-03-01T21:59:00.000Z";
    const ledger = new MemoryLedger([
      digestMatch({ story: "a", score: 3, first_seen: recent }),
      digestMatch({ story: "b", score: 2, first_seen: recent }),
      digestMatch({ story: "c", score: 1, first_seen: recent }),
      digestMatch({ story: "old", first_seen: "2026-03-01T12:00:00.000Z" }),
      digestMatch({ story: "d", topic: "sanctions", first_seen: recent }),
    ]);
    const channel = recordingChannel("slack");
    const alertPorts = { ...ports(ledger, [channel]), throttle: new MemoryThrottle() };
    const result = await deliverAlerts(
      {
        ...config,
        alerts: {
          ...config.alerts,
          deliver: [{ type: "slack", url: "https://hooks.example/x", timeoutMs: 1000 }],
        },
      },
      alertPorts,
    );
    expect(result.skipped).toBe(1);
    expect(channel.sent).toHaveLength(1);
    expect(channel.sent[0]?.digest.kind).toBe("alert");
    expect(channel.sent[0]?.digest.items.map((k) => k.story)).toEqual(["a", "b"]);
    // The throttled match is claimed for alerts (left for the digest), not alerted later.
    expect(ledger.claims.has(`${ALERTS_LEDGER}|russia-dprk\u0000c`)).toBe(true);
    expect((await deliverDigest(digestSpec(), ports(ledger, []))).deliveries[0]?.matches).toBe(5);
    const again = await deliverAlerts(
      {
        ...config,
        alerts: {
          ...config.alerts,
          deliver: [{ type: "slack", url: "https://hooks.example/x", timeoutMs: 1000 }],
        },
      },
      alertPorts,
    );
    expect(again.status).toBe("empty");
  });
});
