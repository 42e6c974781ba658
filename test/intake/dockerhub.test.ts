import { describe, expect, it } from "vitest";
import { BadInput } from "../../src/core/errors.js";
import { parseDockerHub } from "../../src/intake/sources/dockerhub.js";
import { fixture, ignoredReason, patched } from "./helpers.js";

const PUSH = "dockerhub-push.json";

describe("Docker Hub webhooks", () => {
  it("turns the documented push payload into one dockerhub event", () => {
    expect(parseDockerHub(fixture(PUSH))).toEqual({
      events: [
        {
          image: "docker.io/svendowideit/testhook",
          tag: "latest",
          source: "dockerhub",
          deliveryId: expect.stringMatching(/^dockerhub:[0-9a-f]{64}$/) as unknown,
          sourceUrl: "https://registry.hub.docker.com/u/svendowideit/testhook/",
        },
      ],
    });
  });

  it("gives a redelivery the same delivery id and a later push of the same tag another", () => {
    const id = (payload: unknown): unknown => parseDockerHub(payload);
    expect(id(fixture(PUSH))).toEqual(id(fixture(PUSH)));
    expect(id(patched(fixture(PUSH), { "push_data.pushed_at": 1417566999 }))).not.toEqual(id(fixture(PUSH)));
  });

  it("normalises an official image's name", () => {
    const payload = patched(fixture(PUSH), { "repository.repo_name": "library/nginx" });
    expect(parseDockerHub(payload)).toMatchObject({ events: [{ image: "docker.io/library/nginx" }] });
  });

  it.each([
    ["an empty tag", { "push_data.tag": "" }, "the push carries no tag"],
    ["a null tag", { "push_data.tag": null }, "the push carries no tag"],
    ["a cosign signature tag", { "push_data.tag": `sha256-${"c".repeat(64)}.sig` }, /signature/],
  ])("ignores %s with a reason", (_case, changes, reason) => {
    expect(ignoredReason(parseDockerHub(patched(fixture(PUSH), changes)))).toMatch(reason);
  });

  it.each([
    ["no repository", { repository: undefined }, "repository: is missing"],
    [
      "a repo_name that is no image name",
      { "repository.repo_name": "Sven Dowideit/testhook" },
      "repository.repo_name",
    ],
    ["a tag with a colon", { "push_data.tag": "a:b" }, "push_data.tag"],
    ["a repo_url that is no link", { "repository.repo_url": "not a url" }, "repository.repo_url"],
  ])("rejects %s, naming the field", (_case, changes, field) => {
    const payload = patched(fixture(PUSH), changes);
    expect(() => parseDockerHub(payload)).toThrow(BadInput);
    expect(() => parseDockerHub(payload)).toThrow(field);
  });
});
