import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhookBody, verifyWebhookSignature } from "../../../src/digest/webhook-signature.js";

const secret = "s3cret";
const body = '{"digest":"morning"}';
const now = new Date("2026-03-01T00:00:00Z");
const timestamp = String(now.getTime() / 1000);

describe("webhook signatures", () => {
  it("is the hex HMAC-SHA256 of '<timestamp>.<body>' (the documented method)", () => {
    const expected = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
    expect(signWebhookBody(secret, timestamp, body)).toBe(`sha256=${expected}`);
  });

  it("verifies a genuine request", () => {
    const signature = signWebhookBody(secret, timestamp, body);
    expect(verifyWebhookSignature({ secret, body, timestamp, signature, now })).toBe(true);
    expect(verifyWebhookSignature({ secret, body: Buffer.from(body), timestamp, signature, now })).toBe(true);
  });

  it.each([
    ["a changed body", { body: '{"digest":"evening"}' }],
    ["another secret", { secret: "other" }],
    ["a changed timestamp", { timestamp: String(Number(timestamp) + 1) }],
    ["a stale timestamp (replay)", { now: new Date(now.getTime() + 301_000) }],
    ["a missing signature", { signature: undefined }],
    ["a malformed timestamp", { timestamp: "1e9" }],
  ])("refuses %s", (_name, change) => {
    const signature = signWebhookBody(secret, timestamp, body);
    expect(verifyWebhookSignature({ secret, body, timestamp, signature, now, ...change })).toBe(false);
  });
});
