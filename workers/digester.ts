// Entry point of the digester role: `node dist/workers/digester.js [--config FILE] [--concurrency N]`.
// Same as `newswatch run --role digester`; one role per process or container when scaling out.
process.argv.splice(2, 0, "run", "--role", "digester");
await import("../src/cli/main.js");
