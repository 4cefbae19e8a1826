// Barrel for src/backend (owned by the backend work; append exports here).
export {};
