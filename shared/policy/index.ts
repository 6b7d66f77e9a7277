export * from './catalog.ts';
export * from './declarations.ts';
export * from './errors.ts';
export * from './lifecycle.ts';
export * from './read-filter.ts';
export * from './reconciliation.ts';
export * from './retention.ts';
export * from './version.ts';
