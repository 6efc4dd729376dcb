// The shared reply schemas live in the platform, so that its own routes (auth) can use them too.
export * from '../platform/schemas.js';
