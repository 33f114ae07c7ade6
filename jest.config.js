/** Two projects: fast unit tests, and database tests that run the real app on a real PostgreSQL. */

// The Fastify platform serves /docs through @fastify/static, which needs one package that ships ES modules
// only (content-disposition 2). Node runs it; jest runs CommonJS, so that package alone is transpiled.
const ES_MODULE_ONLY = '@fastify/static/node_modules/content-disposition/';
const transform = {
  '^.+\\.ts$': 'ts-jest',
  '^.+/content-disposition/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' }, isolatedModules: true }],
};
const transformIgnorePatterns = [`^(?!.*${ES_MODULE_ONLY}).*/node_modules/`];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.spec.ts'],
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'db',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/secret-guard.ts'],
    },
  ],
};
