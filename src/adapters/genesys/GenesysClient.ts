import type * as Genesys from 'purecloud-platform-client-v2';
import { GenesysError } from './errors';
import { GenesysTransport, type GenesysTransportOptions } from './GenesysTransport';

export type UserScheduleAdherence = Genesys.Models.UserScheduleAdherence;
export type ManagementUnit = Genesys.Models.ManagementUnit;
export type ActivityCode = Genesys.Models.BusinessUnitActivityCode;
export type AgentScheduleSearchResponse = Genesys.Models.BuAgentScheduleSearchResponse;
export type Channel = Genesys.Models.Channel;
export type ChannelTopic = Genesys.Models.ChannelTopic;
export type GenesysUser = Genesys.Models.User;
export type UserPresence = Genesys.Models.UserPresence;
export type UcUserPresence = Genesys.Models.UcUserPresence;
export type PresenceSource = Genesys.Models.Source;
export type PresenceDefinition = Genesys.Models.OrganizationPresenceDefinition;
export type UserPrimarySource = Genesys.Models.UserPrimarySource;

/** Result of the agent schedule search: the schedules, or "still processing, ask again later". */
export type ScheduleSearchResult =
    | { status: 'Complete'; agentSchedules: AgentScheduleSearchResponse[]; timeZone?: string }
    | { status: 'Processing'; operationId?: string };

/** One entry of `PUT /api/v2/users/presences/bulk` (a `MutableUserPresence`). */
export interface BulkPresenceUpdate {
    id: string;
    sourceId: string;
    presenceDefinition: { id: string };
    message?: string;
}

/** What a {@link GenesysClient} is built from (its transport's options). */
export type GenesysClientOptions = GenesysTransportOptions;

/** Typed Genesys Cloud REST calls, each one resilient call of the {@link GenesysTransport}. */
export class GenesysClient extends GenesysTransport {
    // ---- WFM reads ----

    /**
     * Management units with real-time adherence the client may use. One call: the list takes no paging ("pageSize /
     * pageNumber: Deprecated, paging is not supported", `WorkforceManagementApi.js:4948-4949`).
     */
    async listManagementUnits(signal?: AbortSignal): Promise<ManagementUnit[]> {
        const res = await this.request<Genesys.Models.ManagementUnitListing>(
            'GET',
            '/api/v2/workforcemanagement/managementunits',
            { params: { feature: 'RealTimeAdherence' }, signal }
        );
        return res.entities ?? [];
    }

    /** User ids of a management unit. */
    async listUnitUsers(managementUnitId: string, signal?: AbortSignal): Promise<string[]> {
        const res = await this.request<Genesys.Models.WfmUserEntityListing>(
            'GET',
            `/api/v2/workforcemanagement/managementunits/${enc(managementUnitId)}/users`,
            { signal }
        );
        return (res.entities ?? []).map((u) => u.id).filter((id): id is string => typeof id === 'string');
    }

    /** Current adherence of every agent in a unit; follows `downloadUrl` when Genesys returns one. */
    async getUnitAdherence(managementUnitId: string, signal?: AbortSignal): Promise<UserScheduleAdherence[]> {
        const res = await this.request<Genesys.Models.UserScheduleAdherenceListing>(
            'GET',
            `/api/v2/workforcemanagement/managementunits/${enc(managementUnitId)}/adherence`,
            { signal }
        );
        if (res.downloadUrl) {
            const data = await this.request<unknown>('GET', res.downloadUrl, { signal, absolute: true });
            if (Array.isArray(data)) return data as UserScheduleAdherence[];
            const entities = (data as Genesys.Models.UserScheduleAdherenceListing | undefined)?.entities;
            if (!Array.isArray(entities))
                throw new GenesysError('GENESYS_BAD_RESPONSE', 'Adherence download has no entities');
            return entities;
        }
        return res.entities ?? [];
    }

    /** Adherence of the given users, in calls of at most 100 ids (the API limit). */
    async getAdherence(userIds: readonly string[], signal?: AbortSignal): Promise<UserScheduleAdherence[]> {
        const out: UserScheduleAdherence[] = [];
        for (const chunk of chunks(unique(userIds), 100)) {
            const res = await this.request<UserScheduleAdherence[]>('GET', '/api/v2/workforcemanagement/adherence', {
                params: { userId: chunk },
                signal
            });
            if (!Array.isArray(res))
                throw new GenesysError('GENESYS_BAD_RESPONSE', 'Adherence by user ids did not return an array');
            out.push(...res);
        }
        return out;
    }

    /** Users by id (names, emails), in calls of at most 100 ids. */
    async getUsers(userIds: readonly string[], signal?: AbortSignal): Promise<GenesysUser[]> {
        const out: GenesysUser[] = [];
        for (const chunk of chunks(unique(userIds), 100)) {
            const res = await this.request<Genesys.Models.UserEntityListing>('GET', '/api/v2/users', {
                params: { id: chunk, pageSize: chunk.length, state: 'any' },
                signal
            });
            out.push(...(res.entities ?? []));
        }
        return out;
    }

    /** Exact email look-up through `POST /api/v2/users/search`; undefined when no user has it. */
    async findUserByEmail(email: string, signal?: AbortSignal): Promise<GenesysUser | undefined> {
        const res = await this.request<Genesys.Models.UsersSearchResponse>('POST', '/api/v2/users/search', {
            data: { pageSize: 1, query: [{ type: 'EXACT', fields: ['email'], value: email }] },
            signal
        });
        return res.results?.[0];
    }

    /** Activity codes of a business unit. */
    async getActivityCodes(businessUnitId: string, signal?: AbortSignal): Promise<ActivityCode[]> {
        const res = await this.request<Genesys.Models.BusinessUnitActivityCodeListing>(
            'GET',
            `/api/v2/workforcemanagement/businessunits/${enc(businessUnitId)}/activitycodes`,
            { signal }
        );
        if (res.downloadUrl && !res.entities) {
            const data = await this.request<Genesys.Models.BusinessUnitActivityCodeListing>('GET', res.downloadUrl, {
                signal,
                absolute: true
            });
            return data.entities ?? [];
        }
        return res.entities ?? [];
    }

    /**
     * Published agent schedules of a unit between two instants. `Processing` means the result is not ready: ask again
     * later (the caller polls); a `downloadUrl` on a complete answer is followed.
     */
    async searchSchedules(
        managementUnitId: string,
        query: { startDate: string; endDate: string; userIds?: readonly string[] },
        signal?: AbortSignal
    ): Promise<ScheduleSearchResult> {
        const body: Genesys.Models.BuSearchAgentSchedulesRequest = {
            startDate: query.startDate,
            endDate: query.endDate
        };
        if (query.userIds) body.userIds = [...query.userIds];
        const res = await this.request<Genesys.Models.BuAsyncAgentSchedulesSearchResponse>(
            'POST',
            `/api/v2/workforcemanagement/managementunits/${enc(managementUnitId)}/agentschedules/search`,
            { data: body, signal }
        );
        if (res.status === 'Processing') return { status: 'Processing', operationId: res.operationId };
        if (res.status !== undefined && res.status !== 'Complete') {
            throw new GenesysError('GENESYS_SERVER_ERROR', `Schedule search ended with status ${res.status}`, {
                retryable: true
            });
        }
        let result = res.result;
        if (!result && res.downloadUrl) {
            result = await this.request<Genesys.Models.BuAgentSchedulesSearchResponse>('GET', res.downloadUrl, {
                signal,
                absolute: true
            });
        }
        return {
            status: 'Complete',
            agentSchedules: result?.agentSchedules ?? [],
            timeZone: result?.businessUnitTimeZone
        };
    }

    // ---- Adherence explanations ----

    /**
     * Add an adherence explanation for an agent (`wfm:adherenceExplanation:add`; `WorkforceManagementApi.js:7387`,
     * body `AddAdherenceExplanationAdminRequest`, `index.d.ts:18423`). Genesys answers with a job
     * (`AdherenceExplanationAsyncResponse`, `index.d.ts:18531`): read it with {@link getExplanationJob}.
     */
    async addAdherenceExplanation(
        agentId: string,
        body: Genesys.Models.AddAdherenceExplanationAdminRequest,
        signal?: AbortSignal
    ): Promise<Genesys.Models.AdherenceExplanationJobReference> {
        const res = await this.request<Genesys.Models.AdherenceExplanationAsyncResponse>(
            'POST',
            `/api/v2/workforcemanagement/agents/${enc(agentId)}/adherence/explanations`,
            { data: body, signal }
        );
        return jobOf(res);
    }

    /**
     * Set an explanation's status (`wfm:adherenceExplanation:edit`; `WorkforceManagementApi.js:5728`, body
     * `UpdateAdherenceExplanationStatusRequest`, `index.d.ts:65983`); answered with a job like the add.
     */
    async updateAdherenceExplanation(
        agentId: string,
        explanationId: string,
        status: 'Approved' | 'Denied' | 'Pending',
        signal?: AbortSignal
    ): Promise<Genesys.Models.AdherenceExplanationJobReference> {
        const body: Genesys.Models.UpdateAdherenceExplanationStatusRequest = { status };
        const res = await this.request<Genesys.Models.AdherenceExplanationAsyncResponse>(
            'PATCH',
            `/api/v2/workforcemanagement/agents/${enc(agentId)}/adherence/explanations/${enc(explanationId)}`,
            { data: body, signal }
        );
        return jobOf(res);
    }

    /**
     * An explanation job (`WorkforceManagementApi.js:837`; "only the user who started the operation can query the
     * status"): `Processing`, then `Complete` with the explanation (`AdherenceExplanationJob`, `index.d.ts:18535`).
     */
    async getExplanationJob(jobId: string, signal?: AbortSignal): Promise<Genesys.Models.AdherenceExplanationJob> {
        return this.request<Genesys.Models.AdherenceExplanationJob>(
            'GET',
            `/api/v2/workforcemanagement/adherence/explanations/jobs/${enc(jobId)}`,
            { signal }
        );
    }

    // ---- Notifications ----

    async createChannel(signal?: AbortSignal): Promise<Channel> {
        const ch = await this.request<Channel>('POST', '/api/v2/notifications/channels', { signal });
        if (!ch.id || !ch.connectUri)
            throw new GenesysError('GENESYS_BAD_RESPONSE', 'Channel response lacks id or connectUri');
        return ch;
    }

    /**
     * Adds topics (POST) or replaces the topic list (PUT, `replace`); returns the per-topic states. Always with
     * `ignoreErrors=true`: without it one topic the role may not read fails the whole request
     * (`NotificationsApi.js:172,233`); with it each topic answers `Permitted` or `Rejected` with `rejectionReason` and
     * `missingPermissions`.
     */
    async subscribe(
        channelId: string,
        topics: readonly string[],
        replace = false,
        signal?: AbortSignal
    ): Promise<ChannelTopic[]> {
        const res = await this.request<Genesys.Models.ChannelTopicEntityListing>(
            replace ? 'PUT' : 'POST',
            `/api/v2/notifications/channels/${enc(channelId)}/subscriptions`,
            { params: { ignoreErrors: true }, data: topics.map((id) => ({ id })), signal }
        );
        return res.entities ?? [];
    }

    async getSubscriptions(channelId: string, signal?: AbortSignal): Promise<ChannelTopic[]> {
        const res = await this.request<Genesys.Models.ChannelTopicEntityListing>(
            'GET',
            `/api/v2/notifications/channels/${enc(channelId)}/subscriptions`,
            { signal }
        );
        return res.entities ?? [];
    }

    // ---- Presence (sync worker) ----

    /**
     * Write presences on a registered source in one call (`PUT /api/v2/users/presences/bulk`, answered with
     * `UserPresence[]`, index.d.ts:10653). The per-user PATCH is not offered: it "does not support registered presence
     * sources" (`PresenceApi.js:495`).
     */
    async putPresencesBulk(updates: readonly BulkPresenceUpdate[], signal?: AbortSignal): Promise<UserPresence[]> {
        const res = await this.request<UserPresence[] | undefined>('PUT', '/api/v2/users/presences/bulk', {
            data: updates,
            signal
        });
        return Array.isArray(res) ? res : [];
    }

    /** The source Genesys shows `userId`'s presence from (`presence:userPrimarySource:view`). */
    async getPrimarySource(userId: string, signal?: AbortSignal): Promise<UserPrimarySource> {
        return this.request<UserPrimarySource>('GET', `/api/v2/presence/users/${enc(userId)}/primarysource`, {
            signal
        });
    }

    /** Make `sourceId` the source Genesys shows `userId`'s presence from (`presence:userPrimarySource:edit`). */
    async setPrimarySource(userId: string, sourceId: string, signal?: AbortSignal): Promise<UserPrimarySource> {
        const body: UserPrimarySource = { sourceId };
        return this.request<UserPrimarySource>('PUT', `/api/v2/presence/users/${enc(userId)}/primarysource`, {
            data: body,
            signal
        });
    }

    /** Presences set by a source, in calls of at most 50 ids. */
    async getPresencesBulk(
        sourceId: string,
        userIds: readonly string[],
        signal?: AbortSignal
    ): Promise<UcUserPresence[]> {
        const out: UcUserPresence[] = [];
        for (const chunk of chunks(unique(userIds), 50)) {
            const res = await this.request<UcUserPresence[]>('GET', `/api/v2/users/presences/${enc(sourceId)}/bulk`, {
                params: { id: chunk },
                signal
            });
            out.push(...(Array.isArray(res) ? res : []));
        }
        return out;
    }

    async listPresenceSources(signal?: AbortSignal): Promise<PresenceSource[]> {
        const res = await this.request<Genesys.Models.SourceEntityListing>('GET', '/api/v2/presence/sources', {
            signal
        });
        return res.entities ?? [];
    }

    async createPresenceSource(
        source: { name: string; description?: string },
        signal?: AbortSignal
    ): Promise<PresenceSource> {
        const body: PresenceSource = { name: source.name, description: source.description };
        return this.request<PresenceSource>('POST', '/api/v2/presence/sources', { data: body, signal });
    }

    async listPresenceDefinitions(signal?: AbortSignal): Promise<PresenceDefinition[]> {
        const res = await this.request<Genesys.Models.OrganizationPresenceDefinitionEntityListing>(
            'GET',
            '/api/v2/presence/definitions',
            {
                params: { pageSize: 100 },
                signal
            }
        );
        return res.entities ?? [];
    }
}

function enc(s: string): string {
    return encodeURIComponent(s);
}

function unique(ids: readonly string[]): string[] {
    return [...new Set(ids)];
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
}

function jobOf(res: Genesys.Models.AdherenceExplanationAsyncResponse): Genesys.Models.AdherenceExplanationJobReference {
    if (!res?.job?.id) throw new GenesysError('GENESYS_BAD_RESPONSE', 'Adherence explanation answer lacks its job id');
    return res.job;
}
