import type { Clock } from '../../domain/clock';
import { HttpError } from '../rest/HttpError';
import type { Reply } from '../rest/httpIo';
import { Role } from './Role';

/** An access token the emulator issued. */
export interface OAuthGrant {
    readonly token: string;
    readonly clientId: string;
    /** Epoch ms after which the token is refused. */
    readonly expiresAt: number;
    /** The client's role, read on every call. */
    readonly role: Role;
}

/**
 * The token response of the client-credentials grant. The SDK has no model for it; its `ApiClient.js` reads
 * `access_token` and `expires_in` (seconds) from it (`loginClientCredentialsGrant`, `ApiClient.js:988-991`).
 */
export interface TokenResponse {
    access_token: string;
    token_type: 'bearer';
    expires_in: number;
}

export interface OAuthServerOptions {
    clock: Clock;
    /** Draws a fresh id (token values). */
    newId: () => string;
    clientId: string;
    clientSecret: string;
    /** `expires_in` of issued tokens, seconds. */
    tokenLifetimeSec: number;
    /** The client's permissions. @default every permission */
    permissions?: readonly string[];
}

/**
 * The OAuth side of the emulator: the client-credentials token endpoint (`POST /oauth/token`, client id and secret in
 * HTTP Basic) and bearer-token checks for the API, with expiry on the injected clock.
 */
export class OAuthServer {
    /** The OAuth client's role (its permissions). */
    readonly role: Role;
    private readonly grants = new Map<string, OAuthGrant>();
    private tokenLifetimeSec: number;
    private refused = false;
    private served = 0;

    constructor(private readonly options: OAuthServerOptions) {
        this.tokenLifetimeSec = options.tokenLifetimeSec;
        this.role = new Role(options.permissions);
    }

    /** Token requests served, successful or not. */
    get tokenRequests(): number {
        return this.served;
    }

    /** `POST /oauth/token`: `authorization` is the request's header, `form` its url-encoded body. */
    issueToken(authorization: string | undefined, form: string): Reply {
        this.served++;
        const m = /^Basic (.+)$/.exec(authorization ?? '');
        const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
        const sep = decoded.indexOf(':');
        const id = sep >= 0 ? decoded.slice(0, sep) : '';
        const secret = sep >= 0 ? decoded.slice(sep + 1) : '';
        if (id !== this.options.clientId || secret !== this.options.clientSecret) {
            return { status: 401, body: { error: 'invalid_client', description: 'client authentication failed' } };
        }
        if (new URLSearchParams(form).get('grant_type') !== 'client_credentials') {
            return { status: 400, body: { error: 'unsupported_grant_type', description: 'grant type not supported' } };
        }
        const token = `emu-${this.options.newId()}`;
        const expiresAt = this.options.clock.now() + this.tokenLifetimeSec * 1000;
        this.grants.set(token, { token, clientId: id, expiresAt, role: this.role });
        const body: TokenResponse = { access_token: token, token_type: 'bearer', expires_in: this.tokenLifetimeSec };
        return { status: 200, body };
    }

    /**
     * The grant behind a `Bearer` header; 401 `bad.credentials` when it is missing, unknown, expired, or while every
     * call is refused (an expired or refused token is forgotten, so it stays refused).
     */
    authenticate(authorization: string | undefined): OAuthGrant {
        const m = /^Bearer (.+)$/.exec(authorization ?? '');
        const grant = m ? this.grants.get(m[1]) : undefined;
        if (!m || !grant || grant.expiresAt <= this.options.clock.now() || this.refused) {
            if (m && grant) this.grants.delete(m[1]);
            throw new HttpError(401, 'bad.credentials', 'Invalid login credentials.');
        }
        return grant;
    }

    /** Forget every issued token (the next call with one gets 401). */
    revokeAll(): void {
        this.grants.clear();
    }

    /** While on, every API call gets 401 whatever its token. */
    refuseAll(on: boolean): void {
        this.refused = on;
    }

    /** `expires_in` of tokens issued from now on, seconds. */
    setTokenLifetime(seconds: number): void {
        this.tokenLifetimeSec = seconds;
    }
}
