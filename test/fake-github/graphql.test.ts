import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { field, graphql, installationToken, REPO, startWorld, type World } from "./helpers.js";

/** GraphQL: validated against GitHub's schema, executed over the same state as REST, strict about gaps. */

let world: World;
let token: string;

beforeAll(async () => {
  world = await startWorld({
    files: { "envs/dev/app.yaml": "tag: 1\n", "envs/test/app.yaml": "tag: 1\n", "README.md": "hi\n" },
  });
  world.fake
    .as("alice")
    .push(REPO, { branch: "main", files: { "envs/dev/app.yaml": "tag: 2\n" }, message: "dev to 2" });
  world.fake.as("alice").push(REPO, { branch: "main", files: { "README.md": "hello\n" }, message: "readme" });
  world.fake.as("alice").push(REPO, { branch: "bump", files: { "envs/test/app.yaml": "tag: 2\n" } });
  const number = world.fake
    .as("alice")
    .openPull(REPO, { head: "bump", title: "Promote to test", body: "<!-- stagecoach -->" });
  world.fake.as("alice").addLabels(REPO, number, ["stagecoach"]);
  token = await installationToken(world);
});

afterAll(async () => {
  await world.fake.close();
});

describe("queries", () => {
  test("a file's blob text and a path's history come from the default branch", async () => {
    const response = await graphql(
      world.fake,
      token,
      `
        query ($owner: String!, $name: String!) {
          repository(owner: $owner, name: $name) {
            nameWithOwner
            defaultBranchRef {
              name
              target {
                ... on Commit {
                  tree {
                    oid
                  }
                  file(path: "envs/dev/app.yaml") {
                    path
                    type
                    object {
                      ... on Blob {
                        text
                        byteSize
                        isBinary
                      }
                    }
                  }
                  history(first: 10, path: "envs/dev") {
                    nodes {
                      message
                    }
                  }
                }
              }
            }
          }
        }
      `,
      { owner: "acme", name: "config" },
    );
    const target = field(response.json, "data", "repository", "defaultBranchRef", "target");
    expect(field(target, "file")).toEqual({
      path: "envs/dev/app.yaml",
      type: "blob",
      object: { text: "tag: 2\n", byteSize: 7, isBinary: false },
    });
    expect(field(target, "history", "nodes")).toEqual([
      { message: "dev to 2" },
      { message: "Initial commit" },
    ]);
  });

  test("object(expression:) resolves trees and blobs, with tree entries", async () => {
    const response = await graphql(
      world.fake,
      token,
      `
        {
          repository(owner: "acme", name: "config") {
            dir: object(expression: "main:envs") {
              ... on Tree {
                entries {
                  name
                  path
                  type
                  mode
                  object {
                    ... on Tree {
                      oid
                    }
                  }
                }
              }
            }
            file: object(expression: "bump:envs/test/app.yaml") {
              ... on Blob {
                text
              }
            }
            missing: object(expression: "main:nope") {
              oid
            }
          }
        }
      `,
    );
    const repo = field(response.json, "data", "repository");
    expect(
      (field(repo, "dir", "entries") as { path: string; type: string; mode: number }[]).map((e) => [
        e.path,
        e.type,
        e.mode,
      ]),
    ).toEqual([
      ["envs/dev", "tree", 0o40000],
      ["envs/test", "tree", 0o40000],
    ]);
    expect([field(repo, "file", "text"), field(repo, "missing")]).toEqual(["tag: 2\n", null]);
  });

  test("pullRequests filters by head, base, state and label, with the fields the app reads", async () => {
    const response = await graphql(
      world.fake,
      token,
      `
        {
          repository(owner: "acme", name: "config") {
            pullRequests(
              headRefName: "bump"
              baseRefName: "main"
              states: [OPEN]
              labels: ["stagecoach"]
              first: 5
              orderBy: { field: CREATED_AT, direction: DESC }
            ) {
              nodes {
                number
                state
                merged
                body
                title
                headRefName
                headRefOid
                baseRefName
                author {
                  login
                }
                labels(first: 5) {
                  nodes {
                    name
                  }
                }
              }
            }
            closed: pullRequests(states: [CLOSED, MERGED], first: 5) {
              totalCount
            }
          }
        }
      `,
    );
    const repo = field(response.json, "data", "repository");
    expect(field(repo, "pullRequests", "nodes")).toEqual([
      {
        number: 1,
        state: "OPEN",
        merged: false,
        body: "<!-- stagecoach -->",
        title: "Promote to test",
        headRefName: "bump",
        headRefOid: world.fake.sha(REPO, "bump"),
        baseRefName: "main",
        author: { login: "alice" },
        labels: { nodes: [{ name: "stagecoach" }] },
      },
    ]);
    expect(field(repo, "closed", "totalCount")).toBe(0);
  });

  test("ref(qualifiedName:) and rateLimit answer", async () => {
    const response = await graphql(
      world.fake,
      token,
      `
        {
          repository(owner: "acme", name: "config") {
            ref(qualifiedName: "refs/heads/bump") {
              name
              target {
                oid
              }
            }
          }
          rateLimit {
            cost
            remaining
          }
        }
      `,
    );
    expect(field(response.json, "data", "repository", "ref")).toEqual({
      name: "bump",
      target: { oid: world.fake.sha(REPO, "bump") },
    });
    expect(field(response.json, "data", "rateLimit", "cost")).toBe(1);
  });
});

describe("mutations", () => {
  test("addLabelsToLabelable adds existing labels by node id", async () => {
    world.fake.as("alice").openIssue(REPO, { title: "labels", labels: ["promotion"] });
    const label = await graphql(
      world.fake,
      token,
      `
        {
          repository(owner: "acme", name: "config") {
            label(name: "promotion") {
              id
            }
            pullRequest(number: 1) {
              id
            }
          }
        }
      `,
    );
    const response = await graphql(
      world.fake,
      token,
      `
        mutation ($labelable: ID!, $label: ID!) {
          addLabelsToLabelable(input: { labelableId: $labelable, labelIds: [$label] }) {
            labelable {
              ... on PullRequest {
                number
              }
            }
          }
        }
      `,
      {
        labelable: field(label.json, "data", "repository", "pullRequest", "id"),
        label: field(label.json, "data", "repository", "label", "id"),
      },
    );
    expect(field(response.json, "data", "addLabelsToLabelable", "labelable", "number")).toBe(1);
    expect(world.fake.labels(REPO, 1).map((l) => l.name)).toEqual(["stagecoach", "promotion"]);
  });

  test("disablePullRequestAutoMerge turns auto-merge off", async () => {
    world.fake.protectBranch(REPO, "main", { requiredChecks: ["ci"] });
    const id = world.fake.pull(REPO, 1).node_id;
    await graphql(
      world.fake,
      token,
      `
        mutation ($id: ID!) {
          enablePullRequestAutoMerge(input: { pullRequestId: $id }) {
            clientMutationId
          }
        }
      `,
      { id },
    );
    expect(world.fake.pull(REPO, 1).auto_merge?.merge_method).toBe("merge");
    await graphql(
      world.fake,
      token,
      `
        mutation ($id: ID!) {
          disablePullRequestAutoMerge(input: { pullRequestId: $id }) {
            pullRequest {
              autoMergeRequest {
                mergeMethod
              }
            }
          }
        }
      `,
      { id },
    );
    expect(world.fake.pull(REPO, 1).auto_merge).toBeNull();
    world.fake.unprotectBranch(REPO, "main");
  });
});

describe("strictness", () => {
  test("a field GitHub's schema does not have is rejected by validation and recorded", async () => {
    const response = await graphql(
      world.fake,
      token,
      `
        {
          repository(owner: "acme", name: "config") {
            nameWithOwner
            colour
          }
        }
      `,
    );
    expect(field(response.json, "errors", 0, "message")).toBe(
      'Cannot query field "colour" on type "Repository".',
    );
    expect(field(response.json, "data")).toBeUndefined();
    expect(world.fake.violations.list().map((v) => v.kind)).toEqual(["graphql-invalid"]);
    world.fake.violations.clear();
  });

  test("a real GitHub field the fake does not implement fails loudly, naming it", async () => {
    const response = await graphql(
      world.fake,
      token,
      `
        {
          repository(owner: "acme", name: "config") {
            nameWithOwner
            stargazerCount
          }
        }
      `,
    );
    expect(field(response.json, "errors", 0, "message")).toBe(
      "The fake GitHub does not implement Repository.stargazerCount",
    );
    expect(world.fake.violations.list()).toEqual([
      {
        kind: "graphql-unimplemented",
        request: "graphql",
        message: "Repository.stargazerCount is not implemented by the fake GitHub",
      },
    ]);
    world.fake.violations.clear();
  });

  test("a field needing a permission the installation lacks is FORBIDDEN", async () => {
    const narrow = await startWorld({ permissions: { contents: "read" } });
    const narrowToken = await installationToken(narrow);
    const response = await graphql(
      narrow.fake,
      narrowToken,
      `
        {
          repository(owner: "acme", name: "config") {
            pullRequests(first: 1) {
              totalCount
            }
          }
        }
      `,
    );
    expect([field(response.json, "errors", 0, "type"), field(response.json, "errors", 0, "message")]).toEqual(
      ["FORBIDDEN", "Resource not accessible by integration"],
    );
    expect(narrow.fake.violations.list().map((v) => v.kind)).toEqual(["permission-denied"]);
    narrow.fake.violations.clear();
    await narrow.fake.close();
  });
});
