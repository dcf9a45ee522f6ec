import { renderSlack } from "../render-slack.js";
import { type Channel, channelKey, describeUrl, type OutgoingDelivery } from "./channel.js";
import { postJson } from "./http-post.js";

// Slack incoming webhook: the Block Kit message as the JSON body.

export function createSlackChannel(spec: { type: "slack"; url: string; timeoutMs: number }): Channel {
  return {
    key: channelKey(spec),
    type: "slack",
    target: describeUrl(spec.url),
    async send(delivery: OutgoingDelivery) {
      await postJson(spec.url, JSON.stringify(renderSlack(delivery.digest)), {
        timeoutMs: spec.timeoutMs,
        what: "slack webhook",
      });
    },
  };
}
