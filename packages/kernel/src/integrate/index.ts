// Barrel for src/integrate (owned by the integrate work; append exports here).
export {};
