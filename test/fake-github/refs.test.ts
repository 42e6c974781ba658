import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  api,
  events,
  field,
  graphql,
  installationToken,
  receiver,
  REPO,
  startWorld,
  type World,
} from "./helpers.js";

/** Refs are compare-and-swap: REST fast-forward rules and GraphQL `updateRefs` all-or-nothing. */

let world: World;
let token: string;
let hook: Awaited<ReturnType<typeof receiver>>;

beforeEach(async () => {
  world = await startWorld();
  token = await installationToken(world);
  hook = await receiver();
  world.fake.setWebhookTarget(world.app, hook.url);
});

afterEach(async () => {
  await world.fake.settle();
  await hook.close();
  await world.fake.close();
});

const path = (rest: string): string => `/repos/${REPO}${rest}`;

/** A commit on top of `parent` changing one file, made through the Git data API. */
async function commitOn(parent: string, text: string): Promise<string> {
  const parentTree = field(
    (await api(world.fake, "GET", path(`/git/commits/${parent}`), { token })).json,
    "tree",
    "sha",
  );
  const tree = await api(world.fake, "POST", path("/git/trees"), {
    token,
    body: {
      base_tree: parentTree,
      tree: [{ path: "envs/dev/app.yaml", mode: "100644", type: "blob", content: text }],
    },
  });
  const commit = await api(world.fake, "POST", path("/git/commits"), {
    token,
    body: { message: `set ${text.trim()}`, tree: field(tree.json, "sha"), parents: [parent] },
  });
  return String(field(commit.json, "sha"));
}

describe("REST refs", () => {
  test("creating an existing ref is refused with 422 Reference already exists", async () => {
    const main = String(world.fake.sha(REPO, "main"));
    const created = await api(world.fake, "POST", path("/git/refs"), {
      token,
      body: { ref: "refs/heads/bump", sha: main },
    });
    const again = await api(world.fake, "POST", path("/git/refs"), {
      token,
      body: { ref: "refs/heads/bump", sha: main },
    });
    expect(created.status).toBe(201);
    expect([again.status, field(again.json, "message")]).toEqual([422, "Reference already exists"]);
  });

  test("a non-fast-forward update is refused unless forced, and the ref stays put", async () => {
    const main = String(world.fake.sha(REPO, "main"));
    const first = await commitOn(main, "v: 1\n");
    const sibling = await commitOn(main, "v: 2\n");
    await api(world.fake, "POST", path("/git/refs"), { token, body: { ref: "refs/heads/bump", sha: first } });

    const refused = await api(world.fake, "PATCH", path("/git/refs/heads/bump"), {
      token,
      body: { sha: sibling, force: false },
    });
    expect([refused.status, field(refused.json, "message")]).toEqual([422, "Update is not a fast forward"]);
    expect(world.fake.sha(REPO, "bump")).toBe(first);

    const forced = await api(world.fake, "PATCH", path("/git/refs/heads/bump"), {
      token,
      body: { sha: sibling, force: true },
    });
    expect(forced.status).toBe(200);
    expect(world.fake.sha(REPO, "bump")).toBe(sibling);
  });

  test("a fast-forward update moves the ref and sends a push with before and after", async () => {
    const main = String(world.fake.sha(REPO, "main"));
    const next = await commitOn(main, "v: 3\n");
    const updated = await api(world.fake, "PATCH", path("/git/refs/heads/main"), {
      token,
      body: { sha: next },
    });
    expect(updated.status).toBe(200);
    await world.fake.settle();
    const push = hook.received
      .map((h) => JSON.parse(h.body) as unknown)
      .find((body) => field(body, "after") === next);
    expect([
      field(push, "ref"),
      field(push, "before"),
      field(push, "forced"),
      field(push, "head_commit", "modified"),
    ]).toEqual(["refs/heads/main", main, false, ["envs/dev/app.yaml"]]);
  });

  test("deleting a ref answers 204, then the ref is gone and a second delete is 422", async () => {
    world.fake.as("alice").push(REPO, { branch: "old", files: { "x.txt": "x\n" } });
    expect((await api(world.fake, "DELETE", path("/git/refs/heads/old"), { token })).status).toBe(204);
    expect((await api(world.fake, "GET", path("/git/ref/heads/old"), { token })).status).toBe(404);
    const again = await api(world.fake, "DELETE", path("/git/refs/heads/old"), { token });
    expect([again.status, field(again.json, "message")]).toEqual([422, "Reference does not exist"]);
  });

  test("matching-refs lists refs under a prefix", async () => {
    world.fake.as("alice").push(REPO, { branch: "stagecoach/dev/api", files: { a: "1" } });
    world.fake.as("alice").push(REPO, { branch: "stagecoach/dev/web", files: { b: "1" } });
    const listed = await api(world.fake, "GET", path("/git/matching-refs/heads/stagecoach/"), { token });
    expect((listed.json as { ref: string }[]).map((ref) => ref.ref)).toEqual([
      "refs/heads/stagecoach/dev/api",
      "refs/heads/stagecoach/dev/web",
    ]);
  });
});

const UPDATE_REFS = `mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`;

describe("GraphQL updateRefs", () => {
  test("a beforeOid mismatch on one ref leaves every ref of the batch untouched", async () => {
    const main = String(world.fake.sha(REPO, "main"));
    const next = await commitOn(main, "v: 4\n");
    world.fake.as("alice").push(REPO, { branch: "other", files: { "o.txt": "o\n" } });
    const other = String(world.fake.sha(REPO, "other"));
    const repositoryId = field(
      (
        await graphql(
          world.fake,
          token,
          `
            {
              repository(owner: "acme", name: "config") {
                id
              }
            }
          `,
        )
      ).json,
      "data",
      "repository",
      "id",
    );

    const response = await graphql(world.fake, token, UPDATE_REFS, {
      input: {
        repositoryId,
        refUpdates: [
          { name: "refs/heads/main", beforeOid: main, afterOid: next },
          { name: "refs/heads/other", beforeOid: main, afterOid: next, force: true },
          { name: "refs/heads/new", beforeOid: "0".repeat(40), afterOid: next },
        ],
      },
    });
    expect(field(response.json, "errors", 0, "type")).toBe("UNPROCESSABLE");
    expect([
      world.fake.sha(REPO, "main"),
      world.fake.sha(REPO, "other"),
      world.fake.branches(REPO).includes("new"),
    ]).toEqual([main, other, false]);
  });

  test("a batch whose expectations hold creates, moves and deletes refs at once, with a push for each", async () => {
    const main = String(world.fake.sha(REPO, "main"));
    const next = await commitOn(main, "v: 5\n");
    world.fake.as("alice").push(REPO, { branch: "gone", files: { "g.txt": "g\n" } });
    const gone = String(world.fake.sha(REPO, "gone"));
    const repositoryId = field(
      (
        await graphql(
          world.fake,
          token,
          `
            {
              repository(owner: "acme", name: "config") {
                id
              }
            }
          `,
        )
      ).json,
      "data",
      "repository",
      "id",
    );
    await world.fake.settle();
    hook.received.length = 0;

    const response = await graphql(world.fake, token, UPDATE_REFS, {
      input: {
        repositoryId,
        clientMutationId: "m1",
        refUpdates: [
          { name: "refs/heads/main", beforeOid: main, afterOid: next },
          { name: "refs/heads/created", beforeOid: "0".repeat(40), afterOid: next },
          { name: "refs/heads/gone", beforeOid: gone, afterOid: "0".repeat(40) },
        ],
      },
    });
    expect(response.json).toEqual({ data: { updateRefs: { clientMutationId: "m1" } } });
    expect(world.fake.branches(REPO).sort()).toEqual(["created", "main"]);
    await world.fake.settle();
    expect(events(hook.received).filter((e) => e === "push")).toHaveLength(3);
  });

  test("a non-fast-forward needs force", async () => {
    const main = String(world.fake.sha(REPO, "main"));
    const a = await commitOn(main, "a\n");
    const b = await commitOn(main, "b\n");
    await api(world.fake, "PATCH", path("/git/refs/heads/main"), { token, body: { sha: a } });
    const repositoryId = field(
      (
        await graphql(
          world.fake,
          token,
          `
            {
              repository(owner: "acme", name: "config") {
                id
              }
            }
          `,
        )
      ).json,
      "data",
      "repository",
      "id",
    );
    const refused = await graphql(world.fake, token, UPDATE_REFS, {
      input: { repositoryId, refUpdates: [{ name: "refs/heads/main", beforeOid: a, afterOid: b }] },
    });
    expect(field(refused.json, "errors", 0, "type")).toBe("UNPROCESSABLE");
    expect(world.fake.sha(REPO, "main")).toBe(a);
    const forced = await graphql(world.fake, token, UPDATE_REFS, {
      input: {
        repositoryId,
        refUpdates: [{ name: "refs/heads/main", beforeOid: a, afterOid: b, force: true }],
      },
    });
    expect(field(forced.json, "errors")).toBeUndefined();
    expect(world.fake.sha(REPO, "main")).toBe(b);
  });
});
