import type { Generated } from "kysely";

/** Table shapes as stored. Times are epoch ms (BIGINT on PostgreSQL); JSON is stored as text. */
export interface WaitsTable {
  id: string;
  task_id: string;
  execution_id: string | null;
  task_external_id: string | null;
  source: string | null;
  correlation_key: string | null;
  status: string;
  output_json: string | null;
  metadata_json: string | null;
  created_at: number;
  expires_at: number;
  closed_at: number | null;
  delivery_id: string | null;
  result_hash: string | null;
}

export interface DeliveriesTable {
  id: string;
  wait_id: string | null;
  task_id: string | null;
  execution_id: string | null;
  source: string | null;
  correlation_key: string | null;
  dedupe_key: string | null;
  park_until: number | null;
  reason: string | null;
  status: string;
  update_json: string;
  result_hash: string;
  attempts: Generated<number>;
  claims: Generated<number>;
  next_attempt_at: number;
  deliver_until: number;
  lease_owner: string | null;
  lease_until: number | null;
  /** When the row can next be claimed: the lease's end while leased, else next_attempt_at. */
  due_at: number;
  last_error: string | null;
  last_status: number | null;
  last_request_id: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

export interface AttemptsTable {
  delivery_id: string;
  attempt: number;
  started_at: number;
  finished_at: number;
  outcome: string;
  http_status: number | null;
  request_id: string | null;
  error: string | null;
}

export interface Database {
  waits: WaitsTable;
  deliveries: DeliveriesTable;
  attempts: AttemptsTable;
}
