// The comparison module's public surface: the outcome vocabulary, endpoints, generated values,
// the noise model and evidence, classification of stored facts, and evaluation of two observations.
export * from './outcome';
export * from './endpoint';
export * from './generated';
export * from './noise-model';
export * from './record';
export * from './evidence';
export * from './classify';
export * from './reask';
export * from './repeats';
export * from './evaluate';
export * from './findings';
