import type { DigestSpec, NewswatchConfig } from "../config/types.js";
import { type DeliverOptions, type DeliverPorts, type DigestRunResult, deliverDigest } from "./deliver.js";
import type { DigestMatch } from "./types.js";

// Immediate alerts for topics with `alert: immediate`, through the channels under `alerts:`.
//
// An alert run is a small digest: the matches of alert topics first seen within the last hour that no
// alert has claimed yet, delivered with the same ledger and guarantees as digests (claimed once, record
// before sending, stable ids, per-channel retries). The processor asks for a run after a chunk creates
// matches of an alert topic (one queued run at a time, see requestAlertRun), and a sweep every minute
// catches any request lost to a crash. Per topic at most `max_per_hour` stories are alerted in a clock
// hour (a Redis counter); the others are claimed as skipped for alerts and go out with the next digest.

/** The ledger name of alerts; `!` cannot start a digest name, so it never collides with one. */
export const ALERTS_LEDGER = "!alerts";
/** The `digest` of a digests-queue job that runs alerts. */
export const ALERTS_JOB_DIGEST = "!alerts";
/** Matches older than this are no longer news for an alert (after an outage they wait for the digest). */
export const ALERT_WINDOW_MS = 60 * 60 * 1000;

export interface AlertThrottle {
  /** Takes up to `wanted` alerts of the topic's budget for the hour of `now`; returns how many it got. */
  reserve(topicId: string, wanted: number, limit: number, now: Date): Promise<number>;
}

/** The alert topics of a configuration, or an empty list when alerts are off (no topic or no channel). */
export function alertTopicIds(config: Pick<NewswatchConfig, "topics" | "alerts">): string[] {
  if (config.alerts.deliver.length === 0) return [];
  return config.topics.filter((t) => t.alert === "immediate").map((t) => t.id);
}

export function alertDigestSpec(config: Pick<NewswatchConfig, "topics" | "alerts">): DigestSpec | undefined {
  const topics = alertTopicIds(config);
  if (topics.length === 0) return undefined;
  return {
    name: "alerts",
    topics,
    schedule: "",
    timezone: "UTC",
    maxItems: 10_000,
    sendEmpty: false,
    deliver: config.alerts.deliver,
  };
}

export interface AlertPorts extends DeliverPorts {
  throttle: AlertThrottle;
}

export async function deliverAlerts(
  config: Pick<NewswatchConfig, "topics" | "alerts">,
  ports: AlertPorts,
  options: Pick<DeliverOptions, "retry"> = {},
): Promise<DigestRunResult> {
  const spec = alertDigestSpec(config);
  if (spec === undefined) return { digest: "alerts", status: "empty", deliveries: [], skipped: 0 };
  const now = ports.now();
  const topicNames = new Map(config.topics.map((t) => [t.id, t.name]));
  return deliverDigest(spec, ports, {
    ...options,
    ledgerName: ALERTS_LEDGER,
    kind: "alert",
    topicNames,
    since: new Date(now.getTime() - ALERT_WINDOW_MS),
    admit: (matches) => admitWithinBudget(matches, config.alerts.maxPerHour, ports.throttle, now),
  });
}

/** Per topic, the best-scoring matches up to the hour's remaining budget; the rest are skipped. */
export async function admitWithinBudget(
  matches: DigestMatch[],
  maxPerHour: number,
  throttle: AlertThrottle,
  now: Date,
): Promise<{ admitted: DigestMatch[]; skipped: DigestMatch[] }> {
  const byTopic = new Map<string, DigestMatch[]>();
  for (const m of matches) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
  const admitted: DigestMatch[] = [];
  const skipped: DigestMatch[] = [];
  for (const [topic, list] of byTopic) {
    list.sort((a, b) => b.score - a.score || Date.parse(b.published) - Date.parse(a.published));
    const allowed = await throttle.reserve(topic, list.length, maxPerHour, now);
    admitted.push(...list.slice(0, allowed));
    skipped.push(...list.slice(allowed));
  }
  return { admitted, skipped };
}
