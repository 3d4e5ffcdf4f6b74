/**
 * Settles with `promise`, or rejects as soon as `signal` aborts. A custom `fetch` (a test double,
 * an in-process app) may ignore its signal; racing keeps timeouts and cancellation honest anyway.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error("aborted");
}

export interface AttemptSignal {
  signal: AbortSignal;
  /** True when the per-attempt timeout (not the caller) aborted the attempt. */
  timedOut(): boolean;
  /** Clears the timer and the link to the caller's signal. */
  dispose(): void;
}

/**
 * One attempt's signal: aborts when the caller aborts or after `timeoutMs`. Built from a timer
 * rather than `AbortSignal.any`/`timeout` so it runs on every runtime and leaves nothing behind.
 */
export function attemptSignal(timeoutMs: number, caller?: AbortSignal): AttemptSignal {
  const controller = new AbortController();
  let expired = false;
  const onCallerAbort = () => controller.abort(caller?.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error(`no response within ${timeoutMs} ms`));
  }, timeoutMs);
  if (caller?.aborted) onCallerAbort();
  else caller?.addEventListener("abort", onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired && !caller?.aborted,
    dispose: () => {
      clearTimeout(timer);
      caller?.removeEventListener("abort", onCallerAbort);
    },
  };
}

/** A readable message from anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
