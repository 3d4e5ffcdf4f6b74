import { env } from "cloudflare:test";
import { openD1Store } from "../../src/adapters/sql/d1.js";
import { describeStoreContract } from "../contract/store-contract.js";

describeStoreContract("D1 (workerd)", async () => {
  await env.CONTRACT_DB.batch([
    env.CONTRACT_DB.prepare("delete from attempts"),
    env.CONTRACT_DB.prepare("delete from deliveries"),
    env.CONTRACT_DB.prepare("delete from waits"),
    env.CONTRACT_DB.prepare("delete from decisions"),
    env.CONTRACT_DB.prepare("delete from mails"),
    env.CONTRACT_DB.prepare("delete from approvals"),
    env.CONTRACT_DB.prepare("delete from audit"),
    env.CONTRACT_DB.prepare("delete from instances"),
    env.CONTRACT_DB.prepare("delete from rejections"),
  ]);
  const store = openD1Store(env.CONTRACT_DB);
  return { store, cleanup: () => store.close() };
});
