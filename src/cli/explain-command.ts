import type { Command } from "commander";
import { NewswatchError } from "../errors.js";
import { explainArticle, formatExplanation } from "../match/explain.js";
import { parseQuery } from "../match/parse-query.js";
import { loadCliConfig } from "./load-cli-config.js";
import { readArticleLines } from "./match-command.js";

// `newswatch explain TOPIC --input FILE.jsonl` or `newswatch explain 'QUERY' --input FILE.jsonl`:
// for every article, MATCH or NO MATCH and why, clause by clause.

export function registerExplainCommand(program: Command): void {
  program
    .command("explain")
    .description("show why each article does or does not match a topic (by id) or a query")
    .argument("<topic-or-query>", "a configured topic id, or a query in the query language")
    .option("--input <file>", "JSON Lines file of articles (.jsonl or .jsonl.gz); stdin when absent")
    .action(async (topicOrQuery: string, options: { input?: string }, command: Command) => {
      const config = await loadCliConfig(command);
      const topic = config.topics.find((t) => t.id === topicOrQuery);
      const queryText = topic?.query ?? topicOrQuery;
      const label = topic === undefined ? `query ${queryText}` : `topic ${topic.id}`;
      let query: ReturnType<typeof parseQuery>;
      try {
        query = parseQuery(queryText, config.aliases);
      } catch (err) {
        if (!(err instanceof NewswatchError)) throw err;
        const known = config.topics.map((t) => t.id).join(", ");
        process.stderr.write(`${err.message}\n(not a topic id either; topics: ${known || "none"})\n`);
        process.exitCode = 1;
        return;
      }
      let badLines = 0;
      for await (const line of readArticleLines(options.input)) {
        if (line.kind === "invalid") {
          badLines++;
          process.stderr.write(`${line.where}: ${line.message}\n`);
          continue;
        }
        const explanation = explainArticle(query, line.article, { minScore: topic?.minScore ?? 0 });
        process.stdout.write(`${formatExplanation(explanation, label)}\n\n`);
      }
      if (badLines > 0) process.exitCode = 1;
    });
}
