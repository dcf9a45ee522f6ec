import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startRetention } from "../../../src/service/retention.js";
import type { Store } from "../../../src/store/types.js";

const logger = pino({ level: "silent" });

function fakeStore(calls: Array<{ retentionMs: number }>): Store {
  return {
    prune: async (retentionMs: number) => {
      calls.push({ retentionMs });
      return { stories: 1, articles: 2, matches: 1 };
    },
  } as unknown as Store;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("startRetention", () => {
  it("prunes with the configured retention on its timer, only in the owner process", async () => {
    vi.useFakeTimers();
    const calls: Array<{ retentionMs: number }> = [];
    let owner = false;
    const stop = startRetention({
      store: fakeStore(calls),
      retentionMs: 180 * 86_400_000,
      isOwner: () => owner,
      logger,
      everyMs: 1000,
      firstAfterMs: 10,
    });
    await vi.advanceTimersByTimeAsync(1500);
    expect(calls).toHaveLength(0);
    owner = true;
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toEqual([{ retentionMs: 180 * 86_400_000 }, { retentionMs: 180 * 86_400_000 }]);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(2);
  });

  it("does nothing without a retention", async () => {
    vi.useFakeTimers();
    const calls: Array<{ retentionMs: number }> = [];
    startRetention({
      store: fakeStore(calls),
      retentionMs: undefined,
      isOwner: () => true,
      logger,
      everyMs: 10,
      firstAfterMs: 1,
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(0);
  });
});
