import type { RedisFeedState } from "../feeds/redis-feed-state.js";
import type { FeedSpec } from "../feeds/types.js";
import type { Store } from "../store/types.js";

/** One feed's health as `newswatch feeds` and `/api/feeds` show it. */
export interface FeedHealthRow {
  id: string;
  name: string;
  url: string;
  tags: string[];
  status: string;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  failuresInRow: number;
  nextPollAt: string | null;
  newArticlesLast24h: number;
}

/**
 * Every configured feed with its health: the live state in Redis first (it knows the last 24 hours), the
 * durable record in the store when Redis has forgotten the feed.
 */
export async function listFeedHealthRows(
  feeds: readonly FeedSpec[],
  ports: { feedState: Pick<RedisFeedState, "getHealth">; store: Pick<Store, "listFeedHealth"> },
  now: Date,
): Promise<FeedHealthRow[]> {
  const [live, durable] = await Promise.all([
    ports.feedState.getHealth(
      feeds.map((f) => f.id),
      now,
    ),
    ports.store.listFeedHealth(),
  ]);
  const durableById = new Map(durable.map((d) => [d.id, d]));
  return feeds.map((feed, i) => {
    const h = live[i];
    const d = durableById.get(feed.id);
    const lastSuccessAt = h?.lastSuccessAt?.toISOString() ?? d?.lastSuccessAt ?? null;
    const lastErrorAt = h?.lastErrorAt?.toISOString() ?? d?.lastErrorAt ?? null;
    const failuresInRow = h?.failuresInRow ?? d?.failuresInRow ?? 0;
    const status =
      !lastSuccessAt && !lastErrorAt
        ? "never polled"
        : failuresInRow > 0
          ? "failing"
          : h?.lastStatus === "not-modified"
            ? "not modified"
            : "ok";
    return {
      id: feed.id,
      name: feed.name,
      url: feed.url,
      tags: feed.tags,
      status,
      lastSuccessAt,
      lastErrorAt,
      lastError: h?.lastError ?? d?.lastError ?? null,
      failuresInRow,
      nextPollAt: h?.nextPollAt?.toISOString() ?? d?.nextPollAt ?? null,
      newArticlesLast24h: h?.itemsLast24h ?? 0,
    };
  });
}
