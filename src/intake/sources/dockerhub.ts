import { z } from "zod";
import { eventsFrom, ignored, type IntakeResult } from "../event.js";
import { checks, ImageName, Link, parsePayload, text, validated } from "../fields.js";
import type { RegistryIntake } from "../registry-intake.js";

/**
 * Docker Hub repository webhooks.
 *
 * Payload: https://docs.docker.com/docker-hub/repos/manage/webhooks/#example-webhook-payload
 * (`push_data.tag`, `push_data.pushed_at`, `repository.repo_name`, `repository.repo_url`). It carries no
 * digest and no event id.
 *
 * Auth: a Docker Hub webhook is a name and a URL, nothing else (no header, no signature), so the secret
 * travels in the URL: `…/stagecoach/registry/dockerhub?token=<secret>`.
 */
export const DockerHubPayload = z.object({
  push_data: z.object({
    tag: text(200).nullish(),
    pushed_at: z.number().nonnegative().optional(),
  }),
  repository: z.object({
    repo_name: ImageName,
    repo_url: Link.nullish(),
  }),
});
export type DockerHubPayload = z.infer<typeof DockerHubPayload>;

export function parseDockerHub(body: unknown): IntakeResult {
  const { push_data, repository } = parsePayload(DockerHubPayload, body);
  const tag = push_data.tag ?? "";
  if (tag === "") return ignored("the push carries no tag");
  return eventsFrom([
    {
      source: "dockerhub",
      image: repository.repo_name,
      tag: validated(checks.tag, tag, "push_data.tag"),
      // Without a digest or an event id, `pushed_at` is what tells a re-push of a tag from a redelivery.
      discriminator: push_data.pushed_at === undefined ? undefined : String(push_data.pushed_at),
      sourceUrl: repository.repo_url ?? undefined,
    },
  ]);
}

export const dockerHub: RegistryIntake = {
  source: "dockerhub",
  auth: ["query-token"],
  parse: parseDockerHub,
};
