// Entry point of the poller role: `node dist/workers/poller.js [--config FILE] [--concurrency N]`.
// Same as `newswatch run --role poller`; one role per process or container when scaling out.
process.argv.splice(2, 0, "run", "--role", "poller");
await import("../src/cli/main.js");
