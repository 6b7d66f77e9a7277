export * from './catalog.ts';
export * from './declarations.ts';
export * from './errors.ts';
export * from './retention.ts';
export * from './version.ts';
