declare module 'cluster-key-slot' {
    /** Redis Cluster hash slot of a key (honours `{hash tags}`). */
    function calculateSlot(key: string): number;
    export = calculateSlot;
}
