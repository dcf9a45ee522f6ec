import { matchKeyString } from "../../../src/digest/build.js";
import type {
  ChannelStatus,
  DeliveryClaim,
  DeliveryLedger,
  DeliveryRecord,
} from "../../../src/digest/ledger.js";
import type { DigestMatch } from "../../../src/digest/types.js";

/** An in-memory ledger over a fixed list of matches, with the SQL ledger's claim rules. */
export class MemoryLedger implements DeliveryLedger {
  readonly matches: DigestMatch[];
  readonly claims = new Map<string, string>(); // digest + key → deliveryId
  readonly records = new Map<string, DeliveryRecord>();
  readonly attempts: Array<{ deliveryId: string; channel: string; status: ChannelStatus }> = [];

  constructor(matches: DigestMatch[]) {
    this.matches = matches;
  }

  async listUndelivered(digest: string, topics: readonly string[], since?: Date): Promise<DigestMatch[]> {
    return this.matches.filter(
      (m) =>
        topics.includes(m.topic) &&
        !this.claims.has(`${digest}|${matchKeyString(m)}`) &&
        (since === undefined || Date.parse(m.first_seen) >= since.getTime()),
    );
  }

  async listUnfinished(digest: string): Promise<DeliveryRecord[]> {
    return [...this.records.values()]
      .filter((r) => r.digest === digest && r.channels.some((c) => c.status === "pending"))
      .map((r) => structuredClone(r));
  }

  async listClaimed(deliveryId: string): Promise<DigestMatch[]> {
    const record = this.records.get(deliveryId);
    if (record === undefined) return [];
    return this.matches.filter(
      (m) => this.claims.get(`${record.digest}|${matchKeyString(m)}`) === deliveryId,
    );
  }

  async claim(claim: DeliveryClaim): Promise<boolean> {
    if (this.records.has(claim.deliveryId)) return false;
    if (claim.items.some((k) => this.claims.has(`${claim.digest}|${matchKeyString(k)}`))) return false;
    for (const k of claim.items) this.claims.set(`${claim.digest}|${matchKeyString(k)}`, claim.deliveryId);
    this.records.set(claim.deliveryId, {
      deliveryId: claim.deliveryId,
      digest: claim.digest,
      createdAt: claim.createdAt,
      channels: claim.channels.map((c) => ({
        channel: c.channel,
        status: c.status,
        attempts: 0,
        lastError: null,
      })),
    });
    return true;
  }

  async recordAttempt(
    deliveryId: string,
    channel: string,
    outcome: { status: ChannelStatus; error: string | null; at: string },
  ): Promise<void> {
    const state = this.records.get(deliveryId)?.channels.find((c) => c.channel === channel);
    if (state === undefined) throw new Error(`no channel ${channel} on ${deliveryId}`);
    state.status = outcome.status;
    state.attempts++;
    state.lastError = outcome.error;
    this.attempts.push({ deliveryId, channel, status: outcome.status });
  }
}
