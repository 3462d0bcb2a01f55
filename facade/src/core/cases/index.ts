// Recorded cases: the case model and file format, capture from an exchange, the store's budget,
// and replay (plan, judge, evidence, report, JUnit). Pure; the I/O is in io/case-*.ts.
export * from './case';
export * from './capture';
export * from './case-file';
export * from './budget';
export * from './plan';
export * from './judge';
export * from './evidence';
export * from './live-target';
export * from './report';
export * from './junit';
