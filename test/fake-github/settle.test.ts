import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { api, field, installationToken, REPO, startWorld, type World } from "./helpers.js";

/** `settle()` waits for the whole conversation: webhooks, the app's reactions to them, and theirs. */

let world: World;
let close: (() => Promise<void>) | undefined;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  await close?.();
  close = undefined;
  await world.fake.close();
});

/** An "app" that answers each human comment with a comment of its own, after a pause. */
async function echoApp(token: string, pauseMs: number): Promise<void> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
        if (req.headers["x-github-event"] === "issue_comment" && field(body, "sender", "type") === "User") {
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
          await api(
            world.fake,
            "POST",
            `/repos/${REPO}/issues/${String(field(body, "issue", "number"))}/comments`,
            { token, body: { body: "echo" } },
          );
        }
        res.writeHead(200).end();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  world.fake.setWebhookTarget(world.app, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  close = () =>
    new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
}

describe("settle", () => {
  test("resolves only after the app has reacted to the webhook and its own webhooks are delivered", async () => {
    await echoApp(await installationToken(world), 150);
    const issue = world.fake.as("alice").openIssue(REPO, { title: "x" });
    world.fake.as("alice").comment(REPO, issue, "hello");
    await world.fake.settle();
    expect(world.fake.comments(REPO, issue).map((c) => c.body)).toEqual(["hello", "echo"]);
    expect(world.fake.webhooks.list().every((d) => d.status === 200)).toBe(true);
    expect(world.fake.webhooks.list().filter((d) => d.event === "issue_comment")).toHaveLength(2);
  });

  test("times out listing what is still pending", async () => {
    const hung = createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    close = async () => {
      hung.closeAllConnections();
      await new Promise<void>((resolve) =>
        hung.close(() => {
          resolve();
        }),
      );
    };
    world.fake.setWebhookTarget(world.app, `http://127.0.0.1:${(hung.address() as AddressInfo).port}/`);
    world.fake.as("alice").openIssue(REPO, { title: "x" });
    await expect(world.fake.settle({ timeoutMs: 200 })).rejects.toThrow(
      /still pending:\n {2}- webhook issues\.opened -> http/,
    );
    await close();
    close = undefined;
    await world.fake.settle();
    world.fake.violations.clear();
  });
});
