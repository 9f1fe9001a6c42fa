import type * as Genesys from 'purecloud-platform-client-v2';

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

/**
 * Decides each topic of a subscription request: refused when a scripted refusal matches (missing permissions),
 * refused as `Topic not found` when it is not one of the emulated topics, permitted otherwise.
 */
export class TopicGate {
    private readonly refusals: Array<{ pattern: RegExp; missingPermissions: string[] }> = [];

    /** @param unitExists whether a management unit id is known (unit topics of other units are not found). */
    constructor(private readonly unitExists: (managementUnitId: string) => boolean) {}

    /** Refuse topics matching `pattern` from now on, reporting `missingPermissions`. */
    refuse(pattern: RegExp, missingPermissions: string[]): void {
        this.refusals.push({ pattern, missingPermissions });
    }

    /** The rejection of `topic`, or undefined when it is permitted. */
    rejection(topic: string): Genesys.Models.ChannelTopic | undefined {
        for (const r of this.refusals) {
            if (r.pattern.test(topic)) {
                return {
                    id: topic,
                    state: 'Rejected',
                    rejectionReason: 'Missing permissions',
                    missingPermissions: r.missingPermissions
                };
            }
        }
        if (this.known(topic)) return undefined;
        return { id: topic, state: 'Rejected', rejectionReason: 'Topic not found', missingPermissions: [] };
    }

    private known(topic: string): boolean {
        const mu = /^v2\.workforcemanagement\.managementunits\.([^.]+)\.(adherence|agentschedules\.changed)$/.exec(
            topic
        );
        return (
            (mu !== null && this.unitExists(mu[1])) ||
            /^v2\.workforcemanagement\.teams\.[^.]+\.adherence$/.test(topic) ||
            /^v2\.users\.[^.]+\.workforcemanagement\.adherence$/.test(topic)
        );
    }
}
