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

export interface ApprovalsTable {
  id: string;
  task_id: string;
  execution_id: string | null;
  task_external_id: string | null;
  title: string;
  description: string | null;
  /** `{name, email}` of who asked, JSON; added by 0003_approval_requester. */
  requested_by_json: string | null;
  policy_kind: string;
  policy_count: number | null;
  approvers_json: string;
  on_reject: string;
  on_expire: string;
  notify: number;
  status: string;
  metadata_json: string | null;
  created_at: number;
  expires_at: number;
  closed_at: number | null;
  delivery_id: string | null;
  version: number;
  step_id: string | null;
}

export interface DecisionsTable {
  approval_id: string;
  approver_index: number;
  /** The approval's version the decision was written at: the order the store serialised them. */
  seq: number;
  email: string;
  decision: string;
  comment: string | null;
  decided_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface MailsTable {
  id: string;
  approval_id: string;
  approver_index: number;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  /** Like deliveries.due_at: the lease's end while leased, else next_attempt_at. */
  due_at: number;
  send_until: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  message_id: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export interface AuditTable {
  id: string;
  kind: string;
  at: number;
  actor: string;
  wait_id: string | null;
  delivery_id: string | null;
  approval_id: string | null;
  data_json: string;
  /** Null until the sealer links the entry into the chain. */
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

/** A running gateway process and its last heartbeat (PostgreSQL replicas take over the dead's leases). */
export interface InstancesTable {
  id: string;
  started_at: number;
  beat_at: number;
}

export interface RejectionsTable {
  id: string;
  at: number;
  route: string;
  source: string | null;
  code: string;
  status: number;
  client_ip: string | null;
  user_agent: string | null;
  /** JSON list of lower-case header names. */
  header_names: string;
  body_size: number | null;
  body_sha256: string | null;
}

export interface Database {
  waits: WaitsTable;
  deliveries: DeliveriesTable;
  attempts: AttemptsTable;
  approvals: ApprovalsTable;
  decisions: DecisionsTable;
  mails: MailsTable;
  audit: AuditTable;
  instances: InstancesTable;
  rejections: RejectionsTable;
}
