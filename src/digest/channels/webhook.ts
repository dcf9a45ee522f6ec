import { renderJson } from "../render-json.js";
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  signWebhookBody,
  TIMESTAMP_HEADER,
} from "../webhook-signature.js";
import { type Channel, channelKey, describeUrl, type OutgoingDelivery } from "./channel.js";
import { postJson } from "./http-post.js";

// Generic webhook: the digest as JSON, with the delivery id, the time and (with a secret) a signature.

export function createWebhookChannel(spec: {
  type: "webhook";
  url: string;
  secret?: string;
  headers: Record<string, string>;
  timeoutMs: number;
}): Channel {
  return {
    key: channelKey(spec),
    type: "webhook",
    target: describeUrl(spec.url),
    async send(delivery: OutgoingDelivery) {
      const body = renderJson(delivery.digest, delivery.deliveryId);
      const timestamp = String(Math.floor(delivery.attemptAt.getTime() / 1000));
      const headers: Record<string, string> = {
        ...spec.headers,
        [DELIVERY_HEADER]: delivery.deliveryId,
        [TIMESTAMP_HEADER]: timestamp,
      };
      if (spec.secret !== undefined)
        headers[SIGNATURE_HEADER] = signWebhookBody(spec.secret, timestamp, body);
      await postJson(spec.url, body, { headers, timeoutMs: spec.timeoutMs, what: "webhook" });
    },
  };
}
