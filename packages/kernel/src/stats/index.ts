// Barrel for src/stats (owned by the stats work; append exports here).
export {};
