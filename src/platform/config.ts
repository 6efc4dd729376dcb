import path from 'node:path';

/** Which signature scheme the platform signs receipts and audit heads with. */
export type SignatureAlgorithm = 'ed25519' | 'sm2';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection string; absent means the embedded PGlite database under dataDir. */
  databaseUrl: string | undefined;
  natsUrl: string | undefined;
  redisUrl: string | undefined;
  /** An HTTP SMS gateway for safe-transaction reminders (FH_SMS_GATEWAY_URL); none: reminders go to the portal inbox only. */
  smsGatewayUrl: string | undefined;
  /** The address consumers reach the portal at, named in SMS reminders (FH_PUBLIC_URL). */
  publicUrl: string | undefined;
  /** Name of the NATS streams of asynchronous screening (FH_SCREENING_STREAM, default FH_SCREEN: FH_SCREEN_REQUESTS and FH_SCREEN_DECISIONS, subjects fh.screen.*). */
  screeningStream: string;
  /** How often due reminders expire and due webhooks are sent (FH_SCREENING_SWEEP_MS, default 1000). */
  screeningSweepMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Key for the HMAC that pseudonymises identifiers (base64, ≥ 32 bytes). Absent: generated into dataDir. */
  pseudonymKey: string | undefined;
  /** Vault keys, newest first: "id:base64key,id:base64key". Absent: generated into dataDir. */
  vaultKeys: string | undefined;
  /** Ed25519 or SM2 private key for signatures (PEM for Ed25519, hex for SM2). Absent: generated into dataDir. */
  signingKey: string | undefined;
  signatureAlgorithm: SignatureAlgorithm;
  /** Largest JSON request body accepted, in bytes. */
  bodyLimit: number;
  /** Load the demo data set on first start when the database is empty. */
  demo: boolean;
  /** How often the audit sealer takes new entries into the tree and signs its head. */
  auditSealIntervalMs: number;
  /** Entries sealed per transaction and signed head, at most. */
  auditSealBatch: number;
  /** The file the signed audit heads are appended to, for a second party to keep; null: none. */
  auditHeadFile: string | null;
  /** How often the newest head is appended to auditHeadFile. */
  auditHeadFileIntervalMs: number;
  /** Login attempts per account in a minute (twice as many in 15 minutes, four times in an hour). */
  loginAttemptsPerAccount: number;
  /** Login attempts per source address in a minute (twice as many in 15 minutes, four times in an hour). */
  loginAttemptsPerAddress: number;
  /** Password hashes (scrypt) computed at once. */
  passwordHashConcurrency: number;
  /** Password hashes that may wait for a place; beyond, a login answers 503 FH_AUTH_BUSY. */
  passwordHashQueue: number;
  /** Largest evidence file accepted, in bytes (FH_EVIDENCE_MAX_BYTES, default 64 MiB). */
  evidenceMaxBytes: number;
}

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function base64Key(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (Buffer.from(raw, 'base64').length < 32) throw new ConfigError(name, 'must be base64 of at least 32 bytes');
  return raw;
}

/**
 * Parse the process environment once at start-up into a typed configuration.
 * Throws ConfigError naming the variable when a value cannot be used.
 */
function streamName(value: string): string {
  if (!/^[A-Z][A-Z0-9_]{0,30}$/.test(value)) throw new ConfigError('FH_SCREENING_STREAM', `must be upper-case letters, digits and _ (got ${value})`);
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const vaultKeys = env.FH_VAULT_KEYS || undefined;
  if (vaultKeys !== undefined) {
    for (const entry of vaultKeys.split(',')) {
      const [id, key] = entry.split(':');
      if (!id || !key || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || Buffer.from(key, 'base64').length !== 32) {
        throw new ConfigError('FH_VAULT_KEYS', 'must be "id:base64key[,id:base64key…]" with 32-byte keys, newest first');
      }
    }
  }
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const headFile = env.FH_AUDIT_HEAD_FILE || path.join(dataDir, 'audit-heads.jsonl');
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    natsUrl: url(env, 'NATS_URL', ['nats:', 'tls:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    smsGatewayUrl: url(env, 'FH_SMS_GATEWAY_URL', ['http:', 'https:']),
    publicUrl: url(env, 'FH_PUBLIC_URL', ['http:', 'https:']),
    screeningStream: streamName(env.FH_SCREENING_STREAM || 'FH_SCREEN'),
    screeningSweepMs: integer(env, 'FH_SCREENING_SWEEP_MS', 1000, 100, 86_400_000),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    pseudonymKey: base64Key(env, 'FH_PSEUDONYM_KEY'),
    vaultKeys,
    signingKey: env.FH_SIGNING_KEY || undefined,
    signatureAlgorithm: oneOf(env, 'FH_SIGNATURE_ALGORITHM', ['ed25519', 'sm2'] as const, 'ed25519'),
    bodyLimit: integer(env, 'FH_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    demo: flag(env, 'FH_DEMO', true),
    auditSealIntervalMs: integer(env, 'FH_AUDIT_SEAL_INTERVAL_MS', 1000, 10, 3_600_000),
    auditSealBatch: integer(env, 'FH_AUDIT_SEAL_BATCH', 5000, 1, 20_000),
    auditHeadFile: headFile === 'off' ? null : path.resolve(headFile),
    auditHeadFileIntervalMs: integer(env, 'FH_AUDIT_HEAD_FILE_INTERVAL_MS', 60_000, 100, 86_400_000),
    loginAttemptsPerAccount: integer(env, 'FH_LOGIN_ATTEMPTS_PER_ACCOUNT', 5, 1, 10_000),
    loginAttemptsPerAddress: integer(env, 'FH_LOGIN_ATTEMPTS_PER_ADDRESS', 20, 1, 100_000),
    passwordHashConcurrency: integer(env, 'FH_PASSWORD_HASH_CONCURRENCY', 2, 1, 64),
    passwordHashQueue: integer(env, 'FH_PASSWORD_HASH_QUEUE', 32, 0, 10_000),
    evidenceMaxBytes: integer(env, 'FH_EVIDENCE_MAX_BYTES', 64 * 1024 * 1024, 1, 4 * 1024 * 1024 * 1024),
  };
}
