export const BENCH_JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';
