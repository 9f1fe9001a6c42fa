import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The issuer of Bot Framework channel tokens (botframework-connector `AuthenticationConstants.ToBotFromChannelTokenIssuer`). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export interface TokenClaims {
    aud?: string;
    iss?: string;
    serviceurl?: string;
    /** Seconds since the epoch. */
    exp?: number;
    nbf?: number;
    [claim: string]: unknown;
}

/**
 * A stand-in for the Bot Framework's token service on loopback, as botframework-connector reads it: an OpenID metadata
 * document whose `jwks_uri` lists RSA signing keys with their channel endorsements (`msteams`). `sign` makes RS256
 * channel tokens with the published key; the forging helpers make what an attacker could (unsigned `alg: none`,
 * HS256 with a guessed secret, RS256 with a key of their own). Point `BOT_OPENID_METADATA_URL` at {@link metadataUrl}.
 */
export class BotTokenIssuer {
    readonly kid = 'test-signing-key';
    private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    private server: Server | undefined;
    metadataUrl = '';
    /** Requests for the metadata and the keys (the validator caches them). */
    fetches = 0;

    async start(): Promise<string> {
        this.server = createServer((req, res) => {
            this.fetches++;
            const base = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
            res.setHeader('content-type', 'application/json');
            if (req.url === '/v1/.well-known/openidconfiguration') {
                res.end(JSON.stringify({ issuer: CHANNEL_ISSUER, jwks_uri: `${base}/v1/keys` }));
            } else if (req.url === '/v1/keys') {
                const jwk = this.keys.publicKey.export({ format: 'jwk' });
                res.end(
                    JSON.stringify({
                        keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }]
                    })
                );
            } else {
                res.statusCode = 404;
                res.end('{}');
            }
        });
        await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
        this.metadataUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/.well-known/openidconfiguration`;
        return this.metadataUrl;
    }

    async stop(): Promise<void> {
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    /** Channel claims for `appId` valid for an hour from `nowSeconds`. */
    claims(appId: string, serviceUrl: string, nowSeconds = Math.floor(Date.now() / 1000)): TokenClaims {
        return {
            iss: CHANNEL_ISSUER,
            aud: appId,
            serviceurl: serviceUrl,
            nbf: nowSeconds - 60,
            exp: nowSeconds + 3600
        };
    }

    /** A genuine token: RS256 with the published key. */
    sign(claims: TokenClaims): string {
        return rs256(claims, this.keys.privateKey, this.kid);
    }

    /** RS256 with a key pair of the caller's own, claiming the published key id (or another). */
    static selfSigned(claims: TokenClaims, kid: string): string {
        return rs256(claims, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, kid);
    }

    static unsigned(claims: TokenClaims, kid: string): string {
        return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT', kid }))}.${b64url(JSON.stringify(claims))}.`;
    }

    static hs256(claims: TokenClaims, secret: string, kid: string): string {
        const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(claims))}`;
        return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
    }
}

function rs256(claims: TokenClaims, key: KeyObject, kid: string): string {
    const head = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid, x5t: kid }))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(head).sign(key);
    return `${head}.${b64url(signature)}`;
}
