import type { DigestSpec } from "../config/types.js";
import { errorMessage, isNewswatchError } from "../errors.js";
import type { Logger } from "../log.js";
import { buildDigest, isEmptyDigest } from "./build.js";
import type { Channel } from "./channels/channel.js";
import { deliveryIdFor } from "./delivery-id.js";
import type { ChannelStatus, DeliveryLedger, DeliveryRecord } from "./ledger.js";
import type { Digest, DigestMatch } from "./types.js";

// Delivering a digest: at least once, with stable ids.
//
// 1. Finish what an earlier run left: deliveries of this digest with a channel still pending are
//    rebuilt from the matches they claimed and re-sent to those channels only, with the SAME delivery id.
// 2. Select the matches this digest has not claimed, build the digest, and in one transaction claim them
//    (UNIQUE(digest, topic, story): a match is claimed by one run only) and write a pending row per
//    channel: the record exists BEFORE anything is sent.
// 3. Send to each channel, retrying with backoff; each outcome is written on the channel's row, so a
//    channel that succeeded is never sent the same delivery again.
// A crash between sending and recording leaves the row pending: the next run re-sends with the same
// delivery id (Message-ID, X-Newswatch-Delivery, file name), which receivers use to drop the duplicate.

export interface RetryPolicy {
  /** Attempts per channel within one run. */
  attemptsPerRun: number;
  /** Backoff before retry n (1-based): baseDelayMs × 2^(n-1), at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts over all runs after which a channel is given up (status `failed`). */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attemptsPerRun: 3,
  baseDelayMs: 2000,
  maxDelayMs: 30_000,
  maxAttempts: 15,
};

export interface DeliverPorts {
  ledger: DeliveryLedger;
  /** The digest's channels, built from its `deliver` list. */
  channels: readonly Channel[];
  now(): Date;
  sleep(ms: number): Promise<void>;
  logger?: Logger;
}

export interface DeliverOptions {
  /** Name under which claims are recorded (default: the digest's name). */
  ledgerName?: string;
  kind?: Digest["kind"];
  topicNames?: ReadonlyMap<string, string>;
  retry?: RetryPolicy;
  /** Only matches first seen at or after this time (alerts). */
  since?: Date;
  /** Decides which of the selected matches go out now; the rest are claimed as skipped (alert throttling). */
  admit?: (matches: DigestMatch[]) => Promise<{ admitted: DigestMatch[]; skipped: DigestMatch[] }>;
}

export interface ChannelOutcome {
  channel: string;
  type: Channel["type"] | "unknown";
  status: ChannelStatus;
  attempts: number;
  error?: string;
}

export interface DeliveryOutcome {
  deliveryId: string;
  /** True for a delivery left unfinished by an earlier run. */
  resumed: boolean;
  stories: number;
  matches: number;
  channels: ChannelOutcome[];
}

export interface DigestRunResult {
  digest: string;
  /** `empty`: nothing new and send_empty is off (a skip, not an error). */
  status: "delivered" | "empty" | "incomplete";
  deliveries: DeliveryOutcome[];
  /** Matches claimed without being sent (throttled alerts). */
  skipped: number;
}

/** Builds the digest from its undelivered matches and delivers it; see the comment at the top. */
export async function deliverDigest(
  spec: DigestSpec,
  ports: DeliverPorts,
  options: DeliverOptions = {},
): Promise<DigestRunResult> {
  const ledgerName = options.ledgerName ?? spec.name;
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const deliveries: DeliveryOutcome[] = [];

  for (const record of await ports.ledger.listUnfinished(ledgerName)) {
    const claimed = await ports.ledger.listClaimed(record.deliveryId);
    const digest = buildDigest(spec, claimed, new Date(record.createdAt), buildOptions(options));
    deliveries.push(await sendToChannels(record, digest, true, ports, policy));
  }

  let skipped = 0;
  let fresh: { record: DeliveryRecord; digest: Digest } | undefined;
  // A concurrent run (the CLI and the scheduler) may claim some of the same matches first: select again.
  for (let round = 0; round < 5 && fresh === undefined; round++) {
    const selected = await ports.ledger.listUndelivered(ledgerName, spec.topics, options.since);
    const { admitted, skipped: held } = options.admit
      ? await options.admit(selected)
      : { admitted: selected, skipped: [] };
    const createdAt = ports.now().toISOString();
    if (held.length > 0) {
      const items = held.map((m) => ({ topic: m.topic, story: m.story }));
      const claimedHeld = await ports.ledger.claim({
        deliveryId: `${deliveryIdFor(ledgerName, items, createdAt)}-skipped`,
        digest: ledgerName,
        createdAt,
        items,
        channels: [{ channel: "throttled", status: "skipped" }],
      });
      if (!claimedHeld) continue;
      skipped += held.length;
    }
    const digest = buildDigest(spec, admitted, new Date(createdAt), buildOptions(options));
    if (isEmptyDigest(digest) && !spec.sendEmpty) break;
    const record: DeliveryRecord = {
      deliveryId: deliveryIdFor(ledgerName, digest.items, createdAt),
      digest: ledgerName,
      createdAt,
      channels: ports.channels.map((c) => ({
        channel: c.key,
        status: "pending",
        attempts: 0,
        lastError: null,
      })),
    };
    const claimed = await ports.ledger.claim({
      deliveryId: record.deliveryId,
      digest: ledgerName,
      createdAt,
      items: digest.items,
      channels: record.channels.map((c) => ({ channel: c.channel, status: c.status })),
    });
    if (claimed) fresh = { record, digest };
  }
  if (fresh !== undefined)
    deliveries.push(await sendToChannels(fresh.record, fresh.digest, false, ports, policy));

  const incomplete = deliveries.some((d) => d.channels.some((c) => c.status === "pending"));
  const status = incomplete
    ? "incomplete"
    : fresh === undefined && deliveries.length === 0
      ? "empty"
      : "delivered";
  return { digest: spec.name, status, deliveries, skipped };
}

/** Builds the digest without claiming anything: what `digest --dry-run` prints. */
export async function previewDigest(
  spec: DigestSpec,
  ledger: DeliveryLedger,
  now: Date,
  options: DeliverOptions = {},
): Promise<Digest> {
  const rows = await ledger.listUndelivered(options.ledgerName ?? spec.name, spec.topics, options.since);
  return buildDigest(spec, rows, now, buildOptions(options));
}

function buildOptions(options: DeliverOptions) {
  return {
    kind: options.kind ?? "digest",
    ...(options.topicNames === undefined ? {} : { topicNames: options.topicNames }),
  };
}

async function sendToChannels(
  record: DeliveryRecord,
  digest: Digest,
  resumed: boolean,
  ports: DeliverPorts,
  policy: RetryPolicy,
): Promise<DeliveryOutcome> {
  const byKey = new Map(ports.channels.map((c) => [c.key, c]));
  const outcomes = await Promise.all(
    record.channels.map(async (state): Promise<ChannelOutcome> => {
      const channel = byKey.get(state.channel);
      if (state.status !== "pending") {
        return {
          channel: state.channel,
          type: channel?.type ?? "unknown",
          status: state.status,
          attempts: state.attempts,
        };
      }
      if (channel === undefined) {
        // The channel was removed from the configuration since: nothing left to send it to.
        const error = "channel no longer configured";
        await ports.ledger.recordAttempt(record.deliveryId, state.channel, {
          status: "failed",
          error,
          at: ports.now().toISOString(),
        });
        return {
          channel: state.channel,
          type: "unknown",
          status: "failed",
          attempts: state.attempts + 1,
          error,
        };
      }
      return sendWithRetry(channel, state.attempts, record, digest, ports, policy);
    }),
  );
  const log = {
    digest: record.digest,
    deliveryId: record.deliveryId,
    resumed,
    stories: digest.storyCount,
    matches: digest.matchCount,
  };
  for (const o of outcomes) {
    if (o.status === "sent")
      ports.logger?.info({ ...log, channel: o.channel, attempts: o.attempts }, "digest delivered");
    else if (o.status === "failed" || o.status === "pending")
      ports.logger?.warn(
        { ...log, channel: o.channel, attempts: o.attempts, status: o.status, error: o.error },
        "digest delivery failed",
      );
  }
  return {
    deliveryId: record.deliveryId,
    resumed,
    stories: digest.storyCount,
    matches: digest.matchCount,
    channels: outcomes,
  };
}

async function sendWithRetry(
  channel: Channel,
  previousAttempts: number,
  record: DeliveryRecord,
  digest: Digest,
  ports: DeliverPorts,
  policy: RetryPolicy,
): Promise<ChannelOutcome> {
  let attempts = previousAttempts;
  for (let round = 1; ; round++) {
    attempts++;
    const at = ports.now();
    try {
      await channel.send({ deliveryId: record.deliveryId, digest, attemptAt: at });
      await ports.ledger.recordAttempt(record.deliveryId, channel.key, {
        status: "sent",
        error: null,
        at: ports.now().toISOString(),
      });
      return { channel: channel.key, type: channel.type, status: "sent", attempts };
    } catch (err) {
      const error = errorMessage(err);
      const retryable = isNewswatchError(err) ? err.retryable : true;
      const exhausted = attempts >= policy.maxAttempts;
      const lastRound = round >= policy.attemptsPerRun;
      const status: ChannelStatus = !retryable || exhausted ? "failed" : "pending";
      await ports.ledger.recordAttempt(record.deliveryId, channel.key, {
        status,
        error,
        at: ports.now().toISOString(),
      });
      if (status === "failed" || lastRound)
        return { channel: channel.key, type: channel.type, status, attempts, error };
      const wanted =
        isNewswatchError(err) && err.retryAfterMs !== undefined
          ? err.retryAfterMs
          : policy.baseDelayMs * 2 ** (round - 1);
      await ports.sleep(Math.min(wanted, policy.maxDelayMs));
    }
  }
}
