import { afterEach, describe, expect, it } from 'vitest';
import { decoyHash, hashPassword, PASSWORD_HASH_COST, setPasswordHashCost, TEST_PASSWORD_HASH_COST, verifyPassword } from './password.js';

describe('password hashes', () => {
  afterEach(() => {
    setPasswordHashCost(TEST_PASSWORD_HASH_COST);
  });

  it('are scrypt at N=2^15, r=8, p=1 with a fresh salt, and check the right password only', async () => {
    setPasswordHashCost(PASSWORD_HASH_COST);
    const [first, second] = await Promise.all([hashPassword('correct horse battery'), hashPassword('correct horse battery')]);
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(second).not.toBe(first);
    expect(await verifyPassword('correct horse battery', first)).toBe(true);
    expect(await verifyPassword('correct horse batterY', first)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'bcrypt$whatever')).toBe(false);
    // The decoy an unknown username is checked against costs as much as a real hash.
    expect(await decoyHash()).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('are checked at the cost stored with them, whatever the cost new hashes are made at', async () => {
    setPasswordHashCost(TEST_PASSWORD_HASH_COST);
    const cheap = await hashPassword('密码 with ünïcode');
    expect(cheap).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await decoyHash()).toMatch(/^scrypt\$1024\$8\$1\$/);
    setPasswordHashCost(PASSWORD_HASH_COST);
    expect(await verifyPassword('密码 with ünïcode', cheap)).toBe(true);
    // NFKC: the same password typed with a composed or a decomposed ü.
    expect(await verifyPassword('密码 with u\u0308nïcode', cheap)).toBe(true);
    expect(await verifyPassword('密码 with unicode', cheap)).toBe(false);
  });
});
