/**
 * The mock Teams context of `.m365agentsplayground.yml` (repository root) that the sandbox relies on. The Playground
 * posts these ids in every activity; keep both files in step.
 */
export const PLAYGROUND = Object.freeze({
    tenantId: '00000000-0000-0000-0000-0000000000001',
    bot: Object.freeze({ id: '00000000-0000-0000-0000-00000000000011', name: 'Adherence' }),
    /** The Playground's current user: mapped to one simulated agent, and supervisor of that agent's unit. */
    user: Object.freeze({
        id: 'user-id-0',
        name: 'Alex Wilber',
        aadObjectId: '00000000-0000-0000-0000-0000000000020',
        email: 'alexw@example.com'
    }),
    personalChatId: 'sandbox-personal-chat',
    team: Object.freeze({
        id: 'sandbox-team-contact-center',
        name: 'Contact Center',
        aadGroupId: '00000000-0000-0000-0000-000000000031'
    }),
    /** A team's General channel has the team's id. The sandbox subscribes the first unit here. */
    generalChannelId: 'sandbox-team-contact-center',
    secondChannelId: 'sandbox-channel-unit-b'
});
