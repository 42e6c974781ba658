import { z } from "zod";
import { CONFIG_PATH } from "../config/parse.js";
import type { Octokit } from "./octokit-repo.js";
import type { RepoId } from "./port.js";

export interface RepoConfigBlob {
  readonly repo: RepoId;
  /** The config file on the default branch, or undefined when the repository has none. */
  readonly config?: { readonly sha: string; readonly text: string };
}

const RepositoriesPage = z.object({
  total_count: z.number(),
  repositories: z.array(
    z.object({ name: z.string(), owner: z.object({ login: z.string() }), archived: z.boolean().optional() }),
  ),
});

const ConfigObject = z.object({ oid: z.string(), text: z.string().nullable() }).nullable();
const ConfigsResponse = z.record(z.string(), z.object({ object: ConfigObject }).nullable());

const BATCH = 50;

/** The repositories an installation can see (archived ones excluded: nothing is written there). */
export async function installationRepositories(octokit: Octokit): Promise<RepoId[]> {
  const repos: RepoId[] = [];
  for (let page = 1; ; page++) {
    const { data } = await octokit.request("GET /installation/repositories", { per_page: 100, page });
    const parsed = RepositoriesPage.parse(data);
    for (const repository of parsed.repositories) {
      if (repository.archived !== true) repos.push({ owner: repository.owner.login, name: repository.name });
    }
    if (parsed.repositories.length < 100 || repos.length >= parsed.total_count) return repos;
  }
}

/** `.github/stagecoach.yml` of many repositories, fifty to a GraphQL request. */
export async function readConfigs(octokit: Octokit, repos: readonly RepoId[]): Promise<RepoConfigBlob[]> {
  const results: RepoConfigBlob[] = [];
  for (let start = 0; start < repos.length; start += BATCH) {
    const batch = repos.slice(start, start + BATCH);
    const variables: Record<string, string> = { expression: `HEAD:${CONFIG_PATH}` };
    const fields = batch.map((repo, index) => {
      variables[`owner${index}`] = repo.owner;
      variables[`name${index}`] = repo.name;
      return `repo${index}: repository(owner: $owner${index}, name: $name${index}) { object(expression: $expression) { ... on Blob { oid text } } }`;
    });
    const declarations = batch
      .map((_, index) => `$owner${index}: String!, $name${index}: String!`)
      .join(", ");
    const query = `query StagecoachConfigs($expression: String!, ${declarations}) { ${fields.join("\n")} }`;
    const response = ConfigsResponse.parse(await octokit.graphql(query, variables));
    batch.forEach((repo, index) => {
      const object = response[`repo${index}`]?.object ?? null;
      results.push(
        object === null || object.text === null
          ? { repo }
          : { repo, config: { sha: object.oid, text: object.text } },
      );
    });
  }
  return results;
}

const InstallationsPage = z.array(
  z.object({ id: z.number(), suspended_at: z.string().nullable().optional() }),
);

/** Every active installation of the app (authenticated as the app itself). */
export async function appInstallations(appOctokit: Octokit): Promise<number[]> {
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const { data } = await appOctokit.request("GET /app/installations", { per_page: 100, page });
    const parsed = InstallationsPage.parse(data);
    for (const installation of parsed)
      if (installation.suspended_at === null || installation.suspended_at === undefined)
        ids.push(installation.id);
    if (parsed.length < 100) return ids;
  }
}
