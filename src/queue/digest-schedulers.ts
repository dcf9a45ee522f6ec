import type { Queue } from "bullmq";
import type { DigestSpec } from "../config/types.js";
import { ALERTS_JOB_DIGEST } from "../digest/alerts.js";
import type { DigestJobData } from "./names.js";

// Job schedulers of the digests queue: one cron scheduler per configured digest, plus the alerts sweep
// when alerts are on. Schedulers of digests no longer configured are removed (none left firing).

const DIGEST_SCHEDULER_PREFIX = "digest:";
const ALERTS_SWEEP_ID = "alerts:sweep";
/** How often the alerts sweep runs: it catches alert requests lost to a crash. */
export const ALERTS_SWEEP_MS = 60_000;

export function digestSchedulerId(name: string): string {
  return `${DIGEST_SCHEDULER_PREFIX}${name}`;
}

export async function syncDigestSchedulers(
  queue: Queue<DigestJobData>,
  digests: readonly DigestSpec[],
  options: { alerts?: boolean } = {},
): Promise<{ upserted: number; removed: string[] }> {
  const wanted = new Set(digests.map((d) => digestSchedulerId(d.name)));
  for (const digest of digests) {
    await queue.upsertJobScheduler(
      digestSchedulerId(digest.name),
      { pattern: digest.schedule, tz: digest.timezone },
      { name: "digest", data: { digest: digest.name } },
    );
  }
  if (options.alerts === true) {
    wanted.add(ALERTS_SWEEP_ID);
    await queue.upsertJobScheduler(
      ALERTS_SWEEP_ID,
      { every: ALERTS_SWEEP_MS },
      { name: "alerts", data: { digest: ALERTS_JOB_DIGEST } },
    );
  }
  const stale: string[] = [];
  const pageSize = 500;
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getJobSchedulers(start, start + pageSize - 1, true);
    for (const scheduler of page) {
      const id = scheduler.key;
      const ours = id.startsWith(DIGEST_SCHEDULER_PREFIX) || id === ALERTS_SWEEP_ID;
      if (ours && !wanted.has(id)) stale.push(id);
    }
    if (page.length < pageSize) break;
  }
  for (const id of stale) await queue.removeJobScheduler(id);
  return { upserted: wanted.size, removed: stale };
}

/**
 * Asks for an alert run now. At most one run waits at a time: requests made while one waits are folded
 * into it, and a request made while one runs queues exactly one more (BullMQ deduplication).
 */
export async function requestAlertRun(queue: Queue<DigestJobData>): Promise<void> {
  await queue.add(
    "alerts",
    { digest: ALERTS_JOB_DIGEST },
    { deduplication: { id: "alerts", keepLastIfActive: true } },
  );
}
