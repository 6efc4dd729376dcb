/**
 * Runs before each test file. Password hashes are made at a low scrypt cost: the suite logs in
 * thousands of times, which at the platform's cost would be minutes of CPU. The files that test
 * the cost, or depend on a hash taking its real time, raise it again for themselves.
 */
import { setPasswordHashCost, TEST_PASSWORD_HASH_COST } from '../src/platform/auth/password.js';

setPasswordHashCost(TEST_PASSWORD_HASH_COST);
