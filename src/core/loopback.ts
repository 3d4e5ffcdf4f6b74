/**
 * Whether a host name (as in a URL or a Host header, without the port) names this machine's
 * loopback interface. The only place plain http and an unchecked Host are acceptable.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** The host name of a Host header value, without its port (`[::1]:8080` → `[::1]`). */
export function hostOfHeader(value: string): string {
  const v = value.trim();
  if (v.startsWith("[")) {
    const end = v.indexOf("]");
    return end < 0 ? v : v.slice(0, end + 1);
  }
  const colon = v.indexOf(":");
  return colon < 0 ? v : v.slice(0, colon);
}
