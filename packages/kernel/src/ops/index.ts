// Barrel for src/ops (owned by the ops work; append exports here).
export {};
