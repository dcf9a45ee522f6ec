import type { Redis } from "ioredis";
import { redisKey } from "../redis-keys.js";
import type { AlertThrottle } from "./alerts.js";

// Alert budgets in Redis: one counter per topic per clock hour (UTC), shared by every process, expiring
// an hour after its window ends.

const HOUR_MS = 3600_000;

export class RedisAlertThrottle implements AlertThrottle {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async reserve(topicId: string, wanted: number, limit: number, now: Date): Promise<number> {
    if (wanted <= 0) return 0;
    const window = Math.floor(now.getTime() / HOUR_MS);
    const key = redisKey(this.#prefix, "alerts", "sent", topicId, String(window));
    const results = await this.#redis
      .multi()
      .incrby(key, wanted)
      .pexpire(key, 2 * HOUR_MS)
      .exec();
    const after = Number(results?.[0]?.[1] ?? wanted);
    const before = after - wanted;
    return Math.max(0, Math.min(wanted, limit - before));
  }
}
