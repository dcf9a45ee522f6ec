// What the matcher returns for one (article, topic) pair that matched. Plain values only.

export type MatchField = "title" | "text" | "source" | "url";

export interface TermHit {
  /** The query term that fired, as written in the query (e.g. `sanction*`, `"kim jong un"`). */
  term: string;
  field: MatchField;
  /** Token position within the field. */
  position: number;
  /** The words of the article that matched, as they appear in the article. */
  surface: string;
}

export interface TopicMatch {
  topicId: string;
  score: number;
  /** Distinct surfaces that matched, in order of first appearance (e.g. ["Lavrov", "Pyongyang"]). */
  matched: string[];
  hits: TermHit[];
  /** About 200 characters around the best hit. */
  snippet: string;
}

/** The article fields the matcher reads (a subset of Article, also the `match` command's input). */
export interface MatchInput {
  id: string;
  title: string;
  text: string;
  url: string;
  source: string;
  published?: string;
}
