// Queue names and the job payloads they carry. Payloads hold ids and article data, never secrets:
// a feed job names its feed by id and the worker reads the URL from its own configuration.
import type { Article } from "../feeds/types.js";

export const QUEUE_FEEDS = "feeds";
export const QUEUE_ARTICLES = "articles";
export const QUEUE_DIGESTS = "digests";

export type Role = "poller" | "processor" | "digester";
export const ALL_ROLES: readonly Role[] = ["poller", "processor", "digester"];

export interface PollJobData {
  feedId: string;
  /** Set by `run --once`: poll now even if the feed is backing off. */
  force?: boolean;
}

export interface ArticlesJobData {
  feedId: string;
  articles: Article[];
}

export interface DigestJobData {
  digest: string;
}
