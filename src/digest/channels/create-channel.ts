import type { ChannelSpec } from "../../config/types.js";
import type { Channel } from "./channel.js";
import { createEmailChannel } from "./email.js";
import { createFileChannel } from "./file.js";
import { createSlackChannel } from "./slack.js";
import { createWebhookChannel } from "./webhook.js";

export interface ChannelOptions {
  /** Base of relative `file` directories (default: the working directory). */
  baseDir?: string;
}

export function createChannel(spec: ChannelSpec, options: ChannelOptions = {}): Channel {
  switch (spec.type) {
    case "email":
      return createEmailChannel(spec);
    case "slack":
      return createSlackChannel(spec);
    case "webhook":
      return createWebhookChannel(spec);
    case "file":
      return createFileChannel(spec, options.baseDir);
  }
}
