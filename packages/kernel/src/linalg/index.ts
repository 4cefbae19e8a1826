// Barrel for src/linalg (owned by the linalg work; append exports here).
export {};
