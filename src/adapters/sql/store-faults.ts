import { isTaskgateError, TaskgateError } from "../../core/errors.js";

/**
 * Says whether a driver error means the store could not be reached or could not take the write
 * right now (a lost PostgreSQL connection, a busy SQLite file), as opposed to a bug or a refused
 * statement. Such a failure is the caller's 503, never a 500.
 */
export type FaultClassifier = (err: unknown) => boolean;

/** The cause is kept for logs; the message says nothing about the driver. */
export function storeUnavailable(cause: unknown): TaskgateError {
  return new TaskgateError("store_unavailable", "the store is unavailable; try again shortly", { cause });
}

/**
 * Wraps a store so every method that fails for a store fault rejects with `store_unavailable`
 * (HTTP 503 with Retry-After). Nested stores (`approvals`, `audit`, `instances`, `rejections`) are wrapped the same way. The store
 * code stays free of fault handling: the classification is the dialect's.
 */
export function withStoreFaults<T extends object>(store: T, isFault: FaultClassifier): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const cached = wrapped.get(prop);
      if (cached !== undefined) return cached;
      const value: unknown = Reflect.get(target, prop, target);
      let result: unknown = value;
      if (typeof value === "function") {
        result = (...args: unknown[]) => {
          const out: unknown = value.apply(target, args);
          return out instanceof Promise
            ? out.catch((err: unknown) => Promise.reject(mapFault(err, isFault)))
            : out;
        };
      } else if (
        value !== null &&
        typeof value === "object" &&
        (prop === "approvals" || prop === "audit" || prop === "instances" || prop === "rejections")
      ) {
        result = withStoreFaults(value, isFault);
      }
      if (result !== value) wrapped.set(prop, result);
      return result;
    },
  });
}

function mapFault(err: unknown, isFault: FaultClassifier): unknown {
  if (isTaskgateError(err)) return err;
  return isFault(err) ? storeUnavailable(err) : err;
}
