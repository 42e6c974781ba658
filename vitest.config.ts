import { defineConfig } from "vitest/config";

export const vitestConfig = defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

// vitest loads the config through its default export.
// eslint-disable-next-line no-restricted-syntax
export default vitestConfig;
