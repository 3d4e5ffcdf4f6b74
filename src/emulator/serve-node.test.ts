import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "./serve-node.js";

describe("startEmulatorServer", () => {
  let server: EmulatorServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const token = async (url: string) => {
    const res = await fetch(`${url}/oauth2/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "taskgate-local",
        client_secret: "local-secret",
      }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };

  it("listens on an ephemeral port and builds the issuer from the real host", async () => {
    server = await startEmulatorServer({ port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const config = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
      token_endpoint: string;
    };
    expect(config.token_endpoint).toBe(`${server.url}/oauth2/token`);
  });

  it("really drops the TCP connection on a drop fault, so fetch rejects", async () => {
    server = await startEmulatorServer();
    const bearer = await token(server.url);
    const { executedTasks } = server.emulator.createExecution();
    const taskId = executedTasks[0]!.id;
    const fault = server.emulator.faults.add({ path: "/workflows/tasks/", drop: true });
    const update = () =>
      fetch(`${server!.url}/api/v1/projects/emulator/workflows/tasks/${taskId}/update`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify({ status: "COMPLETED" }),
      });
    const failure = await update().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect(server.emulator.getTask(taskId)!.status).toBe("IN_PROGRESS");
    expect(server.emulator.requests.at(-1)).toMatchObject({ status: 0, fault: fault.id });
    // The server is fine afterwards.
    expect((await update()).status).toBe(200);
  });

  it("applies latency in real time", async () => {
    server = await startEmulatorServer();
    server.emulator.faults.add({ path: "/oauth2/token", latencyMs: 300 });
    const started = performance.now();
    const bearer = await token(server.url);
    const elapsed = performance.now() - started;
    expect(bearer.split(".")).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(290);
  });
});
