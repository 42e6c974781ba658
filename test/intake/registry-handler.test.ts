import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signatureOf } from "../../src/intake/auth.js";
import type { ImagePublished, RegistrySource } from "../../src/intake/event.js";
import { createRegistryHandler, MAX_BODY_BYTES } from "../../src/intake/registry-handler.js";
import { fixtureText } from "./helpers.js";

const SECRETS: Record<RegistrySource, string> = {
  dockerhub: "dockerhub-secret-0123456789",
  harbor: "harbor-secret-0123456789",
  quay: "quay-secret-0123456789",
  acr: "acr-secret-0123456789",
  ecr: "ecr-secret-0123456789",
  gar: "gar-secret-0123456789",
  generic: "generic-secret-0123456789",
};

interface LogLine {
  readonly level: "info" | "warn";
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

let server: Server;
let base: string;
let published: ImagePublished[][];
let logs: LogLine[];
let failPublish: boolean;

beforeAll(async () => {
  const handler = createRegistryHandler({
    secrets: { ...SECRETS, harbor: SECRETS.harbor },
    publish: (events) => {
      if (failPublish) return Promise.reject(new Error("queue is down: amqp://user:pw@queue"));
      published.push(events);
      return Promise.resolve();
    },
    log: {
      info: (fields, message) => logs.push({ level: "info", fields, message }),
      warn: (fields, message) => logs.push({ level: "warn", fields, message }),
    },
  });
  server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end("fell through");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
});

beforeEach(() => {
  published = [];
  logs = [];
  failPublish = false;
});

const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${base}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });

const bearer = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}` });
const basic = (secret: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`eventbridge:${secret}`).toString("base64")}`,
});
const signed = (body: string, secret = SECRETS.generic): Record<string, string> => ({
  "x-stagecoach-signature-256": signatureOf(secret, body),
});

interface Delivery {
  readonly source: RegistrySource;
  readonly form: string;
  readonly fixture: string;
  /** The credential this form carries, for a given secret. */
  readonly auth: (secret: string, body: string) => { query?: string; headers?: Record<string, string> };
  readonly image: string;
}

const deliveries: Delivery[] = [
  {
    source: "dockerhub",
    form: "?token=",
    fixture: "dockerhub-push.json",
    auth: (secret) => ({ query: `?token=${secret}` }),
    image: "docker.io/svendowideit/testhook",
  },
  {
    source: "harbor",
    form: "Authorization: Bearer",
    fixture: "harbor-push-default.json",
    auth: (secret) => ({ headers: bearer(secret) }),
    image: "hub.harbor.com/test-webhook/debian",
  },
  {
    source: "harbor",
    form: "Authorization: <secret>",
    fixture: "harbor-push-cloudevents.json",
    auth: (secret) => ({ headers: { authorization: secret } }),
    image: "harbor.dev/library/busybox",
  },
  {
    source: "quay",
    form: "?token=",
    fixture: "quay-push.json",
    auth: (secret) => ({ query: `?token=${secret}` }),
    image: "quay.io/dgangaia/test",
  },
  {
    source: "acr",
    form: "Authorization: Bearer",
    fixture: "acr-push.json",
    auth: (secret) => ({ headers: bearer(secret) }),
    image: "myregistry.azurecr.io/hello-world",
  },
  {
    source: "ecr",
    form: "Authorization: Bearer",
    fixture: "ecr-push.json",
    auth: (secret) => ({ headers: bearer(secret) }),
    image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name",
  },
  {
    source: "ecr",
    form: "Authorization: Basic",
    fixture: "ecr-push.json",
    auth: (secret) => ({ headers: basic(secret) }),
    image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name",
  },
  {
    source: "gar",
    form: "?token=",
    fixture: "gar-push.json",
    auth: (secret) => ({ query: `?token=${secret}` }),
    image: "us-east1-docker.pkg.dev/my-project/my-repo/hello-world",
  },
  {
    source: "generic",
    form: "X-Stagecoach-Signature-256",
    fixture: "generic.json",
    auth: (secret, body) => ({ headers: signed(body, secret) }),
    image: "registry.example.com:5000/team/api",
  },
];

describe("POST /stagecoach/registry/<source>", () => {
  it.each(deliveries)(
    "accepts $source with $form and publishes its events before answering 202",
    async (delivery) => {
      const body = fixtureText(delivery.fixture);
      const { query = "", headers = {} } = delivery.auth(SECRETS[delivery.source], body);
      const response = await post(`/stagecoach/registry/${delivery.source}${query}`, body, headers);

      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ accepted: 1 });
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject([{ source: delivery.source, image: delivery.image }]);
    },
  );

  it.each(deliveries)(
    "refuses $source with a wrong credential in $form: 401, nothing published",
    async (delivery) => {
      const body = fixtureText(delivery.fixture);
      const { query = "", headers = {} } = delivery.auth("wrong-secret-0123456789", body);
      const response = await post(`/stagecoach/registry/${delivery.source}${query}`, body, headers);

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: "unauthorized" });
      expect(published).toEqual([]);
    },
  );

  it.each(deliveries)("refuses $source without any credential: 401, nothing published", async (delivery) => {
    const response = await post(`/stagecoach/registry/${delivery.source}`, fixtureText(delivery.fixture));
    expect(response.status).toBe(401);
    expect(published).toEqual([]);
  });

  it("refuses a generic body altered after signing", async () => {
    const body = fixtureText("generic.json");
    const response = await post(
      "/stagecoach/registry/generic",
      body.replace("2024.06.1", "2024.06.2"),
      signed(body),
    );
    expect(response.status).toBe(401);
    expect(published).toEqual([]);
  });

  it("refuses a credential that belongs to another source", async () => {
    const response = await post(
      `/stagecoach/registry/quay?token=${SECRETS.dockerhub}`,
      fixtureText("quay-push.json"),
    );
    expect(response.status).toBe(401);
    expect(published).toEqual([]);
  });

  it("refuses a query token where the registry can send a header", async () => {
    const response = await post(
      `/stagecoach/registry/acr?token=${SECRETS.acr}`,
      fixtureText("acr-push.json"),
    );
    expect(response.status).toBe(401);
  });

  it("refuses every request for a source whose secret is not configured", async () => {
    const handler = createRegistryHandler({
      secrets: {},
      publish: () => Promise.reject(new Error("unreachable")),
    });
    const unconfigured = createServer((req, res) => {
      void handler(req, res);
    });
    await new Promise<void>((resolve) => unconfigured.listen(0, "127.0.0.1", resolve));
    const port = (unconfigured.address() as AddressInfo).port;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/stagecoach/registry/dockerhub?token=`, {
        method: "POST",
        body: fixtureText("dockerhub-push.json"),
      });
      expect(response.status).toBe(401);
    } finally {
      unconfigured.close();
    }
  });

  it("answers 202 with the reason when the payload announces nothing to promote", async () => {
    const body = fixtureText("ecr-push.json").replace('"PUSH"', '"DELETE"');
    const response = await post("/stagecoach/registry/ecr", body, bearer(SECRETS.ecr));

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 0, ignored: "ECR action DELETE is not a push" });
    expect(published).toEqual([]);
  });

  it("answers 202 with the number of events when Quay announces several tags", async () => {
    const body = fixtureText("quay-push.json").replace('["latest"]', '["1.4.0", "1.4", "latest"]');
    const response = await post(`/stagecoach/registry/quay?token=${SECRETS.quay}`, body);

    expect(await response.json()).toEqual({ accepted: 3 });
    expect(published[0]?.map((event) => event.tag)).toEqual(["1.4.0", "1.4", "latest"]);
  });

  it.each([
    ["a body that is not JSON", "{not json", "the body is not JSON"],
    ["a payload without the field the source needs", '{"push_data":{"tag":"1"}}', "repository: is missing"],
    ["a malformed tag", fixtureText("dockerhub-push.json").replace('"latest"', '"la test"'), "push_data.tag"],
  ])("answers 400 to %s with the reason", async (_case, body, reason) => {
    const response = await post(`/stagecoach/registry/dockerhub?token=${SECRETS.dockerhub}`, body);

    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string };
    expect(answer.error).toContain(reason);
    expect(published).toEqual([]);
  });

  it("answers 400 to a signed generic body that is malformed", async () => {
    const body = JSON.stringify({ image: "registry.example.com/team/api" });
    const response = await post("/stagecoach/registry/generic", body, signed(body));

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "tag: is missing, and image has no tag" });
  });

  it("answers 404 to a source it does not know", async () => {
    for (const path of ["/stagecoach/registry/nexus", "/stagecoach/registry", "/stagecoach/registry/ghcr"]) {
      const response = await post(path, "{}");
      expect(response.status).toBe(404);
    }
  });

  it("answers 405 to anything but POST", async () => {
    const response = await fetch(`${base}/stagecoach/registry/dockerhub?token=${SECRETS.dockerhub}`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 413 to a body over 1 MiB, declared up front", async () => {
    const body = JSON.stringify({ padding: "x".repeat(MAX_BODY_BYTES) });
    const response = await post(`/stagecoach/registry/dockerhub?token=${SECRETS.dockerhub}`, body);
    expect(response.status).toBe(413);
    expect(published).toEqual([]);
  });

  it("answers 413 to a streamed body that grows past 1 MiB", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_BODY_BYTES * 2) controller.close();
        else {
          sent += chunk.length;
          controller.enqueue(chunk);
        }
      },
    });
    const response = await fetch(`${base}/stagecoach/registry/dockerhub?token=${SECRETS.dockerhub}`, {
      method: "POST",
      body: stream,
      duplex: "half",
    });
    expect(response.status).toBe(413);
    expect(published).toEqual([]);
  });

  it("gives up on a sender that hangs up mid-body, publishing nothing", async () => {
    const port = (server.address() as AddressInfo).port;
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    socket.write(
      `POST /stagecoach/registry/dockerhub?token=${SECRETS.dockerhub} HTTP/1.1\r\nHost: x\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"push_data":',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await expect.poll(() => logs.map((line) => line.message)).toContain("registry request failed");
    expect(published).toEqual([]);
  });

  it("answers 500 with a generic message when publishing fails, and logs the cause", async () => {
    failPublish = true;
    const response = await post(
      `/stagecoach/registry/dockerhub?token=${SECRETS.dockerhub}`,
      fixtureText("dockerhub-push.json"),
    );

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "internal error" });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: "warn", message: "registry events could not be published" }),
    );
  });

  it("falls through for paths that are not its own", async () => {
    for (const path of ["/api/github/webhooks", "/stagecoach/registryx", "/"]) {
      const response = await post(path, "{}");
      expect(response.status).toBe(418);
      expect(await response.text()).toBe("fell through");
    }
  });

  it("never logs a secret", async () => {
    await post(
      `/stagecoach/registry/dockerhub?token=${SECRETS.dockerhub}`,
      fixtureText("dockerhub-push.json"),
    );
    await post("/stagecoach/registry/acr", fixtureText("acr-push.json"), bearer("wrong-secret-0123456789"));
    expect(logs.length).toBeGreaterThan(1);
    expect(JSON.stringify(logs)).not.toContain(SECRETS.dockerhub);
    expect(JSON.stringify(logs)).not.toContain("wrong-secret");
  });
});
