import type { TopicSpec } from "../config/types.js";
import { ArticleIndex, type TermOccurrence } from "./article-index.js";
import type { QueryNode } from "./ast.js";
import { collectOccurrences, evaluateQuery, orderForEvaluation } from "./evaluate-query.js";
import { parseQuery, QuerySyntaxError, type SharedAliasEntries } from "./parse-query.js";
import { estimateFrom, PresearchIndex, type Requirement, requiredClauses } from "./presearch.js";
import { type DocumentFrequencies, scoreOccurrences } from "./score.js";
import type { MatchInput, TopicMatch } from "./types.js";

export interface MatcherOptions {
  /** Evaluate only the topics the presearch index proposes (default true). */
  presearch?: boolean;
  /** Statistics for scoring rarity and for choosing presearch words; a length heuristic without. */
  documentFrequencies?: DocumentFrequencies;
}

export interface CompiledTopic {
  spec: TopicSpec;
  /** The parsed query, with AND children in evaluation order (cheapest first). */
  query: QueryNode;
  /** What every matching article contains (`requiredClauses`); none when evaluated for every article. */
  clauses: Requirement[];
}

export interface Matcher {
  readonly topics: readonly CompiledTopic[];
  /** Topics evaluated for every article because no required word could be derived. */
  readonly alwaysEvaluatedCount: number;
  /** How many (article, topic) queries were fully evaluated so far: what presearch could not spare. */
  readonly evaluatedCount: number;
  /** Every topic the article matches (score at least the topic's min_score), in topic order. */
  matchArticle(input: MatchInput): TopicMatch[];
}

/** The input of a bad topic query, reported with the topic it came from. */
export class TopicQueryError extends QuerySyntaxError {
  readonly topicId: string;
  constructor(topicId: string, cause: QuerySyntaxError) {
    super({ offset: cause.offset, message: `topic ${topicId}: ${cause.detail}` });
    this.name = "TopicQueryError";
    this.topicId = topicId;
  }
}

/** Parses every topic once and builds the presearch index. Throws TopicQueryError on a bad query. */
export function compileTopics(
  topics: TopicSpec[],
  aliases: Record<string, string[]>,
  options: MatcherOptions = {},
): Matcher {
  const shared: SharedAliasEntries = new Map();
  const estimate = estimateFrom(options.documentFrequencies);
  const compiled = topics.map((spec): CompiledTopic => {
    let query: QueryNode;
    try {
      query = parseQuery(spec.query, aliases, shared);
    } catch (err) {
      if (err instanceof QuerySyntaxError) throw new TopicQueryError(spec.id, err);
      throw err;
    }
    const clauses = requiredClauses(query, estimate);
    return {
      spec,
      query: orderForEvaluation(query, estimate),
      clauses,
    };
  });
  const usePresearch = options.presearch ?? true;
  const index = new PresearchIndex(compiled.map((topic) => topic.clauses));
  const everyTopic = compiled.map((_, i) => i);
  const frequencies = options.documentFrequencies;

  let evaluated = 0;
  return {
    topics: compiled,
    alwaysEvaluatedCount: usePresearch ? index.alwaysEvaluatedCount : compiled.length,
    get evaluatedCount() {
      return evaluated;
    },
    matchArticle(input: MatchInput): TopicMatch[] {
      const article = new ArticleIndex(input);
      const candidates = usePresearch ? index.candidates(article) : everyTopic;
      evaluated += candidates.length;
      const matches: TopicMatch[] = [];
      for (const i of candidates) {
        const topic = compiled[i] as CompiledTopic;
        if (!evaluateQuery(topic.query, article)) continue;
        const match = scoreTopic(topic, article, frequencies);
        if (match.score >= topic.spec.minScore) matches.push(match);
      }
      return matches;
    },
  };
}

function scoreTopic(
  topic: CompiledTopic,
  article: ArticleIndex,
  frequencies?: DocumentFrequencies,
): TopicMatch {
  const occurrences: TermOccurrence[] = [];
  collectOccurrences(topic.query, article, occurrences);
  const scored = scoreOccurrences(occurrences, article, frequencies);
  return { topicId: topic.spec.id, ...scored };
}
