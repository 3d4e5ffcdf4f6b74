import type { Migration, MigrationProvider } from "kysely";
import { waitsAndDeliveries } from "./0001-waits-and-deliveries.js";
import { approvals } from "./0002-approvals.js";
import { approvalRequester } from "./0003-approval-requester.js";
import { deliveriesTask } from "./0008-deliveries-task.js";
import { consoleIndexes } from "./0009-console-indexes.js";
import { rejections } from "./0010-rejections.js";
import { audit } from "./0011-audit.js";
import { instances } from "./0013-instances.js";
import { taskLookups } from "./0014-task-lookups.js";
import { parkedLookup } from "./0015-parked-lookup.js";
import { taskIndexKeys } from "./0016-task-index-keys.js";
import { openWaitExpiry } from "./0017-open-wait-expiry.js";
import { nullableKeys } from "./0018-nullable-keys.js";

/**
 * The schema, once, for every dialect: one file per migration, one line here each. The D1
 * migration files (migrations/*.sql, `npm run migrations:d1`) are generated from this list, so
 * SQLite, D1 and PostgreSQL cannot drift apart. Append new migrations; never edit applied ones.
 */
export const migrations: Record<string, Migration> = {
  "0001_waits_and_deliveries": waitsAndDeliveries,
  "0002_approvals": approvals,
  "0003_approval_requester": approvalRequester,
  "0008_deliveries_task": deliveriesTask,
  "0009_console_indexes": consoleIndexes,
  "0010_rejections": rejections,
  "0011_audit": audit,
  "0013_instances": instances,
  "0014_task_lookups": taskLookups,
  "0015_parked_lookup": parkedLookup,
  "0016_task_index_keys": taskIndexKeys,
  "0017_open_wait_expiry": openWaitExpiry,
  "0018_nullable_keys": nullableKeys,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
