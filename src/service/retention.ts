import type { Logger } from "../log.js";
import type { Store } from "../store/types.js";

/**
 * Prunes stories older than `store.retention` every `everyMs`, in small batches (the store deletes a few
 * hundred rows per statement), only in the process that owns the schedulers' upkeep so replicas do not
 * prune side by side. Returns a stop function.
 */
export function startRetention(args: {
  store: Store;
  retentionMs: number | undefined;
  isOwner: () => boolean;
  logger: Logger;
  everyMs?: number;
  firstAfterMs?: number;
}): () => void {
  if (!args.retentionMs) return () => {};
  const retentionMs = args.retentionMs;
  let running = false;
  const prune = async () => {
    if (running || !args.isOwner()) return;
    running = true;
    try {
      const started = Date.now();
      const removed = await args.store.prune(retentionMs, new Date());
      if (removed.stories + removed.articles + removed.matches > 0) {
        args.logger.info({ ...removed, durationMs: Date.now() - started }, "retention pruned old stories");
      }
    } catch (err) {
      args.logger.error({ err }, "retention pruning failed; will try again");
    } finally {
      running = false;
    }
  };
  const first = setTimeout(prune, args.firstAfterMs ?? 60_000);
  const timer = setInterval(prune, args.everyMs ?? 3_600_000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
