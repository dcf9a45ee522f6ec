// When to poll a feed next. Pure: randomness comes in as `random` so tests can seed it.

/** A server may ask us to stay away, but never for longer than this (a broken header must not kill a feed). */
export const RETRY_AFTER_CEILING_MS = 24 * 60 * 60 * 1000;

/** Spread of the delay after a success: the interval ± 10 %. */
const SUCCESS_JITTER = 0.1;

export interface PollDelayInput {
  /** The feed's configured polling interval. */
  intervalMs: number;
  /** Failures since the last success; 0 after a success. */
  failuresInRow: number;
  /** Longest delay backoff may reach (a Retry-After may still ask for more, up to RETRY_AFTER_CEILING_MS). */
  maxBackoffMs: number;
  /** What the remote asked for with Retry-After, if anything. */
  retryAfterMs?: number;
  /** Uniform in [0, 1), like Math.random. */
  random: () => number;
}

/**
 * After a success: the interval with ±10 % jitter. After the n-th failure in a row: exponential
 * backoff with full jitter, drawn uniformly from [step / 2, step] where
 * step = min(interval · 2^(n−1), maxBackoffMs). The lower half is cut off so a failing feed is never
 * asked more often than every half interval. Never earlier than a Retry-After the remote gave.
 */
export function nextPollDelayMs(input: PollDelayInput): number {
  const { intervalMs, failuresInRow, maxBackoffMs, retryAfterMs, random } = input;
  let delay: number;
  if (failuresInRow <= 0) {
    delay = intervalMs * (1 - SUCCESS_JITTER + 2 * SUCCESS_JITTER * random());
  } else {
    // 2^52 already exceeds any sensible ceiling; the cap keeps the power finite.
    const exponent = Math.min(failuresInRow - 1, 52);
    const step = Math.min(intervalMs * 2 ** exponent, maxBackoffMs);
    delay = step / 2 + (step / 2) * random();
  }
  if (retryAfterMs !== undefined) {
    delay = Math.max(delay, Math.min(retryAfterMs, RETRY_AFTER_CEILING_MS));
  }
  return Math.round(delay);
}

/**
 * A stable offset in [0, intervalMs) derived from the feed id (32-bit FNV-1a, finalised), so feeds sharing an
 * interval start at different moments instead of polling in lockstep, and keep that offset across restarts.
 */
export function jitterOffsetMs(feedId: string, intervalMs: number): number {
  if (intervalMs <= 0) return 0;
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(feedId, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // FNV-1a barely stirs the high bits when ids differ only at the end ("feed-1", "feed-2"); the
  // MurmurHash3 finaliser spreads every input bit over the whole word.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash = (hash ^ (hash >>> 16)) >>> 0;
  return Math.floor((hash / 2 ** 32) * intervalMs);
}
