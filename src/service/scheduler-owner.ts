import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../log.js";
import { redisKey } from "../redis-keys.js";

// Exactly one process at a time keeps the job schedulers in line with the configuration, however many
// replicas run: the owner holds a lease key in Redis (SET NX PX) and extends it well before it lapses;
// a replica that finds the key gone takes over. Extending and releasing check the owner first, in Lua, so
// a process that lost its lease (paused, partitioned) never extends or deletes its successor's.

const EXTEND_IF_OWNER = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`;

const RELEASE_IF_OWNER = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`;

export function schedulerLeaseKey(prefix: string): string {
  return redisKey(prefix, "lease", "schedulers");
}

export class SchedulerLease {
  readonly ownerId: string;
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly ttlMs: number,
    ownerId?: string,
  ) {
    this.key = schedulerLeaseKey(prefix);
    this.ownerId = ownerId ?? `${process.pid}-${randomUUID()}`;
  }

  /** Takes the lease when nobody holds it; true when this process holds it now. */
  async acquire(): Promise<boolean> {
    const result = await this.redis.set(this.key, this.ownerId, "PX", this.ttlMs, "NX");
    if (result === "OK") return true;
    return (await this.redis.get(this.key)) === this.ownerId && this.extend();
  }

  /** Extends the lease; false when it is no longer ours. */
  async extend(): Promise<boolean> {
    return (await this.redis.eval(EXTEND_IF_OWNER, 1, this.key, this.ownerId, String(this.ttlMs))) === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE_IF_OWNER, 1, this.key, this.ownerId);
  }

  /** Who holds the lease now (undefined when nobody does). */
  async holder(): Promise<string | undefined> {
    return (await this.redis.get(this.key)) ?? undefined;
  }
}

export interface SchedulerOwnership {
  isOwner(): boolean;
  /** Runs the upkeep now if this process is the owner (after a configuration change). */
  upkeepIfOwner(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Competes for the scheduler lease every `ttlMs / 3`. On winning it, runs `upkeep` (sync the schedulers
 * with the configuration); losing it stops nothing else, since the schedulers live in Redis, not here.
 */
export function startSchedulerOwnership(args: {
  redis: Redis;
  prefix: string;
  logger: Logger;
  upkeep: () => Promise<void>;
  ttlMs?: number;
}): SchedulerOwnership {
  const ttlMs = args.ttlMs ?? 30_000;
  const lease = new SchedulerLease(args.redis, args.prefix, ttlMs);
  const log = args.logger.child({ component: "scheduler-lease", ownerId: lease.ownerId });
  let owner = false;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const upkeep = async () => {
    try {
      await args.upkeep();
    } catch (err) {
      log.error({ err }, "scheduler upkeep failed; will retry at the next renewal");
      // Retried on the next tick: give the lease up so this or another replica runs upkeep again.
      owner = false;
      await lease.release().catch(() => {});
    }
  };

  const tick = async () => {
    if (stopped) return;
    try {
      if (owner) {
        owner = await lease.extend();
        if (!owner) log.warn("scheduler lease lost; another replica will take over upkeep");
      } else if (await lease.acquire()) {
        owner = true;
        log.info({ ttlMs }, "scheduler lease acquired; this process keeps the schedulers");
        await upkeep();
      }
    } catch (err) {
      // Redis away: we cannot prove we still hold the lease, so behave as if we did not.
      if (owner) log.warn({ err }, "cannot renew the scheduler lease");
      owner = false;
    }
  };
  const schedule = () => {
    running = running.then(tick);
    return running;
  };
  void schedule();
  const timer = setInterval(() => void schedule(), Math.max(100, Math.floor(ttlMs / 3)));
  timer.unref();

  return {
    isOwner: () => owner,
    upkeepIfOwner() {
      running = running.then(async () => {
        if (owner && !stopped) await upkeep();
      });
      return running;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      if (owner) {
        owner = false;
        await lease.release().catch((err) => log.warn({ err }, "could not release the scheduler lease"));
        log.info("scheduler lease released");
      }
    },
  };
}
