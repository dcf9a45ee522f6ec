import { createHmac, timingSafeEqual } from "node:crypto";

// Webhook signatures: `X-Newswatch-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, where
// <timestamp> is the X-Newswatch-Timestamp header (Unix seconds) and <body> the raw request body. Signing
// the timestamp with the body lets a receiver refuse replays of an old request.

export const SIGNATURE_HEADER = "X-Newswatch-Signature";
export const TIMESTAMP_HEADER = "X-Newswatch-Timestamp";
export const DELIVERY_HEADER = "X-Newswatch-Delivery";

/** The header value for a body sent at `timestamp` (Unix seconds). */
export function signWebhookBody(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface WebhookVerification {
  secret: string;
  /** The raw body bytes as received, before any JSON parsing. */
  body: string | Buffer;
  /** X-Newswatch-Timestamp. */
  timestamp: string | undefined;
  /** X-Newswatch-Signature. */
  signature: string | undefined;
  /** The receiver's clock, for the replay window. */
  now: Date;
  /** How old (or how far in the future) a timestamp may be; default 5 minutes. */
  toleranceSeconds?: number;
}

/** True when the signature is ours for this body and timestamp, and the timestamp is recent. */
export function verifyWebhookSignature(input: WebhookVerification): boolean {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  const age = Math.abs(input.now.getTime() / 1000 - Number(timestamp));
  if (age > (input.toleranceSeconds ?? 300)) return false;
  const body = typeof input.body === "string" ? input.body : input.body.toString("utf8");
  const expected = Buffer.from(signWebhookBody(input.secret, timestamp, body));
  const given = Buffer.from(signature.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
