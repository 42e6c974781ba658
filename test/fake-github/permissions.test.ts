import { afterEach, describe, expect, test } from "vitest";
import { api, appJwt, field, installationToken, REPO, startWorld, type World } from "./helpers.js";

/** GitHub App auth and the installation's permissions, enforced per route like GitHub. */

let world: World | undefined;

afterEach(async () => {
  await world?.fake.close();
  world = undefined;
});

async function start(permissions?: Readonly<Record<string, "read" | "write">>): Promise<World> {
  world = await startWorld(permissions === undefined ? {} : { permissions });
  return world;
}

describe("authentication", () => {
  test("the app's JWT gets an installation token with the installation's permissions", async () => {
    const { fake, app, installationId } = await start();
    const response = await api(fake, "POST", `/app/installations/${installationId}/access_tokens`, {
      headers: { authorization: `Bearer ${appJwt(app)}` },
    });
    expect(response.status).toBe(201);
    expect(String(field(response.json, "token"))).toMatch(/^ghs_/);
    expect([
      field(response.json, "repository_selection"),
      field(response.json, "permissions", "contents"),
    ]).toEqual(["all", "write"]);
    expect(Date.parse(String(field(response.json, "expires_at")))).toBeGreaterThan(
      Date.now() + 50 * 60 * 1000,
    );
  });

  test("an expired JWT, a JWT signed by another key and an unknown token are 401", async () => {
    const { fake, app, installationId } = await start();
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await api(fake, "GET", "/app/installations", {
      headers: { authorization: `Bearer ${appJwt(app, { iat: past - 60, exp: past })}` },
    });
    expect([expired.status, field(expired.json, "message")]).toEqual([
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    ]);
    const other = fake.app({ slug: "other" });
    const forged = appJwt({ ...other, id: app.id });
    expect(
      (
        await api(fake, "POST", `/app/installations/${installationId}/access_tokens`, {
          headers: { authorization: `Bearer ${forged}` },
        })
      ).status,
    ).toBe(401);
    const unknown = await api(fake, "GET", `/repos/${REPO}`, { token: "ghs_nope" });
    expect([unknown.status, field(unknown.json, "message")]).toEqual([401, "Bad credentials"]);
  });

  test("revoked tokens are 401 until the app asks for a new one", async () => {
    const current = await start();
    const token = await installationToken(current);
    current.fake.revokeTokens();
    expect((await api(current.fake, "GET", `/repos/${REPO}`, { token })).status).toBe(401);
    expect(
      (await api(current.fake, "GET", `/repos/${REPO}`, { token: await installationToken(current) })).status,
    ).toBe(200);
  });

  test("app endpoints list installations by JWT; an installation token there is refused and recorded", async () => {
    const current = await start();
    const listed = await api(current.fake, "GET", "/app/installations", {
      headers: { authorization: `Bearer ${appJwt(current.app)}` },
    });
    expect((listed.json as { id: number }[]).map((i) => i.id)).toEqual([current.installationId]);
    const byRepo = await api(current.fake, "GET", `/repos/${REPO}/installation`, {
      headers: { authorization: `Bearer ${appJwt(current.app)}` },
    });
    expect(field(byRepo.json, "id")).toBe(current.installationId);
    const wrong = await api(current.fake, "GET", "/app/installations", {
      token: await installationToken(current),
    });
    expect(wrong.status).toBe(401);
    expect(current.fake.violations.list().map((v) => v.kind)).toEqual(["wrong-credentials"]);
    current.fake.violations.clear();
  });

  test("an installation token lists the installation's repositories", async () => {
    const current = await start();
    const response = await api(current.fake, "GET", "/installation/repositories", {
      token: await installationToken(current),
    });
    expect([
      field(response.json, "total_count"),
      field(response.json, "repositories", 0, "full_name"),
    ]).toEqual([1, REPO]);
  });
});

describe("permissions", () => {
  test("an app registered from its app.yml gets exactly the manifest's permissions and events", async () => {
    const current = await start();
    const manifest =
      "name: Stagecoach\ndefault_events: [issue_comment]\ndefault_permissions:\n  issues: write\n  metadata: read\n";
    const app = current.fake.appFromManifest(manifest, { slug: "from-manifest" });
    const installationId = current.fake.install(app, { account: "acme", repositories: ["config"] });
    const token = await installationToken({ fake: current.fake, app, installationId });
    const issue = current.fake.as("alice").openIssue(REPO, { title: "x" });
    expect(
      (
        await api(current.fake, "POST", `/repos/${REPO}/issues/${issue}/comments`, {
          token,
          body: { body: "ok" },
        })
      ).status,
    ).toBe(201);
    expect((await api(current.fake, "GET", `/repos/${REPO}/pulls`, { token })).status).toBe(403);
    const installation = await api(current.fake, "GET", `/app/installations/${installationId}`, {
      headers: { authorization: `Bearer ${appJwt(app)}` },
    });
    expect([field(installation.json, "events"), field(installation.json, "repository_selection")]).toEqual([
      ["issue_comment"],
      "selected",
    ]);
    current.fake.violations.clear();
  });

  test("a write without the permission is 403 Resource not accessible by integration, and recorded", async () => {
    const current = await start({ contents: "read", metadata: "read" });
    const token = await installationToken(current);
    const response = await api(current.fake, "POST", `/repos/${REPO}/git/blobs`, {
      token,
      body: { content: "x" },
    });
    expect([response.status, field(response.json, "message")]).toEqual([
      403,
      "Resource not accessible by integration",
    ]);
    expect(current.fake.violations.list().map((v) => [v.kind, v.message.split(";")[0]])).toEqual([
      ["permission-denied", "needs contents:write"],
    ]);
    current.fake.violations.clear();
  });

  test("pull_requests permission may comment on a PR but not on an issue", async () => {
    const current = await start({ pull_requests: "write", contents: "read" });
    const token = await installationToken(current);
    const alice = current.fake.as("alice");
    alice.push(REPO, { branch: "b", files: { x: "1" } });
    const pull = alice.openPull(REPO, { head: "b", title: "PR" });
    const issue = alice.openIssue(REPO, { title: "Issue" });
    expect(
      (
        await api(current.fake, "POST", `/repos/${REPO}/issues/${pull}/comments`, {
          token,
          body: { body: "ok" },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api(current.fake, "POST", `/repos/${REPO}/issues/${issue}/comments`, {
          token,
          body: { body: "no" },
        })
      ).status,
    ).toBe(403);
    current.fake.violations.clear();
  });

  test("a token requested with narrower permissions or fewer repositories is held to them", async () => {
    const current = await start();
    current.fake.repo({ name: "acme/other", files: { a: "a" } });
    const jwt = appJwt(current.app);
    const narrowed = await api(
      current.fake,
      "POST",
      `/app/installations/${current.installationId}/access_tokens`,
      {
        headers: { authorization: `Bearer ${jwt}` },
        body: { repositories: ["config"], permissions: { contents: "read" } },
      },
    );
    const token = String(field(narrowed.json, "token"));
    expect((await api(current.fake, "GET", `/repos/${REPO}/contents/README.md`, { token })).status).toBe(200);
    expect((await api(current.fake, "GET", "/repos/acme/other", { token })).status).toBe(404);
    expect(
      (await api(current.fake, "POST", `/repos/${REPO}/git/blobs`, { token, body: { content: "x" } })).status,
    ).toBe(403);
    const escalate = await api(
      current.fake,
      "POST",
      `/app/installations/${current.installationId}/access_tokens`,
      {
        headers: { authorization: `Bearer ${jwt}` },
        body: { permissions: { administration: "write" } },
      },
    );
    expect(escalate.status).toBe(422);
    current.fake.violations.clear();
  });

  test("team membership needs the members permission and answers 200 or 404", async () => {
    const current = await start();
    current.fake.team("acme", "sre", { members: ["alice"], maintainers: ["carol"] });
    const token = await installationToken(current);
    const member = await api(current.fake, "GET", "/orgs/acme/teams/sre/memberships/alice", { token });
    expect([member.status, field(member.json, "state"), field(member.json, "role")]).toEqual([
      200,
      "active",
      "member",
    ]);
    expect((await api(current.fake, "GET", "/orgs/acme/teams/sre/memberships/bob", { token })).status).toBe(
      404,
    );
    const members = await api(current.fake, "GET", "/orgs/acme/teams/sre/members", { token });
    expect((members.json as { login: string }[]).map((m) => m.login)).toEqual(["alice", "carol"]);
  });

  test("collaborator permission maps roles as GitHub does", async () => {
    const current = await start();
    current.fake.user("maya");
    current.fake.user("stranger");
    current.fake.setCollaborator(REPO, "maya", "maintain");
    const token = await installationToken(current);
    const permission = async (login: string): Promise<unknown[]> => {
      const response = await api(current.fake, "GET", `/repos/${REPO}/collaborators/${login}/permission`, {
        token,
      });
      return [field(response.json, "permission"), field(response.json, "role_name")];
    };
    expect(await permission("alice")).toEqual(["admin", "admin"]);
    expect(await permission("bob")).toEqual(["write", "write"]);
    expect(await permission("maya")).toEqual(["write", "maintain"]);
    expect(await permission("stranger")).toEqual(["none", "none"]);
  });
});
