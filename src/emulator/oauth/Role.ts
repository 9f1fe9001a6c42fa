import { HttpError } from '../rest/HttpError';

/**
 * What an operation or a topic requires, as the SDK docs state it ("Requires ANY permissions:" / "Requires ALL
 * permissions:" under each operation of `platform-client-sdk-javascript/build/docs/*Api.md`). No `Requires` =
 * "Requires NO permissions".
 */
export type Requires = { readonly any: readonly string[] } | { readonly all: readonly string[] };

/**
 * The role of the emulator's OAuth client: client-credentials tokens carry no scopes, the client's roles grant its
 * permissions. Every permission by default (the zero-configuration sandbox), narrowed by a list or by revoking some.
 * Checked on every call, so a change applies to tokens already issued.
 */
export class Role {
    private granted: ReadonlySet<string> | undefined;
    private readonly revoked = new Set<string>();

    /** @param permissions the only permissions held; undefined = every permission. */
    constructor(permissions?: readonly string[]) {
        this.set(permissions);
    }

    /** Hold exactly `permissions` from now on (undefined = every permission); forgets earlier revocations. */
    set(permissions: readonly string[] | undefined): void {
        this.granted = permissions === undefined ? undefined : new Set(permissions);
        this.revoked.clear();
    }

    /** Stop holding `permissions`. */
    revoke(...permissions: string[]): void {
        for (const p of permissions) this.revoked.add(p);
    }

    has(permission: string): boolean {
        return !this.revoked.has(permission) && (this.granted === undefined || this.granted.has(permission));
    }

    /** The permissions that fail `requires` (every listed one for `any`, the absent ones for `all`); [] when met. */
    missing(requires: Requires | undefined): string[] {
        if (!requires) return [];
        if ('any' in requires) return requires.any.some((p) => this.has(p)) ? [] : [...requires.any];
        return requires.all.filter((p) => !this.has(p));
    }
}

/**
 * 403 for a call the role may not make, with the code and wording Genesys uses (`missing.any.permissions` when one of
 * several would do, `missing.permissions` otherwise) and the permissions in `messageParams`.
 */
export function forbidden(requires: Requires, missing: readonly string[]): HttpError {
    const list = missing.join(', ');
    return 'any' in requires
        ? new HttpError(
              403,
              'missing.any.permissions',
              `Unable to perform the requested action. You must have at least one of the following permissions assigned: [${list}]`,
              {},
              { permissions: list }
          )
        : new HttpError(
              403,
              'missing.permissions',
              `Unable to perform the requested action. You are missing the following permission(s): [${list}]`,
              {},
              { permissions: list }
          );
}
