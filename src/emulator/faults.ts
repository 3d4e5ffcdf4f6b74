import * as z from "zod";
import { CdfHttpError } from "./cdf-errors.js";

export const FaultSpecSchema = z.object({
  /** HTTP method to match (any when absent). */
  method: z.string().min(1).optional(),
  /** Substring of the path after the project prefix (`/workflows/tasks/`), or `/oauth2/token`. */
  path: z.string().min(1).optional(),
  /** Answer with this status and CDF's error envelope. */
  status: z.number().int().min(400).max(599).optional(),
  /** `Retry-After` header value sent with `status`. */
  retryAfter: z.union([z.number().int().min(0), z.string().min(1)]).optional(),
  /** Overrides the CDF-like default message for `status`. */
  message: z.string().min(1).optional(),
  /** Delay before answering (or before failing, with `status` or `drop`). */
  latencyMs: z.number().int().min(0).optional(),
  /** Cut the connection instead of answering. */
  drop: z.boolean().optional(),
  /** How many matching requests it affects; 0 means forever. */
  times: z.number().int().min(0).optional(),
});
export type FaultSpec = z.infer<typeof FaultSpecSchema>;

export interface Fault extends FaultSpec {
  id: string;
  /** Uses left; `null` when it applies forever. */
  remaining: number | null;
  /** How many requests it has affected. */
  hits: number;
}

/**
 * Injected failures, matched in order of creation against CDF API and token requests. The first
 * matching fault with uses left applies; each application uses one up.
 */
export class FaultList {
  private faults: Fault[] = [];
  private seq = 0;

  add(spec: FaultSpec): Fault {
    if (spec.status === undefined && spec.latencyMs === undefined && !spec.drop) {
      throw new CdfHttpError(400, "A fault needs at least one of status, latencyMs or drop.");
    }
    const times = spec.times ?? 1;
    const fault: Fault = {
      ...spec,
      id: `fault-${++this.seq}`,
      remaining: times === 0 ? null : times,
      hits: 0,
    };
    this.faults.push(fault);
    return { ...fault };
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Finds the fault for this request and uses it up once. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
        (f.path === undefined || path.includes(f.path)),
    );
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== null) {
      fault.remaining--;
      if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    }
    return { ...fault };
  }
}
