import type { Kysely, Migration } from "kysely";

/** Who asked for an approval (optional `requestedBy`), shown in its mail and pages. */
export const approvalRequester: Migration = {
  async up(db: Kysely<unknown>) {
    // Nullable, so approvals created before it read back with no requester.
    await db.schema.alterTable("approvals").addColumn("requested_by_json", "text").execute();
  },
};
