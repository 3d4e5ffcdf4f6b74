/**
 * Memoises an async key import so it runs once per verifier, not once per request (importing
 * costs more than the HMAC itself). A failed import stays failed: it is a configuration error.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
