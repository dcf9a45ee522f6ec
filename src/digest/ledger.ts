import type { DigestMatch, MatchKey } from "./types.js";

// The delivery ledger: the port through which delivery reads undelivered matches and records claims
// and per-channel outcomes. src/store/deliveries.ts implements it in SQL; tests use an in-memory one.

/** `pending` until sent; `failed` once given up (refused, or too many attempts); `skipped` for throttled alerts. */
export type ChannelStatus = "pending" | "sent" | "failed" | "skipped";

export interface ChannelState {
  channel: string;
  status: ChannelStatus;
  attempts: number;
  lastError: string | null;
}

export interface DeliveryRecord {
  deliveryId: string;
  digest: string;
  createdAt: string;
  channels: ChannelState[];
}

export interface DeliveryClaim {
  deliveryId: string;
  /** The ledger name of the digest (a digest's name, or ALERTS_LEDGER). */
  digest: string;
  createdAt: string;
  items: MatchKey[];
  channels: Array<{ channel: string; status: ChannelStatus }>;
}

export interface DeliveryLedger {
  /** Matches of `topics` no delivery of `digest` has claimed, first seen at or after `since` when given. */
  listUndelivered(digest: string, topics: readonly string[], since?: Date): Promise<DigestMatch[]>;
  /** Deliveries of `digest` with at least one channel still pending, oldest first. */
  listUnfinished(digest: string): Promise<DeliveryRecord[]>;
  /** The matches a delivery claimed that are still in the store. */
  listClaimed(deliveryId: string): Promise<DigestMatch[]>;
  /**
   * In one transaction: claims every item for the digest and writes one row per channel. Returns false,
   * with nothing written, when another run claimed one of the items (or the same delivery id) first.
   */
  claim(claim: DeliveryClaim): Promise<boolean>;
  /** Records one attempt on one channel (attempts + 1) and its outcome. */
  recordAttempt(
    deliveryId: string,
    channel: string,
    outcome: { status: ChannelStatus; error: string | null; at: string },
  ): Promise<void>;
}
