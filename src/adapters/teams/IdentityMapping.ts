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

/** Teams user → Genesys user: the override table first, then the Genesys directory by e-mail/UPN, else as stored. */
export class IdentityMapping {
    constructor(private readonly o: IdentityMappingOptions) {}

    /** The member's Genesys user id (undefined when unknown); a new or changed mapping is stored. */
    async identify(member: MemberInfo): Promise<string | undefined> {
        const known = await this.o.store.userByTeamsId(member.teamsUserId);
        const genesysUserId = this.overridden(member) ?? (await this.byEmail(member)) ?? known?.genesysUserId;
        if (!genesysUserId) return undefined;
        if (!known || known.genesysUserId !== genesysUserId || known.name !== member.name) {
            const user: TeamsUser = { teamsUserId: member.teamsUserId, genesysUserId };
            if (member.aadObjectId) user.aadObjectId = member.aadObjectId;
            if (member.email ?? member.userPrincipalName) user.email = member.email ?? member.userPrincipalName;
            if (member.name) user.name = member.name;
            await this.o.store.saveUser(user);
        }
        return genesysUserId;
    }

    private overridden(member: MemberInfo): string | undefined {
        for (const c of [member.email, member.userPrincipalName, member.aadObjectId, member.teamsUserId]) {
            const genesysUserId = c ? this.o.userOverrides.get(c.toLowerCase()) : undefined;
            if (genesysUserId) return genesysUserId;
        }
        return undefined;
    }

    private async byEmail(member: MemberInfo): Promise<string | undefined> {
        if (!this.o.directory?.findByEmail) return undefined;
        for (const email of [member.email, member.userPrincipalName]) {
            if (!email) continue;
            const genesysUserId = (await this.o.directory.findByEmail(email))?.id;
            if (genesysUserId) return genesysUserId;
        }
        return undefined;
    }
}
