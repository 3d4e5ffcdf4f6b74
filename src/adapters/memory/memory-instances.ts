import type { InstanceStore, Takeover } from "../../ports/instances.js";
import type { DeliveryRecord } from "../../ports/store.js";

/** Releases the pending leases whose owner `isDead` says belongs to a dead instance; how many. */
export type ReleaseLeases = (isDead: (owner: string) => boolean, now: number) => number;

/** Heartbeats in memory: the same rules as the SQL store, for the contract suite and one process. */
export class MemoryInstances implements InstanceStore {
  private readonly beats = new Map<string, number>();

  constructor(
    private readonly deliveries: Map<string, DeliveryRecord>,
    private readonly releaseMails: ReleaseLeases,
  ) {}

  async beat(instanceId: string, now: number): Promise<boolean> {
    const known = this.beats.has(instanceId);
    this.beats.set(instanceId, now);
    return known;
  }

  async takeOverStale(staleBefore: number, now: number): Promise<Takeover> {
    const dead = [...this.beats].filter(([, at]) => at < staleBefore).map(([id]) => `${id}/`);
    const isDead = (owner: string) => dead.some((prefix) => owner.startsWith(prefix));
    let deliveries = 0;
    for (const d of this.deliveries.values()) {
      if (d.status !== "pending" || d.leaseOwner === null || !isDead(d.leaseOwner)) continue;
      this.deliveries.set(d.id, { ...d, leaseOwner: null, leaseUntil: null, updatedAt: now });
      deliveries++;
    }
    const mails = this.releaseMails(isDead, now);
    for (const prefix of dead) this.beats.delete(prefix.slice(0, -1));
    return { instances: dead.length, deliveries, mails };
  }

  async leave(instanceId: string): Promise<void> {
    this.beats.delete(instanceId);
  }
}
