// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

// ESLint loads its flat config through the default export.
// eslint-disable-next-line no-restricted-syntax
export default tseslint.config(
  { ignores: ["lib/", "node_modules/", "coverage/"] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "Use named exports." },
      ],
    },
  },
  {
    files: ["src/core/**/*.ts", "src/formats/**/*.ts", "src/config/schema.ts"],
    rules: {
      // The pure core takes values in and gives values out: no I/O, no clock, no GitHub.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:fs", "node:fs/*", "fs", "node:http", "node:https", "node:net"],
              message: "The pure core does no I/O.",
            },
            {
              group: ["probot", "@octokit/*", "octokit", "pino"],
              message: "The pure core knows nothing of GitHub or logging.",
            },
          ],
        },
      ],
      "no-restricted-properties": ["error", { object: "Date", property: "now", message: "Pass `now` in." }],
      "no-restricted-globals": ["error", { name: "console", message: "The pure core does not log." }],
    },
  },
  {
    files: ["**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
