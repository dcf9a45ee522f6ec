// Entry point of the processor role: `node dist/workers/processor.js [--config FILE] [--concurrency N]`.
// Same as `newswatch run --role processor`; one role per process or container when scaling out.
process.argv.splice(2, 0, "run", "--role", "processor");
await import("../src/cli/main.js");
