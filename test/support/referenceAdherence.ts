/** The adherence notification body of the Genesys reference (`reference/genesys-cloud-api.md`), verbatim. */
export const referenceEventBody = {
    user: { id: '6a3c1f0e-dae3-4a8a-b5ae-d29b46a1b2c3' },
    managementUnitId: '52e1c6a5-4270-4cd1-8b09-850e3290aa11',
    businessUnitId: '0c5c9b7e-1111-4e0a-9a57-6f1b2d3e4f50',
    team: { id: '8f0d2c11-2222-4b6a-9c3e-1a2b3c4d5e6f', name: 'Team A' },
    scheduledActivityCategory: 'OnQueueWork',
    scheduledActivityCode: { id: '0', secondaryPresences: [] },
    systemPresence: 'Available',
    routingStatus: 'IDLE',
    actualActivityCategory: 'OffQueueWork',
    isOutOfOffice: false,
    adherenceState: 'OutOfAdherence',
    impact: 'Negative',
    adherenceChangeTime: '2023-11-07T16:20:03.808Z',
    presenceUpdateTime: '2023-11-07T16:20:03.760Z',
    activeQueues: [{ id: 'b1c2d3e4-3333-4f5a-8b9c-0d1e2f3a4b5c' }]
};
