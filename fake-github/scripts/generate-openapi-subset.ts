import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { buildSubset } from "../openapi/subset.js";
import { SUBSET_FILE } from "../openapi/validator.js";
import { packageFile } from "../package-file.js";
import { implementedOperations } from "../routes/index.js";

// Regenerates fake-github/openapi/github-operations.json from @octokit/openapi for the operations the
// routes implement (formatted as the repository's prettier would); a test fails when it is stale.
const specFile = packageFile("@octokit/openapi", "generated/api.github.com.json");
const { version } = JSON.parse(readFileSync(packageFile("@octokit/openapi", "package.json"), "utf8")) as {
  version: string;
};
const subset = buildSubset(
  JSON.parse(readFileSync(specFile, "utf8")),
  implementedOperations(),
  `@octokit/openapi@${version} api.github.com.json`,
);
const path = fileURLToPath(SUBSET_FILE);
const options = (await resolveConfig(path)) ?? {};
writeFileSync(SUBSET_FILE, await format(JSON.stringify(subset), { ...options, filepath: path }));
console.log(`wrote ${path}: ${Object.keys(subset.operations).length} operations`);
