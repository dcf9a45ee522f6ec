import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jitterOffsetMs, nextPollDelayMs, RETRY_AFTER_CEILING_MS } from "../../../src/feeds/backoff.js";
import { seededRandom } from "../../helpers/seeded-random.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("nextPollDelayMs after a success", () => {
  it("keeps within ten per cent of the interval", () => {
    const random = seededRandom(42);
    for (let i = 0; i < 500; i++) {
      const delay = nextPollDelayMs({
        intervalMs: 10 * MINUTE,
        failuresInRow: 0,
        maxBackoffMs: 6 * HOUR,
        random,
      });
      expect(delay).toBeGreaterThanOrEqual(9 * MINUTE);
      expect(delay).toBeLessThanOrEqual(11 * MINUTE);
    }
  });

  it("uses the whole jitter band rather than a fixed delay", () => {
    const random = seededRandom(7);
    const delays = Array.from({ length: 500 }, () =>
      nextPollDelayMs({ intervalMs: 10 * MINUTE, failuresInRow: 0, maxBackoffMs: 6 * HOUR, random }),
    );
    expect(Math.min(...delays)).toBeLessThan(9.2 * MINUTE);
    expect(Math.max(...delays)).toBeGreaterThan(10.8 * MINUTE);
  });

  it("maps the ends of the random range to the ends of the band", () => {
    const low = nextPollDelayMs({
      intervalMs: 100_000,
      failuresInRow: 0,
      maxBackoffMs: HOUR,
      random: () => 0,
    });
    const high = nextPollDelayMs({
      intervalMs: 100_000,
      failuresInRow: 0,
      maxBackoffMs: HOUR,
      random: () => 0.5,
    });
    expect(low).toBe(90_000);
    expect(high).toBe(100_000);
  });
});

describe("nextPollDelayMs after failures", () => {
  // Interval 1 min, ceiling 1 h: the step doubles per failure until the ceiling.
  const steps: Array<[failures: number, stepMs: number]> = [
    [1, 1 * MINUTE],
    [2, 2 * MINUTE],
    [3, 4 * MINUTE],
    [4, 8 * MINUTE],
    [5, 16 * MINUTE],
    [6, 32 * MINUTE],
    [7, 60 * MINUTE],
    [20, 60 * MINUTE],
  ];

  for (const [failures, step] of steps) {
    it(`draws from [step/2, step] with step ${step / MINUTE} min after ${failures} failure(s)`, () => {
      const random = seededRandom(failures);
      for (let i = 0; i < 200; i++) {
        const delay = nextPollDelayMs({
          intervalMs: MINUTE,
          failuresInRow: failures,
          maxBackoffMs: HOUR,
          random,
        });
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
      }
    });
  }

  it("grows with the number of failures until the ceiling", () => {
    const at = (failures: number) =>
      nextPollDelayMs({ intervalMs: MINUTE, failuresInRow: failures, maxBackoffMs: HOUR, random: () => 0.5 });
    expect(at(1)).toBe(45_000);
    expect(at(2)).toBe(90_000);
    expect(at(3)).toBe(180_000);
    expect(at(10)).toBe(45 * MINUTE);
  });

  it("stays finite after a very long run of failures", () => {
    const delay = nextPollDelayMs({
      intervalMs: MINUTE,
      failuresInRow: 5000,
      maxBackoffMs: HOUR,
      random: () => 0.99,
    });
    expect(Number.isFinite(delay)).toBe(true);
    expect(delay).toBeLessThanOrEqual(HOUR);
  });

  it("spreads failing feeds apart", () => {
    const random = seededRandom(99);
    const delays = new Set(
      Array.from({ length: 100 }, () =>
        nextPollDelayMs({ intervalMs: MINUTE, failuresInRow: 4, maxBackoffMs: HOUR, random }),
      ),
    );
    expect(delays.size).toBeGreaterThan(90);
  });

  it("holds every delay within its bounds for any input", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 24 * HOUR }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1000, max: 48 * HOUR }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (intervalMs, failuresInRow, maxBackoffMs, r) => {
          const delay = nextPollDelayMs({ intervalMs, failuresInRow, maxBackoffMs, random: () => r });
          if (failuresInRow === 0) {
            expect(delay).toBeGreaterThanOrEqual(Math.floor(intervalMs * 0.9));
            expect(delay).toBeLessThanOrEqual(Math.ceil(intervalMs * 1.1));
          } else {
            const step = Math.min(intervalMs * 2 ** Math.min(failuresInRow - 1, 60), maxBackoffMs);
            expect(delay).toBeGreaterThanOrEqual(Math.floor(step / 2));
            expect(delay).toBeLessThanOrEqual(Math.ceil(step));
          }
        },
      ),
    );
  });
});

describe("nextPollDelayMs with Retry-After", () => {
  it("never polls before the remote asked us to", () => {
    const random = seededRandom(3);
    for (let failures = 0; failures < 6; failures++) {
      const delay = nextPollDelayMs({
        intervalMs: MINUTE,
        failuresInRow: failures,
        maxBackoffMs: HOUR,
        retryAfterMs: 2 * HOUR,
        random,
      });
      expect(delay).toBe(2 * HOUR);
    }
  });

  it("keeps the backoff when it is already longer than Retry-After", () => {
    const delay = nextPollDelayMs({
      intervalMs: 10 * MINUTE,
      failuresInRow: 3,
      maxBackoffMs: 6 * HOUR,
      retryAfterMs: 5_000,
      random: () => 0.5,
    });
    expect(delay).toBe(30 * MINUTE);
  });

  it("caps an absurd Retry-After at one day", () => {
    const delay = nextPollDelayMs({
      intervalMs: MINUTE,
      failuresInRow: 1,
      maxBackoffMs: HOUR,
      retryAfterMs: 365 * 24 * HOUR,
      random: () => 0.5,
    });
    expect(delay).toBe(RETRY_AFTER_CEILING_MS);
    expect(RETRY_AFTER_CEILING_MS).toBe(24 * HOUR);
  });
});

describe("jitterOffsetMs", () => {
  it("gives the same offset for the same feed every time", () => {
    expect(jitterOffsetMs("bbc-world", 10 * MINUTE)).toBe(jitterOffsetMs("bbc-world", 10 * MINUTE));
  });

  it("stays inside the interval", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 7 * 24 * HOUR }), (feedId, interval) => {
        const offset = jitterOffsetMs(feedId, interval);
        expect(Number.isInteger(offset)).toBe(true);
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThan(interval);
      }),
    );
  });

  it("spreads a hundred feeds over the whole interval", () => {
    const interval = 10 * MINUTE;
    const tenths = new Set<number>();
    const offsets = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const offset = jitterOffsetMs(`feed-${i}`, interval);
      offsets.add(offset);
      tenths.add(Math.floor((offset / interval) * 10));
    }
    expect(offsets.size).toBeGreaterThan(95);
    expect(tenths.size).toBe(10);
  });

  it("is zero for a zero interval", () => {
    expect(jitterOffsetMs("any", 0)).toBe(0);
  });
});
