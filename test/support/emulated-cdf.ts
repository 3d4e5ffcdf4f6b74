import { createCdfClient } from "../../src/adapters/cdf/cdf-client.js";
import { createEmulator, DEFAULT_CLIENT, type Emulator } from "../../src/emulator/emulator.js";
import type { CdfClient } from "../../src/ports/cdf-client.js";
import type { Clock } from "../../src/ports/clock.js";

const BASE = "http://cdf.emulator.test";

/**
 * The real CDF client talking to the real emulator, in-process (fetch is the emulator app), so
 * HTTP tests exercise token exchange, headers, CDF validation and errors without a socket.
 */
export function emulatedCdf(
  clock: Clock,
  random: () => number = () => 0.5,
): { emulator: Emulator; cdf: CdfClient } {
  const emulator = createEmulator({ clock });
  const cdf = createCdfClient({
    baseUrl: BASE,
    project: emulator.project,
    auth: {
      type: "client_credentials",
      tokenUrl: `${BASE}/oauth2/token`,
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      scopes: [`${BASE}/.default`],
    },
    fetch: (input, init) => Promise.resolve(emulator.app.fetch(new Request(input, init))),
    clock,
    random,
  });
  return { emulator, cdf };
}
