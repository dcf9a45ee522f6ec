import type { Command } from "commander";
import { errorMessage, isNewswatchError } from "../errors.js";
import { RedisFeedState } from "../feeds/redis-feed-state.js";
import { connectRedis } from "../queue/redis-connection.js";
import { openStore } from "../store/open-store.js";
import { loadCliConfig } from "./load-cli-config.js";

export interface FeedHealthRow {
  id: string;
  name: string;
  url: string;
  status: string;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  failuresInRow: number;
  nextPollAt: string | null;
  newArticlesLast24h: number;
}

function ago(iso: string | null, now: Date): string {
  if (!iso) return "never";
  const s = Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  const abs = Math.abs(s);
  const text = abs < 90 ? `${abs}s` : abs < 5400 ? `${Math.round(abs / 60)}m` : abs < 172800 ? `${Math.round(abs / 3600)}h` : `${Math.round(abs / 86400)}d`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

/** The human table of `newswatch feeds`. */
export function formatFeedHealth(rows: FeedHealthRow[], now: Date): string {
  const lines = [`${rows.length} feeds`];
  for (const r of rows) {
    lines.push(`${r.status.padEnd(12)} ${r.name}  <${r.url}>`);
    lines.push(
      `             last success ${ago(r.lastSuccessAt, now)}, next poll ${ago(r.nextPollAt, now)}, ${r.newArticlesLast24h} new in 24 h` +
        (r.failuresInRow > 0 ? `, ${r.failuresInRow} failures in a row` : ""),
    );
    if (r.lastError) lines.push(`             last error ${ago(r.lastErrorAt, now)}: ${r.lastError}`);
  }
  return lines.join("\n");
}

export function registerFeedsCommand(program: Command): void {
  const feeds = program
    .command("feeds")
    .description("feed health: last success, last error, failures in a row, next poll")
    .option("--json", "JSON Lines, one per feed")
    .action(async (opts: { json?: boolean }, command: Command) => {
      const config = await loadCliConfig(command);
      let redis: Awaited<ReturnType<typeof connectRedis>>;
      try {
        redis = await connectRedis(config.redis.url);
      } catch (err) {
        process.stderr.write(`newswatch: ${errorMessage(err)}\n`);
        process.exit(isNewswatchError(err) ? 2 : 1);
      }
      try {
        const store = await openStore(config.store.url);
        const now = new Date();
        try {
          const ids = config.feeds.list.map((f) => f.id);
          const [live, durable] = await Promise.all([new RedisFeedState(redis, config.redis.prefix).getHealth(ids, now), store.listFeedHealth()]);
          const durableById = new Map(durable.map((d) => [d.id, d]));
          const rows: FeedHealthRow[] = config.feeds.list.map((feed, i) => {
            const h = live[i];
            const d = durableById.get(feed.id);
            const lastSuccessAt = h?.lastSuccessAt?.toISOString() ?? d?.lastSuccessAt ?? null;
            const failuresInRow = h?.failuresInRow ?? d?.failuresInRow ?? 0;
            const status = !lastSuccessAt && !h?.lastErrorAt ? "never polled" : failuresInRow > 0 ? "failing" : h?.lastStatus === "not-modified" ? "not modified" : "ok";
            return {
              id: feed.id,
              name: feed.name,
              url: feed.url,
              status,
              lastSuccessAt,
              lastErrorAt: h?.lastErrorAt?.toISOString() ?? d?.lastErrorAt ?? null,
              lastError: h?.lastError ?? d?.lastError ?? null,
              failuresInRow,
              nextPollAt: h?.nextPollAt?.toISOString() ?? d?.nextPollAt ?? null,
              newArticlesLast24h: h?.itemsLast24h ?? 0,
            };
          });
          if (opts.json) for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
          else process.stdout.write(`${formatFeedHealth(rows, now)}\n`);
        } finally {
          await store.close();
        }
      } catch (err) {
        process.stderr.write(`newswatch: ${errorMessage(err)}\n`);
        process.exitCode = isNewswatchError(err) && err.code === "NW_STORE_UNREACHABLE" ? 2 : 1;
      } finally {
        redis.disconnect();
      }
    });
  void feeds;
}
