/** What a takeover released: the dead instances forgotten and the leases they held. */
export interface Takeover {
  instances: number;
  deliveries: number;
  mails: number;
}

/**
 * Heartbeats of running gateway processes, over the same database as the work they lease. Lease
 * owners are written `<instance id>/<lease id>`, so a dead instance's leases can be found.
 */
export interface InstanceStore {
  /**
   * Records that `instanceId` is alive at `now`. Returns false when its row was missing (its
   * first beat, or others declared it dead and released its leases): the caller must then
   * distrust every lease it took before.
   */
  beat(instanceId: string, now: number): Promise<boolean>;
  /**
   * Releases the pending deliveries and mails leased by instances whose last beat is before
   * `staleBefore` (due again at their next attempt, with no owner: fencing), and forgets those
   * instances, in one atomic step.
   */
  takeOverStale(staleBefore: number, now: number): Promise<Takeover>;
  /** Forgets `instanceId` on a clean stop (its leases were finished or left to expire). */
  leave(instanceId: string): Promise<void>;
}
