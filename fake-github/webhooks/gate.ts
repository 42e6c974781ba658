import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Webhooks caused by an API request are held until that request's response has been sent, as on
 * GitHub (the app never hears of a change before the API call that made it returns).
 */
const scope = new AsyncLocalStorage<Promise<void>>();

export function runWithGate<T>(gate: Promise<void>, work: () => T): T {
  return scope.run(gate, work);
}

export function currentGate(): Promise<void> | undefined {
  return scope.getStore();
}
