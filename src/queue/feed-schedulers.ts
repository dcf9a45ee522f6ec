import type { Queue } from "bullmq";
import type { FeedSpec } from "../feeds/types.js";
import type { PollJobData } from "./names.js";

const FEED_SCHEDULER_PREFIX = "feed:";

export function feedSchedulerId(feedId: string): string {
  return `${FEED_SCHEDULER_PREFIX}${feedId}`;
}

/**
 * Make the feeds queue's job schedulers exactly one per configured feed: upsert each (its interval, with a
 * per-feed offset so feeds do not poll in lockstep) and remove those of feeds no longer configured.
 */
export async function syncFeedSchedulers(
  queue: Queue<PollJobData>,
  feeds: FeedSpec[],
  offsetMs: (feed: FeedSpec) => number,
): Promise<{ upserted: number; removed: string[] }> {
  const wanted = new Set(feeds.map((f) => feedSchedulerId(f.id)));
  for (const feed of feeds) {
    await queue.upsertJobScheduler(
      feedSchedulerId(feed.id),
      { every: feed.intervalMs, offset: offsetMs(feed) },
      { name: "poll", data: { feedId: feed.id } },
    );
  }
  const removed: string[] = [];
  const pageSize = 500;
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getJobSchedulers(start, start + pageSize - 1, true);
    for (const scheduler of page) {
      const id = scheduler.key;
      if (id.startsWith(FEED_SCHEDULER_PREFIX) && !wanted.has(id)) removed.push(id);
    }
    if (page.length < pageSize) break;
  }
  for (const id of removed) await queue.removeJobScheduler(id);
  return { upserted: feeds.length, removed };
}
