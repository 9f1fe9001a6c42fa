import type * as Genesys from 'purecloud-platform-client-v2';
import { REQUIRES } from '../oauth/permissions';
import type { Requires, Role } from '../oauth/Role';

/** A management unit's adherence topic. */
export function unitAdherenceTopic(managementUnitId: string): string {
    return `v2.workforcemanagement.managementunits.${managementUnitId}.adherence`;
}

/** A management unit's schedule-change topic. */
export function scheduleChangedTopic(managementUnitId: string): string {
    return `v2.workforcemanagement.managementunits.${managementUnitId}.agentschedules.changed`;
}

/** Every topic an agent's adherence change is published on: its unit, its team and the agent itself. */
export function adherenceTopicsOf(agent: { id: string; managementUnitId: string; teamId: string }): string[] {
    return [
        unitAdherenceTopic(agent.managementUnitId),
        `v2.workforcemanagement.teams.${agent.teamId}.adherence`,
        `v2.users.${agent.id}.workforcemanagement.adherence`
    ];
}

/** A topic's verdict: `ChannelTopic` with `state` `Permitted` or `Rejected`. */
export type TopicVerdict = Genesys.Models.ChannelTopic & { state: 'Permitted' | 'Rejected' };

/**
 * Decides each topic of a subscription request: refused for the permissions it requires and the role lacks (or a
 * scripted refusal), refused as `Topic not found` when it is not one of the emulated topics, permitted otherwise.
 */
export class TopicGate {
    private readonly refusals: Array<{ pattern: RegExp; missingPermissions: string[] }> = [];

    /** @param unitExists whether a management unit id is known (unit topics of other units are not found). */
    constructor(private readonly unitExists: (managementUnitId: string) => boolean) {}

    /** Refuse topics matching `pattern` from now on, reporting `missingPermissions`. */
    refuse(pattern: RegExp, missingPermissions: string[]): void {
        this.refusals.push({ pattern, missingPermissions });
    }

    /** The verdict on `topic` for a client with `role`. */
    verdict(topic: string, role: Role): TopicVerdict {
        const requires = this.requires(topic);
        if (requires === undefined)
            return { id: topic, state: 'Rejected', rejectionReason: 'Topic not found', missingPermissions: [] };
        const scripted = this.refusals.find((r) => r.pattern.test(topic));
        const missing = scripted?.missingPermissions ?? role.missing(requires);
        if (scripted || missing.length > 0)
            return {
                id: topic,
                state: 'Rejected',
                rejectionReason: 'Missing permissions',
                missingPermissions: missing
            };
        return { id: topic, state: 'Permitted' };
    }

    /** What an emulated topic requires; undefined for a topic the emulator does not know. */
    private requires(topic: string): Requires | undefined {
        const mu = /^v2\.workforcemanagement\.managementunits\.([^.]+)\.(adherence|agentschedules\.changed)$/.exec(
            topic
        );
        if (mu !== null)
            return this.unitExists(mu[1])
                ? mu[2] === 'adherence'
                    ? REQUIRES.realtimeAdherence
                    : REQUIRES.scheduleTopic
                : undefined;
        if (
            /^v2\.workforcemanagement\.teams\.[^.]+\.adherence$/.test(topic) ||
            /^v2\.users\.[^.]+\.workforcemanagement\.adherence$/.test(topic)
        )
            return REQUIRES.realtimeAdherence;
        return undefined;
    }
}
