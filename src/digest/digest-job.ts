import type { NewswatchConfig } from "../config/types.js";
import { NewswatchError } from "../errors.js";
import type { Logger } from "../log.js";
import { ALERTS_JOB_DIGEST, type AlertThrottle, deliverAlerts } from "./alerts.js";
import type { Channel } from "./channels/channel.js";
import { type ChannelOptions, createChannel } from "./channels/create-channel.js";
import { DEFAULT_RETRY_POLICY, type DigestRunResult, deliverDigest, type RetryPolicy } from "./deliver.js";
import type { DeliveryLedger } from "./ledger.js";
import type { RunLock } from "./redis-run-lock.js";

// The digests queue's job function: `{ digest: NAME }` delivers that digest, `{ digest: "!alerts" }`
// runs alerts. A run with a channel still pending fails retryably, so BullMQ tries again with backoff
// (the retry resumes the same delivery, for the pending channels only). Runs of one digest never overlap:
// a digest run finding its lock taken is retried later; an alert run simply leaves the work to the one
// holding the lock (and to the sweep).

/** Longest a run may hold its lock: channels × attempts × timeouts stay well below it. */
export const RUN_LOCK_TTL_MS = 15 * 60_000;

export interface DigestJobDeps {
  /** The configuration in force (it may be reloaded between jobs). */
  config(): Pick<NewswatchConfig, "digests" | "topics" | "alerts">;
  ledger: DeliveryLedger;
  throttle: AlertThrottle;
  /** One run per digest at a time (RedisRunLock); without it concurrent runs may re-send a pending delivery. */
  lock?: RunLock;
  now(): Date;
  sleep?(ms: number): Promise<void>;
  channelOptions?: ChannelOptions;
  retry?: RetryPolicy;
}

export type DigestJob = (data: { digest: string }, ctx: { logger: Logger }) => Promise<DigestRunResult>;

export function createDigestJob(deps: DigestJobDeps): DigestJob {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retry = deps.retry ?? DEFAULT_RETRY_POLICY;
  return async (data, ctx) => {
    const started = Date.now();
    const release =
      deps.lock === undefined ? async () => {} : await deps.lock.acquire(data.digest, RUN_LOCK_TTL_MS);
    if (release === undefined) {
      if (data.digest === ALERTS_JOB_DIGEST)
        return { digest: "alerts", status: "empty", deliveries: [], skipped: 0 };
      throw new NewswatchError(
        "NW_DELIVERY_FAILED",
        `digest ${data.digest} is being delivered by another run; trying again later`,
        { retryable: true },
      );
    }
    try {
      return await runDigest(data, ctx, started);
    } finally {
      await release();
    }
  };

  async function runDigest(
    data: { digest: string },
    ctx: { logger: Logger },
    started: number,
  ): Promise<DigestRunResult> {
    const config = deps.config();
    const channels = (specs: NewswatchConfig["alerts"]["deliver"]): Channel[] =>
      specs.map((s) => createChannel(s, deps.channelOptions));
    let result: DigestRunResult;
    if (data.digest === ALERTS_JOB_DIGEST) {
      const ports = {
        ledger: deps.ledger,
        channels: channels(config.alerts.deliver),
        now: deps.now,
        sleep,
        logger: ctx.logger,
        throttle: deps.throttle,
      };
      result = await deliverAlerts(config, ports, { retry });
    } else {
      const spec = config.digests.find((d) => d.name === data.digest);
      if (spec === undefined) {
        // A scheduler left over from a digest removed from the configuration.
        ctx.logger.warn({ digest: data.digest }, "digest job for a digest not in the configuration; skipped");
        return { digest: data.digest, status: "empty", deliveries: [], skipped: 0 };
      }
      const topicNames = new Map(config.topics.map((t) => [t.id, t.name]));
      result = await deliverDigest(
        spec,
        { ledger: deps.ledger, channels: channels(spec.deliver), now: deps.now, sleep, logger: ctx.logger },
        { retry, topicNames },
      );
    }
    ctx.logger.info(
      {
        digest: result.digest,
        status: result.status,
        deliveries: result.deliveries.length,
        stories: result.deliveries.reduce((n, d) => n + d.stories, 0),
        skipped: result.skipped,
        durationMs: Date.now() - started,
      },
      "digest run done",
    );
    if (result.status === "incomplete") {
      const pending = result.deliveries.flatMap((d) =>
        d.channels.filter((c) => c.status === "pending").map((c) => `${c.channel}: ${c.error ?? "pending"}`),
      );
      throw new NewswatchError(
        "NW_DELIVERY_FAILED",
        `digest ${result.digest}: not delivered yet to ${pending.join("; ")}`,
        { retryable: true },
      );
    }
    return result;
  }
}
