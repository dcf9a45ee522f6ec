import { Redis } from "ioredis";

/** A unique key prefix for one test file, so files can run side by side on one Redis. */
export function testPrefix(area: string): string {
  return `nwtest-${area}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes every key under `{prefix}`. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `{${prefix}}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}

export function connectTestRedis(): Redis {
  return new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
}
