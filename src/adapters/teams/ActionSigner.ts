import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a card action carries so the server can check it was issued for this agent, episode and verb. */
export interface SignedActionData {
    verb: string;
    userId: string;
    episodeId: string;
    /** Optional extra signed detail (snooze minutes). */
    minutes?: number | string;
    sig: string;
}

/**
 * HMAC-SHA256 signatures over (verb, agent, episode[, minutes]) with a server secret, so a card action cannot be
 * edited to act on another agent, episode or verb. The secret never leaves this object (not in JSON, not in logs).
 */
export class ActionSigner {
    readonly #secret: Buffer;

    constructor(secret: string | Buffer) {
        this.#secret = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
        if (this.#secret.length < 16) throw new Error('ACTION_SIGNING_SECRET must be at least 16 bytes');
    }

    /** A signer with a random per-process secret (sandbox and test modes only). */
    static random(): ActionSigner {
        return new ActionSigner(randomBytes(32));
    }

    sign(verb: string, userId: string, episodeId: string, minutes?: number | string): string {
        const payload = [verb, userId, episodeId, minutes === undefined ? '' : String(minutes)].join('\u001f');
        return createHmac('sha256', this.#secret).update(payload).digest('base64url');
    }

    /** Constant-time check of `data.sig` against the fields it covers. */
    verify(data: Partial<SignedActionData> | undefined): data is SignedActionData {
        if (!data || typeof data.sig !== 'string' || typeof data.verb !== 'string') return false;
        if (typeof data.userId !== 'string' || typeof data.episodeId !== 'string') return false;
        const expected = Buffer.from(this.sign(data.verb, data.userId, data.episodeId, data.minutes));
        const given = Buffer.from(data.sig);
        return expected.length === given.length && timingSafeEqual(expected, given);
    }

    toJSON(): string {
        return '[ActionSigner]';
    }
}
