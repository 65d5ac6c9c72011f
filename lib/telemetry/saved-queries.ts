import 'server-only';

export * from './saved-queries-store';
