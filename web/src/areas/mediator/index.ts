/** The mediator's workspace, loaded on demand. */
export { QueuePage, CasesPage, CasePage } from './WorkspacePages.js';
