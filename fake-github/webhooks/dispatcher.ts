import type { Activity } from "../activity.js";
import { guid } from "../ids.js";
import type { App, Installation } from "../model/apps.js";
import { pushRepository } from "../render/push.js";
import { renderRepository } from "../render/repos.js";
import { renderOrganization, renderUser } from "../render/users.js";
import type { State } from "../state.js";
import type { Violations } from "../violations.js";
import type { WebhookEvent } from "./event.js";
import { currentGate } from "./gate.js";
import { signature1, signature256 } from "./signature.js";

/**
 * Sends webhooks to apps: one delivery per subscribed installation, signed with the app's secret,
 * queued after the API response that caused it and sent concurrently (GitHub guarantees no order).
 * Every delivery is recorded and can be redelivered with the same GUID.
 */

export interface Delivery {
  /** Sequential id of this attempt. */
  readonly id: number;
  /** `X-GitHub-Delivery`; a redelivery keeps the original's. */
  readonly guid: string;
  readonly event: string;
  readonly action: string | undefined;
  readonly installationId: number;
  readonly appId: number;
  readonly target: string;
  readonly redelivery: boolean;
  /** The exact body that was signed. */
  readonly body: string;
  status: number | "queued" | "in-flight" | "failed";
  error: string | undefined;
  durationMs: number | undefined;
}

/** Apps receive these whether or not they subscribed, as on GitHub. */
const ALWAYS_DELIVERED = new Set(["installation", "installation_repositories"]);

export class WebhookDispatcher {
  readonly #deliveries: Delivery[] = [];
  readonly #roundRobin = new Map<number, number>();
  readonly #activity: Activity;
  readonly #violations: Violations;
  #state: State | undefined;
  #nextId = 1;

  constructor(activity: Activity, violations: Violations) {
    this.#activity = activity;
    this.#violations = violations;
  }

  attach(state: State): void {
    this.#state = state;
  }

  list(): readonly Delivery[] {
    return [...this.#deliveries];
  }

  clear(): void {
    this.#deliveries.length = 0;
  }

  /** Queues deliveries of `event` to every installation that should hear it. */
  dispatch(event: WebhookEvent): void {
    const state = this.#state;
    if (state === undefined) return;
    const gate = currentGate();
    for (const installation of this.#recipients(state, event)) {
      const body = JSON.stringify(this.#payload(state, event, installation));
      const id = guid();
      for (const target of this.#targets(installation.app)) {
        this.#send(installation, event.name, event.action, body, id, target, false, gate);
      }
    }
  }

  /** Sends a recorded delivery again: same body, same GUID, same target. */
  redeliver(guidOrId: string | number): Delivery {
    const original = this.#deliveries.find((d) => d.guid === guidOrId || d.id === guidOrId);
    const installation =
      original === undefined ? undefined : this.#state?.installations.get(original.installationId);
    if (original === undefined || installation === undefined)
      throw new Error(`no delivery ${String(guidOrId)} to redeliver`);
    return this.#send(
      installation,
      original.event,
      original.action,
      original.body,
      original.guid,
      original.target,
      true,
      undefined,
    );
  }

  #recipients(state: State, event: WebhookEvent): Installation[] {
    const candidates =
      event.repo !== undefined
        ? state.installationsFor(event.repo)
        : [...state.installations.values()].filter((i) => i.account.id === event.account?.id);
    return candidates.filter(
      (installation) =>
        (event.onlyApp === undefined || installation.app.id === event.onlyApp.id) &&
        (ALWAYS_DELIVERED.has(event.name) || installation.events.includes(event.name)),
    );
  }

  #payload(state: State, event: WebhookEvent, installation: Installation): Record<string, unknown> {
    const owner = event.repo?.owner ?? event.account;
    return {
      ...(event.action === undefined ? {} : { action: event.action }),
      ...event.fields,
      ...(event.repo === undefined
        ? {}
        : {
            repository:
              event.name === "push" ? pushRepository(state, event.repo) : renderRepository(state, event.repo),
          }),
      ...(owner?.type === "Organization" ? { organization: renderOrganization(state.urls, owner) } : {}),
      sender: renderUser(state.urls, event.sender),
      installation: event.fields["installation"] ?? { id: installation.id, node_id: installation.nodeId },
    };
  }

  #targets(app: App): string[] {
    const webhook = app.webhook;
    if (webhook === undefined || webhook.urls.length === 0) return [];
    if (webhook.mode === "broadcast") return [...webhook.urls];
    const turn = this.#roundRobin.get(app.id) ?? 0;
    this.#roundRobin.set(app.id, turn + 1);
    const url = webhook.urls[turn % webhook.urls.length];
    return url === undefined ? [] : [url];
  }

  #send(
    installation: Installation,
    event: string,
    action: string | undefined,
    body: string,
    id: string,
    target: string,
    redelivery: boolean,
    gate: Promise<void> | undefined,
  ): Delivery {
    const delivery: Delivery = {
      id: this.#nextId++,
      guid: id,
      event,
      action,
      installationId: installation.id,
      appId: installation.app.id,
      target,
      redelivery,
      body,
      status: "queued",
      error: undefined,
      durationMs: undefined,
    };
    this.#deliveries.push(delivery);
    const done = this.#activity.begin(
      `webhook ${describe(delivery)} -> ${target} (${redelivery ? "redelivery" : "delivery"} ${id})`,
    );
    void (async () => {
      await gate;
      await new Promise((resolve) => setImmediate(resolve));
      await this.#post(installation.app, delivery);
    })().finally(done);
    return delivery;
  }

  async #post(app: App, delivery: Delivery): Promise<void> {
    delivery.status = "in-flight";
    const started = performance.now();
    try {
      const response = await fetch(delivery.target, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/fake",
          "x-github-event": delivery.event,
          "x-github-delivery": delivery.guid,
          "x-github-hook-id": String(app.id),
          "x-github-hook-installation-target-id": String(app.id),
          "x-github-hook-installation-target-type": "integration",
          "x-hub-signature": signature1(app.webhookSecret, delivery.body),
          "x-hub-signature-256": signature256(app.webhookSecret, delivery.body),
        },
        body: delivery.body,
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      delivery.status = response.status;
      if (!response.ok) this.#fail(delivery, `the app answered ${response.status}`);
    } catch (error) {
      delivery.status = "failed";
      this.#fail(delivery, error instanceof Error ? error.message : String(error));
    } finally {
      delivery.durationMs = performance.now() - started;
    }
  }

  #fail(delivery: Delivery, message: string): void {
    delivery.error = message;
    this.#violations.record({
      kind: "webhook-delivery-failed",
      request: `webhook ${describe(delivery)} -> ${delivery.target}`,
      message,
    });
  }
}

function describe(delivery: Pick<Delivery, "event" | "action">): string {
  return delivery.action === undefined ? delivery.event : `${delivery.event}.${delivery.action}`;
}
