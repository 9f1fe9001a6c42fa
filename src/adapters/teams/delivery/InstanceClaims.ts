import type { DeliveryClaims } from './ports';

/** This instance's claims on outbox keys. Without a claims store (one instance, tests) every key is this instance's. */
export class InstanceClaims {
    constructor(
        private readonly claims: DeliveryClaims | undefined,
        /** The owner name written into claims. */
        readonly owner: string,
        /** How long a claim holds without renewal, ms. */
        readonly leaseMs: number
    ) {}

    /** Claim or renew `key` for `leaseMs`. */
    claim(key: string, leaseMs = this.leaseMs): Promise<'claimed' | 'busy' | 'done'> {
        return this.claims ? this.claims.claimDelivery(key, this.owner, leaseMs) : Promise.resolve('claimed');
    }

    /** The entry was sent: no instance sends it again. */
    async complete(key: string): Promise<void> {
        await this.claims?.completeDelivery(key);
    }

    /** Let any instance take `key` now. Never throws: an unreleased claim expires with its lease. */
    async release(key: string): Promise<void> {
        await this.claims?.releaseDelivery(key, this.owner).catch(() => undefined);
    }
}
