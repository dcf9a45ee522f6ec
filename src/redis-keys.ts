// Every Redis key newswatch writes starts with `{prefix}:` — the braces make the prefix a Redis Cluster
// hash tag, so all keys of one deployment live in one slot and multi-key scripts stay legal.

export function redisKey(prefix: string, ...parts: string[]): string {
  return [`{${prefix}}`, ...parts].join(":");
}
