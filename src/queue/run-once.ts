import { Job, type Queue, type QueueEvents } from "bullmq";
import type { PollJobData } from "./names.js";

/**
 * Queue one forced poll per feed and wait until each has finished, then until every chunk those polls put
 * on the articles queue has been processed. Returns the poll jobs' results (job functions return
 * plain values) and the chunk results, in feed order.
 */
export async function pollAllAndDrain<PollResultT extends { chunkJobIds: string[] }, ChunkResultT>(args: {
  feedsQueue: Queue<PollJobData>;
  articlesQueue: Queue;
  feedsEvents: QueueEvents;
  articlesEvents: QueueEvents;
  feedIds: string[];
  runId: string;
  /** Called as each poll finishes (for a progress bar). */
  onPollDone?: (done: number, total: number) => void;
  /** What a poll whose job failed outright (infrastructure, after retries) reports. */
  onPollJobFailed: (feedId: string, reason: string) => PollResultT;
}): Promise<{ polls: PollResultT[]; chunks: ChunkResultT[]; failedChunks: string[] }> {
  const { feedsQueue, articlesQueue, feedsEvents, articlesEvents, feedIds, runId } = args;
  await Promise.all([feedsEvents.waitUntilReady(), articlesEvents.waitUntilReady()]);
  const jobs = await feedsQueue.addBulk(
    feedIds.map((feedId) => ({
      name: "poll",
      data: { feedId, force: true },
      opts: { jobId: `once:${runId}:${feedId}`, attempts: 2, backoff: { type: "fixed", delay: 1000 } },
    })),
  );
  let done = 0;
  const polls = await Promise.all(
    jobs.map(async (job, i) => {
      const feedId = feedIds[i] ?? "";
      try {
        const result = (await job.waitUntilFinished(feedsEvents)) as PollResultT;
        return result;
      } catch (err) {
        return args.onPollJobFailed(feedId, err instanceof Error ? err.message : String(err));
      } finally {
        done++;
        args.onPollDone?.(done, feedIds.length);
      }
    }),
  );
  const chunkIds = [...new Set(polls.flatMap((p) => p.chunkJobIds))];
  const chunks: ChunkResultT[] = [];
  const failedChunks: string[] = [];
  await Promise.all(
    chunkIds.map(async (id) => {
      const job = await Job.fromId(articlesQueue, id);
      if (!job) return; // finished and already removed: nothing left to wait for
      try {
        chunks.push((await job.waitUntilFinished(articlesEvents)) as ChunkResultT);
      } catch (err) {
        failedChunks.push(`${id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  return { polls, chunks, failedChunks };
}
