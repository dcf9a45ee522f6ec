import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { redisKey } from "../redis-keys.js";

// One run of a digest (or of alerts) at a time across every process: two runs at once would both resume
// the same pending delivery and send it twice. A lock expires on its own if its holder dies.

export interface RunLock {
  /** The release function when the lock was taken; undefined when another run holds it. */
  acquire(name: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

// Deletes the key only if it still holds our token: a lock that expired and was taken by another run
// is left alone.
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export class RedisRunLock implements RunLock {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async acquire(name: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const key = redisKey(this.#prefix, "digest-run", name);
    const token = randomBytes(12).toString("hex");
    const taken = await this.#redis.set(key, token, "PX", ttlMs, "NX");
    if (taken !== "OK") return undefined;
    return async () => {
      await this.#redis.eval(RELEASE, 1, key, token);
    };
  }
}
