import { DEFAULT_CLIENT, DEFAULT_PROJECT } from "../emulator/emulator.js";
import { startEmulatorServer } from "../emulator/serve-node.js";

/**
 * `taskgate emulator [--port N]`: the local CDF on its own, until SIGINT or SIGTERM. Prints what a
 * taskgate config (or any CDF client) needs to talk to it.
 */
export async function runEmulatorCommand(args: { port?: number; host?: string }): Promise<void> {
  const server = await startEmulatorServer({ port: args.port ?? 9090, host: args.host ?? "127.0.0.1" });
  const { url } = server;
  console.log(
    [
      `CDF emulator listening on ${url}`,
      "",
      `  base URL       ${url}`,
      `  project        ${DEFAULT_PROJECT}`,
      `  token URL      ${url}/oauth2/token`,
      `  client id      ${DEFAULT_CLIENT.clientId}`,
      `  client secret  ${DEFAULT_CLIENT.clientSecret}`,
      `  JWKS           ${url}/.well-known/jwks.json`,
      "",
      "Start an execution with one async task (no auth needed):",
      `  curl -s -X POST ${url}/_emulator/executions -H 'content-type: application/json' -d '{}'`,
      "",
      "Press Ctrl+C to stop.",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  console.log("CDF emulator stopped.");
}
