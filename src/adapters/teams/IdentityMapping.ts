import type { BotStore, TeamsUser } from './BotStore';
import type { DirectoryPort } from './ports';

/** The member facts the roster gives for mapping a Teams user to a Genesys user. */
export interface MemberInfo {
    teamsUserId: string;
    aadObjectId?: string;
    name?: string;
    email?: string;
    userPrincipalName?: string;
}

export interface IdentityMappingOptions {
    store: Pick<BotStore, 'userByTeamsId' | 'saveUser'>;
    /** E-mail/UPN/AAD id/Teams id (lower-cased) → Genesys user id; wins over the directory. */
    userOverrides: ReadonlyMap<string, string>;
    directory?: Pick<DirectoryPort, 'findByEmail'>;
}

/** Who the member is in Genesys, and whether the directory could not be asked (then an unknown user may be known). */
export interface Identification {
    genesysUserId: string | undefined;
    /** The Genesys directory failed (error, timeout, open breaker): the answer is what was stored, if anything. */
    lookupFailed: boolean;
}

/** Teams user → Genesys user: the override table first, then the Genesys directory by e-mail/UPN, else as stored. */
export class IdentityMapping {
    constructor(private readonly o: IdentityMappingOptions) {}

    /** The member's Genesys user id (undefined when unknown); a new or changed mapping is stored. */
    async identify(member: MemberInfo): Promise<string | undefined> {
        return (await this.identifyChecked(member)).genesysUserId;
    }

    /**
     * {@link identify}, saying also whether the directory could not be asked. A directory failure never throws: the
     * stored mapping (or none) stands.
     */
    async identifyChecked(member: MemberInfo): Promise<Identification> {
        const known = await this.o.store.userByTeamsId(member.teamsUserId);
        const overridden = this.overridden(member);
        const found = overridden ? { id: overridden, failed: false } : await this.byEmail(member);
        const genesysUserId = found.id ?? known?.genesysUserId;
        const lookupFailed = found.failed;
        if (!genesysUserId) return { genesysUserId, lookupFailed };
        if (!known || known.genesysUserId !== genesysUserId || known.name !== member.name) {
            const user: TeamsUser = { teamsUserId: member.teamsUserId, genesysUserId };
            if (member.aadObjectId) user.aadObjectId = member.aadObjectId;
            if (member.email ?? member.userPrincipalName) user.email = member.email ?? member.userPrincipalName;
            if (member.name) user.name = member.name;
            await this.o.store.saveUser(user);
        }
        return { genesysUserId, lookupFailed };
    }

    private overridden(member: MemberInfo): string | undefined {
        for (const c of [member.email, member.userPrincipalName, member.aadObjectId, member.teamsUserId]) {
            const genesysUserId = c ? this.o.userOverrides.get(c.toLowerCase()) : undefined;
            if (genesysUserId) return genesysUserId;
        }
        return undefined;
    }

    private async byEmail(member: MemberInfo): Promise<{ id: string | undefined; failed: boolean }> {
        let failed = false;
        if (!this.o.directory?.findByEmail) return { id: undefined, failed };
        for (const email of [member.email, member.userPrincipalName]) {
            if (!email) continue;
            try {
                const genesysUserId = (await this.o.directory.findByEmail(email))?.id;
                if (genesysUserId) return { id: genesysUserId, failed: false };
            } catch {
                failed = true;
            }
        }
        return { id: undefined, failed };
    }
}
