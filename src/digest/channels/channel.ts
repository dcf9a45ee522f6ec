import { createHash } from "node:crypto";
import type { ChannelSpec } from "../../config/types.js";
import type { Digest } from "../types.js";

// A delivery channel: sends one rendered digest. Adapters throw NewswatchErrors whose `retryable` flag
// says whether trying again later can help.

export interface OutgoingDelivery {
  /** Stable id of the digest run: the same on every re-send, so receivers can drop duplicates. */
  deliveryId: string;
  digest: Digest;
  /** The time of this attempt (the webhook's signed timestamp). */
  attemptAt: Date;
}

export interface Channel {
  /** Identity of the channel within a digest, stable across restarts; no secrets in it. */
  readonly key: string;
  readonly type: ChannelSpec["type"];
  /** Where it goes, fit for a log line (no credentials, no webhook tokens). */
  readonly target: string;
  send(delivery: OutgoingDelivery): Promise<void>;
}

/** `type:hash` of what identifies the target (a changed URL or address list is a new channel). */
export function channelKey(spec: ChannelSpec): string {
  const identity =
    spec.type === "email"
      ? // The server without its credentials: a rotated password is still the same channel.
        [serverOf(spec.smtp), spec.from, ...spec.to]
      : spec.type === "file"
        ? [spec.dir, spec.format]
        : [spec.url];
  return `${spec.type}:${createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 12)}`;
}

function serverOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}

/** The scheme, host and port of a URL: webhook paths often carry the token. */
export function describeUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}
