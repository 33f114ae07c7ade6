export const BENCH_JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

/** The app's heap settings in production (the Dockerfile's NODE_OPTIONS): the benchmarks run it as deployed. */
export const PRODUCTION_NODE_OPTIONS = '--max-old-space-size=160 --max-semi-space-size=32';
