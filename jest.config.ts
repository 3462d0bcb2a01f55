import type { Config } from 'jest';

// One jest run for the whole package: unit tests open no sockets, integration tests
// start real servers on 127.0.0.1 with random ports and real SQLite files in temp dirs.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/monolith', '<rootDir>/extracted', '<rootDir>/facade', '<rootDir>/scripts'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    // isolatedModules: transpile only; `npm run typecheck` (tsc) is the type check.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  testTimeout: 30000,
  maxWorkers: 2,
};

export default config;
