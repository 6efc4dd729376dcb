/** The consumer area, loaded on demand. */
export { ProfilePage, AccessLogPage } from './ProfilePage.js';
