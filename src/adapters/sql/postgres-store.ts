import type { CompiledQuery } from "kysely";
import type { AuditDraft } from "../../core/audit/entry.js";
import type { AcceptCallbackInput, AcceptResult, AttemptOutcome } from "../../ports/store.js";
import type { SqlContext } from "./dialect-ops.js";
import { refusedAccept } from "./kysely-intake.js";
import { KyselyStore } from "./kysely-store.js";
import type { NamedStatements } from "./postgres-named.js";
import { acceptStatement, recordStatement } from "./postgres-steps.js";

/**
 * The Kysely store with PostgreSQL's hot steps as one statement each (postgres-steps.ts): a
 * callback's accept and a forward's record cost one round trip, not five. Same port, same
 * contract suite as every other dialect.
 */
export class PostgresStore extends KyselyStore {
  constructor(
    private readonly ctx: SqlContext,
    private readonly named: NamedStatements,
  ) {
    super(ctx.db, ctx.ops);
  }

  override async acceptCallback(input: AcceptCallbackInput): Promise<AcceptResult> {
    const [row] = await this.run<{ closed: number }>(acceptStatement(this.ctx.db, input));
    if (Number(row?.closed) === 1) return { kind: "accepted", delivery: input.delivery };
    return refusedAccept(this.ctx, input.waitId, input.delivery);
  }

  override async recordAttempt(
    id: string,
    owner: string,
    now: number,
    outcome: AttemptOutcome,
    audit?: readonly AuditDraft[],
  ): Promise<boolean> {
    const statement = recordStatement(this.ctx.db, id, owner, now, outcome, audit);
    const [row] = await this.run<{ updated: number; inserted: number }>(statement);
    return Number(row?.updated) === 1 && Number(row?.inserted) === 1;
  }

  /** One statement, outside any transaction (it is atomic by itself), as a named statement. */
  private async run<R>(statement: CompiledQuery): Promise<R[]> {
    this.named.add(statement.sql);
    return (await this.ctx.db.executeQuery(statement as CompiledQuery<R>)).rows;
  }
}
